public import Reconciler
public import Spec

/// The Cisco side of `reconcile import`: each router's running config, read over one SSH
/// session (the provider's own transport and session set-up), described by `IOSImport`.
public struct CiscoImporter: Importer {
    /// One router to read.
    public struct Router: Sendable {
        /// The CiscoRouter's name in the spec.
        public var name: String
        /// How to reach it, with its pinned host key (`knownHosts`).
        public var options: SSHTransport.Options
        /// Given only when the login lands in user mode.
        public var enableSecret: String?
        /// The document's `management`, as the spec should say it (`host`, `username` and the
        /// `fromEnv` names of the login and enable secrets).
        public var management: SpecValue

        public init(name: String, options: SSHTransport.Options, enableSecret: String? = nil, management: SpecValue) {
            self.name = name
            self.options = options
            self.enableSecret = enableSecret
            self.management = management
        }
    }

    public let provider = "cisco"
    public var routers: [Router]

    public init(routers: [Router]) {
        self.routers = routers
    }

    /// Reads every router (ten at a time), in name order in the result.
    public func importScope() async throws -> ImportedScope {
        let sorted = routers.sorted { $0.name < $1.name }
        let found = try await Bounded.map(Array(sorted.indices), limit: 10) { index in
            let router = sorted[index]
            return try await blocking { try Self.read(router) }
        }
        var scope = ImportedScope()
        var configs: [String: IOSConfig] = [:]
        var facts: [String: IOSSections.Facts] = [:]
        for index in sorted.indices {
            guard let (result, config, version) = found[index] else { continue }
            configs[sorted[index].name] = config
            facts[sorted[index].name] = version
            scope.documents.append(result.document)
            scope.secrets += result.secrets
            scope.unmanaged += result.unmanaged
            // What the router's document alone renders is judged again against the whole
            // spec (`unmanagedIn`), where the connections claim the tunnels: the notes about
            // a router on its own do not apply.
            scope.notes += result.notes.filter { !$0.hasPrefix(IOSImport.standaloneNotePrefix) }
                .filter { !$0.hasPrefix(IOSImport.missingNotePrefix) }
                .map { "\(sorted[index].name): \($0)" }
            scope.requests += 1
        }
        scope.unmanagedIn = { [configs] graph, outputs in
            IOSImport.unmanaged(configs: configs, in: graph, outputs: outputs)
        }
        // Adopting reads the routers as the provider would, from the configs read here.
        scope.observe = { [configs, facts] addresses, context in
            var observed: [ResourceAddress: ObservedResource] = [:]
            for (device, at) in Dictionary(grouping: addresses, by: CiscoProvider.device) {
                guard let running = configs[device], let version = facts[device] else { continue }
                observed.merge(CiscoProvider.observe(at, running: running, facts: version, context: context)) { a, _ in
                    a
                }
            }
            return observed
        }
        return scope
    }

    /// One session: what the router says of itself, its addresses and its running config.
    static func read(_ router: Router) throws -> (IOSImport, IOSConfig, IOSSections.Facts) {
        let session = try CiscoProvider.open(router.name, router.options) { router.enableSecret }
        defer { session.close() }
        let facts = IOSSections.Facts(showVersion: try session.run("show version"))
        let addresses = IOSShow.interfaceAddresses(try session.run("show ip interface brief"))
        let running = try CiscoProvider.running(session, device: router.name)
        let described = IOSImport(
            config: running,
            name: router.name,
            management: router.management,
            facts: facts,
            interfaceAddresses: addresses
        )
        return (described, running, facts)
    }
}
