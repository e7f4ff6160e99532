/// A hub's routing intent (`Microsoft.Network/virtualHubs/routingIntent`): which traffic goes
/// through which next hop (a firewall, an NVA).
enum VirtualHubRoutingIntentType: ARMResourceType {
    static let type = "Microsoft.Network/virtualHubs/routingIntent"

    static let shape = ARMShape(
        references: ["virtualHub"],
        items: ["routingPolicies": ARMShape(topLevel: ["destinations", "nextHop"])]
    )
}
