/// Fills in every `{fromPool, size}` of a topology with a literal prefix (docs/addresses.md).
///
/// Pure and deterministic. Runs after decoding and before validation and lowering, so every
/// rule and the lowering see ordinary prefixes. First fit: literal prefixes are claimed first,
/// then the state's pins that still fit, then new requests by VNet name and position, each the
/// lowest aligned free block. A request that cannot be met is reported and its item left out.
public enum AddressAllocator {
    /// Allocates in place; returns the problems found (pools that overlap what they must not,
    /// unknown pools, bad sizes, exhausted pools, literals on top of a kept allocation).
    public static func allocate(_ topology: inout Topology, pins: [String: String] = [:]) -> [Diagnostic] {
        var run = Run(topology: topology, pins: pins)
        run.checkPools()
        if topology.virtualNetworks.contains(where: { !$0.spec.requests.isEmpty }) {
            run.allocateAll()
            topology.virtualNetworks = ObjectTable(run.vnets)
        }
        topology.allocations = run.allocations.sorted { $0.key < $1.key }
        return run.diagnostics.all
    }

    /// The default size of a subnet whose size Azure dictates, and why; nil for any other subnet.
    public static func defaultSize(subnet: String, vnet: String, in topology: Topology) -> (Int, String)? {
        switch subnet {
        case VirtualNetwork.gatewaySubnetName:
            let types = Set(topology.gateways(in: vnet).map(\.spec.gatewayType))
            if types.contains(.vpn) && types.contains(.expressRoute) {
                return (26, "GatewaySubnet: /26 default, a VPN and an ExpressRoute gateway share it")
            }
            return (27, "GatewaySubnet: /27 default, the smallest every VPN SKU but Basic accepts")
        case VirtualNetwork.routeServerSubnetName:
            return (26, "RouteServerSubnet: /26 default, the size Route Server requires")
        case "AzureFirewallSubnet":
            return (26, "AzureFirewallSubnet: /26 default, the size Azure Firewall requires")
        default:
            return nil
        }
    }

    /// The sizes a request may ask for.
    static let sizes = 8...29
}

/// One allocation pass's working state.
private struct Run {
    let topology: Topology
    let pins: [String: String]
    var vnets: [SpecObject<VirtualNetwork>]
    var diagnostics = Diagnostics()
    var allocations: [AddressAllocation] = []
    /// Literal Azure-side prefixes (VNet address spaces, hubs, P2S pools) and where they are
    /// written: what pools must give around, and what a kept allocation must not overlap.
    var literals: [(prefix: IPv4Prefix, owner: String, at: SourceLocation)] = []

    init(topology: Topology, pins: [String: String]) {
        self.topology = topology
        self.pins = pins
        self.vnets = topology.virtualNetworks.items
        for vnet in vnets {
            let requested = Set(
                vnet.spec.requests.compactMap { r -> Int? in
                    if case .addressSpace(let i) = r.target { return i } else { return nil }
                }
            )
            for (i, prefix) in vnet.spec.addressSpace.enumerated() {
                guard !requested.contains(i) else { continue }
                literals.append(
                    (prefix, "VNet '\(vnet.name)'", vnet.meta.location(["spec", "addressSpace", .index(i)]))
                )
            }
        }
        for hub in topology.virtualHubs {
            literals.append((hub.spec.addressPrefix, "hub '\(hub.name)'", hub.at("addressPrefix")))
        }
        for gw in topology.gateways {
            for (i, p) in (gw.spec.pointToSite?.addressPool ?? []).enumerated() {
                let at = gw.at("pointToSite", "addressPool", .index(i))
                literals.append((p, "the point-to-site pool of '\(gw.name)'", at))
            }
        }
    }

    // MARK: Pools against sites and Azure's literals

    /// An azure pool must overlap no site, no onPrem pool and no other pool; nothing in Azure
    /// may overlap an onPrem pool.
    mutating func checkPools() {
        guard !topology.addressPools.isEmpty else { return }
        enum Role { case azure, onPrem, site, azureLiteral }
        struct Item {
            var prefix: IPv4Prefix
            var role: Role
            var owner: String
            var at: SourceLocation
        }
        var items: [Item] = []
        for pool in topology.addressPools {
            for (i, p) in pool.spec.prefixes.enumerated() {
                let role: Role = pool.spec.use == .azure ? .azure : .onPrem
                items.append(
                    Item(prefix: p, role: role, owner: "pool '\(pool.name)'", at: pool.at("prefixes", .index(i)))
                )
            }
        }
        for site in topology.sites {
            for (i, p) in site.spec.addressSpace.enumerated() {
                items.append(
                    Item(prefix: p, role: .site, owner: "site '\(site.name)'", at: site.at("addressSpace", .index(i)))
                )
            }
        }
        for literal in literals {
            items.append(Item(prefix: literal.prefix, role: .azureLiteral, owner: literal.owner, at: literal.at))
        }
        for (a, b) in Validator.overlappingPairs(items, prefix: \.prefix) {
            let message = { (x: Item, y: Item) in "\(x.prefix) of \(x.owner) overlaps \(y.prefix) of \(y.owner)" }
            switch (a.role, b.role) {
            case (.azure, .azure) where a.owner != b.owner, (.azure, .onPrem), (.azure, .site):
                pool(a, against: b)
            case (.onPrem, .azure), (.site, .azure):
                pool(b, against: a)
            case (.onPrem, .azureLiteral):
                onPrem(b, message(b, a))
            case (.azureLiteral, .onPrem):
                onPrem(a, message(a, b))
            default:
                continue
            }
        }
        func pool(_ pool: Item, against other: Item) {
            diagnostics.error(
                .poolOverlap,
                "\(pool.prefix) of azure \(pool.owner) overlaps \(other.prefix) of \(other.owner)",
                at: pool.at,
                hint: "an azure pool must leave on-prem space and other pools alone; shrink or move it",
                notes: [.init("\(other.owner) has \(other.prefix) here", at: other.at)]
            )
        }
        func onPrem(_ item: Item, _ message: String) {
            diagnostics.error(
                .poolOnPrem,
                message + ", which is kept for on-prem",
                at: item.at,
                hint: "nothing in Azure may use an onPrem pool's space; take it from an azure pool"
            )
        }
    }

    // MARK: Allocation

    struct Pending {
        var vnet: Int
        var request: AddressRequest
        var key: String
        var size: Int
        var sizeReason: String?
        var pool: SpecObject<AddressPool>?

        var isSubnet: Bool {
            if case .subnet = request.target { return true }
            return false
        }
    }

    mutating func allocateAll() {
        var free: [String: FreeSpace] = [:]
        let taken = literals.map(\.prefix) + topology.sites.flatMap(\.spec.addressSpace)
        for pool in topology.addressPools where pool.spec.use == .azure {
            free[pool.name] = FreeSpace(within: pool.spec.prefixes, excluding: taken)
        }
        // Address spaces first: the subnets take from them.
        var spaceRequests: [Pending] = []
        for v in vnets.indices {
            var perPool: [String: Int] = [:]
            for request in vnets[v].spec.requests {
                guard case .addressSpace = request.target else { continue }
                let vnet = vnets[v]
                guard let poolName = request.pool else {
                    diagnostics.error(
                        .poolUnknown,
                        "an addressSpace request of VNet '\(vnet.name)' names no pool",
                        at: vnet.meta.location(request.path),
                        hint: "write {fromPool: NAME, size: N}: a VNet has nowhere else to take from"
                    )
                    continue
                }
                let k = perPool[poolName, default: 0]
                perPool[poolName] = k + 1
                guard let pool = resolve(poolName, vnet: vnet, request: request),
                    let size = size(request, vnet: vnet, subnet: nil)
                else { continue }
                spaceRequests.append(
                    Pending(
                        vnet: v,
                        request: request,
                        key: "VirtualNetwork/\(vnet.name)/addressSpace/\(poolName)/\(k)",
                        size: size.0,
                        sizeReason: size.1,
                        pool: pool
                    )
                )
            }
        }
        var results: [Int: [AddressRequest.Target: IPv4Prefix]] = [:]
        place(spaceRequests, in: &free, results: &results) { pending in pending.pool?.name ?? "" }
        for v in vnets.indices {
            for (target, prefix) in results[v] ?? [:] {
                if case .addressSpace(let i) = target { vnets[v].spec.addressSpace[i] = prefix }
            }
        }
        // Then each VNet's subnets, inside its address space.
        for v in vnets.indices
        where vnets[v].spec.requests.contains(where: { if case .subnet = $0.target { true } else { false } }) {
            let vnet = vnets[v]
            let failedSpace = Set(
                vnet.spec.requests.compactMap { r -> Int? in
                    guard case .addressSpace(let i) = r.target, results[v]?[r.target] == nil else { return nil }
                    return i
                }
            )
            let space = vnet.spec.addressSpace.enumerated().filter { !failedSpace.contains($0.offset) }.map(\.element)
            let requestedSubnets = Set(
                vnet.spec.requests.compactMap { r -> Int? in
                    if case .subnet(let i) = r.target { return i } else { return nil }
                }
            )
            let literalSubnets = vnet.spec.subnets.enumerated().filter { !requestedSubnets.contains($0.offset) }
            var subnetFree = ["": FreeSpace(within: space, excluding: literalSubnets.map(\.element.prefix))]
            var pending: [Pending] = []
            for request in vnet.spec.requests {
                guard case .subnet(let i) = request.target else { continue }
                let name = vnet.spec.subnets[i].name
                var pool: SpecObject<AddressPool>?
                if let poolName = request.pool {
                    guard let found = resolve(poolName, vnet: vnet, request: request) else { continue }
                    pool = found
                }
                guard let size = size(request, vnet: vnet, subnet: name) else { continue }
                pending.append(
                    Pending(
                        vnet: v,
                        request: request,
                        key: "VirtualNetwork/\(vnet.name)/subnets/\(name)",
                        size: size.0,
                        sizeReason: size.1,
                        pool: pool
                    )
                )
            }
            var subnetResults: [Int: [AddressRequest.Target: IPv4Prefix]] = [:]
            let subnetLiterals = literalSubnets.map {
                (
                    prefix: $0.element.prefix, owner: "subnet '\($0.element.name)'",
                    at: vnet.at("subnets", .index($0.offset), "prefix")
                )
            }
            place(pending, in: &subnetFree, results: &subnetResults, literals: subnetLiterals) { _ in "" }
            for (target, prefix) in subnetResults[v] ?? [:] {
                if case .subnet(let i) = target { vnets[v].spec.subnets[i].prefix = prefix }
            }
            results[v, default: [:]].merge(subnetResults[v] ?? [:]) { a, _ in a }
        }
        // Leave out what could not be allocated (its problem is reported), last position first.
        for v in vnets.indices where !vnets[v].spec.requests.isEmpty {
            for request in vnets[v].spec.requests.reversed() where results[v]?[request.target] == nil {
                switch request.target {
                case .addressSpace(let i): vnets[v].spec.addressSpace.remove(at: i)
                case .subnet(let i): vnets[v].spec.subnets.remove(at: i)
                }
            }
            vnets[v].spec.requests = []
        }
    }

    /// Pins that still fit first, then the rest by first fit, in the order given.
    mutating func place(
        _ pending: [Pending],
        in free: inout [String: FreeSpace],
        results: inout [Int: [AddressRequest.Target: IPv4Prefix]],
        literals: [(prefix: IPv4Prefix, owner: String, at: SourceLocation)]? = nil,
        space: (Pending) -> String
    ) {
        var fresh: [Pending] = []
        for item in pending {
            let pool = item.pool?.spec.prefixes
            guard let pinned = pins[item.key].flatMap(IPv4Prefix.init), pinned.length == item.size,
                pool.map({ $0.contains { $0.contains(pinned) } }) ?? true
            else {
                fresh.append(item)
                continue
            }
            if free[space(item)]?.take(pinned) == true {
                record(item, pinned, kept: true, &results)
                continue
            }
            // Taken since: by a literal written after the apply that allocated it?
            if let literal = (literals ?? self.literals).first(where: { $0.prefix.overlaps(pinned) }) {
                let vnet = vnets[item.vnet]
                diagnostics.error(
                    .poolAllocationOverlap,
                    "\(literal.prefix) of \(literal.owner) overlaps \(pinned), allocated to \(item.key) at the last apply",
                    at: literal.at,
                    hint: "move this prefix, or it would move what is applied; a fresh allocation is planned meanwhile",
                    notes: [.init("requested here", at: vnet.meta.location(item.request.path))]
                )
            }
            fresh.append(item)
        }
        for item in fresh {
            // A subnet from a pool lands where the VNet and the pool meet.
            let within = item.isSubnet ? item.pool?.spec.prefixes : nil
            if let prefix = free[space(item)]?.firstFit(length: item.size, inside: within) {
                _ = free[space(item)]?.take(prefix)
                record(item, prefix, kept: false, &results)
                continue
            }
            let vnet = vnets[item.vnet]
            let largest = free[space(item)]?.largestBlock.map { "/\($0)" } ?? "none"
            let from =
                item.isSubnet
                ? "VNet '\(vnet.name)'" + (item.pool.map { " (inside pool '\($0.name)')" } ?? "")
                : "pool '\(item.pool?.name ?? "")'"
            diagnostics.error(
                .poolExhausted,
                "\(from) has no free /\(item.size) for \(item.key) (largest free block: \(largest))",
                at: vnet.meta.location(item.request.path),
                hint: "ask for a smaller size, or add a prefix to "
                    + (item.isSubnet ? "the VNet's addressSpace" : "the pool")
            )
        }
    }

    mutating func record(
        _ item: Pending,
        _ prefix: IPv4Prefix,
        kept: Bool,
        _ results: inout [Int: [AddressRequest.Target: IPv4Prefix]]
    ) {
        results[item.vnet, default: [:]][item.request.target] = prefix
        var subnet: String?
        if case .subnet(let i) = item.request.target { subnet = vnets[item.vnet].spec.subnets[i].name }
        allocations.append(
            AddressAllocation(
                key: item.key,
                prefix: prefix,
                virtualNetwork: vnets[item.vnet].name,
                subnet: subnet,
                pool: item.pool?.name,
                sizeReason: item.sizeReason,
                kept: kept
            )
        )
    }

    /// The azure pool a request names; an unknown or onPrem pool is reported.
    mutating func resolve(_ name: String, vnet: SpecObject<VirtualNetwork>, request: AddressRequest)
        -> SpecObject<AddressPool>?
    {
        let at = vnet.meta.location(request.path + ["fromPool"])
        guard let pool = topology.addressPools[name] else {
            let names = topology.addressPools.map(\.name)
            diagnostics.error(
                .poolUnknown,
                "no AddressPool named '\(name)'",
                at: at,
                hint: Suggest.didYouMean(name, in: names)
                    ?? (names.isEmpty
                        ? "the spec defines no AddressPool" : "defined: " + names.prefix(8).joined(separator: ", "))
            )
            return nil
        }
        guard pool.spec.use == .azure else {
            diagnostics.error(
                .poolOnPrem,
                "pool '\(name)' is kept for on-prem (use: onPrem); VNet '\(vnet.name)' may not take from it",
                at: at,
                hint: "take from an azure pool",
                notes: [.init("pool '\(name)' is defined here", at: pool.meta.location)]
            )
            return nil
        }
        return pool
    }

    /// The size asked, or the default for a subnet Azure sizes; a missing or impossible size is reported.
    mutating func size(_ request: AddressRequest, vnet: SpecObject<VirtualNetwork>, subnet: String?) -> (Int, String?)?
    {
        if let size = request.size {
            guard AddressAllocator.sizes.contains(size) else {
                let what = subnet.map { "subnet '\($0)'" } ?? "an addressSpace item of VNet '\(vnet.name)'"
                diagnostics.error(
                    .poolSize,
                    "size \(size) for \(what) is out of range: requests take /8 to /29",
                    at: vnet.meta.location(request.path + ["size"]),
                    hint: subnet == nil
                        ? "a VNet smaller than /29 holds no subnet Azure accepts" : "Azure subnets are /29 or larger"
                )
                return nil
            }
            return (size, nil)
        }
        if let subnet, let (size, why) = AddressAllocator.defaultSize(subnet: subnet, vnet: vnet.name, in: topology) {
            return (size, why)
        }
        diagnostics.error(
            .poolSize,
            (subnet.map { "subnet '\($0)'" } ?? "an addressSpace item of VNet '\(vnet.name)'") + " needs a size",
            at: vnet.meta.location(request.path),
            hint:
                "add size: N (a prefix length, e.g. 24); only GatewaySubnet, RouteServerSubnet and AzureFirewallSubnet have a default"
        )
        return nil
    }
}
