public import Reconciler
public import Spec

/// The Azure side of `reconcile import`: the resources of one resource group, written as the
/// spec documents that lower to them (the inverse of `Lowering+Azure.swift`).
///
/// Reads as the provider's refresh does, one list per resource type (and per parent for child
/// types), plus one `sharedkey` read per IPsec connection. ARM bodies become graph attributes
/// through `AzureMapping`, the same code a refresh uses, so what is written plans clean
/// against what was read. What the spec language cannot say is listed, never dropped.
public struct AzureImporter: Importer {
    public let provider = "azure"
    public let client: ARMClient
    public let subscription: String
    public let group: String
    /// What the AzureScope's `endpoint` says: `lab`, `public` or a URL.
    public let endpoint: String

    public init(client: ARMClient, subscription: String, resourceGroup: String, endpoint: String) {
        self.client = client
        self.subscription = subscription
        self.group = resourceGroup
        self.endpoint = endpoint
    }

    /// The importer of one resource group, through ARM as the provider reaches it (`public`:
    /// Azure's with the environment's credential; a URL: an ARM-compatible endpoint), saying
    /// which target it reads.
    public static func reading(
        subscription: String,
        resourceGroup: String,
        endpoint: Endpoint,
        say: (String) -> Void
    ) -> AzureImporter {
        let base = endpoint == .publicCloud ? "https://management.azure.com" : endpoint.description
        say("azure: reading \(base) (subscription \(subscription), resource group \(resourceGroup))")
        let credential = AzureCredential()
        return AzureImporter(
            client: ARMClient(baseURL: base, token: { try await credential.token() }),
            subscription: subscription,
            resourceGroup: resourceGroup,
            endpoint: endpoint.description
        )
    }

    public func importScope() async throws -> ImportedScope {
        let before = client.sent.value
        let inventory = try await read()
        var builder = AzureImportBuilder(
            inventory: inventory,
            subscription: subscription,
            group: group,
            endpoint: endpoint
        )
        var scope = builder.build()
        scope.requests = client.sent.value - before
        return scope
    }

    private var groupPath: String { "/subscriptions/\(subscription)/resourceGroups/\(group)" }

    /// Everything in the group, by ARM type.
    func read() async throws -> AzureInventory {
        guard let groupBody = try await client.get(groupPath, apiVersion: AzureProvider.resourcesVersion) else {
            throw ProviderError("azure: resource group '\(group)' does not exist in subscription \(subscription)")
        }
        var inventory = AzureInventory(group: groupBody)
        for collection in AzureProvider.collections {
            try await list(collection, into: &inventory)
        }
        // Child types, one list per parent: what a hub, a hub's gateways and a Route Server hold.
        for hub in inventory.items("virtualHubs") {
            let wanHub = hub.graph["virtualWan"].map { $0 != .null } ?? false
            let children =
                wanHub
                ? ["routingIntent", "hubVirtualNetworkConnections", "bgpConnections"]
                : ["ipConfigurations", "bgpConnections"]
            for child in children { try await list("virtualHubs/\(hub.name)/\(child)", into: &inventory) }
        }
        for gateway in inventory.items("vpnGateways") {
            try await list("vpnGateways/\(gateway.name)/vpnConnections", into: &inventory)
        }
        for gateway in inventory.items("expressRouteGateways") {
            try await list("expressRouteGateways/\(gateway.name)/expressRouteConnections", into: &inventory)
        }
        // ARM returns a connection's key only from its `sharedkey` read (as `Verifier` reads
        // it); without the right to read it, the key is reported unreadable.
        for connection in inventory.items("connections") where connection.graph["connectionType"] == "IPsec" {
            let key = try? await client.get(
                "\(groupPath)/providers/Microsoft.Network/connections/\(connection.name)/sharedkey",
                apiVersion: AzureProvider.networkVersion
            )
            if case .string(let value)? = key?["value"] { inventory.sharedKeys[connection.name.lowercased()] = value }
        }
        return inventory
    }

    /// Lists one collection (`virtualNetworks`, `virtualHubs/h/bgpConnections`) into the inventory.
    private func list(_ collection: String, into inventory: inout AzureInventory) async throws {
        let items = try await client.list(
            "\(groupPath)/providers/Microsoft.Network/\(collection)",
            apiVersion: AzureProvider.networkVersion
        )
        // `virtualHubs/h/bgpConnections` → `virtualHubs/bgpConnections`.
        let parts = collection.split(separator: "/")
        let kind = stride(from: 0, to: parts.count, by: 2).map { String(parts[$0]) }.joined(separator: "/")
        let type = "Microsoft.Network/" + kind
        for body in items {
            guard case .string(let name)? = body["name"] else { continue }
            let id = body["id"]?.scalarText ?? "\(groupPath)/providers/Microsoft.Network/\(collection)/\(name)"
            let graph = AzureMapping.graph(type: type, arm: body, subscription: subscription, group: group)
            inventory.add(ARMItem(id: id, name: name, kind: kind, body: body, graph: graph))
        }
    }
}

/// One resource as read: its ARM body and its graph attributes.
struct ARMItem: Sendable {
    var id: String
    var name: String
    /// The collection path without parents' names: `virtualNetworks`, `virtualHubs/bgpConnections`.
    var kind: String
    var body: Attributes
    var graph: Attributes

    /// `properties` of the ARM body.
    var properties: Attributes {
        if case .map(let p)? = body["properties"] { return p }
        return [:]
    }

    /// The name of the resource a child belongs to (`…/virtualHubs/h/bgpConnections/p` → `h`).
    var parentName: String {
        let parts = id.split(separator: "/")
        return parts.count >= 3 ? String(parts[parts.count - 3]) : ""
    }

    /// `Microsoft.Network/virtualHubs/bgpConnections`, for unmanaged lines.
    var type: String { "Microsoft.Network/" + kind }
}

/// What one import read, by collection.
struct AzureInventory: Sendable {
    var group: Attributes
    private var byKind: [String: [ARMItem]] = [:]
    /// Shared keys by connection name, lowercased.
    var sharedKeys: [String: String] = [:]

    init(group: Attributes) {
        self.group = group
    }

    mutating func add(_ item: ARMItem) {
        byKind[item.kind, default: []].append(item)
    }

    /// The resources of a collection, in name order (ARM's list order is not promised).
    func items(_ kind: String) -> [ARMItem] {
        (byKind[kind] ?? []).sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
    }

    /// Every resource read, in kind then name order.
    var all: [ARMItem] {
        byKind.keys.sorted().flatMap { items($0) }
    }
}

extension String {
    /// The last segment of an ARM id: the resource's name.
    var armName: String {
        String(split(separator: "/").last ?? "")
    }
}
