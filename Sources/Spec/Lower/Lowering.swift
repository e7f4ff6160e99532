/// Turns a validated topology into the desired-state graph.
///
/// Azure resources are the ARM ones (one per ARM resource or child resource); the Cisco side
/// is one resource per managed configuration section. Values another resource produces (a
/// gateway's public IP, a BGP peering address, any ARM id) are references, which make the
/// graph's edges and show as "(known after apply)" in a plan. Output is deterministic.
public struct Lowering {
    let topology: Topology
    var resources: [Resource] = []

    public static func lower(_ topology: Topology) -> DesiredGraph {
        DesiredGraph(Parallel.map(tasks(topology), minimumPerChunk: 1) { $0() }.flatMap { $0 })
    }

    /// Independent pieces of the lowering (the Azure side, and runs of routers), so a caller
    /// can run them on all cores, beside other work on the same topology.
    public static func tasks(_ topology: Topology) -> [@Sendable () -> [Resource]] {
        let routers = topology.routers.items
        let runs = max(1, min(4, routers.count / 64))
        var tasks: [@Sendable () -> [Resource]] = [
            {
                var lowering = Lowering(topology: topology)
                lowering.lowerAzure()
                return lowering.resources
            }
        ]
        for run in 0..<runs {
            let slice = routers[(routers.count * run / runs)..<(routers.count * (run + 1) / runs)]
            tasks.append { routerSections(slice, topology: topology) }
        }
        return tasks
    }

    init(topology: Topology) {
        self.topology = topology
    }

    mutating func add(
        _ address: ResourceAddress,
        type: String,
        from meta: ObjectMeta,
        _ attributes: Attributes,
        after ordering: [ResourceAddress] = []
    ) {
        var refs: [OutputReference] = []
        for entry in attributes { entry.value.collectReferences(into: &refs) }
        var dependencies = ordering
        for ref in refs where ref.address != address && !dependencies.contains(ref.address) {
            dependencies.append(ref.address)
        }
        dependencies.sort()
        var resource = Resource(
            address: address,
            type: type,
            attributes: attributes,
            dependencies: dependencies,
            source: meta.location
        )
        resource.object = meta.reference
        resource.labels = meta.labels
        resources.append(resource)
    }

    // MARK: Names shared by lowering, analysis and the providers

    /// Addresses of the Azure resources a spec object becomes.
    public enum AzureAddress {
        public static let resourceGroup = ResourceAddress.azure("resourceGroup")
        public static func virtualNetwork(_ n: String) -> ResourceAddress { .azure("virtualNetworks/\(n)") }
        public static func publicIP(_ n: String) -> ResourceAddress { .azure("publicIPAddresses/\(n)") }
        public static func gateway(_ n: String) -> ResourceAddress { .azure("virtualNetworkGateways/\(n)") }
        public static func localNetworkGateway(_ n: String) -> ResourceAddress { .azure("localNetworkGateways/\(n)") }
        public static func connection(_ n: String) -> ResourceAddress { .azure("connections/\(n)") }
        public static func virtualWan(_ n: String) -> ResourceAddress { .azure("virtualWans/\(n)") }
        public static func virtualHub(_ n: String) -> ResourceAddress { .azure("virtualHubs/\(n)") }
        public static func hubVpnGateway(_ hub: String) -> ResourceAddress { .azure("vpnGateways/\(hub)-vpngw") }
        public static func hubErGateway(_ hub: String) -> ResourceAddress { .azure("expressRouteGateways/\(hub)-ergw") }
        public static func vpnSite(_ n: String) -> ResourceAddress { .azure("vpnSites/\(n)") }
        public static func firewall(_ n: String) -> ResourceAddress { .azure("azureFirewalls/\(n)") }
        public static func routeTable(_ n: String) -> ResourceAddress { .azure("routeTables/\(n)") }

        public static func gatewayPublicIPs(_ gw: String, activeActive: Bool) -> [ResourceAddress] {
            (activeActive ? [1, 2] : [1]).map { publicIP("\(gw)-pip\($0)") }
        }
    }

    /// Names of the Cisco sections of a device.
    public enum CiscoSection {
        public static let system = "system"
        public static let wan = "wan"
        public static let lan = "lan"
        public static let nat = "nat"
        public static let keyring = "crypto-ikev2-keyring"
        public static let routes = "routes"
        public static let bgp = "bgp"
        public static func proposal(_ c: String) -> String { "crypto-ikev2-proposal/\(c)" }
        public static func policy(_ c: String) -> String { "crypto-ikev2-policy/\(c)" }
        public static func profile(_ c: String) -> String { "crypto-ikev2-profile/\(c)" }
        public static func transformSet(_ c: String) -> String { "crypto-ipsec-transform-set/\(c)" }
        public static func ipsecProfile(_ c: String) -> String { "crypto-ipsec-profile/\(c)" }
        public static func tunnel(_ c: String) -> String { "tunnel/\(c)" }
    }
}

extension Value {
    /// A reference to a resource's ARM id.
    static func id(_ address: ResourceAddress) -> Value { .reference(OutputReference(address, "id")) }

    static func output(_ address: ResourceAddress, _ name: String) -> Value {
        .reference(OutputReference(address, name))
    }
}
