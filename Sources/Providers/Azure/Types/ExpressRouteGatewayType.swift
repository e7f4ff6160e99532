/// A hub's ExpressRoute gateway (`Microsoft.Network/expressRouteGateways`): its scale sits deep
/// in the body.
enum ExpressRouteGatewayType: ARMResourceType {
    static let type = "Microsoft.Network/expressRouteGateways"

    static let shape = ARMShape(
        references: ["virtualHub"],
        paths: ["autoScaleMinBounds": ["autoScaleConfiguration", "bounds", "min"]],
        immutable: ["virtualHub"]
    )
}
