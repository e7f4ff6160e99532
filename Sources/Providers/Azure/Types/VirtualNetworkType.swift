internal import Reconciler
internal import Spec

/// A virtual network (`Microsoft.Network/virtualNetworks`) and its subnets, matched by name: a
/// subnet the spec does not name is someone else's.
enum VirtualNetworkType: ARMResourceType {
    static let type = "Microsoft.Network/virtualNetworks"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [.init("location", forcesReplacement: true), .init("subnets", keyedBy: "name")]
    )

    // Code, not a shape: both prefix lists are written as `[]` when the spec has none,
    // `dnsServers` also reads back as `[]` when Azure omits `dhcpOptions`, and a subnet's
    // `routeTable` is left out of the body when null but reads back as null when absent: defaults
    // that differ by direction, which the declaration (one value, two directions) cannot express.

    static func arm(_ g: Attributes) -> Attributes {
        var body = common(g)
        var p: Attributes = [:]
        p["addressSpace"] = .map(["addressPrefixes": g["addressPrefixes"] ?? .list([])])
        p["dhcpOptions"] = .map(["dnsServers": g["dnsServers"] ?? .list([])])
        if case .list(let subnets)? = g["subnets"] {
            p["subnets"] = .list(
                subnets.map { subnet in
                    guard case .map(let s) = subnet else { return subnet }
                    var sp: Attributes = ["addressPrefix": s["addressPrefix"] ?? .null]
                    if let table = s["routeTable"], table != .null { sp["routeTable"] = AzureMapping.id(table) }
                    return .map(["name": s["name"] ?? .null, "properties": .map(sp)])
                }
            )
        }
        body["properties"] = .map(p)
        return body
    }

    static func graph(_ arm: Attributes, subscription: String) -> Attributes {
        var g = common(arm: arm)
        let p = properties(arm)
        if case .map(let space)? = p["addressSpace"] {
            g["addressPrefixes"] = space["addressPrefixes"] ?? .list([])
        }
        if case .map(let dhcp)? = p["dhcpOptions"] {
            g["dnsServers"] = dhcp["dnsServers"] ?? .list([])
        } else {
            g["dnsServers"] = .list([])
        }
        if case .list(let subnets)? = p["subnets"] {
            g["subnets"] = .list(
                subnets.map { subnet in
                    guard case .map(let s) = subnet, case .map(let sp)? = s["properties"] else { return subnet }
                    return .map([
                        "name": s["name"] ?? .null, "addressPrefix": sp["addressPrefix"] ?? .null,
                        "routeTable": AzureMapping.idOf(sp["routeTable"]),
                    ])
                }
            )
        }
        return g
    }
}
