/// An ExpressRoute gateway's connection to a circuit's peering
/// (`Microsoft.Network/expressRouteGateways/expressRouteConnections`).
enum ExpressRouteConnectionType: ARMResourceType {
    static let type = "Microsoft.Network/expressRouteGateways/expressRouteConnections"

    static let shape = ARMShape(
        references: ["expressRouteCircuitPeering", "expressRouteGateway"],
        immutable: ["expressRouteCircuitPeering"]
    )
}
