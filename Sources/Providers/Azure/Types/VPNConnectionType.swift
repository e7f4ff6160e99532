/// A hub VPN gateway's connection to a VPN site (`Microsoft.Network/vpnGateways/vpnConnections`),
/// one link connection per site link.
enum VPNConnectionType: ARMResourceType {
    static let type = "Microsoft.Network/vpnGateways/vpnConnections"

    static let shape = ARMShape(
        references: ["remoteVpnSite", "vpnGateway"],
        items: ["vpnLinkConnections": ARMShape()],
        immutable: ["remoteVpnSite"]
    )
}
