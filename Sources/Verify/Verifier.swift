internal import Azure
internal import Cisco
public import Reconciler
public import Spec

/// Gathers both ends of every VPN connection of a spec through the providers (ARM reads,
/// one SSH session per router) and assesses them: `reconcile verify`.
///
/// Nothing here knows the lab: the same reads go to real Azure and real routers.
public struct Verifier: Sendable {
    let topology: Topology
    let graph: DesiredGraph
    let azure: AzureProvider?
    let cisco: CiscoProvider?

    static let apiVersion = "2024-05-01"
    static let showCommands = [
        "show running-config", "show ip interface brief", "show crypto ikev2 sa", "show crypto ipsec sa",
        "show ip bgp summary", "show ip route",
    ]

    /// A verifier over the providers a run built (`azure` and `cisco` in `registry`).
    public init(topology: Topology, graph: DesiredGraph, registry: ProviderRegistry) {
        self.topology = topology
        self.graph = graph
        azure = registry["azure"] as? AzureProvider
        cisco = registry["cisco"] as? CiscoProvider
    }

    /// One connection to check, whichever kind it is.
    struct Connection {
        var name: String
        var site: String
        /// Its Azure end, read through the provider.
        var read: @Sendable (AzureProvider) async throws -> AzureEnd?
        /// Where Azure's learned routes are read.
        var learned: AzureRouteQuery
        /// The Azure prefixes a static connection routes through the tunnel; nil with BGP,
        /// where they are what the gateway advertises.
        var staticPrefixes: [String]?
    }

    public func run() async throws -> VerifyReport {
        guard let azure else { throw ProviderError("verify needs the Azure provider (an AzureScope in the spec)") }
        let connections = connections()
        // One session per router and the connections' ARM reads, several at once (as the
        // providers allow): a thousand sites are not read one after another.
        var facts: [String: RouterFacts] = [:]
        if let cisco {
            let devices = Set(connections.compactMap { topology.sites[$0.site]?.spec.device }).sorted()
            facts = try await Bounded.map(devices, limit: cisco.maxConcurrency) { try await read($0, cisco) }
        }
        let azureEnds = try await Bounded.map(Array(connections.indices), limit: azure.maxConcurrency) {
            try await connections[$0].read(azure)
        }
        // A gateway's learned routes are the same for each of its connections: read once.
        let learnedRoutes = try await Bounded.map(
            Array(Set(connections.map(\.learned))),
            limit: azure.maxConcurrency
        ) { query in try? await azure.routes(query).map(\.prefix) }
        var tunnels: [TunnelStatus] = []
        let model = RouteModel(topology)
        var egressChecked: Set<String> = []
        for (i, connection) in connections.enumerated() {
            var end = azureEnds[i] ?? nil
            // What the router must have learned through the tunnel: what Azure says it advertises.
            let expectedRoutes = connection.staticPrefixes ?? end?.advertised ?? []
            let learned = learnedRoutes[connection.learned] ?? nil
            let device = topology.sites[connection.site]?.spec.device
            let seen = device.flatMap { facts[$0] }
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
            if let device {
                let named = (0..<2).compactMap { instance in
                    graph[
                        .cisco(
                            device,
                            Lowering.CiscoSection.tunnel(
                                Lowering.tunnelName(connection: connection.name, instance: instance)
                            )
                        )
                    ]?
                    .attributes["interface"]?.scalarText
                }
                if !named.isEmpty { interfaces = named }
            }
            for (instance, interface) in interfaces.enumerated() {
                var router: RouterEnd?
                if let device, let seen {
                    let ends = RouterEnd.tunnels(device: device, config: seen.config, addresses: seen.addresses)
                    router = ends.first { $0.tunnel == interface } ?? (instance == 0 ? ends.first : nil)
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
        routes: IOSShow.RoutingTable,
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
            let path: @Sendable (AzureProvider) -> String = { $0.path(Lowering.AzureAddress.connection(c.name)) }
            let vnet = topology.gateways[c.spec.gateway].flatMap { topology.virtualNetworks[$0.spec.virtualNetwork] }
            result.append(
                Connection(
                    name: c.name,
                    site: c.spec.site,
                    read: { provider in
                        guard let body = try await provider.client.get(path(provider), apiVersion: Self.apiVersion)
                        else { return nil }
                        // ARM's `sharedkey` read; without the right to it, the key is not compared.
                        let key = try? await provider.client.get(
                            path(provider) + "/sharedkey",
                            apiVersion: Self.apiVersion
                        )
                        let lookup = try await resolve(body, provider: provider)
                        return AzureEnd.vnetConnection(
                            name: c.name,
                            body,
                            sharedKey: key?["value"]?.scalarText,
                            lookup: { lookup[$0.lowercased()] }
                        )
                    },
                    learned: .learned(gateway: c.spec.gateway),
                    staticPrefixes: c.spec.routing == .bgp ? nil : vnet?.spec.addressSpace.map(\.description) ?? []
                )
            )
        }
        for c in topology.hubVpnConnections {
            let gateway = Lowering.AzureAddress.hubVpnGateway(c.spec.hub)
            result.append(
                Connection(
                    name: c.name,
                    site: c.spec.site,
                    read: { provider in
                        let path = provider.path(.azure("\(gateway.path)/vpnConnections/\(c.name)"))
                        guard let body = try await provider.client.get(path, apiVersion: Self.apiVersion) else {
                            return nil
                        }
                        let hub = try await provider.client.get(provider.path(gateway), apiVersion: Self.apiVersion)
                        let lookup = try await resolve(body, provider: provider)
                        return AzureEnd.hubConnection(
                            name: c.name,
                            body,
                            gateway: hub,
                            lookup: { lookup[$0.lowercased()] }
                        )
                    },
                    learned: .hub(c.spec.hub, connection: nil),
                    staticPrefixes: nil
                )
            )
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The resources a body refers to by id, and theirs (a connection's gateway and its
    /// public IPs, its local network gateway, a VPN site).
    func resolve(_ body: Attributes, provider: AzureProvider) async throws -> [String: Attributes] {
        var found: [String: Attributes] = [:]
        var pending = Self.ids(in: .map(body))
        var depth = 0
        while !pending.isEmpty && depth < 3 {
            var next: [String] = []
            for id in pending where found[id.lowercased()] == nil {
                guard id.lowercased().contains("/providers/microsoft.network/"),
                    id.split(separator: "/").count % 2 == 0,
                    let resource = try await provider.client.get(id, apiVersion: Self.apiVersion)
                else { continue }
                found[id.lowercased()] = resource
                next += Self.ids(in: .map(resource))
            }
            pending = next
            depth += 1
        }
        return found
    }

    /// The ids a body refers to (`{"id": …}` objects), not its own.
    static func ids(in value: Value) -> [String] {
        switch value {
        case .map(let m):
            var result: [String] = []
            for entry in m where entry.key != "id" {
                if case .map(let inner) = entry.value, case .string(let id)? = inner["id"], inner.count == 1 {
                    result.append(id)
                } else {
                    result += ids(in: entry.value)
                }
            }
            return result
        case .list(let items): return items.flatMap(ids)
        default: return []
        }
    }

    /// What a router shows, read once per router.
    struct RouterFacts: Sendable {
        var config: IOSConfig
        var addresses: [String: String]
        var ikev2: [IOSShow.IKEv2SA]
        var ipsec: [IOSShow.IPsecSA]
        var bgp: IOSShow.BGPSummary
        var routes: IOSShow.RoutingTable
    }

    func read(_ device: String, _ cisco: CiscoProvider) async throws -> RouterFacts {
        let out = try await cisco.show(device, Self.showCommands)
        let config: IOSConfig
        do {
            config = try IOSParser.parse(out[0])
        } catch {
            throw ProviderError("\(device): its running config does not parse: \(error)")
        }
        return RouterFacts(
            config: config,
            addresses: IOSShow.interfaceAddresses(out[1]),
            ikev2: IOSShow.ikev2SAs(out[2]),
            ipsec: IOSShow.ipsecSAs(out[3]),
            bgp: IOSShow.bgpSummary(out[4]),
            routes: IOSShow.routes(out[5])
        )
    }
}
