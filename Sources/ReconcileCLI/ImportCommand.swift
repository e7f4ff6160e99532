import ArgumentParser
import Foundation
import PluginProvider
import Reconciler
import Spec

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `reconcile import`: the spec of a network that already runs, written so the next diff is empty.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the spec of a running network (an Azure resource group, routers) and adopt it into state.",
        discussion: """
            Reads the resource group through ARM (one list per type) and each router's running
            configuration over SSH (host keys pinned), and writes a spec in OUT_DIR laid out like
            the examples: azure.yaml, one file per site with its router, connections.yaml and
            routing.yaml (with an Intent that records what the network does today). Every secret
            becomes {fromEnv: NAME}: the --secret-env variable whose value matches it, else a
            stable generated name; no secret value is written or printed. Router lines the spec
            cannot express are listed as unmanaged (--strict refuses them). Then the spec is
            adopted into state (nothing is changed on Azure or the routers), so
            `reconcile diff OUT_DIR` exits 0 once the listed variables are set. docs/import.md.

            Examples:
              reconcile import net --azure 0000…/rg-s2s-tokyo \\
                  --router tokyo-rtr1=netops@198.51.100.1 --known-hosts ~/.ssh/known_hosts \\
                  --password-env RTR_PASSWORD --enable-env RTR_ENABLE --secret-env TOKYO_PSK
            """
    )

    @Argument(help: "The directory to write the spec in (new, or holding no YAML).")
    var outDir: String

    @Option(help: ArgumentHelp("A resource group to read: SUBSCRIPTION/RESOURCE_GROUP.", valueName: "SUB/RG"))
    var azure: [String] = []

    @Option(help: "Where ARM is: public (Azure public cloud) or an ARM-compatible URL (the lab's, from `lab serve`).")
    var endpoint: String = "public"

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

    @Option(
        help: ArgumentHelp(
            "A variable that may hold a secret the network has (a pre-shared key): a secret whose value it holds is named by it (repeatable).",
            valueName: "VAR"
        )
    )
    var secretEnv: [String] = []

    @Option(
        help: ArgumentHelp(
            "Import TARGET through the provider plugin NAME, reconcile-provider-NAME on PATH unless --plugin-pin names it; "
                + "a relative TARGET is relative to OUT_DIR, as the spec will hold it (repeatable).",
            valueName: "NAME=TARGET"
        )
    )
    var plugin: [String] = []

    @Option(
        help: ArgumentHelp(
            "Run the plugin NAME from PATH, only if its SHA-256 is DIGEST; the spec pins it the same way (repeatable).",
            valueName: "NAME=PATH@DIGEST"
        )
    )
    var pluginPin: [String] = []

    @Flag(help: "Fail, writing nothing, when anything read cannot be expressed in the spec.")
    var strict = false

    @OptionGroup var state: StateOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let request = try makeRequest(environment)
        let out = URL(fileURLWithPath: outDir).standardizedFileURL.path
        let plugins = try makePlugins(out: out)
        try Self.refuseNonEmpty(out)
        // Every value read from the environment for this run is masked wherever it might appear.
        Output.register(request.routers.flatMap { [$0.password] + ($0.enableSecret.map { [$0] } ?? []) })
        Output.register(secretEnv.compactMap { environment[$0] })

        // Written first into a directory beside OUT_DIR, checked, then moved into place: a
        // failure leaves nothing half-written. Plugins work in it as in the spec's directory,
        // which it becomes (a sibling of OUT_DIR: relative paths mean the same in both).
        let staging = out + ".import-\(getpid())"
        Self.removeAbandonedStaging(of: out)
        defer { try? FileManager.default.removeItem(atPath: staging) }

        let scopes: [(provider: String, scope: ImportedScope)]
        do {
            var importers = try await Reconcile.wiring.importers(request)
            if !plugins.isEmpty { try PrivateDirectory.create(staging) }
            for plugin in plugins {
                let provider = try Plugins.launch(
                    plugin.name,
                    path: plugin.pin?.executable,
                    sha256: plugin.pin?.sha256,
                    root: staging
                )
                importers.append(
                    PluginImporter(
                        plugin: provider,
                        target: plugin.target,
                        pin: plugin.pin.map { ($0.fromSpec, $0.sha256) }
                    )
                )
            }
            scopes = try await ImportPipeline.read(importers)
        } catch {
            Output.err("error: \(error)\nNothing was written.\n")
            throw ExitCode(1)
        }
        Output.register(
            scopes.flatMap(\.scope.secrets).compactMap { if case .value(let v) = $0.reading { v } else { nil } }
        )

        // The variables the user named may hold any of the secrets read: the routers' login and
        // enable secrets (checked against their hashes) as much as the --secret-env ones.
        let variables = secretEnv + [passwordEnv, enableEnv].compactMap { $0 }
        // Read back with the kinds and lowering of the plugins it names (none: as before), whose
        // providers then join the registry for adopting.
        let written = try ImportPipeline.write(
            scopes.map(\.scope),
            candidates: variables.compactMap { name in environment[name].map { (name, $0) } },
            to: staging
        ) { directory in
            let (loaded, lowering) = Plugins.load(directory, options: LoadOptions())
            return SpecPipeline.process(loaded, lowering: lowering)
        }
        let loaded = written.spec
        if loaded.hasErrors {
            Output.report(loaded, color: color)
            Output.err(
                "error: the imported spec does not validate (a defect of the import: please report it); nothing was written\n"
            )
            throw ExitCode(1)
        }

        // Adopt into state, with the secrets' values (in memory only) under their names. The
        // state is the staging directory's unless --state-dir or --backend puts it elsewhere, so
        // it moves into place with the files.
        var values = environment
        for (name, value) in written.secrets.values { values[name] = value }
        let engine = try await EngineRunner.engine(
            for: loaded,
            stateDirectory: state.directory(for: staging),
            state: state,
            connection: connection
        )
        let (adoption, unmanaged, adopted) = try await EngineRunner.locked(engine, command: "import") {
            let adoption = try await EngineRunner.run { () async throws(Engine.Failure) in
                try await engine.planAdoption(
                    loaded,
                    environment: values,
                    alreadyRead: ImportPipeline.alreadyRead(scopes)
                )
            }
            // What nothing in the whole spec claims (a router's tunnel lines belong to the
            // connections), with the addresses of what was read.
            let outputs = adoption.observed.mapValues(\.outputs)
            let unmanaged = scopes.flatMap { imported in
                loaded.graph.flatMap { imported.scope.unmanagedIn?($0, outputs) } ?? imported.scope.unmanaged
            }
            if strict && !unmanaged.isEmpty {
                Output.err(ImportReport.unmanagedText(unmanaged))
                Output.err(
                    "error: --strict: \(unmanaged.count) thing(s) read cannot be expressed in the spec; nothing was written\n"
                )
                throw ExitCode(1)
            }
            let adopted = try await EngineRunner.run { () throws(Engine.Failure) in try engine.record(adoption) }
            return (adoption, unmanaged, adopted)
        }
        try FileManager.default.createDirectory(
            atPath: (out as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Self.moveContents(of: staging, into: out)
        let report = ImportReport(
            out: outDir,
            files: Set(written.documents.map(\.file)).sorted(),
            secrets: written.secrets.report,
            unmanaged: unmanaged,
            notes: scopes.flatMap(\.scope.notes)
                + written.unmatchedRouters.map {
                    "router \($0) reaches no site the import found (no shared address, no tunnel to its gateways): "
                        + "it is written in \($0).yaml with a site of its own, \($0)-site; check it"
                },
            requests: scopes.map { ($0.provider, $0.scope.requests) },
            adopted: adopted,
            differences: adoption.differences
        )
        Output.out(report.text)
        if !adoption.isExact { throw ExitCode(2) }
    }

    /// The request from the options; a malformed one is an error naming the option.
    func makeRequest(_ environment: [String: String]) throws -> ImportRequest {
        func fail(_ message: String) -> ExitCode {
            Output.err("error: \(message)\nNothing was read or written.\n")
            return ExitCode(1)
        }
        guard let endpoint = Endpoint(endpoint), endpoint != .lab else {
            throw fail(
                "--endpoint '\(endpoint)' is not public or an ARM URL (the lab's is printed by `reconcile lab serve`)"
            )
        }
        var groups: [ImportRequest.AzureGroup] = []
        for text in azure {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw fail("--azure '\(text)' is not SUBSCRIPTION/RESOURCE_GROUP")
            }
            groups.append(.init(subscription: String(parts[0]), resourceGroup: String(parts[1]), endpoint: endpoint))
        }
        if groups.count > 1 {
            throw fail(
                "--azure is given \(groups.count) times; a spec has one AzureScope: import each group into its own directory"
            )
        }
        if groups.isEmpty {
            throw fail(
                "give --azure SUBSCRIPTION/RESOURCE_GROUP: a spec has one AzureScope (a router's saved config alone: "
                    + "`reconcile ios import FILE`)"
            )
        }
        var routers: [ImportRequest.Router] = []
        let hosts = knownHosts.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let hosts, !FileManager.default.isReadableFile(atPath: hosts) {
            throw fail("--known-hosts '\(knownHosts ?? "")' cannot be read")
        }
        for text in router {
            guard let router = Self.parseRouter(text) else {
                throw fail("--router '\(text)' is not NAME=USER@HOST[:PORT]")
            }
            guard let passwordEnv else {
                throw fail("--router needs --password-env VAR, the variable holding its login password")
            }
            guard let password = environment[passwordEnv], !password.isEmpty else {
                throw fail("--password-env \(passwordEnv): the variable is not set")
            }
            var enable: String?
            if let enableEnv {
                guard let value = environment[enableEnv], !value.isEmpty else {
                    throw fail("--enable-env \(enableEnv): the variable is not set")
                }
                enable = value
            }
            if hosts == nil && !connection.insecureAcceptHostKey {
                throw fail(
                    "--router needs --known-hosts FILE pinning its host key (or --insecure-accept-host-key, never in production)"
                )
            }
            if routers.contains(where: { $0.name == router.name }) {
                throw fail("--router \(router.name) is given twice")
            }
            routers.append(
                .init(
                    name: router.name,
                    username: router.user,
                    host: router.host,
                    port: router.port,
                    password: password,
                    enableSecret: enable,
                    passwordVariable: passwordEnv,
                    enableVariable: enable == nil ? nil : enableEnv,
                    knownHosts: hosts
                )
            )
        }
        for name in secretEnv where environment[name] == nil {
            throw fail("--secret-env \(name): the variable is not set")
        }
        return ImportRequest(
            azure: groups,
            routers: routers,
            insecureAcceptHostKey: connection.insecureAcceptHostKey,
            outputDirectory: URL(fileURLWithPath: outDir).standardizedFileURL.path,
            say: { Output.err($0 + "\n") }
        )
    }

    /// A plugin to import through: its name, the target it is given, and how it is pinned.
    struct PluginTarget {
        var name: String
        var target: String
        /// The executable (absolute) and its digest, and its path from OUT_DIR for the spec.
        var pin: (executable: String, sha256: String, fromSpec: String)?
    }

    /// The plugins from `--plugin` and `--plugin-pin`; a malformed one is an error naming the option.
    func makePlugins(out: String) throws -> [PluginTarget] {
        func fail(_ message: String) -> ExitCode {
            Output.err("error: \(message)\nNothing was read or written.\n")
            return ExitCode(1)
        }
        let reserved = Set(Reconcile.wiring.lowering.map(\.provider))
        var plugins: [PluginTarget] = []
        for text in plugin {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex,
                text.index(after: equals) != text.endIndex
            else { throw fail("--plugin '\(text)' is not NAME=TARGET") }
            let name = String(text[..<equals])
            guard !reserved.contains(name) else {
                throw fail("--plugin \(name): a built-in provider is named '\(name)'; use --azure or --router")
            }
            guard !plugins.contains(where: { $0.name == name }) else {
                throw fail("--plugin \(name) is given twice; a spec runs a plugin once: import one target")
            }
            plugins.append(PluginTarget(name: name, target: String(text[text.index(after: equals)...])))
        }
        for text in pluginPin {
            guard let equals = text.firstIndex(of: "="), let at = text.lastIndex(of: "@"), equals < at,
                text.index(after: equals) != at
            else { throw fail("--plugin-pin '\(text)' is not NAME=PATH@SHA256") }
            let name = String(text[..<equals])
            guard let index = plugins.firstIndex(where: { $0.name == name }) else {
                throw fail("--plugin-pin \(name): no --plugin \(name)=TARGET is given")
            }
            guard plugins[index].pin == nil else { throw fail("--plugin-pin \(name) is given twice") }
            let executable = URL(fileURLWithPath: String(text[text.index(after: equals)..<at])).standardizedFileURL.path
            plugins[index].pin = (
                executable, String(text[text.index(after: at)...]), Self.relativePath(executable, from: out)
            )
        }
        return plugins
    }

    /// `path` as seen from the directory `base` (both absolute): `../bin/x` beside it.
    static func relativePath(_ path: String, from base: String) -> String {
        let to = path.split(separator: "/")
        let from = base.split(separator: "/")
        var common = 0
        while common < min(to.count, from.count) && to[common] == from[common] { common += 1 }
        return (Array(repeating: "..", count: from.count - common) + to[common...].map(String.init))
            .joined(separator: "/")
    }

    /// `NAME=USER@HOST[:PORT]`.
    static func parseRouter(_ text: String) -> (name: String, user: String, host: String, port: Int)? {
        guard let equals = text.firstIndex(of: "="), let at = text.lastIndex(of: "@"), equals < at else { return nil }
        let name = String(text[..<equals])
        let user = String(text[text.index(after: equals)..<at])
        var host = String(text[text.index(after: at)...])
        var port = 22
        if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = String(host[..<colon])
        }
        guard !name.isEmpty, !user.isEmpty, !host.isEmpty, NameRules.isValid(name) else { return nil }
        return (name, user, host, port)
    }

    /// Refuses an output directory that already holds YAML: an import never overwrites a spec.
    static func refuseNonEmpty(_ path: String) throws {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        if let yaml = entries.sorted().first(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }) {
            Output.err(
                "error: \(path) already holds a spec (\(yaml)); import into a new directory\nNothing was read or written.\n"
            )
            throw ExitCode(1)
        }
    }

    /// Removes what a killed import left beside OUT_DIR (`OUT_DIR.import-PID` of a process
    /// that no longer runs), so a run after a kill starts clean.
    static func removeAbandonedStaging(of out: String) {
        let parent = (out as NSString).deletingLastPathComponent
        let prefix = (out as NSString).lastPathComponent + ".import-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(prefix)
        {
            guard let pid = Int32(entry.dropFirst(prefix.count)) else { continue }
            if pid == getpid() || kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: parent + "/" + entry)
            }
        }
    }

    static func moveContents(of staging: String, into out: String) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for entry in try FileManager.default.contentsOfDirectory(atPath: staging).sorted() {
            try FileManager.default.moveItem(atPath: staging + "/" + entry, toPath: out + "/" + entry)
        }
    }
}
