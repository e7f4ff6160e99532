internal import HeapModule

/// One resource the spec wants to exist.
public struct Resource: Sendable {
    public var address: ResourceAddress
    /// The provider's type name (`Microsoft.Network/virtualNetworks`, `ios.tunnel`).
    public var type: String
    public var attributes: Attributes
    /// Resources this one needs first: those whose outputs it references, plus ordering
    /// dependencies that carry no value (an IKEv2 profile needs its keyring).
    public var dependencies: [ResourceAddress]
    /// The spec object it came from.
    public var source: SourceLocation
    /// That object, as messages print it (`VirtualNetwork 'hub-vnet'`).
    public var object: String = ""
    /// That object's `metadata.labels`.
    public var labels: [String: String] = [:]

    public var provider: String { address.provider }

    public init(
        address: ResourceAddress,
        type: String,
        attributes: Attributes,
        dependencies: [ResourceAddress],
        source: SourceLocation
    ) {
        self.address = address
        self.type = type
        self.attributes = attributes
        self.dependencies = dependencies
        self.source = source
    }

    /// Dotted paths of every secret among the attributes.
    public var sensitivePaths: [String] { Value.map(attributes).sensitivePaths() }
}

/// The desired state: resources sorted by address, with edges from their dependencies.
public struct DesiredGraph: Sendable {
    public private(set) var resources: [Resource]
    private var index: [ResourceAddress: Int]

    public init(_ resources: [Resource]) {
        self.resources = resources.sorted { $0.address < $1.address }
        var index = [ResourceAddress: Int](minimumCapacity: resources.count)
        for (i, r) in self.resources.enumerated() { index[r.address] = i }
        self.index = index
    }

    public subscript(address: ResourceAddress) -> Resource? {
        index[address].map { resources[$0] }
    }

    /// Every edge `from` → `to` meaning "from depends on to", sorted.
    public var edges: [(from: ResourceAddress, to: ResourceAddress)] {
        resources.flatMap { r in r.dependencies.map { (r.address, $0) } }
    }

    /// Dependencies that name no resource of the graph.
    public var danglingDependencies: [(from: ResourceAddress, to: ResourceAddress)] {
        edges.filter { index[$0.to] == nil }
    }

    /// The resources in an order where each comes after its dependencies (ties by address),
    /// or the cycles that prevent one.
    public func topologicalOrder() -> Result<[ResourceAddress], GraphCycleError> {
        let (order, remaining) = kahn()
        if order.count == resources.count { return .success(order.map { resources[$0].address }) }
        let cycles = StronglyConnected.components(
            nodes: resources.indices.filter { remaining[$0] > 0 }.map { resources[$0].address },
            successors: { self[$0]?.dependencies.filter { index[$0] != nil } ?? [] }
        )
        return .failure(GraphCycleError(cycles: cycles))
    }

    /// True when some resources depend on each other in a loop.
    public var hasCycle: Bool { kahn().order.count != resources.count }

    /// Kahn's algorithm over indices and a flat adjacency list.
    ///
    /// Resources are sorted, so the
    /// smallest index is the smallest address, and a min-heap gives ties in address order.
    /// Returns the order reached and, per resource, how many dependencies were left unmet.
    private func kahn() -> (order: [Int], remaining: [Int]) {
        let n = resources.count
        var remaining = [Int](repeating: 0, count: n)
        var offsets = [Int](repeating: 0, count: n + 1)
        var edges: [(from: Int32, to: Int32)] = []
        edges.reserveCapacity(n * 2)
        for (i, r) in resources.enumerated() {
            for d in r.dependencies {
                guard let j = index[d] else { continue }
                edges.append((Int32(j), Int32(i)))
                offsets[j + 1] += 1
                remaining[i] += 1
            }
        }
        for i in 0..<n { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var dependants = [Int32](repeating: 0, count: edges.count)
        for edge in edges {
            dependants[fill[Int(edge.from)]] = edge.to
            fill[Int(edge.from)] += 1
        }
        var heap = Heap(resources.indices.filter { remaining[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(n)
        while let next = heap.popMin() {
            order.append(next)
            for k in offsets[next]..<offsets[next + 1] {
                let d = Int(dependants[k])
                remaining[d] -= 1
                if remaining[d] == 0 { heap.insert(d) }
            }
        }
        return (order, remaining)
    }
}

/// Resources that depend on each other in a loop; each cycle lists its members in order.
public struct GraphCycleError: Error, Sendable, CustomStringConvertible {
    public var cycles: [[ResourceAddress]]

    public var description: String {
        cycles.map { cycle in (cycle + [cycle[0]]).map(\.description).joined(separator: " -> ") }
            .joined(separator: "; ")
    }
}
