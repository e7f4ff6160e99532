extension RouteModel {
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
}
