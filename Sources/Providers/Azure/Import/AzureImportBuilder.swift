internal import Reconciler
internal import Spec

/// Turns what an import read into spec documents, secrets by name, unmanaged lines and notes.
///
/// Each resource the lowering would make from a document is marked used; whatever is left at
/// the end, or does not have the name the lowering would give it, is an unmanaged line. Fields
/// that equal Azure's or the spec's default are left out, as the examples leave them out.
struct AzureImportBuilder {
    let inventory: AzureInventory
    let subscription: String
    let group: String
    let endpoint: String

    var documents: [ImportedDocument] = []
    var secrets: [ImportedSecret] = []
    var notes: [String] = []
    /// Ids (lowercased) of resources a document accounts for.
    var used: Set<String> = []
    /// `fromEnv` names given out so far.
    var environmentNames: Set<String> = []
    /// Names of the documents written, per kind: a reference must name one of them.
    var written: [String: Set<String>] = [:]
    /// Public IPs of each gateway (by name, lowercased): a VNet gateway's, or a hub's VPN gateway's.
    var gatewayAddresses: [String: [String]] = [:]
    /// Sites to describe, by name: what their Azure resources say of them.
    var sites: [String: SiteFacts] = [:]

    init(inventory: AzureInventory, subscription: String, group: String, endpoint: String) {
        self.inventory = inventory
        self.subscription = subscription
        self.group = group
        self.endpoint = endpoint
    }

    static let mainFile = "azure.yaml"
    static let connectionsFile = "connections.yaml"
    static let routingFile = "routing.yaml"

    mutating func build() -> ImportedScope {
        let scope = scopeDocument()
        var azure: [ImportedDocument] = []
        var routing: [ImportedDocument] = []
        var connections: [ImportedDocument] = []
        routing += routeTables()
        azure += virtualNetworks()
        let wans = virtualWans()
        let hubs = virtualHubs()
        let gateways = virtualNetworkGateways()
        routing += routeServers()
        connections += vpnConnections()
        connections += hubVpnConnections()
        connections += expressRouteConnections()
        let siteDocuments = siteDocuments()
        azure = [scope] + wans + hubs + azure + gateways
        documents = azure + siteDocuments + connections + routing
        var unmanaged: [UnmanagedLine] = []
        for item in inventory.all where !used.contains(item.id.lowercased()) {
            unmanaged.append(UnmanagedLine(provider: "azure", object: item.id, text: "\(item.type) \(item.name)"))
        }
        return ImportedScope(documents: documents, secrets: secrets, unmanaged: unmanaged, notes: notes)
    }

    mutating func use(_ item: ARMItem) {
        used.insert(item.id.lowercased())
    }

    func isUsed(_ item: ARMItem) -> Bool {
        used.contains(item.id.lowercased())
    }

    mutating func document(
        _ kind: String,
        _ name: String,
        file: String,
        comments: [String] = [],
        _ spec: [(String, SpecValue?)]
    ) -> SpecDocument {
        written[kind, default: []].insert(name.lowercased())
        guard case .map(let fields) = SpecValue.fields(spec) else {
            return SpecDocument(kind: kind, name: name, file: file, spec: [])
        }
        return SpecDocument(kind: kind, name: name, file: file, comments: comments, spec: fields)
    }

    func wrote(_ kind: String, _ name: String) -> Bool {
        written[kind]?.contains(name.lowercased()) ?? false
    }

    /// A `fromEnv` name for a secret: `hub-to-tokyo` + `PSK` → `HUB_TO_TOKYO_PSK`, unique in
    /// this import.
    mutating func environmentName(_ base: String, _ suffix: String) -> String {
        var stem = String(
            (base + "_" + suffix).uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        )
        if stem.first?.isNumber ?? true { stem = "AZURE_" + stem }
        var name = stem
        var n = 2
        while environmentNames.contains(name) {
            name = "\(stem)_\(n)"
            n += 1
        }
        environmentNames.insert(name)
        return name
    }

    // MARK: - Reading values

    func items(_ kind: String) -> [ARMItem] { inventory.items(kind) }

    func item(_ kind: String, named name: String) -> ARMItem? {
        items(kind).first { $0.name.lowercased() == name.lowercased() }
    }

    static func string(_ value: Value?) -> String? {
        guard case .string(let s)? = value, !s.isEmpty else { return nil }
        return s
    }

    static func int(_ value: Value?) -> Int? {
        switch value {
        case .int(let i)?: return i
        case .string(let s)?: return Int(s)
        default: return nil
        }
    }

    static func strings(_ value: Value?) -> [String] {
        guard case .list(let items)? = value else { return [] }
        return items.compactMap { string($0) }
    }

    static func maps(_ value: Value?) -> [Attributes] {
        guard case .list(let items)? = value else { return [] }
        return items.compactMap { if case .map(let m) = $0 { m } else { nil } }
    }

    static func map(_ value: Value?) -> Attributes? {
        if case .map(let m)? = value { return m }
        return nil
    }

    /// A list of strings, or nil when empty (left out).
    static func list(_ items: [String]) -> SpecValue? {
        items.isEmpty ? nil : .strings(items)
    }

    /// `true` only: false is every boolean's default here.
    static func flag(_ value: Value?) -> SpecValue? {
        value == .bool(true) ? .bool(true) : nil
    }

    // MARK: - Scope

    mutating func scopeDocument() -> ImportedDocument {
        let location = Self.string(inventory.group["location"]) ?? ""
        // Lowering puts the scope's tags on the group and every top-level resource: the tags
        // they all share are the scope's; the rest show as changes in the next plan.
        var shared: [String: String]?
        let tagged = [inventory.group] + inventory.all.filter { !$0.kind.contains("/") }.map(\.body)
        for body in tagged {
            var tags: [String: String] = [:]
            for entry in Self.map(body["tags"]) ?? [:] { tags[entry.key] = entry.value.scalarText }
            shared = shared.map { $0.filter { tags[$0.key] == $0.value } } ?? tags
        }
        let elsewhere = inventory.all.filter { item in
            Self.string(item.body["location"]).map { $0.lowercased() != location.lowercased() } ?? false
        }
        if !elsewhere.isEmpty {
            notes.append(
                "azure: \(elsewhere.map(\.name).joined(separator: ", ")) \(elsewhere.count == 1 ? "is" : "are") "
                    + "not in the group's location \(location): the scope has one location, and a plan "
                    + "would replace \(elsewhere.count == 1 ? "it" : "them")"
            )
        }
        let tags = (shared ?? [:]).sorted { $0.key < $1.key }.map { SpecField($0.key, .string($0.value)) }
        let name = (["lab", "public"].contains(endpoint) ? endpoint : "azure") + "-" + location
        return ImportedDocument(
            document(
                "AzureScope",
                name,
                file: Self.mainFile,
                [
                    ("subscriptionId", .string(subscription)),
                    ("resourceGroup", .string(Self.string(inventory.group["name"]) ?? group)),
                    ("location", .string(location)),
                    ("endpoint", .string(endpoint)),
                    ("tags", tags.isEmpty ? nil : .map(tags)),
                ]
            )
        )
    }

    // MARK: - VNets and route tables

    mutating func routeTables() -> [ImportedDocument] {
        items("routeTables").map { table in
            use(table)
            let routes: [SpecValue] = Self.maps(table.graph["routes"]).map { route in
                .fields([
                    ("name", route["name"].flatMap(Self.string).map(SpecValue.string)),
                    ("prefix", Self.string(route["addressPrefix"]).map(SpecValue.string)),
                    ("nextHopType", Self.string(route["nextHopType"]).map(SpecValue.string)),
                    ("nextHopIp", Self.string(route["nextHopIpAddress"]).map(SpecValue.string)),
                ])
            }
            return ImportedDocument(
                document(
                    "RouteTable",
                    table.name,
                    file: Self.routingFile,
                    [
                        ("disableBgpRoutePropagation", Self.flag(table.graph["disableBgpRoutePropagation"])),
                        ("routes", routes.isEmpty ? nil : .list(routes)),
                    ]
                )
            )
        }
    }

    mutating func virtualNetworks() -> [ImportedDocument] {
        items("virtualNetworks").map { vnet in
            use(vnet)
            let subnets: [SpecValue] = Self.maps(vnet.graph["subnets"]).map { subnet in
                .fields([
                    ("name", Self.string(subnet["name"]).map(SpecValue.string)),
                    ("prefix", Self.string(subnet["addressPrefix"]).map(SpecValue.string)),
                    ("routeTable", Self.string(subnet["routeTable"]).map { .string($0.armName) }),
                ])
            }
            return ImportedDocument(
                document(
                    "VirtualNetwork",
                    vnet.name,
                    file: Self.mainFile,
                    [
                        ("addressSpace", .strings(Self.strings(vnet.graph["addressPrefixes"]))),
                        ("dnsServers", Self.list(Self.strings(vnet.graph["dnsServers"]))),
                        ("subnets", subnets.isEmpty ? nil : .list(subnets)),
                    ]
                )
            )
        }
    }
}

/// What Azure says of one on-prem site, gathered from a local network gateway, a VPN site or
/// an ExpressRoute circuit's name.
struct SiteFacts {
    var name: String
    var publicIp: String?
    var fqdn: String?
    var addressSpace: [String] = []
    var bgp: (asn: Int, peeringAddress: String)?
    /// The gateways' public IPs it has tunnels to.
    var peers: Set<String> = []
    /// Known only as the far end of an ExpressRoute circuit.
    var circuit: String?
}
