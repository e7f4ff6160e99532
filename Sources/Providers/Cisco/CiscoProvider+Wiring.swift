internal import Foundation
public import Reconciler
public import Spec

extension CiscoProvider {
    /// A lab router: the simulated IOS this run started for it.
    public struct Simulated: Sendable {
        public var port: Int
        public var knownHosts: String
        /// Where its configuration is kept.
        public var path: String

        public init(port: Int, knownHosts: String, path: String) {
            self.port = port
            self.knownHosts = knownHosts
            self.path = path
        }
    }

    /// The Cisco provider for a spec's CiscoRouters; nil without any.
    ///
    /// A router in `simulated` is reached at its simulator on 127.0.0.1; the others over SSH as
    /// their `management` says, a host key pinned in the spec becoming this run's known_hosts file.
    public static func make(_ context: ProviderContext, simulated: [String: Simulated]) throws -> CiscoProvider? {
        let topology = context.topology
        guard !topology.routers.isEmpty else { return nil }
        let secrets = SecretResolver(specRoot: topology.root)
        let root = topology.root
        var routers: [String: CiscoProvider.Access] = [:]
        for router in topology.routers.sorted(by: { $0.name < $1.name }) {
            let spec = router.spec
            let management = spec.management
            var access = CiscoProvider.Access(
                host: management.host ?? "",
                port: management.port,
                username: management.username,
                password: management.password.source,
                enableSecret: management.enableSecret?.source,
                knownHosts: management.knownHostsFile.map { $0.hasPrefix("/") ? $0 : root + "/" + $0 },
                insecureAcceptHostKey: context.insecureAcceptHostKey,
                platform: spec.platform.rawValue
            )
            if let simulated = simulated[router.name] {
                access.host = "127.0.0.1"
                access.port = simulated.port
                access.knownHosts = simulated.knownHosts
                context.say(
                    "cisco: \(router.name) is a lab router (simulated IOS at 127.0.0.1:\(simulated.port), "
                        + "config in \(simulated.path))"
                )
            } else {
                if let key = management.hostKey, access.knownHosts == nil {
                    // A key pinned in the spec becomes this run's known_hosts file.
                    let file = context.stateDirectory + "/\(router.name).known_hosts"
                    let host = access.port == 22 ? access.host : "[\(access.host)]:\(access.port)"
                    try FileManager.default.createDirectory(
                        atPath: context.stateDirectory,
                        withIntermediateDirectories: true
                    )
                    try "\(host) \(key)\n".write(toFile: file, atomically: true, encoding: .utf8)
                    access.knownHosts = file
                }
                context.say("cisco: \(router.name) at \(access.host):\(access.port) over SSH")
            }
            routers[router.name] = access
        }
        return CiscoProvider(routers: routers, baselines: context.stateDirectory + "/cisco-baseline") {
            try secrets.resolve(SecretRef(source: $0, location: .whole(root)))
        }
    }
}

extension CiscoImporter {
    /// The importer for `reconcile import --router`: every router over the same pinned SSH as
    /// the provider; none without a router.
    public static func importers(_ request: ImportRequest) -> [any Importer] {
        guard !request.routers.isEmpty else { return [] }
        var routers: [CiscoImporter.Router] = []
        for router in request.routers {
            request.say("cisco: reading \(router.name) at \(router.host):\(router.port) over SSH")
            // How the spec reaches it from now on: where it is, and the variables of its login.
            let management = SpecValue.fields([
                ("host", .string(router.host)),
                ("port", router.port == 22 ? nil : .int(router.port)),
                ("username", .string(router.username)),
                ("password", .fromEnv(router.passwordVariable)),
                ("enableSecret", router.enableVariable.map { .fromEnv($0) }),
                ("knownHostsFile", router.knownHosts.map { .string($0) }),
            ])
            routers.append(
                CiscoImporter.Router(
                    name: router.name,
                    options: SSHTransport.Options(
                        host: router.host,
                        port: router.port,
                        username: router.username,
                        password: router.password,
                        knownHosts: router.knownHosts,
                        insecureAcceptHostKey: request.insecureAcceptHostKey
                    ),
                    enableSecret: router.enableSecret,
                    management: management
                )
            )
        }
        return [CiscoImporter(routers: routers)]
    }
}
