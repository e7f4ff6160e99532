/// An Azure Firewall in a hub (`Microsoft.Network/azureFirewalls`): the spec's count of public
/// addresses sits deep in the body.
enum AzureFirewallType: ARMResourceType {
    static let type = "Microsoft.Network/azureFirewalls"

    static let shape = ARMShape(
        references: ["virtualHub"],
        paths: ["publicIPCount": ["hubIPAddresses", "publicIPs", "count"]]
    )
}
