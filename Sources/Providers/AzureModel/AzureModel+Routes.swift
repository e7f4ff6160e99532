internal import Foundation
internal import Spec

/// Routing in the model: what gateways learn and advertise, what a Virtual WAN hub sends
/// each connection, what a Route Server exchanges with its NVAs, and a subnet's effective
/// route table, following the rules of `docs/routing.md`.
///
/// BGP routes come from `announce(from:prefixes:)`: the lab calls it when a simulated
/// router's or NVA's session is up; withdrawing is announcing nothing.
extension AzureModel {
    /// One route as the model reasons about it.
    struct Route: Sendable {
        var prefix: String
        /// The address or resource the traffic goes to.
        var nextHop: String
        /// `Network` (a VNet's or a site's own prefix), `EBgp`, `IBgp`.
        var origin: String
        var asPath: String
        /// Who the route came from: a BGP peer address, or a resource id.
        var source: String
    }

    /// A BGP peer (an on-prem router's peering address, an NVA, or an ExpressRoute circuit
    /// id) has an established session and advertises `prefixes`; none withdraws them.
    public func announce(from peer: String, prefixes: [String]) {
        announcements[peer.lowercased()] = prefixes.isEmpty ? nil : prefixes
    }

    // MARK: Reading the world

    /// A scalar as text (an ASN may be a number or a string).
    static func text(_ value: Value) -> String { value.scalarText ?? "" }

    func properties(_ body: Attributes?) -> Attributes {
        if case .map(let p)? = body?["properties"] { return p }
        return [:]
    }

    /// Resources of one type (`virtualNetworkGateways`, `virtualHubs/bgpConnections`), sorted by id.
    func all(_ type: String) -> [(id: String, properties: Attributes)] {
        let wanted = "microsoft.network/" + type.lowercased()
        return keys(ofType: wanted).compactMap { key in
            guard let stored = current(key), case .string(let t)? = stored.body["type"], t.lowercased() == wanted,
                case .string(let id)? = stored.body["id"]
            else { return nil }
            return (id, properties(stored.body))
        }
    }

    /// The keys of one type's resources, sorted, from an index kept until `resources` changes.
    func keys(ofType type: String) -> [String] {
        if let index = typeIndex { return index[type] ?? [] }
        var index: [String: [String]] = [:]
        for key in resources.keys.sorted() {
            guard case .string(let t)? = resources[key]?.body["type"] else { continue }
            index[t.lowercased(), default: []].append(key)
        }
        typeIndex = index
        return index[type] ?? []
    }

    func lookup(_ id: String?) -> Attributes? {
        guard let id else { return nil }
        return current(id.lowercased()).map { properties($0.body) }
    }

    static func reference(_ value: Value?) -> String? {
        if case .map(let m)? = value, case .string(let id)? = m["id"] { return id }
        return nil
    }

    static func strings(_ value: Value?) -> [String] {
        guard case .list(let items)? = value else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    static func parent(_ id: String, levels: Int = 2) -> String {
        id.split(separator: "/", omittingEmptySubsequences: false).dropLast(levels).joined(separator: "/")
    }

    func vnetPrefixes(_ vnet: String) -> [String] {
        guard case .map(let space)? = lookup(vnet)?["addressSpace"] else { return [] }
        return Self.strings(space["addressPrefixes"])
    }

    /// The VNet a gateway or Route Server ip configuration sits in.
    static func vnet(ofIPConfigurations properties: Attributes) -> String? {
        guard case .list(let configurations)? = properties["ipConfigurations"],
            case .map(let first)? = configurations.first
        else { return nil }
        var p = first
        if case .map(let inner)? = first["properties"] { p = inner }
        return reference(p["subnet"]).map { parent($0) }
    }

    /// A BGP speaker's peering address: a local network gateway's, or a VNet gateway's first
    /// instance's (an active-active gateway lists one per instance, comma-separated).
    static func peeringAddress(_ properties: Attributes) -> String? {
        if case .map(let bgp)? = properties["bgpSettings"], case .string(let address)? = bgp["bgpPeeringAddress"] {
            return address.split(separator: ",").first.map(String.init) ?? address
        }
        return nil
    }

    func announced(_ peer: String) -> [String] {
        let key = peer.lowercased()
        if let exact = announcements[key] { return exact }
        if let lab = labAnnouncements?()[peer] { return lab }
        // An ExpressRoute circuit's announcements cover its peerings.
        return announcements.keys.sorted().filter { key.hasPrefix($0 + "/") }.flatMap { announcements[$0] ?? [] }
    }

    /// What Azure advertises to each site over BGP, by connection id: a VNet gateway's
    /// advertised routes towards the site's peering address (never 0/0 from a VPN gateway),
    /// or a hub's routes as that connection sees them (0/0 only with internet security on).
    func advertisedToSites() -> [String: [String]] {
        var result: [String: [String]] = [:]
        // Each gateway's candidates once, however many sites it serves.
        var gateways: [String: Advertising?] = [:]
        for connection in all("connections") {
            guard let gateway = Self.reference(connection.properties["virtualNetworkGateway1"]) else { continue }
            let site = lookup(Self.reference(connection.properties["localNetworkGateway2"]))
            var peer = ""
            if case .map(let bgp)? = site?["bgpSettings"] { peer = bgp["bgpPeeringAddress"].map(Self.text) ?? "" }
            if gateways[gateway.lowercased()] == nil {
                gateways[gateway.lowercased()] = .some(advertising(gateway: gateway))
            }
            result[connection.id.lowercased()] =
                gateways[gateway.lowercased()]??.routes(to: peer).map(\.prefix.description) ?? []
        }
        for connection in all("vpnGateways/vpnConnections") {
            guard let hub = Self.reference(lookup(Self.parent(connection.id))?["virtualHub"]) else { continue }
            result[connection.id.lowercased()] =
                hubEffectiveRoutes(hub: hub, resource: connection.id)?.flatMap {
                    Self.strings($0["addressPrefixes"])
                } ?? []
        }
        return result
    }

    /// The Route Server in a VNet: its hub id, whether it exchanges routes with the gateways, its peers.
    func routeServer(in vnet: String) -> (hub: String, branchToBranch: Bool, peers: [Attributes])? {
        for config in all("virtualHubs/ipConfigurations") {
            guard let subnet = Self.reference(config.properties["subnet"]),
                Self.parent(subnet).lowercased() == vnet.lowercased()
            else { continue }
            let hub = Self.parent(config.id)
            let peers = all("virtualHubs/bgpConnections").filter { Self.parent($0.id).lowercased() == hub.lowercased() }
            return (hub, lookup(hub)?["allowBranchToBranchTraffic"] == true, peers.map(\.properties))
        }
        return nil
    }

    /// Routes an NVA announces to a Route Server.
    func nvaRoutes(_ peers: [Attributes]) -> [Route] {
        peers.flatMap { peer -> [Route] in
            guard case .string(let ip)? = peer["peerIp"] else { return [] }
            let asn = peer["peerAsn"].map { Self.text($0) } ?? ""
            return announced(ip).map { Route(prefix: $0, nextHop: ip, origin: "EBgp", asPath: asn, source: ip) }
        }
    }

    /// What a VNet gateway learns from its own connections: a local network gateway's prefixes,
    /// its BGP announcements, an ExpressRoute circuit's announcements.
    func connectionRoutes(gateway: String) -> [Route] {
        var routes: [Route] = []
        for connection in all("connections") {
            let p = connection.properties
            guard Self.reference(p["virtualNetworkGateway1"])?.lowercased() == gateway.lowercased() else { continue }
            if p["connectionType"] == "ExpressRoute", let circuit = Self.reference(p["peer"]) {
                routes += announced(circuit).map {
                    Route(prefix: $0, nextHop: circuit, origin: "EBgp", asPath: "12076", source: circuit)
                }
                continue
            }
            guard let lngId = Self.reference(p["localNetworkGateway2"]), let lng = lookup(lngId) else { continue }
            let peer = Self.peeringAddress(lng)
            let address: String
            if case .string(let ip)? = lng["gatewayIpAddress"] { address = ip } else { address = lngId }
            var prefixes: [String] = []
            if case .map(let space)? = lng["localNetworkAddressSpace"] {
                prefixes = Self.strings(space["addressPrefixes"])
            }
            routes += prefixes.map {
                Route(prefix: $0, nextHop: address, origin: "Network", asPath: "", source: peer ?? lngId)
            }
            if p["enableBgp"] == true, let peer {
                let asn: String
                if case .map(let bgp)? = lng["bgpSettings"], let value = bgp["asn"] {
                    asn = Self.text(value)
                } else {
                    asn = ""
                }
                routes += announced(peer).map {
                    Route(prefix: $0, nextHop: peer, origin: "EBgp", asPath: asn, source: peer)
                }
            }
        }
        return routes
    }

    /// Routes a gateway learns from beside it: with `allowBranchToBranchTraffic` on the
    /// VNet's Route Server, the NVAs' routes and the other gateways' (iBGP inside Azure).
    func transitRoutes(gateway: String, vnet: String) -> [Route] {
        guard let server = routeServer(in: vnet), server.branchToBranch else { return [] }
        var routes = nvaRoutes(server.peers)
        for other in all("virtualNetworkGateways") where other.id.lowercased() != gateway.lowercased() {
            guard Self.vnet(ofIPConfigurations: other.properties)?.lowercased() == vnet.lowercased() else { continue }
            routes += connectionRoutes(gateway: other.id)
        }
        return routes.map {
            var r = $0
            r.origin = "IBgp"
            return r
        }
    }

    // MARK: Virtual network gateways

    /// `getLearnedRoutes`: the VNet's own prefixes, the gateway's connections, and transit routes.
    func learnedRoutes(gateway id: String) -> [Attributes]? {
        guard let gateway = lookup(id), let vnet = Self.vnet(ofIPConfigurations: gateway) else { return nil }
        let local = Self.peeringAddress(gateway) ?? ""
        let own = vnetPrefixes(vnet).map {
            Route(prefix: $0, nextHop: "", origin: "Network", asPath: "", source: local)
        }
        return (own + connectionRoutes(gateway: id) + transitRoutes(gateway: id, vnet: vnet)).map {
            [
                "localAddress": .string(local), "network": .string($0.prefix), "nextHop": .string($0.nextHop),
                "sourcePeer": .string($0.source), "origin": .string($0.origin), "asPath": .string($0.asPath),
                "weight": $0.origin == "Network" ? 32768 : 0,
            ]
        }
    }

    /// What a gateway may advertise, before it is filtered for one peer.
    struct Advertising {
        var local: String
        var isVpn: Bool
        var space: [IPv4Prefix]
        var candidates: [Route]

        /// What the gateway sends `peer`: never a route back to where it came from; a VPN
        /// gateway never sends 0.0.0.0/0 nor a prefix inside its VNet's space but the VNet's own.
        func routes(to peer: String) -> [(prefix: IPv4Prefix, route: Route)] {
            var seen: Set<IPv4Prefix> = []
            var result: [(prefix: IPv4Prefix, route: Route)] = []
            for route in candidates where route.source.lowercased() != peer.lowercased() {
                guard let prefix = IPv4Prefix(route.prefix), !seen.contains(prefix) else { continue }
                // Only the VNet's own prefixes may fall inside its space (0.0.0.0/1 may cover it).
                if isVpn && route.source != local
                    && (prefix == .defaultRoute || space.contains(where: { $0.contains(prefix) }))
                {
                    continue
                }
                seen.insert(prefix)
                result.append((prefix, route))
            }
            return result
        }
    }

    func advertising(gateway id: String) -> Advertising? {
        guard let gateway = lookup(id), let vnet = Self.vnet(ofIPConfigurations: gateway) else { return nil }
        let local = Self.peeringAddress(gateway) ?? ""
        return Advertising(
            local: local,
            isVpn: gateway["gatewayType"] != "ExpressRoute",
            space: vnetPrefixes(vnet).compactMap(IPv4Prefix.init),
            candidates: vnetPrefixes(vnet).map {
                Route(prefix: $0, nextHop: local, origin: "Network", asPath: "", source: local)
            } + connectionRoutes(gateway: id) + transitRoutes(gateway: id, vnet: vnet)
        )
    }

    /// `getAdvertisedRoutes?peer=`: what the gateway sends one BGP peer (`Advertising`).
    func advertisedRoutes(gateway id: String, peer: String) -> [Attributes]? {
        guard let advertising = advertising(gateway: id) else { return nil }
        let local = advertising.local
        return advertising.routes(to: peer).map { prefix, route in
            [
                "localAddress": .string(local), "network": .string(prefix.description), "nextHop": .string(local),
                "sourcePeer": .string(local), "origin": .string(route.origin == "Network" ? "Igp" : route.origin),
                "asPath": .string(route.asPath.isEmpty ? "65515" : "65515 \(route.asPath)"), "weight": 0,
            ]
        }
    }

    // MARK: Route Server

    /// A Route Server peer's `learnedRoutes` and `advertisedRoutes`, ARM's shape (one list per instance).
    func routeServerRoutes(connection id: String, learned: Bool) -> Attributes? {
        guard let peer = lookup(id), case .string(let ip)? = peer["peerIp"] else { return nil }
        let hub = Self.parent(id)
        guard
            let config = all("virtualHubs/ipConfigurations").first(where: {
                Self.parent($0.id).lowercased() == hub.lowercased()
            }),
            let subnet = Self.reference(config.properties["subnet"])
        else { return ["value": .map([:])] }
        let vnet = Self.parent(subnet)
        let ips = Self.strings(lookup(hub)?["virtualRouterIps"])
        var routes: [Route]
        if learned {
            routes = nvaRoutes([peer])
        } else {
            routes = vnetPrefixes(vnet).map {
                Route(prefix: $0, nextHop: "", origin: "Igp", asPath: "65515", source: "")
            }
            if lookup(hub)?["allowBranchToBranchTraffic"] == true {
                for gateway in all("virtualNetworkGateways")
                where Self.vnet(ofIPConfigurations: gateway.properties)?.lowercased() == vnet.lowercased() {
                    routes += connectionRoutes(gateway: gateway.id).map {
                        Route(prefix: $0.prefix, nextHop: "", origin: "EBgp", asPath: "65515 \($0.asPath)", source: "")
                    }
                }
            }
        }
        var roles: Attributes = [:]
        for (index, local) in ips.enumerated() {
            roles["RouteServiceRole_IN_\(index)"] = .list(
                routes.map {
                    .map([
                        "localAddress": .string(local), "network": .string($0.prefix),
                        "nextHop": .string(learned ? ip : local), "sourcePeer": .string(learned ? ip : ""),
                        "origin": .string($0.origin), "asPath": .string($0.asPath), "weight": 0,
                    ])
                }
            )
        }
        return ["value": .map(roles)]
    }

    /// The two router addresses a Route Server takes in its subnet (.4 and .5).
    static func routerAddresses(subnetPrefix: String) -> [Value] {
        guard let prefix = IPv4Prefix(subnetPrefix) else { return [] }
        return [4, 5].map { .string(IPv4Address(prefix.first + $0).description) }
    }

    // MARK: Virtual WAN

    /// `virtualHubs/{hub}/effectiveRoutes`: every route of the hub (a route table), or what it
    /// sends one connection.
    ///
    /// 0.0.0.0/0 exists only when the hub has one (an Internet routing
    /// policy, or a branch announcing it) and reaches a connection only with its
    /// `enableInternetSecurity` ("propagate default route") on.
    func hubEffectiveRoutes(hub id: String, resource: String?) -> [Attributes]? {
        guard lookup(id) != nil else { return nil }
        let hub = id.lowercased()
        func childOf(_ candidate: String, _ parent: String) -> Bool {
            Self.parent(candidate).lowercased() == parent.lowercased()
        }
        struct HubRoute {
            var prefix: String
            var nextHopType: String
            var nextHop: String
            var origin: String
            var asPath: String
        }
        var routes: [HubRoute] = []
        for connection in all("virtualHubs/hubVirtualNetworkConnections") where childOf(connection.id, hub) {
            guard let vnet = Self.reference(connection.properties["remoteVirtualNetwork"]) else { continue }
            routes += vnetPrefixes(vnet).map {
                HubRoute(
                    prefix: $0,
                    nextHopType: "Virtual Network Connection",
                    nextHop: connection.id,
                    origin: connection.id,
                    asPath: ""
                )
            }
        }
        for gateway in all("vpnGateways") where Self.reference(gateway.properties["virtualHub"])?.lowercased() == hub {
            for connection in all("vpnGateways/vpnConnections") where childOf(connection.id, gateway.id) {
                guard let siteId = Self.reference(connection.properties["remoteVpnSite"]), let site = lookup(siteId)
                else { continue }
                var prefixes: [(String, String)] = []
                if case .map(let space)? = site["addressSpace"] {
                    prefixes = Self.strings(space["addressPrefixes"]).map { ($0, "") }
                }
                if case .list(let links)? = site["vpnSiteLinks"] {
                    for case .map(let link) in links {
                        guard case .map(let lp)? = link["properties"], case .map(let bgp)? = lp["bgpProperties"],
                            case .string(let peer)? = bgp["bgpPeeringAddress"]
                        else { continue }
                        let asn = bgp["asn"].map { Self.text($0) } ?? ""
                        prefixes += announced(peer).map { ($0, asn) }
                    }
                }
                routes += prefixes.map {
                    HubRoute(
                        prefix: $0.0,
                        nextHopType: "VPN_S2S_Gateway",
                        nextHop: gateway.id,
                        origin: connection.id,
                        asPath: $0.1
                    )
                }
            }
        }
        for gateway in all("expressRouteGateways")
        where Self.reference(gateway.properties["virtualHub"])?.lowercased() == hub {
            for connection in all("expressRouteGateways/expressRouteConnections")
            where childOf(connection.id, gateway.id) {
                guard let peering = Self.reference(connection.properties["expressRouteCircuitPeering"]) else {
                    continue
                }
                routes += announced(peering).map {
                    HubRoute(
                        prefix: $0,
                        nextHopType: "ExpressRouteGateway",
                        nextHop: gateway.id,
                        origin: connection.id,
                        asPath: "12076"
                    )
                }
            }
        }
        for intent in all("virtualHubs/routingIntent") where childOf(intent.id, hub) {
            guard case .list(let policies)? = intent.properties["routingPolicies"] else { continue }
            for case .map(let policy) in policies {
                var p = policy
                if case .map(let inner)? = policy["properties"], inner["destinations"] != nil { p = inner }
                guard
                    let nextHop = Self.reference(p["nextHop"])
                        ?? { if case .string(let s)? = p["nextHop"] { s } else { nil } }()
                else { continue }
                let destinations = Self.strings(p["destinations"])
                if destinations.contains("Internet") {
                    routes.append(
                        HubRoute(
                            prefix: "0.0.0.0/0",
                            nextHopType: "Azure Firewall",
                            nextHop: nextHop,
                            origin: intent.id,
                            asPath: ""
                        )
                    )
                }
                if destinations.contains("PrivateTraffic") {
                    for aggregate in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] {
                        routes.append(
                            HubRoute(
                                prefix: aggregate,
                                nextHopType: "Azure Firewall",
                                nextHop: nextHop,
                                origin: "_policy_PrivateTraffic",
                                asPath: ""
                            )
                        )
                    }
                }
            }
        }
        if let resource, !resource.lowercased().contains("/hubroutetables/") {
            let flag = lookup(resource)?["enableInternetSecurity"] == true
            routes = routes.filter { route in
                route.origin.lowercased() != resource.lowercased() && (route.prefix != "0.0.0.0/0" || flag)
            }
        }
        return routes.sorted { ($0.prefix, $0.origin) < ($1.prefix, $1.origin) }.map {
            [
                "addressPrefixes": .list([.string($0.prefix)]), "nextHops": .list([.string($0.nextHop)]),
                "nextHopType": .string($0.nextHopType), "asPath": .string($0.asPath), "routeOrigin": .string($0.origin),
            ]
        }
    }

    // MARK: Subnets

    /// A subnet's effective route table (ARM has it per network interface; the model serves it
    /// per subnet, in the NIC's shape).
    ///
    /// Per prefix one route is Active: user routes beat
    /// gateway-learned routes beat system routes; a learned route inside the VNet's own space
    /// is Invalid; `disableBgpRoutePropagation` keeps learned routes off the subnet.
    func subnetEffectiveRoutes(vnet: String, subnet name: String) -> [Attributes]? {
        guard let network = lookup(vnet), case .list(let subnets)? = network["subnets"] else { return nil }
        var subnetProperties: Attributes?
        for case .map(let s) in subnets where (s["name"].map { Self.text($0).lowercased() }) == name.lowercased() {
            subnetProperties = properties(s)
        }
        guard let subnetProperties else { return nil }
        let table = Self.reference(subnetProperties["routeTable"]).flatMap(lookup)
        struct Entry {
            var source: String
            var prefix: String
            var nextHopType: String
            var nextHop: String
            var rank: Int
        }
        let space = vnetPrefixes(vnet)
        var entries = space.map { Entry(source: "Default", prefix: $0, nextHopType: "VnetLocal", nextHop: "", rank: 0) }
        entries.append(Entry(source: "Default", prefix: "0.0.0.0/0", nextHopType: "Internet", nextHop: "", rank: 0))
        if table?["disableBgpRoutePropagation"] != true {
            for gateway in all("virtualNetworkGateways")
            where Self.vnet(ofIPConfigurations: gateway.properties)?.lowercased() == vnet.lowercased() {
                let address = Self.peeringAddress(gateway.properties) ?? ""
                entries += connectionRoutes(gateway: gateway.id).map {
                    Entry(
                        source: "VirtualNetworkGateway",
                        prefix: $0.prefix,
                        nextHopType: "VirtualNetworkGateway",
                        nextHop: address,
                        rank: 1
                    )
                }
                if Self.reference(gateway.properties["gatewayDefaultSite"]) != nil {
                    entries.append(
                        Entry(
                            source: "VirtualNetworkGateway",
                            prefix: "0.0.0.0/0",
                            nextHopType: "VirtualNetworkGateway",
                            nextHop: address,
                            rank: 1
                        )
                    )
                }
            }
            if let server = routeServer(in: vnet) {
                entries += nvaRoutes(server.peers).map {
                    Entry(
                        source: "VirtualNetworkGateway",
                        prefix: $0.prefix,
                        nextHopType: "VirtualNetworkGateway",
                        nextHop: $0.nextHop,
                        rank: 1
                    )
                }
            }
        }
        if case .list(let routes)? = table?["routes"] {
            for case .map(let route) in routes {
                let p = properties(route)
                guard case .string(let prefix)? = p["addressPrefix"] else { continue }
                let hop: String
                if case .string(let ip)? = p["nextHopIpAddress"] { hop = ip } else { hop = "" }
                let type: String
                if case .string(let t)? = p["nextHopType"] { type = t } else { type = "None" }
                entries.append(Entry(source: "User", prefix: prefix, nextHopType: type, nextHop: hop, rank: 2))
            }
        }
        let ownSpace = space.compactMap(IPv4Prefix.init)
        var best: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            if entry.source == "VirtualNetworkGateway", let p = IPv4Prefix(entry.prefix),
                ownSpace.contains(where: { $0.contains(p) })
            {
                continue
            }
            if let current = best[entry.prefix], entries[current].rank >= entry.rank { continue }
            best[entry.prefix] = index
        }
        let active = Set(best.values)
        return entries.enumerated().map { index, entry in
            [
                "source": .string(entry.source), "state": .string(active.contains(index) ? "Active" : "Invalid"),
                "addressPrefix": .list([.string(entry.prefix)]),
                "nextHopIpAddress": .list(entry.nextHop.isEmpty ? [] : [.string(entry.nextHop)]),
                "nextHopType": .string(entry.nextHopType),
            ]
        }
    }
}

extension AzureModel {
    /// A POST action (`getAdvertisedRoutes`, `effectiveRoutes`, …): long-running as in Azure,
    /// 202 with a `Location` whose answer carries the result.
    func post(action: String, on id: String, _ request: ARMRequest) -> ARMResponse {
        let kind = id.split(separator: "/").dropFirst(6).enumerated().filter { $0.offset % 2 == 0 }.map {
            $0.element.lowercased()
        }.joined(separator: "/")
        let result: Attributes?
        switch (kind, action.lowercased()) {
        case ("virtualnetworkgateways", "getlearnedroutes"):
            result = learnedRoutes(gateway: id).map { ["value": .list($0.map(Value.map))] }
        case ("virtualnetworkgateways", "getadvertisedroutes"):
            guard let peer = request.query["peer"] else {
                return error(400, "MissingRequiredParameter", "The 'peer' query parameter is required.")
            }
            result = advertisedRoutes(gateway: id, peer: peer).map { ["value": .list($0.map(Value.map))] }
        case ("virtualhubs", "effectiveroutes"):
            var resource: String?
            if let body = decode(request.body), case .string(let r)? = body["resourceId"] { resource = r }
            result = hubEffectiveRoutes(hub: id, resource: resource).map { ["value": .list($0.map(Value.map))] }
        case ("virtualhubs/bgpconnections", "learnedroutes"), ("virtualhubs/bgpconnections", "advertisedroutes"):
            result = routeServerRoutes(connection: id, learned: action.lowercased() == "learnedroutes")
        case ("virtualnetworks/subnets", "effectiveroutetable"):
            result = subnetEffectiveRoutes(vnet: Self.parent(id), subnet: String(id.split(separator: "/").last ?? ""))
                .map { ["value": .list($0.map(Value.map))] }
        default:
            return error(400, "InvalidAction", "The action '\(action)' is not supported on \(id).")
        }
        guard let result else {
            let parts = id.split(separator: "/")
            return notFound(String(parts[6]), String(parts.last ?? ""), String(parts[3]))
        }
        let opId = startOperation(id.lowercased(), done: clock.now, result: result)
        return accepted(request, id: id, opId)
    }
}
