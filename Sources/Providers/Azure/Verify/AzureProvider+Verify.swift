internal import Reconciler
public import Spec
public import Verify

/// The cloud end of every VPN connection for `reconcile verify`: each connection and what it
/// refers to, read from ARM, and the routes its gateway has learned.
extension AzureProvider: TunnelCloudFacts {
    public func tunnelEnds(of topology: Topology) async throws -> [String: CloudEndFacts] {
        let connections = Self.verifiedConnections(topology)
        // The connections' reads several at once, as the provider allows.
        let ends = try await Bounded.map(Array(connections.indices), limit: maxConcurrency) {
            try await readEnd(connections[$0])
        }
        // A gateway's learned routes are the same for each of its connections: read once.
        let learned = try await Bounded.map(Array(Set(connections.map(\.learned))), limit: maxConcurrency) { query in
            try? await routes(query).map(\.prefix)
        }
        var result: [String: CloudEndFacts] = [:]
        for (i, connection) in connections.enumerated() {
            guard let end = ends[i] ?? nil else { continue }
            result[connection.name] = CloudEndFacts(end: end, learned: learned[connection.learned] ?? nil)
        }
        return result
    }

    /// One connection to read, whichever kind it is.
    struct VerifiedConnection: Sendable {
        enum Kind: Sendable {
            case vnetGateway
            case hub(gateway: ResourceAddress)
        }
        var name: String
        var kind: Kind
        /// Where Azure's learned routes are read.
        var learned: AzureRouteQuery
    }

    static func verifiedConnections(_ topology: Topology) -> [VerifiedConnection] {
        topology.vpnConnections.map {
            VerifiedConnection(name: $0.name, kind: .vnetGateway, learned: .learned(gateway: $0.spec.gateway))
        }
            + topology.hubVpnConnections.map {
                VerifiedConnection(
                    name: $0.name,
                    kind: .hub(gateway: Lowering.AzureAddress.hubVpnGateway($0.spec.hub)),
                    learned: .hub($0.spec.hub, connection: nil)
                )
            }
    }

    func readEnd(_ connection: VerifiedConnection) async throws -> AzureEnd? {
        let version = Self.networkVersion
        switch connection.kind {
        case .vnetGateway:
            let path = path(Lowering.AzureAddress.connection(connection.name))
            guard let body = try await client.get(path, apiVersion: version) else { return nil }
            // ARM's `sharedkey` read; without the right to it, the key is not compared.
            let key = try? await client.get(path + "/sharedkey", apiVersion: version)
            let lookup = try await referenced(by: body)
            return AzureEnd.vnetConnection(
                name: connection.name,
                body,
                sharedKey: key?["value"]?.scalarText,
                lookup: { lookup[$0.lowercased()] }
            )
        case .hub(let gateway):
            let path = path(.azure("\(gateway.path)/vpnConnections/\(connection.name)"))
            guard let body = try await client.get(path, apiVersion: version) else { return nil }
            let hub = try await client.get(self.path(gateway), apiVersion: version)
            let lookup = try await referenced(by: body)
            return AzureEnd.hubConnection(
                name: connection.name,
                body,
                gateway: hub,
                lookup: { lookup[$0.lowercased()] }
            )
        }
    }

    /// The resources a body refers to by id, and theirs (a connection's gateway and its
    /// public IPs, its local network gateway, a VPN site), by lowercased id.
    func referenced(by body: Attributes) async throws -> [String: Attributes] {
        var found: [String: Attributes] = [:]
        var pending = Self.ids(in: .map(body))
        var depth = 0
        while !pending.isEmpty && depth < 3 {
            var next: [String] = []
            for id in pending where found[id.lowercased()] == nil {
                guard id.lowercased().contains("/providers/microsoft.network/"),
                    id.split(separator: "/").count % 2 == 0,
                    let resource = try await client.get(id, apiVersion: Self.networkVersion)
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
}
