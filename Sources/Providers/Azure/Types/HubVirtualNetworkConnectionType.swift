/// A hub's connection to a spoke VNet (`Microsoft.Network/virtualHubs/hubVirtualNetworkConnections`).
enum HubVirtualNetworkConnectionType: ARMResourceType {
    static let type = "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections"

    static let shape = ARMShape(
        references: ["remoteVirtualNetwork", "virtualHub"],
        immutable: ["remoteVirtualNetwork"]
    )
}
