/// A Route Server's BGP peer (`Microsoft.Network/virtualHubs/bgpConnections`), an NVA.
enum VirtualHubBGPConnectionType: ARMResourceType {
    static let type = "Microsoft.Network/virtualHubs/bgpConnections"

    static let shape = ARMShape(references: ["virtualHub"])
}
