public import Reconciler
public import Spec

/// A provider that holds the cloud end of the spec's VPN connections (the Azure provider: its
/// gateways and their connections).
public protocol TunnelCloudFacts: Provider {
    /// Every VpnConnection's and HubVpnConnection's cloud end as the cloud reports it, with the
    /// routes that end has learned, by connection name; a connection that does not exist is absent.
    func tunnelEnds(of topology: Topology) async throws -> [String: CloudEndFacts]
}

/// One connection's cloud end, as read.
public struct CloudEndFacts: Sendable {
    public var end: AzureEnd
    /// The prefixes the cloud end says it learned; nil when they cannot be read.
    public var learned: [String]?

    public init(end: AzureEnd, learned: [String]?) {
        self.end = end
        self.learned = learned
    }
}

/// A provider that manages site routers (a router provider in process, or a plugin that reports
/// facts).
public protocol SiteRouterFacts: Provider {
    /// What each router shows of its tunnels, sessions and routes: one read per router.
    func routerFacts(_ devices: [String]) async throws -> [String: RouterFacts]
    /// The interface the spec gives one tunnel (`Lowering.tunnelName`) on `device`, from the graph.
    func tunnelInterface(device: String, tunnel: String, in graph: DesiredGraph) -> String?
    /// The router this provider manages at each of `sites`, with what it shows, by site name; a
    /// site whose router it does not manage is absent.
    ///
    /// By default, the router each Site names as its `device`, read with `routerFacts`.
    func siteRouters(_ sites: [String], of topology: Topology) async throws -> [String: SiteRouter]
}

extension SiteRouterFacts {
    public func siteRouters(_ sites: [String], of topology: Topology) async throws -> [String: SiteRouter] {
        let devices = sites.compactMap { site in topology.sites[site]?.spec.device.map { (site, $0) } }
        let facts = try await routerFacts(Set(devices.map(\.1)).sorted())
        var result: [String: SiteRouter] = [:]
        for (site, device) in devices {
            guard let seen = facts[device] else { continue }
            result[site] = SiteRouter(device: device, facts: seen)
        }
        return result
    }
}

/// The router at one site, as the provider that manages it reports it.
public struct SiteRouter: Sendable {
    /// Its name (the router document's).
    public var device: String
    public var facts: RouterFacts
    /// Whether its tunnels carry the spec's tunnel names (`Lowering.tunnelName`), so each
    /// connection's tunnel is found by that name alone, rather than by `tunnelInterface`.
    public var tunnelsBySpecName: Bool

    public init(device: String, facts: RouterFacts, tunnelsBySpecName: Bool = false) {
        self.device = device
        self.facts = facts
        self.tunnelsBySpecName = tunnelsBySpecName
    }
}

/// What a router shows, read once per router.
public struct RouterFacts: Sendable {
    /// Its IPsec tunnels, from its configuration and its interfaces' addresses.
    public var tunnels: [RouterEnd]
    public var ikev2: [RouterShow.IKEv2SA]
    public var ipsec: [RouterShow.IPsecSA]
    public var bgp: RouterShow.BGPSummary
    /// Its routing table; nil when its provider cannot read it (routes are then not checked).
    public var routes: RouterShow.RoutingTable?

    public init(
        tunnels: [RouterEnd],
        ikev2: [RouterShow.IKEv2SA],
        ipsec: [RouterShow.IPsecSA],
        bgp: RouterShow.BGPSummary,
        routes: RouterShow.RoutingTable?
    ) {
        self.tunnels = tunnels
        self.ikev2 = ikev2
        self.ipsec = ipsec
        self.bgp = bgp
        self.routes = routes
    }
}

/// Gathers both ends of every VPN connection of a spec through the providers (the cloud's
/// reads, one session per router) and assesses them: `reconcile verify`.
///
/// It names no provider: the cloud end comes from the provider that is `TunnelCloudFacts`,
/// each site's router from the first (by name) of those that are `SiteRouterFacts` to manage
/// it, against the lab or the real thing alike.
public struct Verifier: Sendable {
    let topology: Topology
    let graph: DesiredGraph
    let cloud: (any TunnelCloudFacts)?
    let routers: [any SiteRouterFacts]

    /// A verifier over the providers a run built.
    public init(topology: Topology, graph: DesiredGraph, registry: ProviderRegistry) {
        self.topology = topology
        self.graph = graph
        let providers = registry.providers.sorted { $0.key < $1.key }.map(\.value)
        cloud = providers.lazy.compactMap { $0 as? any TunnelCloudFacts }.first
        routers = providers.compactMap { $0 as? any SiteRouterFacts }
    }

    /// One connection to check, whichever kind it is.
    struct Connection {
        var name: String
        var site: String
        /// The cloud prefixes a static connection routes through the tunnel; nil with BGP,
        /// where they are what the gateway advertises.
        var staticPrefixes: [String]?
    }

    public func run() async throws -> VerifyReport {
        guard let cloud else { throw ProviderError("verify needs the Azure provider (an AzureScope in the spec)") }
        let connections = connections()
        // One session per router, and the cloud's reads, several at once (as the providers
        // allow): a thousand sites are not read one after another.
        var atSite: [String: (provider: any SiteRouterFacts, router: SiteRouter)] = [:]
        let allSites = Set(connections.map(\.site)).sorted()
        for provider in routers {
            let sites = allSites.filter { atSite[$0] == nil }
            if sites.isEmpty { break }
            for (site, router) in try await provider.siteRouters(sites, of: topology) where atSite[site] == nil {
                atSite[site] = (provider, router)
            }
        }
        let ends = try await cloud.tunnelEnds(of: topology)
        var tunnels: [TunnelStatus] = []
        let model = RouteModel(topology)
        var egressChecked: Set<String> = []
        for connection in connections {
            var end = ends[connection.name]?.end
            // What the router must have learned through the tunnel: what Azure says it advertises.
            let expectedRoutes = connection.staticPrefixes ?? end?.advertised ?? []
            let learned = ends[connection.name]?.learned
            let managed = atSite[connection.site]
            let device = managed?.router.device ?? topology.sites[connection.site]?.spec.device
            let seen = managed?.router.facts
            // What the site learns from this end over BGP, by the route model: a route the router
            // would send its own tunnel's destination into (a Route Server's 0.0.0.0/1) is seen
            // before the tunnel flaps, not only while it happens to be up.
            if end?.bgp == true, let towards = model.azureEnd(ofConnection: connection.name) {
                let learnedByModel = model.table(.site(connection.site)).filter {
                    $0.origin == .bgp && $0.nextHop == .place(towards)
                }.map(\.prefix.description)
                let advertised = end?.advertised ?? []
                end?.advertised = Array(Set(advertised + learnedByModel)).sorted()
            }
            // The tunnels the spec gives this connection, one per gateway instance, by interface name.
            var interfaces: [String?] = [nil]
            let bySpecName = managed?.router.tunnelsBySpecName == true
            if bySpecName {
                // One per gateway instance Azure reports (the first even when it reports none).
                interfaces = (0..<max(1, min(2, end?.gatewayAddresses.count ?? 1))).map {
                    Lowering.tunnelName(connection: connection.name, instance: $0)
                }
            } else if let device, let provider = managed?.provider ?? routers.first {
                let named = (0..<2).compactMap { instance in
                    provider.tunnelInterface(
                        device: device,
                        tunnel: Lowering.tunnelName(connection: connection.name, instance: instance),
                        in: graph
                    )
                }
                if !named.isEmpty { interfaces = named }
            }
            for (instance, interface) in interfaces.enumerated() {
                var router: RouterEnd?
                if let seen {
                    router =
                        seen.tunnels.first { $0.tunnel == interface }
                        ?? (instance == 0 && !bySpecName ? seen.tunnels.first : nil)
                }
                var status =
                    TunnelStatus.assess(
                        connection: Lowering.tunnelName(connection: connection.name, instance: instance),
                        device: device,
                        azure: end,
                        router: router,
                        ikev2: seen?.ikev2 ?? [],
                        ipsec: seen?.ipsec ?? [],
                        bgp: seen?.bgp,
                        routes: seen?.routes,
                        expectedRoutes: expectedRoutes,
                        azureLearned: learned,
                        sitePrefixes: topology.sites[connection.site]?.spec.addressSpace.map(\.description) ?? []
                    )
                // What the routing analysis expects of an up tunnel, against the router's table.
                if status.up, let routes = seen?.routes {
                    status.causes += Self.routeCauses(
                        model: model,
                        connection: connection.name,
                        site: connection.site,
                        routes: routes,
                        tunnel: router?.tunnel,
                        bgp: end?.bgp == true,
                        egress: status.egress,
                        checkEgress: egressChecked.insert(connection.site).inserted
                    )
                    if let learned {
                        status.causes += Self.learnedCauses(model: model, connection: connection.name, learned: learned)
                    }
                    status.up = status.causes.isEmpty
                }
                tunnels.append(status)
            }
        }
        return VerifyReport(tunnels: tunnels)
    }

    /// Routes the route model says Azure's end of a connection (its VNet gateway or hub)
    /// learns, missing from what Azure reports it learned.
    static func learnedCauses(model: RouteModel, connection: String, learned: [String]) -> [String] {
        guard let place = model.azureEnd(ofConnection: connection) else { return [] }
        let have = Set(learned)
        var causes: [String] = []
        var seen: Set<IPv4Prefix> = []
        for route in model.table(place) where route.origin == .bgp || route.origin == .static {
            if model.isDefaultSite(route, at: place) { continue }
            guard case .place = route.nextHop, seen.insert(route.prefix).inserted,
                !have.contains(route.prefix.description)
            else { continue }
            causes.append(
                "routing: the route model expects \(place) to have learned \(route.prefix) (\(route.why)); Azure's routes lack it"
            )
        }
        return causes
    }

    /// Where the route model and the router disagree, for an up tunnel: BGP routes the site
    /// should hold through it, and (once per site) which way its internet traffic leaves.
    static func routeCauses(
        model: RouteModel,
        connection: String,
        site: String,
        routes: RouterShow.RoutingTable,
        tunnel: String?,
        bgp: Bool,
        egress: String?,
        checkEgress: Bool
    ) -> [String] {
        guard let towards = model.azureEnd(ofConnection: connection) else { return [] }
        var causes: [String] = []
        let table = model.table(.site(site))
        if bgp {
            for route in table where route.nextHop == .place(towards) {
                // Only what the site would use for that prefix (a floating route is not expected).
                let best = table.filter { $0.prefix == route.prefix }.map(\.preference).min()
                guard route.preference == best else { continue }
                let seen = routes.route(route.prefix.description)
                if seen == nil || !(seen?.code.hasPrefix("B") == true || seen?.interface == tunnel) {
                    causes.append(
                        "routing: the route model expects \(route.prefix) from \(towards) (\(route.why)); "
                            + (seen.map { "the router routes it via \($0.interface ?? $0.nextHop ?? "?")" }
                                ?? "the router has no route to it")
                    )
                }
            }
        }
        if checkEgress, let egress {
            let path = model.trace(from: .site(site), to: RouteModel.internetProbes[0])
            let viaAzure = path.hops.first?.route.map { $0.nextHop != .internet } ?? false
            if viaAzure != egress.hasPrefix("through Azure") {
                causes.append(
                    "routing: the route model sends \(site)'s internet traffic "
                        + (viaAzure ? "through Azure" : "out of its own WAN")
                        + " (\(path.hops.first?.route.map { "\($0.prefix): \($0.why)" } ?? "")); the router sends it \(egress)"
                )
            }
        }
        return causes
    }

    /// The spec's VpnConnections and HubVpnConnections, in name order.
    func connections() -> [Connection] {
        var result: [Connection] = []
        for c in topology.vpnConnections {
            let vnet = topology.gateways[c.spec.gateway].flatMap { topology.virtualNetworks[$0.spec.virtualNetwork] }
            result.append(
                Connection(
                    name: c.name,
                    site: c.spec.site,
                    staticPrefixes: c.spec.routing == .bgp ? nil : vnet?.spec.addressSpace.map(\.description) ?? []
                )
            )
        }
        for c in topology.hubVpnConnections {
            result.append(Connection(name: c.name, site: c.spec.site, staticPrefixes: nil))
        }
        return result.sorted { $0.name < $1.name }
    }
}
