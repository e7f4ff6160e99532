/// Every prefix of a spec, who holds it and where it came from, and each pool's free space.
///
/// What `reconcile addresses` prints (docs/addresses.md). Pure; same spec, same bytes.
public struct AddressReport: Sendable, Encodable {
    public struct Entry: Sendable, Encodable {
        public var prefix: IPv4Prefix
        /// `pool`, `vnet`, `subnet`, `hub`, `site` or `p2s`.
        public var kind: String
        public var owner: String
        /// The pool it was allocated from; `VNet` for a subnet taken from its VNet alone; nil when literal.
        public var allocatedFrom: String?
    }

    public struct Pool: Sendable, Encodable {
        public var name: String
        public var use: String
        public var prefixes: [IPv4Prefix]
        public var free: [IPv4Prefix]
        public var freeAddresses: UInt64
        /// Azure pools: the most common VNet size taken from the pool (/16 when none) and how
        /// many more VNets of that size fit.
        public var usualVnetSize: Int?
        public var moreVnets: Int?
    }

    public var prefixes: [Entry] = []
    public var pools: [Pool] = []

    public init(_ topology: Topology) {
        let allocated = Dictionary(
            topology.allocations.map { ("\($0.virtualNetwork)/\($0.subnet ?? "")/\($0.prefix)", $0) },
            uniquingKeysWith: { a, _ in a }
        )
        func from(_ vnet: String, _ subnet: String?, _ prefix: IPv4Prefix) -> String? {
            allocated["\(vnet)/\(subnet ?? "")/\(prefix)"].map { $0.pool ?? "VNet" }
        }
        var azureTaken: [IPv4Prefix] = []
        for pool in topology.addressPools {
            for p in pool.spec.prefixes {
                prefixes.append(Entry(prefix: p, kind: "pool", owner: "\(pool.name) (\(pool.spec.use.rawValue))"))
            }
        }
        for vnet in topology.virtualNetworks {
            for p in vnet.spec.addressSpace {
                prefixes.append(
                    Entry(prefix: p, kind: "vnet", owner: vnet.name, allocatedFrom: from(vnet.name, nil, p))
                )
                azureTaken.append(p)
            }
            for s in vnet.spec.subnets {
                prefixes.append(
                    Entry(
                        prefix: s.prefix,
                        kind: "subnet",
                        owner: "\(vnet.name)/\(s.name)",
                        allocatedFrom: from(vnet.name, s.name, s.prefix)
                    )
                )
            }
        }
        for hub in topology.virtualHubs {
            prefixes.append(Entry(prefix: hub.spec.addressPrefix, kind: "hub", owner: hub.name))
            azureTaken.append(hub.spec.addressPrefix)
        }
        for gw in topology.gateways {
            for p in gw.spec.pointToSite?.addressPool ?? [] {
                prefixes.append(Entry(prefix: p, kind: "p2s", owner: gw.name))
                azureTaken.append(p)
            }
        }
        let sites = topology.sites.flatMap(\.spec.addressSpace)
        for site in topology.sites {
            for p in site.spec.addressSpace { prefixes.append(Entry(prefix: p, kind: "site", owner: site.name)) }
        }
        prefixes.sort { ($0.prefix, $0.kind, $0.owner) < ($1.prefix, $1.kind, $1.owner) }
        for pool in topology.addressPools {
            let free = FreeSpace(within: pool.spec.prefixes, excluding: azureTaken + sites)
            var report = Pool(
                name: pool.name,
                use: pool.spec.use.rawValue,
                prefixes: pool.spec.prefixes,
                free: free.blocks,
                freeAddresses: free.count
            )
            if pool.spec.use == .azure {
                var counts: [Int: Int] = [:]
                for a in topology.allocations where a.pool == pool.name && a.subnet == nil {
                    counts[a.prefix.length, default: 0] += 1
                }
                // The most common size; on a tie the larger VNet, so the room is never overstated.
                let usual = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 16
                report.usualVnetSize = usual
                // The free blocks are aligned: a /L block holds 2^(usual - L) VNets of /usual.
                report.moreVnets = report.free.filter { $0.length <= usual }.reduce(0) { $0 + 1 << (usual - $1.length) }
            }
            pools.append(report)
        }
    }

    /// For people: one line per prefix, then each pool's free space.
    public var text: String {
        let width = max(18, (prefixes.map(\.prefix.description.count).max() ?? 0) + 2)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - s.count)) }
        var out = "Prefixes:\n"
        for e in prefixes {
            let source =
                e.kind == "pool"
                ? ""
                : e.allocatedFrom.map { $0 == "VNet" ? "allocated from the VNet" : "allocated from pool '\($0)'" }
                    ?? "literal"
            let line = "  " + pad(e.prefix.description, width) + pad("\(e.kind) \(e.owner)", 32) + source
            out += String(line.reversed().drop { $0 == " " }.reversed()) + "\n"
        }
        if pools.isEmpty { return out + "\nNo AddressPool.\n" }
        out += "\nPools:\n"
        for p in pools {
            out += "  \(p.name) (\(p.use)): " + p.prefixes.map(\.description).joined(separator: ", ") + "\n"
            let free = p.free.isEmpty ? "none" : p.free.map(\.description).joined(separator: ", ")
            out += "    free: \(free) (\(p.freeAddresses) addresses)\n"
            if let size = p.usualVnetSize, let more = p.moreVnets {
                out += "    room: \(more) more VNet\(more == 1 ? "" : "s") of /\(size)\n"
            }
        }
        return out
    }
}
