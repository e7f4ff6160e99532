/// A step in a key path inside a document: a mapping key or a list index.
public enum PathComponent: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }
}

extension YAMLNode {
    /// The position of the value at a key path such as `["spec", "subnets", 1, "prefix"]`; when
    /// the path ends early (an optional field is absent), the deepest node that exists.
    public func locate(_ path: [PathComponent], in file: String) -> SourceLocation {
        var node = self
        for component in path {
            switch component {
            case .key(let key):
                guard let next = node[key] else { return node.mark.located(in: file) }
                node = next
            case .index(let index):
                guard let items = node.sequence, items.indices.contains(index) else {
                    return node.mark.located(in: file)
                }
                node = items[index]
            }
        }
        return node.mark.located(in: file)
    }
}

/// What every object has besides its spec: identity, labels and where it was written.
public struct ObjectMeta: Sendable {
    public var kind: Kind
    public var name: String
    public var labels: [String: String]
    public var file: String
    /// The document's root node, kept so that a key path can be mapped to a position.
    public var document: YAMLNode

    /// Where `metadata.name` is written: the place to report the object as a whole.
    public let location: SourceLocation

    public init(kind: Kind, name: String, labels: [String: String], file: String, document: YAMLNode) {
        self.kind = kind
        self.name = name
        self.labels = labels
        self.file = file
        self.document = document
        self.location = (document["metadata"]?["name"] ?? document).mark.located(in: file)
    }

    /// The position of the value at a key path such as `["spec", "subnets", 1, "prefix"]`.
    ///
    /// When the path ends early (an optional field is absent), the deepest node that exists.
    public func location(_ path: [PathComponent]) -> SourceLocation {
        document.locate(path, in: file)
    }

    /// `Kind/name`, as messages print an object.
    public var reference: String { "\(kind.rawValue) '\(name)'" }
}

/// An object of the spec: its metadata and its typed spec.
public struct SpecObject<Value: Sendable>: Sendable {
    public var meta: ObjectMeta
    public var spec: Value

    public var name: String { meta.name }

    /// Shorthand for `meta.location(["spec"] + path)`.
    public func at(_ path: PathComponent...) -> SourceLocation {
        meta.location(["spec"] + path)
    }
}

/// The objects of one kind, sorted by name, with lookup by name.
///
/// Its lookups are inlinable: providers read it from other modules, where a generic call that
/// is not specialised costs several times as much.
public struct ObjectTable<Value: Sendable>: Sendable, RandomAccessCollection {
    public private(set) var items: [SpecObject<Value>] = []
    @usableFromInline var index: [String: Int] = [:]

    public init() {}

    init(_ objects: [SpecObject<Value>]) {
        items = objects.sorted { $0.name < $1.name }
        for (i, item) in items.enumerated() { index[item.name] = i }
    }

    @inlinable public var startIndex: Int { items.startIndex }
    @inlinable public var endIndex: Int { items.endIndex }
    @inlinable public subscript(position: Int) -> SpecObject<Value> { items[position] }

    @inlinable public subscript(name: String) -> SpecObject<Value>? {
        index[name].map { items[$0] }
    }
}

/// The typed form of a whole spec directory.
public struct Topology: Sendable {
    /// The path the user gave (a directory or a single file).
    public var root: String
    public var scopes: [SpecObject<AzureScope>] = []
    public var virtualNetworks = ObjectTable<VirtualNetwork>()
    public var gateways = ObjectTable<VirtualNetworkGateway>()
    public var sites = ObjectTable<Site>()
    public var vpnConnections = ObjectTable<VpnConnection>()
    public var expressRouteConnections = ObjectTable<ExpressRouteConnection>()
    public var virtualWans = ObjectTable<VirtualWan>()
    public var virtualHubs = ObjectTable<VirtualHub>()
    public var hubVpnConnections = ObjectTable<HubVpnConnection>()
    public var routeServers = ObjectTable<RouteServer>()
    public var routeTables = ObjectTable<RouteTable>()
    public var routers = ObjectTable<CiscoRouter>()
    public var intents = ObjectTable<Intent>()
    public var driftPolicies: [SpecObject<DriftPolicy>] = []
    public var stateBackends: [SpecObject<StateBackendSettings>] = []
    /// The provider plugins the spec uses, by name.
    public var plugins = ObjectTable<PluginSettings>()
    /// The documents of kinds plugins bring, by kind then name.
    public var pluginObjects: [PluginObject] = []
    public var addressPools = ObjectTable<AddressPool>()
    /// What the allocation pass chose for each `{fromPool, size}` request (docs/addresses.md).
    public var allocations: [AddressAllocation] = []
    /// Every object whose envelope was readable, decoded or not, by kind and name; references
    /// resolve against this, so one broken object does not cascade into dangling references.
    public var declared: [Kind: [String: ObjectMeta]] = [:]
    /// Indexes built once (`buildIndexes`), so relations are O(1) lookups, not scans.
    private var vpnConnectionsBySite: [String: [Int]] = [:]
    private var vpnConnectionsByGateway: [String: [Int]] = [:]
    private var hubConnectionsBySite: [String: [Int]] = [:]
    private var siteByDevice: [String: Int] = [:]

    public init(root: String) {
        self.root = root
    }

    /// The spec's AzureScope, when there is exactly one.
    public var scope: SpecObject<AzureScope>? { scopes.count == 1 ? scopes[0] : nil }

    public var driftPolicy: SpecObject<DriftPolicy>? { driftPolicies.first }

    /// Where the state lives, when the spec says (docs/state.md); the local directory otherwise.
    public var stateBackend: SpecObject<StateBackendSettings>? { stateBackends.first }

    /// The kinds that declare `name`.
    public func kinds(declaring name: String) -> [Kind] {
        Kind.allCases.filter { declared[$0]?[name] != nil }
    }

    // MARK: Relations used by validation, lowering and analysis

    mutating func buildIndexes() {
        for (i, c) in vpnConnections.enumerated() {
            vpnConnectionsBySite[c.spec.site, default: []].append(i)
            vpnConnectionsByGateway[c.spec.gateway, default: []].append(i)
        }
        for (i, c) in hubVpnConnections.enumerated() {
            hubConnectionsBySite[c.spec.site, default: []].append(i)
        }
        for (i, site) in sites.enumerated() {
            if let device = site.spec.device, siteByDevice[device] == nil { siteByDevice[device] = i }
        }
    }

    public func gateways(in vnet: String) -> [SpecObject<VirtualNetworkGateway>] {
        gateways.filter { $0.spec.virtualNetwork == vnet }
    }

    /// The VpnConnections of a gateway, sorted by name.
    public func vpnConnections(ofGateway gateway: String) -> [SpecObject<VpnConnection>] {
        (vpnConnectionsByGateway[gateway] ?? []).map { vpnConnections[$0] }
    }

    /// The VpnConnections to a site, sorted by name.
    public func vpnConnections(toSite site: String) -> [SpecObject<VpnConnection>] {
        (vpnConnectionsBySite[site] ?? []).map { vpnConnections[$0] }
    }

    /// The HubVpnConnections to a site, sorted by name.
    public func hubVpnConnections(toSite site: String) -> [SpecObject<HubVpnConnection>] {
        (hubConnectionsBySite[site] ?? []).map { hubVpnConnections[$0] }
    }

    /// The HubVpnConnections to a site that bring it the hub's default route over BGP: its
    /// router's own default then floats behind the hub's (a static WAN next hop only).
    public func hubDefaultRouteConnections(toSite site: String) -> [SpecObject<HubVpnConnection>] {
        hubVpnConnections(toSite: site).filter { $0.spec.propagateDefaultRoute && $0.spec.bgp }
    }

    /// The site whose `device` names this router, if any (the first by name).
    public func site(forDevice device: String) -> SpecObject<Site>? {
        siteByDevice[device].map { sites[$0] }
    }
}
