extension Validator {
    /// A reference from one object to another, for resolution and cycle detection.
    struct Reference {
        var from: ObjectMeta
        var path: [PathComponent]
        var name: String
        var kinds: [Kind]
    }

    /// Every by-name reference in the spec, in a stable order.
    var references: [Reference] {
        var refs: [Reference] = []
        func add(_ meta: ObjectMeta, _ path: [PathComponent], _ name: String?, _ kinds: Kind...) {
            if let name { refs.append(Reference(from: meta, path: ["spec"] + path, name: name, kinds: kinds)) }
        }
        for vnet in topology.virtualNetworks {
            for (i, subnet) in vnet.spec.subnets.enumerated() {
                add(vnet.meta, ["subnets", .index(i), "routeTable"], subnet.routeTable, .routeTable)
            }
        }
        for gw in topology.gateways {
            add(gw.meta, ["virtualNetwork"], gw.spec.virtualNetwork, .virtualNetwork)
            add(gw.meta, ["forcedTunneling", "defaultSite"], gw.spec.defaultSite, .site)
        }
        for site in topology.sites {
            add(site.meta, ["device"], site.spec.device, .ciscoRouter)
        }
        for c in topology.vpnConnections {
            add(c.meta, ["gateway"], c.spec.gateway, .virtualNetworkGateway)
            add(c.meta, ["site"], c.spec.site, .site)
        }
        for c in topology.expressRouteConnections {
            add(c.meta, ["gateway"], c.spec.gateway, .virtualNetworkGateway, .virtualHub)
            add(c.meta, ["site"], c.spec.site, .site)
        }
        for hub in topology.virtualHubs {
            add(hub.meta, ["virtualWan"], hub.spec.virtualWan, .virtualWan)
            for (i, c) in hub.spec.virtualNetworkConnections.enumerated() {
                add(
                    hub.meta,
                    ["virtualNetworkConnections", .index(i), "virtualNetwork"],
                    c.virtualNetwork,
                    .virtualNetwork
                )
            }
        }
        for c in topology.hubVpnConnections {
            add(c.meta, ["hub"], c.spec.hub, .virtualHub)
            add(c.meta, ["site"], c.spec.site, .site)
        }
        for rs in topology.routeServers {
            add(rs.meta, ["virtualNetwork"], rs.spec.virtualNetwork, .virtualNetwork)
        }
        return refs
    }

    mutating func checkReferences() {
        let refs = references
        for ref in refs {
            resolve(ref)
        }
        checkCycles(refs)
    }

    /// Reports a reference that names nothing, or an object of another kind.
    private mutating func resolve(_ ref: Reference) {
        if ref.kinds.contains(where: { topology.declared[$0]?[ref.name] != nil }) { return }
        let wanted = ref.kinds.map(\.rawValue).joined(separator: " or ")
        let at = ref.from.location(ref.path)
        if let other = topology.kinds(declaring: ref.name).first, let meta = topology.declared[other]?[ref.name] {
            error(
                .refKind,
                "'\(ref.name)' is a \(other.rawValue), but this field needs a \(wanted)",
                at: at,
                notes: [.init("\(other.rawValue) '\(ref.name)' is defined here", at: meta.location)]
            )
            return
        }
        let candidates = ref.kinds.flatMap { (topology.declared[$0] ?? [:]).keys }.sorted()
        error(
            .refMissing,
            "no \(wanted) named '\(ref.name)'",
            at: at,
            hint: Suggest.didYouMean(ref.name, in: candidates)
                ?? (candidates.isEmpty
                    ? "the spec defines no \(wanted)" : "defined: " + candidates.prefix(8).joined(separator: ", "))
        )
    }

    /// Reports every cycle of references (Tarjan's strongly connected components), once, at
    /// the reference that closes it.
    private mutating func checkCycles(_ refs: [Reference]) {
        struct Node: Hashable {
            var kind: Kind
            var name: String
        }
        // Objects can only form a cycle if their kinds do: check the small kind graph first
        // (v1's kinds never form one, so a large spec skips the object-level search).
        var kindEdges: [Kind: Set<Kind>] = [:]
        for ref in refs {
            for kind in ref.kinds { kindEdges[ref.from.kind, default: []].insert(kind) }
        }
        let kindCycles = StronglyConnected.components(
            nodes: Kind.allCases,
            successors: { Array(kindEdges[$0] ?? []).sorted() }
        )
        guard !kindCycles.isEmpty else { return }
        var edges: [Node: [(Node, Reference)]] = [:]
        for ref in refs {
            guard let kind = ref.kinds.first(where: { topology.declared[$0]?[ref.name] != nil }) else { continue }
            edges[Node(kind: ref.from.kind, name: ref.from.name), default: []]
                .append((Node(kind: kind, name: ref.name), ref))
        }
        let cycles = StronglyConnected.components(
            nodes: edges.keys.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) },
            successors: { edges[$0]?.map(\.0) ?? [] }
        )
        for component in cycles {
            let members = Set(component)
            let closing = component.lazy.compactMap { node in edges[node]?.first { members.contains($0.0) }?.1 }.first
            guard let closing else { continue }
            let path =
                component.map { "\($0.kind.rawValue) '\($0.name)'" } + [
                    "\(component[0].kind.rawValue) '\(component[0].name)'"
                ]
            error(
                .refCycle,
                "references form a cycle: " + path.joined(separator: " -> "),
                at: closing.from.location(closing.path),
                hint: "remove one of these references"
            )
        }
    }
}

/// Tarjan's algorithm, iterative; returns the components that are cycles (more than one
/// node, or one node with an edge to itself), each in traversal order.
public enum StronglyConnected {
    public static func components<Node: Hashable>(nodes: [Node], successors: (Node) -> [Node]) -> [[Node]] {
        var index = 0
        var indices: [Node: Int] = [:]
        var lowlink: [Node: Int] = [:]
        var onStack = Set<Node>()
        var stack: [Node] = []
        var result: [[Node]] = []
        for start in nodes where indices[start] == nil {
            var work: [(Node, [Node], Int)] = [(start, successors(start), 0)]
            indices[start] = index
            lowlink[start] = index
            index += 1
            stack.append(start)
            onStack.insert(start)
            while let (node, next, start) = work.popLast() {
                var position = start
                if position < next.count {
                    let successor = next[position]
                    position += 1
                    work.append((node, next, position))
                    if indices[successor] == nil {
                        indices[successor] = index
                        lowlink[successor] = index
                        index += 1
                        stack.append(successor)
                        onStack.insert(successor)
                        work.append((successor, successors(successor), 0))
                    } else if onStack.contains(successor) {
                        lowlink[node] = min(lowlink[node, default: 0], indices[successor, default: 0])
                    }
                    continue
                }
                if let parent = work.last?.0 {
                    lowlink[parent] = min(lowlink[parent, default: 0], lowlink[node, default: 0])
                }
                if lowlink[node] == indices[node] {
                    var component: [Node] = []
                    while let member = stack.popLast() {
                        onStack.remove(member)
                        component.append(member)
                        if member == node { break }
                    }
                    let selfLoop = component.count == 1 && successors(node).contains(node)
                    if component.count > 1 || selfLoop {
                        result.append(component.reversed())
                    }
                }
            }
        }
        return result
    }
}
