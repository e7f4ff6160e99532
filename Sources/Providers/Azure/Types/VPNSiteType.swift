/// A VPN site (`Microsoft.Network/vpnSites`): an on-premises site of a Virtual WAN and its links.
enum VPNSiteType: ARMResourceType {
    static let type = "Microsoft.Network/vpnSites"

    static let shape = ARMShape(
        references: ["virtualWan"],
        items: ["vpnSiteLinks": ARMShape()],
        paths: [
            "addressPrefixes": ["addressSpace", "addressPrefixes"],
            "deviceVendor": ["deviceProperties", "deviceVendor"],
        ],
        immutable: ["virtualWan"]
    )
}
