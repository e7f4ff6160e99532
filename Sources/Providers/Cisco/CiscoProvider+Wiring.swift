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

extension CiscoImporter.Router {
    /// A router to read over SSH, as `reconcile import --router` names it: the same pinned SSH as
    /// the provider's, with the login read from the variables named, and the `management` the
    /// spec will say (where it is, and those variables by name, never their values).
    public init(
        name: String,
        username: String,
        host: String,
        port: Int,
        password: (variable: String, value: String),
        enableSecret: (variable: String, value: String)?,
        knownHosts: String?,
        insecureAcceptHostKey: Bool
    ) {
        self.init(
            name: name,
            options: SSHTransport.Options(
                host: host,
                port: port,
                username: username,
                password: password.value,
                knownHosts: knownHosts,
                insecureAcceptHostKey: insecureAcceptHostKey
            ),
            enableSecret: enableSecret?.value,
            management: .fields([
                ("host", .string(host)),
                ("port", port == 22 ? nil : .int(port)),
                ("username", .string(username)),
                ("password", .fromEnv(password.variable)),
                ("enableSecret", enableSecret.map { .fromEnv($0.variable) }),
                ("knownHostsFile", knownHosts.map { .string($0) }),
            ])
        )
    }
}
