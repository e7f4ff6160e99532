/// A Route Server's IP configuration (`Microsoft.Network/virtualHubs/ipConfigurations`): its subnet
/// and public address are set once.
enum VirtualHubIPConfigurationType: ARMResourceType {
    static let type = "Microsoft.Network/virtualHubs/ipConfigurations"

    static let shape = ARMShape(
        references: ["publicIPAddress", "virtualHub"],
        immutable: ["publicIPAddress", "subnet"]
    )
}
