public import Spec

extension Lowering {
    /// The policy both ends of a gateway connection use: the spec's, or the recommended one.
    ///
    /// A Basic gateway takes no custom policy, so its connections keep Azure's default proposals
    /// (nil here; the router then gets `IOSCrypto.azureDefault`, the seed's values).
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
