public import Spec

/// A plugin's part of lowering: the documents of its kinds, sent with the spec's sites and the
/// tunnels each site's router terminates, come back as resources of the plugin's, and the
/// plugin's own checks as diagnostics at the fields they name.
public struct PluginLowering: ResourceLowering {
    public let plugin: PluginProvider

    public init(_ plugin: PluginProvider) {
        self.plugin = plugin
    }

    public var provider: String { plugin.name }

    public func tasks(_ topology: Topology, context: LoweringContext) -> [@Sendable () -> Lowered] {
        let objects = topology.pluginObjects.filter { $0.plugin == plugin.name }
        guard !objects.isEmpty else { return [] }
        return [{ lower(objects, topology: topology, context: context) }]
    }

    func lower(_ objects: [PluginObject], topology: Topology, context: LoweringContext) -> Lowered {
        let at = topology.plugins[plugin.name]?.meta.location ?? objects[0].location
        do {
            let documents = try objects.map { object in
                PluginDocument(
                    kind: object.kind,
                    name: object.name,
                    labels: object.labels,
                    spec: try PluginValues.json(object.document["spec"].map(Value.init(yaml:)) ?? .map([:]))
                )
            }
            let sites = try PluginValues.json(Self.sites(topology, context: context))
            let (lowered, problems) = try plugin.lower(documents: documents, sites: sites)
            let byName = Dictionary(objects.map { ($0.name, $0) }) { first, _ in first }
            var resources: [Resource] = []
            for item in lowered {
                guard let object = byName[item.document] else { continue }
                var dependencies = Set(item.dependencies)
                for entry in item.attributes { dependencies.formUnion(entry.value.references.map(\.address)) }
                dependencies.remove(item.address)
                var resource = Resource(
                    address: item.address,
                    type: item.type,
                    attributes: item.attributes,
                    dependencies: dependencies.sorted(),
                    source: object.location
                )
                resource.object = object.reference
                resource.labels = object.labels
                resources.append(resource)
            }
            let diagnostics = problems.map { problem in
                let object = byName[problem.document]
                return Diagnostic(
                    problem.severity == .error ? .error : .warning,
                    .pluginCheck,
                    "\(plugin.name): \(problem.message)",
                    at: object.map { $0.location(Self.path(problem.path)) } ?? at
                )
            }
            return Lowered(resources.sorted { $0.address < $1.address }, diagnostics: diagnostics)
        } catch {
            return Lowered([], diagnostics: [Diagnostic(.error, .pluginRun, "\(error)", at: at)])
        }
    }

    /// Every Site with the tunnels its router terminates (docs/plugin-protocol.md, `lower`).
    static func sites(_ topology: Topology, context: LoweringContext) -> Value {
        var sites: Attributes = [:]
        for site in topology.sites {
            let tunnels = context.siteTunnels(site.name).map { tunnel -> Value in
                .map([
                    "name": .string(tunnel.name),
                    "connection": .string(tunnel.connection),
                    "instance": .int(tunnel.instance),
                    "ikeVersion": .string(tunnel.ikeVersion.rawValue),
                    "crypto": tunnel.policy.map(\.value) ?? .null,
                    "sharedKey": .secret(tunnel.sharedKey),
                    "peer": tunnel.peer,
                    "staticPrefixes": tunnel.staticPrefixes.map { .strings($0) } ?? .null,
                    "bgp": tunnel.bgpPeer.map { .map(["peer": $0.address, "asn": .int(Int($0.asn.value))]) } ?? .null,
                ])
            }
            sites[site.name] = .map([
                "name": .string(site.name),
                "addressSpace": .strings(site.spec.addressSpace),
                "publicIp": .optional(site.spec.publicIp?.description),
                "bgp": site.spec.bgp.map {
                    .map(["asn": .int(Int($0.asn.value)), "peeringAddress": .string($0.peeringAddress.description)])
                } ?? .null,
                "tunnels": .list(tunnels),
            ])
        }
        return .map(sites)
    }

    /// `spec.tunnels[0].name` as key path components.
    static func path(_ dotted: String) -> [PathComponent] {
        var components: [PathComponent] = []
        for part in dotted.split(separator: ".") {
            var rest = Substring(part)
            if let open = rest.firstIndex(of: "[") {
                if open > rest.startIndex { components.append(.key(String(rest[..<open]))) }
                rest = rest[open...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    if let index = Int(rest[rest.index(after: rest.startIndex)..<close]) {
                        components.append(.index(index))
                    }
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                components.append(.key(String(rest)))
            }
        }
        return components
    }
}
