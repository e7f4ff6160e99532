/// One provider's part of lowering: the resources it makes of a validated topology (the Azure
/// provider's ARM resources, a router provider's configuration sections).
///
/// Each provider brings its own from its own folder; `SpecPipeline` runs them all, beside
/// validation, on all cores. Output must be deterministic.
public protocol ResourceLowering: Sendable {
    /// The provider whose resources it makes: their addresses' prefix (`azure`).
    var provider: String { get }

    /// Independent pieces of this provider's lowering (runs of routers, say), so they can run
    /// on all cores at once.
    func tasks(_ topology: Topology, context: LoweringContext) -> [@Sendable () -> Lowered]

    /// For the provider at the cloud end of the spec's VPN connections: the tunnels the router at
    /// `site` must terminate towards it, with the values it produces (its gateways' addresses).
    /// Nil from every other provider (the default).
    func siteTunnels(_ topology: Topology, site: String) -> [SiteTunnel]?

    /// For the provider at the cloud end: what its gateways accept on a tunnel whose connection
    /// pins no policy (`SiteTunnel.policy` nil), so a router's lowering offers it and `verify`
    /// compares against the same values. Nil from every other provider (the default).
    var defaultProposals: IpsecProposals? { get }

    /// The provider's rules on the kinds it brings (the Cisco provider's on `CiscoRouter`): run
    /// beside the core's `Validator`, on every spec that loads, and reported like its rules.
    /// None by default.
    func check(_ topology: Topology) -> [Diagnostic]
}

extension ResourceLowering {
    public func siteTunnels(_ topology: Topology, site: String) -> [SiteTunnel]? { nil }
    public var defaultProposals: IpsecProposals? { nil }
    public func check(_ topology: Topology) -> [Diagnostic] { [] }
}

/// What one piece of lowering made: resources, and the problems it found in the documents it
/// lowered (a plugin's, at their file:line:column), which stop the run like any spec error.
public struct Lowered: Sendable {
    public var resources: [Resource]
    public var diagnostics: [Diagnostic]

    public init(_ resources: [Resource], diagnostics: [Diagnostic] = []) {
        self.resources = resources
        self.diagnostics = diagnostics
    }
}

/// What one provider's lowering may ask of the others'.
public struct LoweringContext: Sendable {
    /// The tunnels the router at a site terminates, as the cloud end's provider says (none when
    /// no provider is at the cloud end).
    public var siteTunnels: @Sendable (_ site: String) -> [SiteTunnel]
    /// What the cloud end accepts on a tunnel with no policy, as its provider says.
    public var defaultProposals: IpsecProposals?

    public init(
        siteTunnels: @escaping @Sendable (_ site: String) -> [SiteTunnel],
        defaultProposals: IpsecProposals? = nil
    ) {
        self.siteTunnels = siteTunnels
        self.defaultProposals = defaultProposals
    }

    /// The context the lowerings of one run give each other.
    public init(_ topology: Topology, lowerings: [any ResourceLowering]) {
        siteTunnels = { site in
            for lowering in lowerings {
                if let tunnels = lowering.siteTunnels(topology, site: site) { return tunnels }
            }
            return []
        }
        defaultProposals = lowerings.lazy.compactMap(\.defaultProposals).first
    }
}

/// One tunnel a site's router terminates: to one instance of the cloud gateway of a VPN
/// connection to its site.
public struct SiteTunnel: Sendable {
    /// The tunnel's name in the graph and on the router: the connection's for its gateway's
    /// first instance, `Lowering.tunnelName(connection:instance:)` for the others.
    public var name: String
    /// The connection it belongs to, and which instance of its gateway it reaches.
    public var connection: String
    public var instance: Int
    /// The connection's object, where its values were written.
    public var meta: ObjectMeta
    public var ikeVersion: ConnectionProtocol
    /// What both ends agree on; nil for the cloud's default proposals (a Basic gateway), which
    /// `LoweringContext.defaultProposals` holds.
    public var policy: IpsecPolicy?
    public var sharedKey: SecretSource
    /// The cloud end's public address (this instance's): a reference to its output.
    public var peer: Value
    /// Static routes via the tunnel (nil when BGP is used).
    public var staticPrefixes: [IPv4Prefix]?
    /// BGP neighbour address (this instance's) and ASN, when BGP is used.
    public var bgpPeer: (address: Value, asn: ASN)?

    public init(
        name: String,
        connection: String,
        instance: Int,
        meta: ObjectMeta,
        ikeVersion: ConnectionProtocol,
        policy: IpsecPolicy?,
        sharedKey: SecretSource,
        peer: Value,
        staticPrefixes: [IPv4Prefix]?,
        bgpPeer: (address: Value, asn: ASN)?
    ) {
        self.name = name
        self.connection = connection
        self.instance = instance
        self.meta = meta
        self.ikeVersion = ikeVersion
        self.policy = policy
        self.sharedKey = sharedKey
        self.peer = peer
        self.staticPrefixes = staticPrefixes
        self.bgpPeer = bgpPeer
    }
}

/// Builds one provider's resources from a validated topology: what every `ResourceLowering`
/// uses to add a resource with its dependencies, source and labels.
///
/// Values another resource produces (a gateway's public IP, a BGP peering address, any ARM id)
/// are references, which make the graph's edges and show as "(known after apply)" in a plan.
public struct Lowering {
    public let topology: Topology
    public private(set) var resources: [Resource] = []

    /// The whole graph: every lowering's resources, each piece on its own core.
    public static func lower(_ topology: Topology, lowering: [any ResourceLowering]) -> DesiredGraph {
        DesiredGraph(
            Parallel.map(tasks(topology, lowering: lowering), minimumPerChunk: 1) { $0() }.flatMap(\.resources)
        )
    }

    /// Every lowering's independent pieces, so a caller can run them on all cores, beside other
    /// work on the same topology.
    public static func tasks(_ topology: Topology, lowering: [any ResourceLowering]) -> [@Sendable () -> Lowered] {
        let context = LoweringContext(topology, lowerings: lowering)
        return lowering.flatMap { $0.tasks(topology, context: context) }
    }

    /// The name of the tunnel to one instance of a connection's gateway: the connection's own
    /// for the first (so a gateway made active-active keeps its first tunnel as it was),
    /// `NAME-instance1` for the second, after ARM's `Instance0`/`Instance1`.
    public static func tunnelName(connection: String, instance: Int) -> String {
        instance == 0 ? connection : "\(connection)-instance\(instance)"
    }

    public init(topology: Topology) {
        self.topology = topology
    }

    /// Adds a resource made from `meta`'s object; the resources its values reference, and
    /// `ordering`, become its dependencies.
    public mutating func add(
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
}

extension Value {
    /// A reference to a resource's ARM id.
    public static func id(_ address: ResourceAddress) -> Value { .reference(OutputReference(address, "id")) }

    public static func output(_ address: ResourceAddress, _ name: String) -> Value {
        .reference(OutputReference(address, name))
    }
}
