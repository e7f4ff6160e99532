public import Spec

/// Graph attributes to ARM bodies and back.
///
/// Each mapping inverts exactly, so a freshly applied spec plans clean; Azure's defaults and read-only fields are
/// dropped on the way back (no perpetual diffs).
public enum AzureMapping {
    static func id(_ value: Value?) -> Value { value.map { .map(["id": $0]) } ?? .null }

    static func idOf(_ value: Value?) -> Value {
        if case .map(let m)? = value, let id = m["id"] { return id }
        return .null
    }

    /// `{virtualNetwork: vnetId, name: "GatewaySubnet"}` → `{"id": "vnetId/subnets/GatewaySubnet"}`.
    static func subnetReference(_ value: Value) -> Value {
        guard case .map(let subnet) = value, case .string(let vnet)? = subnet["virtualNetwork"],
            case .string(let name)? = subnet["name"]
        else { return value }
        return .map(["id": .string("\(vnet)/subnets/\(name)")])
    }

    /// The inverse of `subnetReference`.
    static func subnetFromReference(_ value: Value) -> Value {
        guard case .string(let id) = idOf(value) else { return value }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        return .map([
            "virtualNetwork": .string(parts.dropLast(2).joined(separator: "/")),
            "name": .string(String(parts.last ?? "")),
        ])
    }

    /// The ARM request body for a resource (each type's mapping is in its file under `Types/`).
    public static func arm(type: String, graph: Attributes) -> Attributes {
        ARMResourceTypes.arm(type: type, graph: graph)
    }

    /// The graph attributes of what ARM returned.
    public static func graph(type: String, arm: Attributes, subscription: String, group: String) -> Attributes {
        ARMResourceTypes.graph(type: type, arm: arm, subscription: subscription)
    }

    /// The types `arm` and `graph` map, each one way both directions.
    public static var types: [String] { ARMResourceTypes.all.map { $0.type }.sorted() }

    /// Outputs dependants may reference.
    public static func outputs(type: String, arm: Attributes) -> Attributes {
        var outputs: Attributes = ["id": arm["id"] ?? .null]
        guard case .map(let p)? = arm["properties"] else { return outputs }
        if let ip = p["ipAddress"] { outputs["ipAddress"] = ip }
        if case .map(let bgp)? = p["bgpSettings"], let address = bgp["bgpPeeringAddress"] {
            outputs["bgpPeeringAddress"] = address
        }
        if let status = p["connectionStatus"] { outputs["connectionStatus"] = status }
        // A hub VPN gateway's two instances: `publicIpAddress0`, `bgpPeeringAddress0`, ...
        if case .list(let configurations)? = p["ipConfigurations"] {
            for (index, item) in configurations.enumerated() {
                if case .map(let m) = item, let ip = m["publicIpAddress"] { outputs["publicIpAddress\(index)"] = ip }
            }
        }
        if case .map(let bgp)? = p["bgpSettings"], case .list(let peerings)? = bgp["bgpPeeringAddresses"] {
            for (index, item) in peerings.enumerated() {
                if case .map(let m) = item, case .list(let addresses)? = m["defaultBgpIpAddresses"],
                    let first = addresses.first
                {
                    outputs["bgpPeeringAddress\(index)"] = first
                }
            }
        }
        return outputs
    }
}
