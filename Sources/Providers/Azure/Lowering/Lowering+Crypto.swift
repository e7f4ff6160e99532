public import Spec

extension Lowering {
    /// The policy both ends of a gateway connection use: the spec's, or the recommended one.
    ///
    /// A Basic gateway takes no custom policy, so its connections keep Azure's default proposals
    /// (nil here; the router then offers `IpsecProposals.azureDefault`, the seed's values, which
    /// `AzureLowering.defaultProposals` hands the router's lowering).
    func effectivePolicy(_ c: SpecObject<VpnConnection>) -> IpsecPolicy? {
        if let pinned = c.spec.ipsecPolicy { return pinned }
        if topology.gateways[c.spec.gateway]?.spec.sku == "Basic" { return nil }
        return .recommended(for: c.spec.protocol)
    }

    /// The policy both ends of a Virtual WAN link use: the spec's, or the recommended one.
    func effectivePolicy(_ c: SpecObject<HubVpnConnection>) -> IpsecPolicy {
        c.spec.ipsecPolicy ?? .recommended(for: c.spec.protocol)
    }
}

extension AzureLowering {
    /// What Azure's gateways accept on a connection with no ipsecPolicy: the one statement of
    /// Azure's defaults, which verify compares against too.
    public var defaultProposals: IpsecProposals? { .azureDefault }
}
