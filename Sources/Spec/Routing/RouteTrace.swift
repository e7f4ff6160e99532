/// A hop-by-hop path through the route model: the route each place used and why.
public struct RoutePath: Sendable {
    public struct Hop: Sendable {
        public var place: Place
        /// The route used here (nil where there was none).
        public var route: Route?
        /// The matching routes that lost, best first, and why each lost.
        public var beaten: [(route: Route, reason: String)]
    }

    public enum Outcome: Sendable, Equatable {
        /// Reached the place that holds the address.
        case delivered(Place)
        /// Left for the internet from this place.
        case internet(Place)
        case dropped(Place, String)
        case noRoute(Place)
        case loop(Place)
    }

    public var source: Place
    public var destination: IPv4Address
    public var hops: [Hop]
    public var outcome: Outcome
    /// What places on the path do not get, and why.
    public var withheld: [String]

    /// Where the traffic ends, whatever the outcome.
    public var last: Place {
        switch outcome {
        case .delivered(let p), .internet(let p), .dropped(let p, _), .noRoute(let p), .loop(let p): p
        }
    }

    public var outcomeText: String {
        switch outcome {
        case .delivered(let p): "delivered to \(p)"
        case .internet(let p): "leaves for the internet from \(p) (\(p.isAzure ? "Azure" : "on-prem"))"
        case .dropped(let p, let why): "dropped at \(p): \(why)"
        case .noRoute(let p): "no route at \(p)"
        case .loop(let p): "routing loop: back at \(p)"
        }
    }
}

extension RouteModel {
    /// Addresses that stand for "the internet" in egress checks, one in each half of the
    /// address space (an NVA announcing only 0.0.0.0/1 covers just one).
    public static let internetProbes = [IPv4Address(0x0808_0808), IPv4Address(0xD043_DEDE)]

    /// Follows `address` from `source`, one lookup per place, until it is delivered, leaves
    /// for the internet, is dropped, finds no route, or loops.
    public func trace(from source: Place, to address: IPv4Address) -> RoutePath {
        var hops: [RoutePath.Hop] = []
        var visited: Set<Place> = []
        var place = source
        var previous: Place?
        var outcome: RoutePath.Outcome?
        while outcome == nil {
            guard visited.insert(place).inserted, hops.count < 32 else {
                outcome = .loop(place)
                break
            }
            guard let route = lookup(address, at: place, from: previous) else {
                hops.append(.init(place: place, route: nil, beaten: []))
                outcome = .noRoute(place)
                break
            }
            let beaten = candidates(address, at: place).filter { $0 != route }.prefix(3).map {
                (route: $0, reason: Self.loses($0, to: route))
            }
            hops.append(.init(place: place, route: route, beaten: Array(beaten)))
            switch route.nextHop {
            case .local: outcome = .delivered(place)
            case .internet: outcome = .internet(place)
            case .drop: outcome = .dropped(place, route.why)
            case .vnet(let vnet):
                if let subnet = topology.virtualNetworks[vnet]?.spec.subnets.first(where: {
                    $0.prefix.contains(address)
                }) {
                    outcome = .delivered(.subnet(vnet, subnet.name))
                } else {
                    outcome = .dropped(place, "no subnet of VNet \(vnet) holds \(address)")
                }
            case .place(let next):
                previous = place
                place = next
            }
        }
        let resolved = outcome ?? .noRoute(place)
        var notes: [String] = []
        // The commonest Route Server trap says why it loops, and what to add.
        if case .loop(.appliance(let nva)) = resolved, let why = nvaLoop(address, at: nva) { notes.append(why) }
        for hop in hops.map(\.place) + [place] { notes += (withheld[hop] ?? []).filter { !notes.contains($0) } }
        return RoutePath(source: source, destination: address, hops: hops, outcome: resolved, withheld: notes)
    }

    /// Why traffic an NVA forwards towards `address` comes back to it, when the NVA's own
    /// subnet learns its announcement back from Route Server; nil when it does not.
    ///
    /// Route Server programs what an NVA announces into every subnet of the VNet, the NVA's
    /// own included: without a route table there that sends the announced prefixes out
    /// (`nextHopType: Internet`), the NVA hands internet traffic to itself.
    public func nvaLoop(_ address: IPv4Address, at nva: IPv4Address) -> String? {
        // Only internet-bound prefixes: what an NVA announces of private space is usually behind
        // it (its own tunnels), not sent back into the VNet.
        guard let route = lookup(address, at: .appliance(nva)), route.nextHop == .place(.appliance(nva)),
            route.origin == .bgp, !route.prefix.isPrivateOrShared,
            case .subnet(let vnet, let subnet)? = self.subnet(holding: nva),
            let server = topology.routeServers.first(where: { $0.spec.virtualNetwork == vnet }),
            let peer = server.spec.peers.first(where: { $0.ip == nva })
        else { return nil }
        return "NVA \(peer.name)'s own subnet \(vnet)/\(subnet) learns \(route.prefix) back from Route Server "
            + "\(server.name) (its own announcement), so what it forwards comes back to it: give subnet \(subnet) "
            + "a route table sending \(route.prefix) (each prefix the NVA announces) to nextHopType Internet"
    }

    /// Each prefix an NVA announces that its own subnet would loop back to it, and why (probed
    /// by an address on the internet inside it, else its first host).
    public func nvaLoops(_ peer: RouteServer.Peer) -> [(prefix: IPv4Prefix, why: String)] {
        peer.advertises.compactMap { prefix in
            let probe = Self.internetProbes.first(where: prefix.contains) ?? Self.firstHost(prefix)
            return nvaLoop(probe, at: peer.ip).map { (prefix, $0) }
        }
    }

    static func loses(_ route: Route, to winner: Route) -> String {
        if winner.origin == .intent && route.prefix.length > winner.prefix.length {
            return "routing intent: private traffic goes through the firewall before any more specific route"
        }
        if route.prefix.length < winner.prefix.length {
            return "longest prefix: /\(winner.prefix.length) beats /\(route.prefix.length)"
        }
        return
            "same prefix, preferred \(winner.origin.rawValue) (\(winner.preference)) over \(route.origin.rawValue) (\(route.preference))"
    }

    // MARK: Places by name

    /// What a `--from`/`from:` names: a site, a VNet (each workload subnet), or VNET/SUBNET.
    public func sources(_ text: String) -> [Place] {
        if topology.sites[text] != nil { return [.site(text)] }
        if let vnet = topology.virtualNetworks[text] {
            return vnet.spec.subnets.filter { !Self.isInfrastructure($0.name) }.map { .subnet(vnet.name, $0.name) }
        }
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2, topology.virtualNetworks[parts[0]]?.spec.subnet(named: parts[1]) != nil {
            return [.subnet(parts[0], parts[1])]
        }
        return []
    }

    /// Subnets Azure keeps for its own use, which carry no workload.
    static func isInfrastructure(_ subnet: String) -> Bool {
        [
            VirtualNetwork.gatewaySubnetName, VirtualNetwork.routeServerSubnetName, "AzureFirewallSubnet",
            "AzureBastionSubnet",
        ].contains(subnet)
    }

    /// The address a place's traffic comes from (or goes to): the first host of its first prefix.
    ///
    /// A site's is the first host of its address space that the site holds (with LAN routes,
    /// the router's table may leave the first prefix's out), else of its first own route.
    public func address(of place: Place) -> IPv4Address? {
        switch place {
        case .site(let name):
            guard let site = topology.sites[name] else { return nil }
            let own = table(place).filter { $0.nextHop == .local }.map(\.prefix)
            let hosts = (site.spec.addressSpace + own).map(Self.firstHost)
            return hosts.first { host in own.contains { $0.contains(host) } } ?? hosts.first
        case .subnet(let vnet, let subnet):
            return topology.virtualNetworks[vnet]?.spec.subnet(named: subnet).map { Self.firstHost($0.prefix) }
        default: return nil
        }
    }

    /// What a `--to`/`to:` names: an address, `internet`, a site, a VNet or VNET/SUBNET, as
    /// one address and the places that count as arriving.
    public func destination(_ text: String) -> (address: IPv4Address, places: [Place])? {
        if let address = IPv4Address(text) { return (address, []) }
        if text == "internet" { return (Self.internetProbes[0], []) }
        let places = sources(text)
        guard let first = places.first, let address = address(of: first) else { return nil }
        return (address, places)
    }

    static func firstHost(_ prefix: IPv4Prefix) -> IPv4Address {
        IPv4Address(prefix.length >= 31 ? prefix.first : prefix.first + 4)
    }
}
