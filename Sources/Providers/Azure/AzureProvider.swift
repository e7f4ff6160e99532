public import Reconciler
public import Spec

/// The Azure provider: manages the graph's `azure:` resources through ARM.
///
/// Reads are batched: one list per resource type in the resource group (plus pages), so a
/// refresh of N resources costs O(types) requests. Shared keys cannot be listed, so a
/// connection's key reads back as unknown and is compared with the last applied
/// fingerprint (drift reads it per connection).
public struct AzureProvider: Provider {
    public let name = "azure"
    public let client: ARMClient
    public let subscription: String
    public let group: String
    public static let networkVersion = "2024-05-01"
    public static let resourcesVersion = "2021-04-01"

    public init(client: ARMClient, subscription: String, group: String) {
        self.client = client
        self.subscription = subscription
        self.group = group
    }

    public var maxConcurrency: Int { 10 }

    /// Every type the provider manages (each in its file under `Types/`).
    public var schemas: [ResourceTypeSchema] { ARMResourceTypes.schemas }

    public func schema(for type: String) -> ResourceTypeSchema? {
        var schema = ARMResourceTypes.schema(type)
        // A resource whose last operation failed reads back `provisioningState: Failed`; the
        // spec implicitly wants it Succeeded, so the plan re-applies it (Azure's own remedy).
        schema.defaults["provisioningState"] = "Succeeded"
        return schema
    }

    /// Every collection the provider manages, for listing what no spec owns.
    static let collections = [
        "virtualNetworks", "publicIPAddresses", "virtualNetworkGateways", "localNetworkGateways", "connections",
        "virtualWans", "virtualHubs", "vpnGateways", "expressRouteGateways", "vpnSites", "azureFirewalls",
        "routeTables",
    ]

    /// Top-level resources in the resource group that none of `managed` names: one list per type.
    public func listUnmanaged(
        managed: Set<ResourceAddress>,
        observed: [ResourceAddress: ObservedResource]
    ) async throws -> [UnmanagedObject] {
        var found: [UnmanagedObject] = []
        for collection in Self.collections {
            let listPath =
                "/subscriptions/\(subscription)/resourceGroups/\(group)/providers/Microsoft.Network/\(collection)"
            for item in try await client.list(listPath, apiVersion: Self.networkVersion) {
                guard case .string(let name)? = item["name"] else { continue }
                let address = ResourceAddress.azure("\(collection)/\(name)")
                if !managed.contains(address) {
                    // What pricing reads (SKU, region, scale units), so drift can say what it costs.
                    let type = "Microsoft.Network/\(collection)"
                    let observed = observe(
                        address,
                        type: type,
                        body: item,
                        context: ReadContext(fingerprint: { _ in "" })
                    )
                    var priced: Attributes = [:]
                    for key in AzurePricing.attributesRead { priced[key] = observed.attributes[key] }
                    found.append(UnmanagedObject(provider: "azure", kind: type, name: name, attributes: priced))
                }
            }
        }
        return found.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }
    }

    /// The ARM path of a graph address.
    public func path(_ address: ResourceAddress) -> String {
        if address == Lowering.AzureAddress.resourceGroup {
            return "/subscriptions/\(subscription)/resourceGroups/\(group)"
        }
        return "/subscriptions/\(subscription)/resourceGroups/\(group)/providers/Microsoft.Network/\(address.path)"
    }

    func version(_ address: ResourceAddress) -> String {
        address == Lowering.AzureAddress.resourceGroup ? Self.resourcesVersion : Self.networkVersion
    }

    public func read(_ resources: [ResourceAddress], context: ReadContext) async throws -> [ResourceAddress:
        ObservedResource]
    {
        var found: [ResourceAddress: ObservedResource] = [:]
        // One list per collection (`virtualNetworks`, `virtualHubs/h/bgpConnections`).
        var collections: [String: [ResourceAddress]] = [:]
        for address in resources {
            if address == Lowering.AzureAddress.resourceGroup {
                if let body = try await client.get(path(address), apiVersion: Self.resourcesVersion) {
                    found[address] = observe(address, type: AzureTypes.resourceGroup, body: body, context: context)
                }
                continue
            }
            let collection = address.path.split(separator: "/").dropLast().joined(separator: "/")
            collections[collection, default: []].append(address)
        }
        for collection in collections.keys.sorted() {
            let listPath =
                "/subscriptions/\(subscription)/resourceGroups/\(group)/providers/Microsoft.Network/\(collection)"
            let items = try await client.list(listPath, apiVersion: Self.networkVersion)
            var byName: [String: Attributes] = [:]
            for item in items { if case .string(let name)? = item["name"] { byName[name.lowercased()] = item } }
            for address in collections[collection] ?? [] {
                let name = String(address.path.split(separator: "/").last ?? "").lowercased()
                guard let body = byName[name] else { continue }
                found[address] = observe(address, type: AzureTypes.type(of: address), body: body, context: context)
            }
        }
        return found
    }

    func observe(_ address: ResourceAddress, type: String, body: Attributes, context: ReadContext) -> ObservedResource {
        var attributes = AzureMapping.graph(type: type, arm: body, subscription: subscription, group: group)
        if case .map(let properties)? = body["properties"], properties["provisioningState"] == "Failed" {
            attributes["provisioningState"] = "Failed"
        }
        return ObservedResource(
            address: address,
            type: type,
            attributes: Self.fingerprintingSecrets(attributes, context),
            outputs: AzureMapping.outputs(type: type, arm: body)
        )
    }

    /// Secret fields an API does return are fingerprinted at once: a value never leaves here.
    static func fingerprintingSecrets(_ attributes: Attributes, _ context: ReadContext) -> Attributes {
        var result: Attributes = [:]
        for entry in attributes {
            // publicCertData is public, but the spec gives it in secret form: compare it so.
            if ["sharedKey", "authorizationKey", "publicCertData"].contains(entry.key),
                case .string(let secret) = entry.value
            {
                result[entry.key] = .fingerprint(context.fingerprint(secret))
            } else if case .map(let nested) = entry.value {
                result[entry.key] = .map(fingerprintingSecrets(nested, context))
            } else if case .list(let items) = entry.value {
                result[entry.key] = .list(
                    items.map { item in
                        if case .map(let nested) = item { return .map(fingerprintingSecrets(nested, context)) }
                        return item
                    }
                )
            } else {
                result[entry.key] = entry.value
            }
        }
        return result
    }

    public func apply(_ unit: [ResolvedChange]) async throws -> [ResourceAddress: Attributes] {
        var produced: [ResourceAddress: Attributes] = [:]
        for change in unit {
            let target = path(change.address)
            do {
                switch change.action {
                case .delete:
                    try await client.delete(target, apiVersion: version(change.address))
                case .replace:
                    try await client.delete(target, apiVersion: version(change.address))
                    fallthrough
                case .create, .update:
                    let body = AzureMapping.arm(type: change.type, graph: change.attributes)
                    let result: Attributes
                    if change.type == AzureTypes.virtualNetwork && change.action == .update {
                        result = try await putKeepingUnmanagedSubnets(body, path: target)
                    } else {
                        result = try await client.put(
                            target,
                            apiVersion: version(change.address),
                            body: body,
                            timeout: Self.timeout(for: change.type)
                        )
                    }
                    produced[change.address] = AzureMapping.outputs(type: change.type, arm: result)
                case .noop:
                    break
                }
            } catch let error as ARMError {
                throw error.providerError
            }
        }
        return produced
    }

    /// How long a write of a type may take (Terraform's create timeouts: 90 min for gateways,
    /// 60 for hubs and firewalls, 30 otherwise).
    static func timeout(for type: String) -> Duration {
        let minutes: Int
        switch type {
        case AzureTypes.gateway, AzureTypes.vpnGateway, AzureTypes.expressRouteGateway: minutes = 90
        case AzureTypes.virtualHub, AzureTypes.azureFirewall: minutes = 60
        default: minutes = 30
        }
        return .seconds(minutes * 60)
    }

    /// A VNet PUT replaces its whole subnet list: carry the subnets the spec does not own
    /// (made in the portal, by another tool) through unchanged.
    ///
    /// The PUT carries the ETag of the read it merged with, so a subnet added in between
    /// is not lost: the write is refused (412) and the merge is done again.
    func putKeepingUnmanagedSubnets(_ body: Attributes, path: String) async throws -> Attributes {
        var attempt = 1
        while true {
            let current = try await client.get(path, apiVersion: Self.networkVersion)
            var etag: String?
            if case .string(let tag)? = current?["etag"] { etag = tag }
            do {
                return try await client.put(
                    path,
                    apiVersion: Self.networkVersion,
                    body: Self.keepingUnmanagedSubnets(body, current: current),
                    ifMatch: etag
                )
            } catch let error as ARMError where error.code == "PreconditionFailed" && attempt < 5 {
                attempt += 1
            }
        }
    }

    static func keepingUnmanagedSubnets(_ body: Attributes, current: Attributes?) -> Attributes {
        guard let current, case .map(let currentProperties)? = current["properties"],
            case .list(let existing)? = currentProperties["subnets"],
            case .map(var properties)? = body["properties"], case .list(let ours)? = properties["subnets"]
        else { return body }
        func name(_ subnet: Value) -> String? {
            if case .map(let m) = subnet, case .string(let n)? = m["name"] { return n }
            return nil
        }
        let owned = Set(ours.compactMap(name))
        var merged = body
        properties["subnets"] = .list(ours + existing.filter { name($0).map { !owned.contains($0) } ?? false })
        merged["properties"] = .map(properties)
        return merged
    }

    public func serializationKey(_ change: PlannedChange) -> String? {
        // Azure refuses concurrent writes to a VNet's dependants and to one gateway.
        if change.type == AzureTypes.gateway, case .list(let configs)? = change.desired?["ipConfigurations"],
            case .map(let first)? = configs.first, case .map(let subnet)? = first["subnet"]
        {
            return "vnet:" + Self.named(subnet["virtualNetwork"])
        }
        if change.type == AzureTypes.connection {
            return "gateway:" + Self.named(change.desired?["virtualNetworkGateway1"])
        }
        return nil
    }

    /// The resource a value names, the same whether it is still a reference to a resource
    /// this apply creates or already its ARM id: `virtualnetworkgateways/vpngw-1`. (Every
    /// reference shows as "(known after apply)", so keying by that would put all of a plan's
    /// new gateways' connections in one queue.)
    static func named(_ value: Value?) -> String {
        let path: String
        switch value {
        case .reference(let reference)?: path = reference.address.path
        case .string(let id)?: path = id
        default: return PlanRenderer.show(value)
        }
        return path.lowercased().split(separator: "/").suffix(2).joined(separator: "/")
    }
}

extension ARMError {
    /// The engine's form of it: retryable by the executor only when the client did not
    /// already spend its own budget on it, so the two retry loops never multiply.
    var providerError: ProviderError { ProviderError(description, retryable: retryable && !attemptsExhausted) }
}
