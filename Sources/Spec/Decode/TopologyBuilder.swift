/// Collects decoded objects in source order; `build()` sorts them into a `Topology`.
struct TopologyBuilder: Sendable {
    var declared: [Kind: [String: ObjectMeta]] = [:]
    var scopes: [SpecObject<AzureScope>] = []
    var virtualNetworks: [SpecObject<VirtualNetwork>] = []
    var gateways: [SpecObject<VirtualNetworkGateway>] = []
    var sites: [SpecObject<Site>] = []
    var vpnConnections: [SpecObject<VpnConnection>] = []
    var expressRouteConnections: [SpecObject<ExpressRouteConnection>] = []
    var virtualWans: [SpecObject<VirtualWan>] = []
    var virtualHubs: [SpecObject<VirtualHub>] = []
    var hubVpnConnections: [SpecObject<HubVpnConnection>] = []
    var routeServers: [SpecObject<RouteServer>] = []
    var routeTables: [SpecObject<RouteTable>] = []
    var routers: [SpecObject<CiscoRouter>] = []
    var intents: [SpecObject<Intent>] = []
    var driftPolicies: [SpecObject<DriftPolicy>] = []
    var stateBackends: [SpecObject<StateBackendSettings>] = []
    var addressPools: [SpecObject<AddressPool>] = []
    var plugins: [SpecObject<PluginSettings>] = []
    var pluginObjects: [PluginObject] = []

    /// Adds the objects another file decoded; a name already declared by an earlier file is a
    /// duplicate, reported at the later one and left out.
    mutating func merge(_ other: TopologyBuilder) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var duplicates = Set<String>()
        for (kind, objects) in other.declared {
            for (name, meta) in objects.sorted(by: { $0.key < $1.key }) {
                if let first = declared[kind]?[name] {
                    duplicates.insert("\(kind.rawValue)/\(name)")
                    problems.append(
                        .duplicate("\(kind.rawValue) '\(name)'", at: meta.location, first: first.location)
                    )
                } else {
                    declared[kind, default: [:]][name] = meta
                }
            }
        }
        func keep<V>(_ objects: [SpecObject<V>]) -> [SpecObject<V>] {
            duplicates.isEmpty
                ? objects : objects.filter { !duplicates.contains("\($0.meta.kind.rawValue)/\($0.name)") }
        }
        scopes += keep(other.scopes)
        virtualNetworks += keep(other.virtualNetworks)
        gateways += keep(other.gateways)
        sites += keep(other.sites)
        vpnConnections += keep(other.vpnConnections)
        expressRouteConnections += keep(other.expressRouteConnections)
        virtualWans += keep(other.virtualWans)
        virtualHubs += keep(other.virtualHubs)
        hubVpnConnections += keep(other.hubVpnConnections)
        routeServers += keep(other.routeServers)
        routeTables += keep(other.routeTables)
        routers += keep(other.routers)
        intents += keep(other.intents)
        driftPolicies += keep(other.driftPolicies)
        stateBackends += keep(other.stateBackends)
        addressPools += keep(other.addressPools)
        plugins += keep(other.plugins)
        // A plugin's kinds are not `Kind`s: their names are unique per kind among themselves.
        var seen = Dictionary(pluginObjects.map { ("\($0.kind)/\($0.name)", $0.location) }) { a, _ in a }
        for object in other.pluginObjects {
            if let first = seen["\(object.kind)/\(object.name)"] {
                problems.append(
                    .duplicate(object.reference, at: object.location, first: first)
                )
            } else {
                seen["\(object.kind)/\(object.name)"] = object.location
                pluginObjects.append(object)
            }
        }
        return problems
    }

    func build(root: String) -> Topology {
        var topology = Topology(root: root)
        topology.declared = declared
        topology.scopes = scopes
        topology.virtualNetworks = ObjectTable(virtualNetworks)
        topology.gateways = ObjectTable(gateways)
        topology.sites = ObjectTable(sites)
        topology.vpnConnections = ObjectTable(vpnConnections)
        topology.expressRouteConnections = ObjectTable(expressRouteConnections)
        topology.virtualWans = ObjectTable(virtualWans)
        topology.virtualHubs = ObjectTable(virtualHubs)
        topology.hubVpnConnections = ObjectTable(hubVpnConnections)
        topology.routeServers = ObjectTable(routeServers)
        topology.routeTables = ObjectTable(routeTables)
        topology.routers = ObjectTable(routers)
        topology.intents = ObjectTable(intents)
        topology.driftPolicies = driftPolicies
        topology.stateBackends = stateBackends
        topology.addressPools = ObjectTable(addressPools)
        topology.plugins = ObjectTable(plugins)
        topology.pluginObjects = pluginObjects.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }
        topology.buildIndexes()
        return topology
    }

    /// Decodes the spec of one object; an object missing a required value is left out (its
    /// problem is already reported) but stays declared for reference resolution.
    mutating func decode(_ kind: Kind, reader r: ObjectReader, meta: ObjectMeta) {
        switch kind {
        case .azureScope:
            if let v = Self.azureScope(r) { scopes.append(SpecObject(meta: meta, spec: v)) }
        case .virtualNetwork:
            if let v = Self.virtualNetwork(r) { virtualNetworks.append(SpecObject(meta: meta, spec: v)) }
        case .virtualNetworkGateway:
            if let v = Self.gateway(r) { gateways.append(SpecObject(meta: meta, spec: v)) }
        case .site:
            if let v = Self.site(r) { sites.append(SpecObject(meta: meta, spec: v)) }
        case .vpnConnection:
            if let v = Self.vpnConnection(r) { vpnConnections.append(SpecObject(meta: meta, spec: v)) }
        case .expressRouteConnection:
            if let v = Self.expressRouteConnection(r) {
                expressRouteConnections.append(SpecObject(meta: meta, spec: v))
            }
        case .virtualWan:
            virtualWans.append(SpecObject(meta: meta, spec: Self.virtualWan(r)))
        case .virtualHub:
            if let v = Self.virtualHub(r) { virtualHubs.append(SpecObject(meta: meta, spec: v)) }
        case .hubVpnConnection:
            if let v = Self.hubVpnConnection(r) { hubVpnConnections.append(SpecObject(meta: meta, spec: v)) }
        case .routeServer:
            if let v = Self.routeServer(r) { routeServers.append(SpecObject(meta: meta, spec: v)) }
        case .routeTable:
            routeTables.append(SpecObject(meta: meta, spec: Self.routeTable(r)))
        case .ciscoRouter:
            if let v = Self.ciscoRouter(r) { routers.append(SpecObject(meta: meta, spec: v)) }
        case .intent:
            intents.append(SpecObject(meta: meta, spec: Self.intent(r)))
        case .driftPolicy:
            driftPolicies.append(SpecObject(meta: meta, spec: Self.driftPolicy(r)))
        case .addressPool:
            if let v = Self.addressPool(r) { addressPools.append(SpecObject(meta: meta, spec: v)) }
        case .stateBackend:
            if let v = Self.stateBackend(r) { stateBackends.append(SpecObject(meta: meta, spec: v)) }
        case .plugin:
            plugins.append(
                SpecObject(meta: meta, spec: PluginSettings(path: r.string("path"), sha256: r.string("sha256")))
            )
        }
    }
}
