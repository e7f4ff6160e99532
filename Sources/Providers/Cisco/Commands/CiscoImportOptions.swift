public import ArgumentParser
import Cisco
import Foundation
public import ReconcileCLI
public import Reconciler
import Spec

/// What the Cisco provider adds to `reconcile import`: routers to read over SSH, their login
/// and the known_hosts file that pins their keys.
public struct CiscoImportOptions: ImportOptions {
    @Option(help: ArgumentHelp("A router to read over SSH (repeatable).", valueName: "NAME=USER@HOST[:PORT]"))
    var router: [String] = []

    @Option(help: ArgumentHelp("The variable holding the routers' login password.", valueName: "VAR"))
    var passwordEnv: String?

    @Option(
        help: ArgumentHelp("The variable holding the routers' enable secret, if they ask for one.", valueName: "VAR")
    )
    var enableEnv: String?

    @Option(
        help: ArgumentHelp(
            "A known_hosts file that pins the routers' host keys; the spec records it.",
            valueName: "FILE"
        )
    )
    var knownHosts: String?

    public init() {}

    public static var discussion: String {
        """
        --router: each router's running configuration is read over SSH (host keys
        pinned) and written in its site's file.
        """
    }

    public static var example: [String] {
        [
            "--router tokyo-rtr1=netops@198.51.100.1",
            "--known-hosts ~/.ssh/known_hosts --password-env RTR_PASSWORD",
            "--enable-env RTR_ENABLE",
        ]
    }

    /// The login password and enable secret: a router's hashed secrets are named by them.
    public var secretVariables: [String] { [passwordEnv, enableEnv].compactMap { $0 } }

    /// One importer for every router given (none without one), over the provider's SSH.
    public func importers(_ request: ImportRequest) throws(ImportOptionError) -> [any Importer] {
        let hosts = knownHosts.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let hosts, !FileManager.default.isReadableFile(atPath: hosts) {
            throw ImportOptionError("--known-hosts '\(knownHosts ?? "")' cannot be read")
        }
        var routers: [CiscoImporter.Router] = []
        for text in router {
            guard let address = Self.parseRouter(text) else {
                throw ImportOptionError("--router '\(text)' is not NAME=USER@HOST[:PORT]")
            }
            guard let passwordEnv else {
                throw ImportOptionError("--router needs --password-env VAR, the variable holding its login password")
            }
            let password = try request.variable(passwordEnv, for: "--password-env")
            var enable: (variable: String, value: String)?
            if let enableEnv { enable = (enableEnv, try request.variable(enableEnv, for: "--enable-env")) }
            if hosts == nil && !request.insecureAcceptHostKey {
                throw ImportOptionError(
                    "--router needs --known-hosts FILE pinning its host key (or --insecure-accept-host-key, never in production)"
                )
            }
            if routers.contains(where: { $0.name == address.name }) {
                throw ImportOptionError("--router \(address.name) is given twice")
            }
            routers.append(
                CiscoImporter.Router(
                    name: address.name,
                    username: address.user,
                    host: address.host,
                    port: address.port,
                    password: (passwordEnv, password),
                    enableSecret: enable,
                    knownHosts: hosts,
                    insecureAcceptHostKey: request.insecureAcceptHostKey
                )
            )
        }
        guard !routers.isEmpty else { return [] }
        for router in routers {
            request.say("cisco: reading \(router.name) at \(router.options.host):\(router.options.port) over SSH")
        }
        return [CiscoImporter(routers: routers)]
    }

    /// `NAME=USER@HOST[:PORT]`.
    static func parseRouter(_ text: String) -> (name: String, user: String, host: String, port: Int)? {
        guard let argument = NamedArgument(text), let (user, address) = argument.splitAtLastAt else { return nil }
        var host = address
        var port = 22
        if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = String(host[..<colon])
        }
        let name = argument.name
        guard !name.isEmpty, !user.isEmpty, !host.isEmpty, NameRules.isValid(name) else { return nil }
        return (name, user, host, port)
    }
}
