internal import Foundation
internal import Spec

/// Child resources as ARM serves them: one object, two views.
///
/// A subnet is an item of its VNet's `properties.subnets` and a resource at
/// `…/virtualNetworks/V/subnets/S`; a route likewise in its route table. A write through either
/// view shows in both: a VNet PUT rewrites the child records from its list, and a PUT or DELETE at
/// the child path is carried out as a PUT of the parent with that item changed, so the parent's
/// rules (ranges, overlaps, subnets in use) judge both the same way. A Virtual WAN VPN gateway's
/// `connections` are its `vpnConnections` children the same way. A Virtual Hub lists its Route
/// Server children (`bgpConnections`, `ipConfigurations`) by id only, as ARM does.
extension AzureModel {
    /// A list inside a resource's properties whose items ARM gives an id, etag, type and state.
    struct NestedList: Sendable {
        /// The property (`subnets`, `connections`).
        var property: String
        /// Whether ARM also serves each item at its child path.
        var servedAtChildPath: Bool
        /// Whether ARM gives each item a `type` (a gateway's ip configurations have none).
        var typed = true
        /// The child segment of the items' ids and types, where it is not the property's name
        /// (a VPN gateway's `connections` are `…/vpnConnections/C`).
        var renamed: String?
        /// Whether a parent PUT that leaves the property out keeps the items (an explicit `[]`
        /// removes them): a hub VPN gateway's connections are written on their own, so a client
        /// updating the gateway does not send them.
        var keptWhenAbsent = false

        /// The child segment of the items' ids (`subnets`, `vpnConnections`).
        var segment: String { renamed ?? property }
    }

    /// Nested lists by the lower-cased type that holds them (`vpngateways/vpnconnections`).
    static let nestedLists: [String: [NestedList]] = [
        "virtualnetworks": [NestedList(property: "subnets", servedAtChildPath: true)],
        "routetables": [NestedList(property: "routes", servedAtChildPath: true)],
        "virtualnetworkgateways": [NestedList(property: "ipConfigurations", servedAtChildPath: false, typed: false)],
        "vpnsites": [NestedList(property: "vpnSiteLinks", servedAtChildPath: false)],
        "vpngateways": [
            NestedList(
                property: "connections",
                servedAtChildPath: true,
                renamed: "vpnConnections",
                keptWhenAbsent: true
            )
        ],
        "vpngateways/vpnconnections": [NestedList(property: "vpnLinkConnections", servedAtChildPath: false)],
    ]

    /// Child resources a parent lists as `[{"id": …}]` (read-only in ARM), by the parent's type.
    static let referencedChildren: [String: [String]] = ["virtualhubs": ["bgpConnections", "ipConfigurations"]]

    /// The nested list a child path is the other view of (`virtualNetworks` + `subnets`), if any.
    static func inlineList(parentType: String, child: String) -> NestedList? {
        nestedLists[parentType.lowercased()]?.first {
            $0.servedAtChildPath && $0.segment.lowercased() == child.lowercased()
        }
    }

    /// Gives each item of the nested lists `id`, `etag`, `type` and `provisioningState`, as ARM
    /// returns them, and so on down (a VPN connection's link connections); a nil `etag` keeps each
    /// item's own (a state change is not a write).
    static func decorateNested(
        _ properties: inout Attributes,
        type: String,
        id: String,
        etag: String?,
        state: Value
    ) {
        for list in nestedLists[type.lowercased()] ?? [] {
            guard case .list(let items)? = properties[list.property] else { continue }
            properties[list.property] = .list(
                items.map { item in
                    guard case .map(var m) = item, case .string(let name)? = m["name"] else { return item }
                    let itemId = "\(id)/\(list.segment)/\(name)"
                    var inner: Attributes = [:]
                    if case .map(let given)? = m["properties"] { inner = given }
                    inner["provisioningState"] = state
                    decorateNested(&inner, type: "\(type)/\(list.segment)", id: itemId, etag: etag, state: state)
                    m["properties"] = .map(inner)
                    m["id"] = .string(itemId)
                    if let etag { m["etag"] = .string(etag) }
                    if list.typed { m["type"] = .string("Microsoft.Network/\(type)/\(list.segment)") }
                    return .map(m)
                }
            )
        }
    }

    /// Carries over the items of the lists a PUT left out that ARM keeps (`keptWhenAbsent`).
    static func keepAbsentLists(_ properties: inout Attributes, type: String, existing: Attributes?) {
        guard let existing else { return }
        for list in nestedLists[type.lowercased()] ?? [] where list.keptWhenAbsent {
            guard properties[list.property] == nil || properties[list.property] == .null else { continue }
            properties[list.property] = .list(itemsOf(existing, list.property))
        }
    }

    /// Rewrites the child records of `parent`'s nested lists from its body: new items appear at
    /// their child paths, dropped ones go.
    ///
    /// A child is provisioned with its parent (same state, same operation), as a hub VPN
    /// gateway's connections are.
    func syncChildRecords(parent key: String, type: String, body: Attributes) {
        let parent = resources[key]
        for list in Self.nestedLists[type.lowercased()] ?? [] where list.servedAtChildPath {
            let prefix = key + "/" + list.segment.lowercased() + "/"
            var items: [String: Attributes] = [:]
            if case .list(let values)? = properties(body)[list.property] {
                for case .map(let item) in values {
                    guard case .string(let id)? = item["id"] else { continue }
                    items[id.lowercased()] = item
                }
            }
            for old in resources.keys where old.hasPrefix(prefix) && items[old] == nil {
                resources[old] = nil
            }
            for (childKey, item) in items {
                resources[childKey] = Stored(
                    body: item,
                    ready: parent?.ready ?? clock.now,
                    operation: parent?.operation
                )
            }
        }
    }

    /// Refreshes a parent's read-only lists of child ids (a hub's `bgpConnections`).
    func refreshReferences(parent key: String) {
        guard var stored = resources[key], case .string(let type)? = stored.body["type"],
            let fields = Self.referencedChildren[
                type.lowercased().replacingOccurrences(of: "microsoft.network/", with: "")
            ],
            case .map(var p)? = stored.body["properties"]
        else { return }
        for field in fields {
            let prefix = key + "/" + field.lowercased() + "/"
            let ids = resources.keys.filter { $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
                .sorted().compactMap { resources[$0]?.body["id"] }
            p[field] = .list(ids.map { .map(["id": $0]) })
        }
        stored.body["properties"] = .map(p)
        resources[key] = stored
    }

    /// PUT at a child path whose item also lives in the parent's list: the parent is written
    /// with the item replaced or added, and the answer is the item at its child path.
    func putInline(
        parentId: String,
        parentType: String,
        list: NestedList,
        name: String,
        group: String,
        _ request: ARMRequest
    ) -> ARMResponse {
        let childId = "\(parentId)/\(list.segment)/\(name)"
        if let refused = invalidName(name) { return refused }
        guard let parent = current(parentId.lowercased()) else { return parentNotFound(parentId) }
        if let refused = unmetPrecondition(request, current: current(childId.lowercased())) { return refused }
        guard let given = decode(request.body) else {
            return error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
        }
        var item: Attributes = ["name": .string(name)]
        if let p = given["properties"] { item["properties"] = p }
        let created = current(childId.lowercased()) == nil
        var items = Self.itemsOf(parent.body, list.property).filter { !Self.named($0, name) }
        if let index = Self.itemsOf(parent.body, list.property).firstIndex(where: { Self.named($0, name) }) {
            items.insert(.map(item), at: min(index, items.count))
        } else {
            items.append(.map(item))
        }
        let answer = putParent(parent, id: parentId, type: parentType, group: group, list: list, items: items, request)
        guard answer.status < 300 else { return answer }
        guard let stored = current(childId.lowercased()) else { return parentNotFound(parentId) }
        // The child is provisioned with its parent: the client polls the parent's operation.
        let polling = answer.headers.filter { $0.key == "Azure-AsyncOperation" || $0.key == "Retry-After" }
        return json(created ? 201 : 200, stored.body, headers: polling)
    }

    /// DELETE at such a child path: the parent is written without the item.
    func deleteInline(parentId: String, parentType: String, list: NestedList, name: String, _ request: ARMRequest)
        -> ARMResponse
    {
        let childId = "\(parentId)/\(list.segment)/\(name)"
        if let refused = unmetPrecondition(request, current: current(childId.lowercased())) { return refused }
        guard let parent = current(parentId.lowercased()), current(childId.lowercased()) != nil else {
            return ARMResponse(status: 204)
        }
        if let user = usedBy(childId) {
            return error(
                400,
                "InUseSubnetCannotBeDeleted",
                "Resource \(childId) is in use by \(user) and cannot be deleted."
            )
        }
        let group = parentId.split(separator: "/").dropFirst(3).first.map(String.init) ?? ""
        let items = Self.itemsOf(parent.body, list.property).filter { !Self.named($0, name) }
        let answer = putParent(parent, id: parentId, type: parentType, group: group, list: list, items: items, request)
        return answer.status < 300 ? ARMResponse(status: 200) : answer
    }

    private func putParent(
        _ parent: Stored,
        id: String,
        type: String,
        group: String,
        list: NestedList,
        items: [Value],
        _ request: ARMRequest
    ) -> ARMResponse {
        var body = parent.body
        var p = properties(body)
        p[list.property] = .list(items)
        body["properties"] = .map(p)
        var inner = request
        inner.method = "PUT"
        inner.body = Array(JSONOutput.encode(Value.map(body)).utf8)
        // The client's precondition was on the child, checked already.
        inner.headers["if-match"] = nil
        inner.headers["if-none-match"] = nil
        let name = String(id.split(separator: "/").last ?? "")
        return put(id: id, name: name, type: type, group: group, inner)
    }

    static func itemsOf(_ body: Attributes, _ property: String) -> [Value] {
        if case .map(let p)? = body["properties"], case .list(let items)? = p[property] { return items }
        return []
    }

    static func named(_ item: Value, _ name: String) -> Bool {
        if case .map(let m) = item, case .string(let n)? = m["name"] { return n.lowercased() == name.lowercased() }
        return false
    }

    /// ARM's answer to a write under a parent that does not exist.
    func parentNotFound(_ parentId: String) -> ARMResponse {
        let name = parentId.split(separator: "/").last.map(String.init) ?? parentId
        return error(
            404,
            "ParentResourceNotFound",
            "Can not perform requested operation on nested resource. Parent resource '\(name)' not found."
        )
    }

    /// PUT `connections/{c}/sharedkey` (`setSharedKey`): the key the connection uses from now on.
    func putSharedKey(_ id: String, name: String, group: String, _ request: ARMRequest) -> ARMResponse {
        let key = id.lowercased()
        guard var stored = current(key) else { return notFound("connections", name, group) }
        guard let body = decode(request.body), case .string(let value)? = body["value"], !value.isEmpty else {
            return error(400, "InvalidRequestContent", "A shared key needs a non-empty 'value'.")
        }
        stored.sharedKey = value
        resources[key] = stored
        return json(200, ["id": .string(id + "/sharedkey"), "value": .string(value)])
    }
}
