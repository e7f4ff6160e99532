/// Where a routing decision is made: an on-prem site's router, a subnet (its effective
/// routes), a VNet gateway, a Virtual WAN hub, a hub's firewall, or an NVA.
public enum Place: Hashable, Comparable, Sendable, CustomStringConvertible {
    case site(String)
    case subnet(String, String)
    case gateway(String)
    case hub(String)
    /// A hub's Azure Firewall, by the hub's name.
    case firewall(String)
    /// A network virtual appliance, by its address.
    case appliance(IPv4Address)

    public var description: String {
        switch self {
        case .site(let name): "site \(name)"
        case .subnet(let vnet, let subnet): "subnet \(vnet)/\(subnet)"
        case .gateway(let name): "gateway \(name)"
        case .hub(let name): "hub \(name)"
        case .firewall(let hub): "firewall of hub \(hub)"
        case .appliance(let address): "NVA \(address)"
        }
    }

    /// Everything but an on-prem site is in Azure.
    public var isAzure: Bool {
        if case .site = self { return false }
        return true
    }

    public static func < (lhs: Place, rhs: Place) -> Bool { lhs.description < rhs.description }
}

/// Where a route sends traffic.
public enum NextHop: Hashable, Sendable, CustomStringConvertible {
    /// The address is here (a site's own prefixes, a hub's).
    case local
    case place(Place)
    /// Into a VNet: the subnet that holds the address.
    case vnet(String)
    case internet
    /// Azure's next hop `None`, or a route to nowhere.
    case drop

    public var description: String {
        switch self {
        case .local: "local"
        case .place(let place): place.description
        case .vnet(let vnet): "VNet \(vnet)"
        case .internet: "the internet"
        case .drop: "nowhere (dropped)"
        }
    }
}

/// One route in a place's table, with where it came from.
public struct Route: Hashable, Sendable {
    public enum Origin: String, Sendable, Hashable {
        case connected, system, udr, `static`, bgp, intent
    }

    public var prefix: IPv4Prefix
    public var nextHop: NextHop
    public var origin: Origin
    /// Among matching routes of the same length the lowest wins: a router's administrative
    /// distance; in a subnet Azure's order: user-defined 0, BGP 1 (ExpressRoute) or 2, system 3.
    public var preference: Int
    public var asPath: [UInt32]
    /// Why the route is there, in the user's names.
    public var why: String

    public init(
        _ prefix: IPv4Prefix,
        _ nextHop: NextHop,
        _ origin: Origin,
        preference: Int,
        asPath: [UInt32] = [],
        why: String
    ) {
        self.prefix = prefix
        self.nextHop = nextHop
        self.origin = origin
        self.preference = preference
        self.asPath = asPath
        self.why = why
    }
}

/// The routing table of every place of a spec, computed from the desired state by Azure's
/// and IOS's rules (`docs/routing.md`): system routes, address spaces, user-defined
/// routes and `disableBgpRoutePropagation`, static routes over tunnels, what VPN and
/// ExpressRoute gateways learn and advertise (never 0.0.0.0/0 from a VPN gateway), Route
/// Server with branch-to-branch, Virtual WAN routing intent and propagate default route,
/// forced tunneling, AS-path loop rejection.
///
/// It reads only the spec: it answers before anything is applied.
public struct RouteModel: Sendable {
    public let topology: Topology
    /// Each place's routes.
    public private(set) var tables: [Place: [Route]] = [:]
    /// Routes a place does not get, and why ("a VPN gateway never advertises 0.0.0.0/0").
    public private(set) var withheld: [Place: [String]] = [:]

    static let azureASN: UInt32 = ASN.azure.value
    static let privateRanges = IPv4Prefix.rfc1918
    /// Azure's system routes with next hop None (a VNet's more specific space still wins).
    static let noneRanges = IPv4Prefix.privateOrShared

    public init(_ topology: Topology) {
        self.topology = topology
        build()
    }

    // MARK: Lookup

    /// The route a place uses for `address`: the longest prefix, then the lowest preference.
    ///
    /// A hub with a private-traffic routing intent sends private traffic to its firewall
    /// first, whatever is more specific, unless it comes from that firewall.
    public func lookup(_ address: IPv4Address, at place: Place, from previous: Place? = nil) -> Route? {
        if case .hub(let name) = place, let hub = topology.virtualHubs[name],
            let firewall = hub.spec.routingIntent?.privateTraffic, previous != .firewall(name),
            !hub.spec.addressPrefix.contains(address),
            let range = Self.privateRanges.first(where: { $0.contains(address) })
        {
            return Route(
                range,
                .place(.firewall(name)),
                .intent,
                preference: 0,
                why: "routing intent: private traffic goes through \(firewall)"
            )
        }
        return candidates(address, at: place).first
    }

    /// Every route of the place that matches, best first.
    public func candidates(_ address: IPv4Address, at place: Place) -> [Route] {
        table(place).filter { $0.prefix.contains(address) }.sorted {
            if $0.prefix.length != $1.prefix.length { return $0.prefix.length > $1.prefix.length }
            return $0.preference < $1.preference
        }
    }

    /// A place's table; an NVA uses the effective routes of the subnet it sits in.
    public func table(_ place: Place) -> [Route] {
        if case .appliance(let address) = place, let subnet = subnet(holding: address) {
            return tables[subnet] ?? []
        }
        return tables[place] ?? []
    }

    /// The subnet whose prefix holds an address, if any.
    public func subnet(holding address: IPv4Address) -> Place? {
        for vnet in topology.virtualNetworks {
            if let s = vnet.spec.subnets.first(where: { $0.prefix.contains(address) }) {
                return .subnet(vnet.name, s.name)
            }
        }
        return nil
    }

    // MARK: Building

    mutating func build() {
        var learned: [String: [Route]] = [:]
        for gateway in topology.gateways { learned[gateway.name] = gatewayLearned(gateway) }
        for gateway in topology.gateways {
            tables[.gateway(gateway.name)] = (learned[gateway.name] ?? []) + gatewaySubnetRoutes(gateway)
        }
        for hub in topology.virtualHubs { buildHub(hub) }
        for site in topology.sites { buildSite(site, learned: learned) }
        noteAzureLoops()
        for vnet in topology.virtualNetworks {
            for subnet in vnet.spec.subnets { buildSubnet(vnet, subnet, learned: learned) }
        }
    }

    /// Notes the routes Azure drops because they come back with its own AS in the path.
    ///
    /// A site that speaks BGP to two Azure ends passes each the other's routes, AS path
    /// "SITE 65515 …": Azure drops them, so on-prem never carries routes between two Azure
    /// gateways or hubs over BGP. Only notes: no table changes.
    mutating func noteAzureLoops() {
        var ends: [(site: String, end: Place)] = []
        for c in topology.vpnConnections where c.spec.routing == .bgp {
            ends.append((c.spec.site, .gateway(c.spec.gateway)))
        }
        for c in topology.hubVpnConnections where c.spec.bgp { ends.append((c.spec.site, .hub(c.spec.hub))) }
        for (site, end) in ends {
            guard let asn = topology.sites[site]?.spec.bgp?.asn.value else { continue }
            for route in tables[.site(site)] ?? [] where route.origin == .bgp && route.nextHop != .place(end) {
                guard route.asPath.contains(Self.azureASN) else { continue }
                let path = ([asn] + route.asPath).map(String.init).joined(separator: " ")
                note(
                    end,
                    "\(end) drops \(route.prefix) re-advertised by site \(site): its AS path \(path) holds 65515, "
                        + "Azure's own AS (on-prem cannot carry routes between Azure gateways or hubs over BGP)"
                )
            }
        }
    }

    /// Azure's end of a VpnConnection (its gateway) or a HubVpnConnection (its hub), by name.
    public func azureEnd(ofConnection name: String) -> Place? {
        if let c = topology.vpnConnections[name] { return .gateway(c.spec.gateway) }
        if let c = topology.hubVpnConnections[name] { return .hub(c.spec.hub) }
        return nil
    }

    /// Whether a route is forced tunneling's 0.0.0.0/0 to a gateway's default site: set, not
    /// learned, and never advertised.
    public func isDefaultSite(_ route: Route, at place: Place) -> Bool {
        guard case .gateway(let name) = place, let site = topology.gateways[name]?.spec.defaultSite else {
            return false
        }
        return route.prefix == .defaultRoute && route.nextHop == .place(.site(site))
    }

    mutating func note(_ place: Place, _ text: String) {
        if !(withheld[place] ?? []).contains(text) { withheld[place, default: []].append(text) }
    }

    func vnetSpace(_ vnet: String) -> [IPv4Prefix] { topology.virtualNetworks[vnet]?.spec.addressSpace ?? [] }

    /// What a gateway learns: its VNet's space, its connections' sites, and with Route Server
    /// branch-to-branch the NVAs' routes and the other gateways' (forced tunneling adds 0/0).
    mutating func gatewayLearned(_ gateway: SpecObject<VirtualNetworkGateway>) -> [Route] {
        let vnet = gateway.spec.virtualNetwork
        var routes = vnetSpace(vnet).map {
            Route($0, .vnet(vnet), .system, preference: 0, why: "VNet \(vnet) address space")
        }
        routes += connectionRoutes(gateway.name)
        if let server = topology.routeServers.first(where: { $0.spec.virtualNetwork == vnet }) {
            if server.spec.branchToBranch {
                for peer in server.spec.peers {
                    routes += peer.advertises.map {
                        Route(
                            $0,
                            .place(.appliance(peer.ip)),
                            .bgp,
                            preference: 3,
                            asPath: [peer.asn.value],
                            why: "from NVA \(peer.name) via Route Server \(server.name) (branch-to-branch)"
                        )
                    }
                }
                for other in topology.gateways(in: vnet) where other.name != gateway.name {
                    routes += connectionRoutes(other.name).map {
                        var r = $0
                        r.nextHop = .place(.gateway(other.name))
                        r.why =
                            "from gateway \(other.name) via Route Server \(server.name) (branch-to-branch): " + $0.why
                        return r
                    }
                }
            } else if server.spec.peers.contains(where: { !$0.advertises.isEmpty }) {
                note(
                    .gateway(gateway.name),
                    "Route Server \(server.name) does not pass its NVAs' routes to gateway \(gateway.name): branchToBranch is off"
                )
            }
        }
        if let site = gateway.spec.defaultSite {
            routes.append(
                Route(
                    .defaultRoute,
                    .place(.site(site)),
                    .static,
                    preference: 1,
                    why: "forced tunneling: the gateway's default site is \(site)"
                )
            )
        }
        return routes
    }

    /// What a gateway learns from its own connections.
    func connectionRoutes(_ gateway: String) -> [Route] {
        var routes: [Route] = []
        for c in topology.vpnConnections(ofGateway: gateway) {
            guard let site = topology.sites[c.spec.site] else { continue }
            let bgp = c.spec.routing == .bgp ? site.spec.bgp : nil
            routes += site.spec.addressSpace.map {
                Route(
                    $0,
                    .place(.site(site.name)),
                    bgp == nil ? .static : .bgp,
                    preference: bgp == nil ? 1 : 3,
                    asPath: bgp.map { [$0.asn.value] } ?? [],
                    why: bgp == nil
                        ? "site \(site.name)'s address space (connection \(c.name), static routing)"
                        : "BGP from site \(site.name) over connection \(c.name)"
                )
            }
        }
        for c in topology.expressRouteConnections where c.spec.gateway == gateway {
            guard let site = topology.sites[c.spec.site] else { continue }
            routes += site.spec.addressSpace.map {
                Route(
                    $0,
                    .place(.site(site.name)),
                    .bgp,
                    preference: 2,
                    asPath: [12076] + (site.spec.bgp.map { [$0.asn.value] } ?? []),
                    why: "BGP from site \(site.name) over ExpressRoute \(c.name)"
                )
            }
        }
        return routes
    }

    /// User-defined routes on the GatewaySubnet apply to traffic the gateway receives.
    func gatewaySubnetRoutes(_ gateway: SpecObject<VirtualNetworkGateway>) -> [Route] {
        let vnet = gateway.spec.virtualNetwork
        guard let subnet = topology.virtualNetworks[vnet]?.spec.subnet(named: VirtualNetwork.gatewaySubnetName),
            let table = subnet.routeTable.flatMap({ topology.routeTables[$0] })
        else { return [] }
        return userRoutes(table, vnet: vnet)
    }

    func userRoutes(_ table: SpecObject<RouteTable>, vnet: String) -> [Route] {
        table.spec.routes.map { r in
            let hop: NextHop
            switch r.nextHopType {
            case .virtualAppliance: hop = r.nextHopIp.map { .place(.appliance($0)) } ?? .drop
            case .virtualNetworkGateway:
                hop =
                    topology.gateways(in: vnet).first { $0.spec.gatewayType == .vpn }.map { .place(.gateway($0.name)) }
                    ?? .drop
            case .vnetLocal: hop = .vnet(vnet)
            case .internet: hop = .internet
            case .none: hop = .drop
            }
            return Route(r.prefix, hop, .udr, preference: 0, why: "user-defined route \(r.name) in \(table.name)")
        }
    }

    /// What a VNet gateway advertises to a site over BGP (a BGP VPN connection or ExpressRoute).
    ///
    /// A VPN gateway never advertises 0.0.0.0/0, nor a prefix inside its VNet's space but the
    /// VNet's own; nothing goes back where it came from; the site drops routes whose AS path
    /// holds its own AS.
    mutating func advertisement(
        _ gateway: SpecObject<VirtualNetworkGateway>,
        to site: SpecObject<Site>,
        over connection: String,
        learned: [Route]
    ) -> [Route] {
        let isVpn = gateway.spec.gatewayType == .vpn
        let space = vnetSpace(gateway.spec.virtualNetwork)
        var seen: Set<IPv4Prefix> = []
        var result: [Route] = []
        for route in learned {
            if route.nextHop == .place(.site(site.name)) || isDefaultSite(route, at: .gateway(gateway.name)) {
                continue
            }
            if isVpn && route.prefix == .defaultRoute {
                note(
                    .site(site.name),
                    "VPN gateway \(gateway.name) does not advertise 0.0.0.0/0 (\(route.why)) to \(site.name): "
                        + "a VPN gateway never advertises the default route; advertise 0.0.0.0/1 and 128.0.0.0/1 from the NVA"
                )
                continue
            }
            if isVpn && route.origin != .system && space.contains(where: { $0.contains(route.prefix) }) { continue }
            guard seen.insert(route.prefix).inserted else { continue }
            let path = [Self.azureASN] + route.asPath
            if let own = site.spec.bgp?.asn.value, path.contains(own) {
                note(
                    .site(site.name),
                    "site \(site.name) rejects \(route.prefix) from gateway \(gateway.name): its AS path "
                        + "\(path.map(String.init).joined(separator: " ")) holds the site's own AS \(own)"
                )
                continue
            }
            result.append(
                Route(
                    route.prefix,
                    .place(.gateway(gateway.name)),
                    .bgp,
                    preference: 20,
                    asPath: path,
                    why: "BGP from gateway \(gateway.name) over \(connection) (\(route.why))"
                )
            )
        }
        return result
    }

    // MARK: Virtual WAN

    mutating func buildHub(_ hub: SpecObject<VirtualHub>) {
        var routes = [
            Route(hub.spec.addressPrefix, .local, .connected, preference: 0, why: "hub \(hub.name)'s address prefix")
        ]
        routes += hubReach(hub, includeBranches: true)
        if let wan = topology.virtualWans[hub.spec.virtualWan] {
            for other in topology.virtualHubs where other.name != hub.name && other.spec.virtualWan == wan.name {
                routes.append(
                    Route(
                        other.spec.addressPrefix,
                        .place(.hub(other.name)),
                        .bgp,
                        preference: 1,
                        why: "hub \(other.name)"
                    )
                )
                routes += hubReach(other, includeBranches: true).filter { $0.prefix != .defaultRoute }.map {
                    var r = $0
                    r.nextHop = .place(.hub(other.name))
                    r.why = "via hub \(other.name): " + $0.why
                    return r
                }
            }
        }
        var firewall = routes
        if let intent = hub.spec.routingIntent, let name = hub.spec.firewall?.name {
            if intent.internet != nil {
                routes.append(
                    Route(
                        .defaultRoute,
                        .place(.firewall(hub.name)),
                        .intent,
                        preference: 0,
                        why: "routing intent: internet traffic goes through \(name)"
                    )
                )
            }
            firewall.append(
                Route(
                    .defaultRoute,
                    .internet,
                    .system,
                    preference: 0,
                    why: "Azure Firewall \(name) sends it to the internet"
                )
            )
        }
        tables[.hub(hub.name)] = routes
        if hub.spec.firewall != nil { tables[.firewall(hub.name)] = firewall }
    }

    /// What a hub reaches directly: its spoke VNets and (optionally) its branches.
    func hubReach(_ hub: SpecObject<VirtualHub>, includeBranches: Bool) -> [Route] {
        var routes: [Route] = []
        for spoke in hub.spec.virtualNetworkConnections {
            routes += vnetSpace(spoke.virtualNetwork).map {
                Route(
                    $0,
                    .vnet(spoke.virtualNetwork),
                    .connected,
                    preference: 0,
                    why: "spoke VNet \(spoke.virtualNetwork)"
                )
            }
        }
        guard includeBranches else { return routes }
        for c in topology.hubVpnConnections where c.spec.hub == hub.name {
            guard let site = topology.sites[c.spec.site] else { continue }
            let bgp = c.spec.bgp ? site.spec.bgp : nil
            routes += site.spec.addressSpace.map {
                Route(
                    $0,
                    .place(.site(site.name)),
                    bgp == nil ? .static : .bgp,
                    preference: 1,
                    asPath: bgp.map { [$0.asn.value] } ?? [],
                    why: "branch \(site.name) over \(c.name)"
                )
            }
        }
        for c in topology.expressRouteConnections where c.spec.gateway == hub.name {
            guard let site = topology.sites[c.spec.site] else { continue }
            routes += site.spec.addressSpace.map {
                Route($0, .place(.site(site.name)), .bgp, preference: 1, asPath: [12076], why: "ExpressRoute \(c.name)")
            }
        }
        return routes
    }

    /// What a hub sends one connection: everything it knows but what came from there, other
    /// branches only with branch-to-branch, the private aggregates with a private intent, and
    /// 0.0.0.0/0 only when it has one and the connection propagates it.
    mutating func hubAdvertisement(
        _ hub: SpecObject<VirtualHub>,
        to receiver: Place,
        site: String?,
        connection: String,
        propagateDefault: Bool
    ) -> [Route] {
        let branchToBranch = topology.virtualWans[hub.spec.virtualWan]?.spec.allowBranchToBranchTraffic ?? true
        let table = tables[.hub(hub.name)] ?? []
        var result: [Route] = []
        var seen: Set<IPv4Prefix> = []
        for route in table {
            // The hub's own prefix is not advertised: its gateways' peers are reached by host routes.
            if route.nextHop == .local { continue }
            if let site, route.nextHop == .place(.site(site)) { continue }
            if case .vnet(let v) = route.nextHop, case .subnet(let own, _) = receiver, v == own { continue }
            if case .place(.site(let other)) = route.nextHop, site != nil, !branchToBranch {
                note(
                    receiver,
                    "hub \(hub.name) does not pass branch \(other)'s routes to other branches: allowBranchToBranchTraffic is off"
                )
                continue
            }
            if route.prefix == .defaultRoute && !propagateDefault {
                note(
                    receiver,
                    "\(connection) does not take hub \(hub.name)'s default route: propagateDefaultRoute is false"
                )
                continue
            }
            guard seen.insert(route.prefix).inserted else { continue }
            result.append(route)
        }
        if propagateDefault && !table.contains(where: { $0.prefix == .defaultRoute }) {
            note(
                receiver,
                "hub \(hub.name) has no default route for \(connection) to propagate: a hub never originates 0.0.0.0/0; "
                    + "give it routingIntent.internet to its firewall"
            )
        }
        if hub.spec.routingIntent?.privateTraffic != nil {
            result += Self.privateRanges.map {
                Route($0, .local, .intent, preference: 0, why: "routing intent: private traffic aggregate")
            }
        }
        return result.map {
            var r = $0
            r.nextHop = .place(.hub(hub.name))
            r.origin = .bgp
            r.asPath = [Self.azureASN] + $0.asPath
            r.why = "from hub \(hub.name) over \(connection) (\($0.why))"
            return r
        }
    }

    // MARK: Sites

    mutating func buildSite(_ site: SpecObject<Site>, learned: [String: [Route]]) {
        let place = Place.site(site.name)
        var routes = Self.onPremRoutes(site, topology: topology)
        if let name = site.spec.device, let router = topology.routers[name] {
            let floats = Self.defaultRouteFloats(router, topology: topology)
            routes.append(
                Route(
                    .defaultRoute,
                    .internet,
                    .static,
                    preference: floats ? 250 : 1,
                    why: "\(name)'s static default route via \(router.spec.wan.outsideInterface) (local breakout"
                        + (floats ? ", floating at distance 250 behind the hub's)" : ", distance 1)")
                )
            )
        }
        for c in topology.vpnConnections(toSite: site.name) {
            guard let gateway = topology.gateways[c.spec.gateway] else { continue }
            if c.spec.routing == .staticRoutes || site.spec.bgp == nil {
                routes += vnetSpace(gateway.spec.virtualNetwork).map {
                    Route(
                        $0,
                        .place(.gateway(gateway.name)),
                        .static,
                        preference: 1,
                        why: "static route over the tunnel of \(c.name) to gateway \(gateway.name)"
                    )
                }
                if (learned[gateway.name] ?? []).contains(where: { $0.origin == .bgp }) {
                    note(
                        place,
                        "\(c.name) uses static routing: \(site.name) routes only VNet \(gateway.spec.virtualNetwork)'s "
                            + "address space to Azure, none of what gateway \(gateway.name) learns over BGP"
                    )
                }
            } else {
                routes += advertisement(gateway, to: site, over: c.name, learned: learned[gateway.name] ?? [])
            }
        }
        for c in topology.expressRouteConnections where c.spec.site == site.name {
            if let gateway = topology.gateways[c.spec.gateway] {
                routes += advertisement(gateway, to: site, over: c.name, learned: learned[gateway.name] ?? [])
            } else if let hub = topology.virtualHubs[c.spec.gateway] {
                routes += hubAdvertisement(
                    hub,
                    to: place,
                    site: site.name,
                    connection: c.name,
                    propagateDefault: c.spec.propagateDefaultRoute ?? false
                ).map {
                    var r = $0
                    r.preference = 20
                    return r
                }
            }
        }
        for c in topology.hubVpnConnections(toSite: site.name) {
            guard let hub = topology.virtualHubs[c.spec.hub] else { continue }
            if c.spec.bgp && site.spec.bgp != nil {
                routes += hubAdvertisement(
                    hub,
                    to: place,
                    site: site.name,
                    connection: c.name,
                    propagateDefault: c.spec.propagateDefaultRoute
                ).compactMap { route in
                    var r = route
                    r.preference = 20
                    if let own = site.spec.bgp?.asn.value, r.asPath.contains(own) {
                        note(
                            place,
                            "site \(site.name) rejects \(r.prefix) from hub \(hub.name): its AS path holds the site's own AS \(own)"
                        )
                        return nil
                    }
                    return r
                }
            } else {
                let spokes = hub.spec.virtualNetworkConnections.flatMap { vnetSpace($0.virtualNetwork) }
                routes += ([hub.spec.addressPrefix] + spokes).map {
                    Route(
                        $0,
                        .place(.hub(hub.name)),
                        .static,
                        preference: 1,
                        why: "static route over the tunnel of \(c.name) to hub \(hub.name)"
                    )
                }
            }
        }
        tables[place] = routes
    }

    /// What a site holds itself: with a router that declares LAN routes, the router's own
    /// table (its connected LAN and each LAN route); otherwise the whole address space, as if
    /// it were all on the LAN (nothing says otherwise).
    ///
    /// With LAN routes, an address of the site's space that none of them covers is not the
    /// site's: the router sends it where its other routes say (the default route, or a tunnel),
    /// as IOS would.
    static func onPremRoutes(_ site: SpecObject<Site>, topology: Topology) -> [Route] {
        guard let name = site.spec.device, let router = topology.routers[name], !router.spec.lan.routes.isEmpty else {
            return site.spec.addressSpace.map {
                Route($0, .local, .connected, preference: 0, why: "site \(site.name)'s own address space")
            }
        }
        let lan = router.spec.lan
        return [
            Route(
                lan.address.prefix,
                .local,
                .connected,
                preference: 0,
                why: "connected to \(lan.interface) on \(name)"
            )
        ]
            + lan.routes.map {
                Route($0.prefix, .local, .static, preference: 1, why: "via \($0.nextHop), static on \(name)")
            }
    }

    /// Whether a router's own default route floats behind a hub's (as the lowering renders it):
    /// a static WAN next hop, and a hub connection that propagates its default route over BGP.
    static func defaultRouteFloats(_ router: SpecObject<CiscoRouter>, topology: Topology) -> Bool {
        guard router.spec.wan.pppoe == nil, router.spec.wan.gateway != nil,
            let site = topology.site(forDevice: router.name)
        else { return false }
        return !topology.hubDefaultRouteConnections(toSite: site.name).isEmpty
    }

    // MARK: Subnets

    mutating func buildSubnet(
        _ vnet: SpecObject<VirtualNetwork>,
        _ subnet: VirtualNetwork.Subnet,
        learned: [String: [Route]]
    ) {
        let place = Place.subnet(vnet.name, subnet.name)
        let space = vnet.spec.addressSpace
        var routes = space.map {
            Route($0, .vnet(vnet.name), .system, preference: 3, why: "system route: VNet address space")
        }
        routes.append(
            Route(.defaultRoute, .internet, .system, preference: 3, why: "system route: 0.0.0.0/0 to the internet")
        )
        // Kept unless the VNet's space covers the whole range (then VnetLocal replaces it).
        routes += Self.noneRanges.filter { range in !space.contains { $0.contains(range) } }.map {
            Route($0, .drop, .system, preference: 3, why: "system route: private space outside the VNet goes nowhere")
        }
        let table = subnet.routeTable.flatMap { topology.routeTables[$0] }
        var propagated: [Route] = []
        for gateway in topology.gateways(in: vnet.name) {
            let preference = gateway.spec.gatewayType == .expressRoute ? 1 : 2
            for route in learned[gateway.name] ?? [] {
                if case .vnet = route.nextHop { continue }
                if case .place(.appliance) = route.nextHop { continue }
                propagated.append(
                    Route(
                        route.prefix,
                        .place(.gateway(gateway.name)),
                        .bgp,
                        preference: preference,
                        asPath: route.asPath,
                        why: "from gateway \(gateway.name): \(route.why)"
                    )
                )
            }
        }
        if let server = topology.routeServers.first(where: { $0.spec.virtualNetwork == vnet.name }) {
            for peer in server.spec.peers {
                propagated += peer.advertises.map {
                    Route(
                        $0,
                        .place(.appliance(peer.ip)),
                        .bgp,
                        preference: 1,
                        asPath: [peer.asn.value],
                        why: "from NVA \(peer.name) via Route Server \(server.name)"
                    )
                }
            }
        }
        for hub in topology.virtualHubs {
            guard let spoke = hub.spec.virtualNetworkConnections.first(where: { $0.virtualNetwork == vnet.name }) else {
                continue
            }
            propagated += hubAdvertisement(
                hub,
                to: place,
                site: nil,
                connection: "the connection of \(vnet.name) to hub \(hub.name)",
                propagateDefault: spoke.propagateDefaultRoute
            ).map {
                var r = $0
                r.preference = 1
                return r
            }
        }
        // Routes to the VNet's own space never come from BGP (the system route wins).
        propagated.removeAll { route in space.contains { $0.contains(route.prefix) } }
        if let table, table.spec.disableBgpRoutePropagation {
            if !propagated.isEmpty {
                note(
                    place,
                    "route table \(table.name) disables gateway route propagation: subnet \(vnet.name)/\(subnet.name) "
                        + "learns none of \(propagated.prefix(3).map(\.prefix.description).joined(separator: ", "))"
                        + (propagated.count > 3 ? " …" : "")
                )
            }
        } else {
            routes += propagated
        }
        if let table { routes += userRoutes(table, vnet: vnet.name) }
        tables[place] = routes
    }
}
