/// A route table (`Microsoft.Network/routeTables`): user-defined routes for a VNet's subnets.
enum RouteTableType: ARMResourceType {
    static let type = "Microsoft.Network/routeTables"

    static let shape = ARMShape(items: ["routes": ARMShape()])
}
