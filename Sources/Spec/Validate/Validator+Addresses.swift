extension Validator {
    /// Who owns an address range, for overlap checks.
    enum Owner: Equatable {
        case site(String)
        case vnet(String)
        case hub(String)
        case pool(String)

        var description: String {
            switch self {
            case .site(let n): return "site '\(n)'"
            case .vnet(let n): return "VNet '\(n)'"
            case .hub(let n): return "hub '\(n)'"
            case .pool(let n): return "the point-to-site pool of '\(n)'"
            }
        }
    }

    struct OwnedPrefix {
        var prefix: IPv4Prefix
        var owner: Owner
        var meta: ObjectMeta
        var path: [PathComponent]

        /// Resolved only when reported: most prefixes never are.
        var location: SourceLocation { meta.location(path) }
    }

    /// Ranges Azure refuses in a VNet (VNet FAQ).
    static let reservedRanges: [(IPv4Prefix, String)] = [
        ("224.0.0.0/4", "multicast"), ("255.255.255.255/32", "broadcast"), ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"), ("168.63.129.16/32", "Azure's virtual public IP"),
    ].compactMap { text, why in IPv4Prefix(text).map { ($0, why) } }

    var ownedPrefixes: [OwnedPrefix] {
        var all: [OwnedPrefix] = []
        for site in topology.sites {
            for (i, p) in site.spec.addressSpace.enumerated() {
                all.append(
                    OwnedPrefix(
                        prefix: p,
                        owner: .site(site.name),
                        meta: site.meta,
                        path: ["spec", "addressSpace", .index(i)]
                    )
                )
            }
        }
        for vnet in topology.virtualNetworks {
            for (i, p) in vnet.spec.addressSpace.enumerated() {
                all.append(
                    OwnedPrefix(
                        prefix: p,
                        owner: .vnet(vnet.name),
                        meta: vnet.meta,
                        path: ["spec", "addressSpace", .index(i)]
                    )
                )
            }
        }
        for hub in topology.virtualHubs {
            all.append(
                OwnedPrefix(
                    prefix: hub.spec.addressPrefix,
                    owner: .hub(hub.name),
                    meta: hub.meta,
                    path: ["spec", "addressPrefix"]
                )
            )
        }
        for gw in topology.gateways {
            for (i, p) in (gw.spec.pointToSite?.addressPool ?? []).enumerated() {
                all.append(
                    OwnedPrefix(
                        prefix: p,
                        owner: .pool(gw.name),
                        meta: gw.meta,
                        path: ["spec", "pointToSite", "addressPool", .index(i)]
                    )
                )
            }
        }
        return all
    }

    /// Finds every overlapping pair in O(n log n): CIDR prefixes either nest or are disjoint,
    /// so after sorting, a prefix overlaps exactly the open prefixes that still contain it.
    static func overlappingPairs<T>(_ items: [T], prefix: (T) -> IPv4Prefix) -> [(earlier: T, later: T)] {
        let sorted = items.sorted { prefix($0) < prefix($1) }
        var open: [T] = []
        var pairs: [(T, T)] = []
        for item in sorted {
            let p = prefix(item)
            while let top = open.last, prefix(top).last < p.first { open.removeLast() }
            for container in open where prefix(container).contains(p) {
                pairs.append((container, item))
            }
            open.append(item)
        }
        return pairs
    }

    mutating func checkAddressPlan() {
        let owned = ownedPrefixes
        for (a, b) in Self.overlappingPairs(owned, prefix: \.prefix) {
            // Report at the later of the two in the files, pointing at the other.
            let (first, second) = a.location <= b.location ? (a, b) : (b, a)
            let note = [Diagnostic.Note("\(first.owner.description) has \(first.prefix) here", at: first.location)]
            let message =
                "\(second.prefix) of \(second.owner.description) overlaps \(first.prefix) of \(first.owner.description)"
            switch (first.owner, second.owner) {
            case (.site, .site):
                continue  // the same on-prem network may be reached over ExpressRoute and VPN
            case (.pool, _), (_, .pool):
                error(
                    .p2sPoolOverlap,
                    message,
                    at: second.location,
                    hint: "point-to-site pools must overlap no VNet, site, hub or other pool",
                    notes: note
                )
            case (.vnet(let x), .vnet(let y)) where x != y:
                warning(
                    .addressOverlap,
                    message,
                    at: second.location,
                    hint: "overlapping VNets cannot be connected to each other or to one hub",
                    notes: note
                )
            default:
                error(
                    .addressOverlap,
                    message,
                    at: second.location,
                    hint:
                        "on-prem, VNet and hub address spaces must be disjoint; leave out of a site what Azure must not reach",
                    notes: note
                )
            }
        }
        for owned in owned {
            switch owned.owner {
            case .vnet, .hub: break
            default: continue
            }
            for (reserved, why) in Self.reservedRanges where reserved.overlaps(owned.prefix) {
                error(
                    .addressReserved,
                    "\(owned.prefix) of \(owned.owner.description) overlaps \(reserved) (\(why)), which Azure refuses",
                    at: owned.location,
                    hint: "use RFC 1918 space (10/8, 172.16/12, 192.168/16) or 100.64/10"
                )
            }
        }
    }

    mutating func checkSubnets() {
        let reservedNames = [
            VirtualNetwork.gatewaySubnetName, VirtualNetwork.routeServerSubnetName, "AzureFirewallSubnet",
        ]
        for vnet in topology.virtualNetworks {
            var seen: [String: Int] = [:]
            for (i, subnet) in vnet.spec.subnets.enumerated() {
                let at = vnet.at("subnets", .index(i), "prefix")
                if let first = seen[subnet.name] {
                    error(
                        .subnetDuplicate,
                        "VNet '\(vnet.name)' has two subnets named '\(subnet.name)'",
                        at: vnet.at("subnets", .index(i), "name"),
                        notes: [.init("first here", at: vnet.at("subnets", .index(first), "name"))]
                    )
                }
                seen[subnet.name] = seen[subnet.name] ?? i
                if let reserved = reservedNames.first(where: {
                    $0.lowercased() == subnet.name.lowercased() && $0 != subnet.name
                }) {
                    warning(
                        .gatewaySubnetName,
                        "subnet '\(subnet.name)' looks like the reserved name '\(reserved)' but differs in case",
                        at: vnet.at("subnets", .index(i), "name"),
                        hint: "Azure recognises only '\(reserved)' exactly"
                    )
                }
                if !vnet.spec.addressSpace.contains(where: { $0.contains(subnet.prefix) }) {
                    error(
                        .subnetOutsideVnet,
                        "subnet '\(subnet.name)' (\(subnet.prefix)) lies outside VNet '\(vnet.name)' ("
                            + vnet.spec.addressSpace.map(\.description).joined(separator: ", ") + ")",
                        at: at,
                        hint:
                            "Azure refuses it with NetcfgSubnetRangeOutsideVnet; move the subnet or extend addressSpace"
                    )
                }
                if subnet.prefix.length > 29 || subnet.prefix.length < 2 {
                    error(
                        .subnetSize,
                        "subnet '\(subnet.name)' is /\(subnet.prefix.length); Azure subnets are /2 to /29",
                        at: at,
                        hint: "Azure refuses it with NetcfgInvalidSubnet"
                    )
                }
            }
            let indexed = Array(vnet.spec.subnets.enumerated())
            for (a, b) in Self.overlappingPairs(indexed, prefix: \.element.prefix) {
                let (first, second) = a.offset < b.offset ? (a, b) : (b, a)
                error(
                    .subnetOverlap,
                    "subnet '\(second.element.name)' (\(second.element.prefix)) overlaps subnet '\(first.element.name)' (\(first.element.prefix))",
                    at: vnet.at("subnets", .index(second.offset), "prefix"),
                    hint: "Azure refuses it with NetcfgSubnetRangesOverlap",
                    notes: [
                        .init("'\(first.element.name)' is here", at: vnet.at("subnets", .index(first.offset), "prefix"))
                    ]
                )
            }
        }
    }
}
