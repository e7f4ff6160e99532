import ArgumentParser
import Foundation
import PluginProvider
import Reconciler
import Spec
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `reconcile import`: the spec of a network that already runs, written so the next diff is empty.
///
/// What to read is each provider's options (`Providers`, every `Wiring.importOptions` as one
/// option group): argument-parser knows a command's options from its type, so the command is
/// generic over them and the executable's list picks the type (`Wiring.importCommand`).
struct Import<Providers: ImportOptions>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let reads = """
            Reads what the providers' options below name, and writes a spec in OUT_DIR
            laid out like the examples: one file per site, connections.yaml and
            routing.yaml (with an Intent that records what the network does today).
            Every secret becomes {fromEnv: NAME}: the --secret-env variable whose value
            matches it, else a stable generated name; no secret value is written or
            printed. What the spec cannot express is listed as unmanaged (--strict
            refuses it). Then the spec is adopted into state (nothing is changed on
            the network), so `reconcile diff OUT_DIR` exits 0 once the listed
            variables are set. docs/import.md.
            """
        // The providers' options in one command line, as many to a line as each says.
        var lines = Providers.example
        lines.append((lines.popLast().map { $0 + " " } ?? "") + "--secret-env TOKYO_PSK")
        let example = "Examples:\n  reconcile import net " + lines.joined(separator: " \\\n      ")
        return CommandConfiguration(
            commandName: "import",
            abstract: "Write the spec of a running network and adopt it into state.",
            discussion: [reads, Providers.discussion, example].filter { !$0.isEmpty }.joined(separator: "\n\n")
        )
    }

    @Argument(help: "The directory to write the spec in (new, or holding no YAML).")
    var outDir: String

    @OptionGroup var providers: Providers

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
        // Every value the options name a variable for is masked before anything is said.
        Output.register((providers.secretVariables + secretEnv).compactMap { environment[$0] })
        let out = URL(fileURLWithPath: outDir).standardizedFileURL.path
        // What the providers say they will read is held until every option is checked: a
        // refused command reads nothing, and says it reads nothing.
        let held = Mutex<[String]?>([])
        let request = ImportRequest(
            insecureAcceptHostKey: connection.insecureAcceptHostKey,
            outputDirectory: out,
            environment: environment,
            say: { line in
                let now = held.withLock { lines in
                    guard var waiting = lines else { return true }
                    waiting.append(line)
                    lines = waiting
                    return false
                }
                if now { Output.err(line + "\n") }
            }
        )
        var importers: [any Importer]
        do {
            importers = try providers.importers(request)
        } catch {
            throw Self.fail(error.description)
        }
        do {
            for name in secretEnv { _ = try request.variable(name, for: "--secret-env") }
        } catch {
            throw Self.fail(error.description)
        }
        let plugins = try makePlugins(out: out)
        if importers.isEmpty && plugins.isEmpty {
            throw Self.fail("nothing to read: give a provider's options or --plugin (`reconcile import --help`)")
        }
        try Self.refuseNonEmpty(out)
        let waiting = held.withLock { lines in
            defer { lines = nil }
            return lines ?? []
        }
        for line in waiting { Output.err(line + "\n") }

        // Written first into a directory beside OUT_DIR, checked, then moved into place: a
        // failure leaves nothing half-written. Plugins work in it as in the spec's directory,
        // which it becomes (a sibling of OUT_DIR: relative paths mean the same in both).
        let staging = out + ".import-\(getpid())"
        Self.removeAbandonedStaging(of: out)
        defer { try? FileManager.default.removeItem(atPath: staging) }

        let scopes: [(provider: String, scope: ImportedScope)]
        do {
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

        // The variables the user named may hold any of the secrets read: those a provider's
        // options name (a login, checked against its hash) as much as the --secret-env ones.
        let variables = secretEnv + providers.secretVariables
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
                        + "it is written in \($0).yaml with a site of its own, \(ImportJoin.ownSiteName(of: $0)); check it"
                },
            requests: scopes.map { ($0.provider, $0.scope.requests) },
            adopted: adopted,
            differences: adoption.differences
        )
        Output.out(report.text)
        if !adoption.isExact { throw ExitCode(2) }
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
        let reserved = Set(Reconcile.wiring.lowering.map(\.provider))
        var plugins: [PluginTarget] = []
        for text in plugin {
            guard let argument = NamedArgument(text), !argument.name.isEmpty, !argument.value.isEmpty else {
                throw Self.fail("--plugin '\(text)' is not NAME=TARGET")
            }
            let name = argument.name
            guard !reserved.contains(name) else {
                throw Self.fail(
                    "--plugin \(name): a built-in provider is named '\(name)'; import it with its own options "
                        + "(`reconcile import --help`)"
                )
            }
            guard !plugins.contains(where: { $0.name == name }) else {
                throw Self.fail("--plugin \(name) is given twice; a spec runs a plugin once: import one target")
            }
            plugins.append(PluginTarget(name: name, target: argument.value))
        }
        for text in pluginPin {
            guard let argument = NamedArgument(text), let (path, digest) = argument.splitAtLastAt, !path.isEmpty else {
                throw Self.fail("--plugin-pin '\(text)' is not NAME=PATH@SHA256")
            }
            let name = argument.name
            guard let index = plugins.firstIndex(where: { $0.name == name }) else {
                throw Self.fail("--plugin-pin \(name): no --plugin \(name)=TARGET is given")
            }
            guard plugins[index].pin == nil else { throw Self.fail("--plugin-pin \(name) is given twice") }
            let executable = URL(fileURLWithPath: path).standardizedFileURL.path
            plugins[index].pin = (executable, digest, Self.relativePath(executable, from: out))
        }
        return plugins
    }

    /// An error in the options: said, with the promise that nothing happened, as exit 1.
    static func fail(_ message: String) -> ExitCode {
        Output.err("error: \(message)\nNothing was read or written.\n")
        return ExitCode(1)
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

    /// Refuses an output directory that already holds YAML: an import never overwrites a spec.
    static func refuseNonEmpty(_ path: String) throws {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        if let yaml = entries.sorted().first(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }) {
            throw fail("\(path) already holds a spec (\(yaml)); import into a new directory")
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

extension Wiring {
    /// `reconcile import` with the import options this wiring lists.
    var importCommand: any ParsableCommand.Type { Self.importCommand(importOptionsType) }

    private static func importCommand<Providers: ImportOptions>(_: Providers.Type) -> any ParsableCommand.Type {
        Import<Providers>.self
    }
}
