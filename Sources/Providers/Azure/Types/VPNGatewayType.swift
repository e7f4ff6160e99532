/// A hub's site-to-site VPN gateway (`Microsoft.Network/vpnGateways`).
enum VPNGatewayType: ARMResourceType {
    static let type = "Microsoft.Network/vpnGateways"

    // Azure fills in the instances' addresses; of the BGP settings, the ASN is the spec's.
    // The connections listed inline are the gateway's vpnConnections, each a resource of its own.
    static let shape = ARMShape(
        references: ["virtualHub"],
        immutable: ["virtualHub", "bgpSettings"],
        readOnly: ARMShape.azureFields.union(["connections", "ipConfigurations"]),
        owned: ["bgpSettings": ["asn"]]
    )
}
