internal import Spec

/// How a resource type's graph attributes sit in its ARM body, declared rather than coded.
///
/// Which fields are references (`{"id": …}` in ARM), which lists hold named items (each
/// `{"name", "properties": {…}}`), and which values sit deeper in the body.
///
/// One converter reads the declaration both ways, so a type's body and its read-back cannot disagree.
/// Each type declares its shape in its own file (`Types/`, listed in `ARMResourceTypes.all`); the
/// few whose mapping a declaration cannot say write it as code there instead, saying why.
struct ARMShape: Sendable {
    /// Fields whose value is a resource id, sent as `{"id": value}`.
    var references: Set<String> = []
    /// Lists of named items, each with its own shape.
    var items: [String: ARMShape] = [:]
    /// A graph field stored at a deeper path inside `properties` (`["autoScaleConfiguration", "bounds", "min"]`).
    var paths: [String: [String]] = [:]
    /// Fields that sit beside `properties`, not inside (`sku` of a firewall).
    var topLevel: Set<String> = []
    /// Fields Azure will not change in place (TF "forces a new resource"): a change replaces.
    var immutable: Set<String> = []
    /// Fields Azure sets that are not the spec's (read-only on the way back).
    var readOnly: Set<String> = azureFields
    /// Map-valued fields of which the spec owns only these keys: on the way back the others are
    /// Azure's and dropped, and a missing one reads as null.
    var owned: [String: [String]] = [:]

    /// The fields Azure sets on any type.
    static let azureFields: Set<String> = [
        "provisioningState", "resourceGuid", "etag", "connectionStatus", "routingState", "virtualRouterAsn",
        "virtualRouterIps",
    ]

    /// The parent links (`virtualHub` of a child resource) are in its URL, not its body.
    static let parentFields: Set<String> = ["virtualHub", "vpnGateway", "expressRouteGateway"]

    /// A child type (`virtualHubs/bgpConnections`) has its parent in its URL.
    static func isChild(_ type: String) -> Bool { type.split(separator: "/").count > 2 }

    /// `{…graph}` → `{location, tags, sku?, properties: {…}}`.
    func arm(_ graph: Attributes, child: Bool) -> Attributes {
        var body: Attributes = [:]
        var properties: Attributes = [:]
        for entry in graph {
            if entry.key == "location" || entry.key == "tags" {
                body[entry.key] = entry.value
            } else if child && Self.parentFields.contains(entry.key) {
                continue
            } else if topLevel.contains(entry.key) {
                body[entry.key] = entry.value
            } else if let path = paths[entry.key] {
                properties = Self.set(entry.value, at: path, in: properties)
            } else {
                properties[entry.key] = armValue(entry.key, entry.value)
            }
        }
        body["properties"] = .map(properties)
        return body
    }

    private func armValue(_ key: String, _ value: Value) -> Value {
        if references.contains(key), value != .null { return .map(["id": value]) }
        if let item = items[key], case .list(let list) = value {
            return .list(
                list.map { element in
                    guard case .map(let m) = element else { return element }
                    var named = item.arm(m, child: true)
                    named["name"] = m["name"] ?? .null
                    if case .map(var p)? = named["properties"] {
                        p["name"] = nil
                        named["properties"] = .map(p)
                    }
                    return .map(named)
                }
            )
        }
        if key == "subnet" { return AzureMapping.subnetReference(value) }
        return value
    }

    /// The inverse of `arm`: the graph attributes of an ARM body.
    func graph(_ arm: Attributes, child: Bool) -> Attributes {
        var graph: Attributes = [:]
        if let location = arm["location"] { graph["location"] = location }
        if !child { graph["tags"] = arm["tags"] ?? .map([:]) }
        for key in topLevel { if let value = arm[key] { graph[key] = value } }
        guard case .map(var properties)? = arm["properties"] else { return graph }
        for (field, path) in paths {
            if let value = Self.get(path, in: properties) { graph[field] = value }
            if let first = path.first { properties[first] = nil }
        }
        for entry in properties where !readOnly.contains(entry.key) {
            graph[entry.key] = graphValue(entry.key, entry.value)
        }
        // A child's parent is in its id (`…/virtualHubs/h/bgpConnections/p`), not its body.
        if child, case .string(let id)? = arm["id"] {
            let parent = id.split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/")
            for field in references.intersection(Self.parentFields) { graph[field] = .string(parent) }
        }
        return graph
    }

    private func graphValue(_ key: String, _ value: Value) -> Value {
        if key == "subnet" { return AzureMapping.subnetFromReference(value) }
        if references.contains(key), case .map(let m) = value { return m["id"] ?? .null }
        if let item = items[key], case .list(let list) = value {
            return .list(
                list.map { element in
                    guard case .map(let m) = element else { return element }
                    var flat = item.graph(m, child: true)
                    flat["name"] = m["name"] ?? .null
                    return .map(flat)
                }
            )
        }
        if let keys = owned[key], case .map(let m) = value {
            var kept: Attributes = [:]
            for owned in keys { kept[owned] = m[owned] ?? .null }
            return .map(kept)
        }
        return value
    }

    static func set(_ value: Value, at path: [String], in map: Attributes) -> Attributes {
        guard let first = path.first else { return map }
        var result = map
        if path.count == 1 {
            result[first] = value
        } else {
            var inner: Attributes = [:]
            if case .map(let existing)? = map[first] { inner = existing }
            result[first] = .map(set(value, at: Array(path.dropFirst()), in: inner))
        }
        return result
    }

    static func get(_ path: [String], in map: Attributes) -> Value? {
        guard let first = path.first, let value = map[first] else { return nil }
        if path.count == 1 { return value }
        guard case .map(let inner) = value else { return nil }
        return get(Array(path.dropFirst()), in: inner)
    }
}
