public import Spec

/// The Azure provider's lowering: the ARM resources (one per ARM resource or child resource)
/// the Azure kinds become, and the tunnels each site's router must terminate towards them.
public struct AzureLowering: ResourceLowering {
    public init() {}

    public var provider: String { "azure" }

    public func tasks(_ topology: Topology, context: LoweringContext) -> [@Sendable () -> Lowered] {
        [
            {
                var lowering = Lowering(topology: topology)
                lowering.lowerAzure()
                return Lowered(lowering.resources)
            }
        ]
    }

    /// One tunnel per gateway instance of each VpnConnection and HubVpnConnection to `site`.
    ///
    /// A gateway with two instances (an active-active VNet gateway, any Virtual WAN hub's VPN
    /// gateway) gets a tunnel and, with BGP, a neighbour per instance, as Microsoft's
    /// active-active guidance configures the on-premises device: one instance's maintenance or
    /// failure then leaves the other carrying traffic.
    public func siteTunnels(_ topology: Topology, site: String) -> [SiteTunnel]? {
        let lowering = Lowering(topology: topology)
        var found: [SiteTunnel] = []
        for c in topology.vpnConnections(toSite: site) {
            guard let gw = topology.gateways[c.spec.gateway] else { continue }
            let pips = Lowering.AzureAddress.gatewayPublicIPs(gw.name, activeActive: gw.spec.activeActive)
            let vnetPrefixes = topology.virtualNetworks[gw.spec.virtualNetwork]?.spec.addressSpace ?? []
            for (instance, pip) in pips.enumerated() {
                // An active-standby gateway's one address is `bgpPeeringAddress`; each instance of an
                // active-active one has its own (ARM lists them comma-separated there).
                let output = pips.count == 1 ? "bgpPeeringAddress" : "bgpPeeringAddress\(instance)"
                let bgp: (Value, ASN)? =
                    c.spec.routing == .bgp
                    ? (.output(Lowering.AzureAddress.gateway(gw.name), output), gw.spec.bgp?.asn ?? .azure) : nil
                found.append(
                    SiteTunnel(
                        name: Lowering.tunnelName(connection: c.name, instance: instance),
                        connection: c.name,
                        instance: instance,
                        meta: c.meta,
                        ikeVersion: c.spec.protocol,
                        policy: lowering.effectivePolicy(c),
                        sharedKey: c.spec.sharedKey.source,
                        peer: .output(pip, "ipAddress"),
                        staticPrefixes: bgp == nil ? vnetPrefixes : nil,
                        bgpPeer: bgp.map { (address: $0.0, asn: $0.1) }
                    )
                )
            }
        }
        for c in topology.hubVpnConnections(toSite: site) {
            guard let hub = topology.virtualHubs[c.spec.hub] else { continue }
            let gateway = Lowering.AzureAddress.hubVpnGateway(hub.name)
            let spokes = hub.spec.virtualNetworkConnections.flatMap {
                topology.virtualNetworks[$0.virtualNetwork]?.spec.addressSpace ?? []
            }
            // A hub's VPN gateway always runs two instances.
            for instance in 0..<2 {
                let bgp: (Value, ASN)? = c.spec.bgp ? (.output(gateway, "bgpPeeringAddress\(instance)"), .azure) : nil
                found.append(
                    SiteTunnel(
                        name: Lowering.tunnelName(connection: c.name, instance: instance),
                        connection: c.name,
                        instance: instance,
                        meta: c.meta,
                        ikeVersion: c.spec.protocol,
                        policy: lowering.effectivePolicy(c),
                        sharedKey: c.spec.sharedKey.source,
                        peer: .output(gateway, "publicIpAddress\(instance)"),
                        staticPrefixes: bgp == nil ? [hub.spec.addressPrefix] + spokes : nil,
                        bgpPeer: bgp.map { (address: $0.0, asn: $0.1) }
                    )
                )
            }
        }
        return found.sorted { ($0.instance, $0.name) < ($1.instance, $1.name) }
    }
}
