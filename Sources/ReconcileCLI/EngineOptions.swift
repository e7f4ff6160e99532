public import ArgumentParser
import Foundation
public import Reconciler
public import Spec

/// Where state lives, and how an apply runs.
public struct StateOptions: ParsableArguments {
    @Option(help: "The state directory (default: .reconcile/ inside the spec directory).")
    public var stateDir: String?

    @Option(
        help:
            "Where the state lives for this run, over the spec's StateBackend: postgres://…, azblob://ACCOUNT/CONTAINER/BLOB or file://DIR (docs/state.md)."
    )
    public var backend: String?

    @Option(
        help: ArgumentHelp(
            "Where the lab keeps its world (default: lab/ in the state directory; RECONCILE_LAB_DIR too), so several checkouts share one lab.",
            valueName: "DIR"
        )
    )
    public var labDir: String?

    public init() {}

    /// `--lab-dir` becomes this process's RECONCILE_LAB_DIR, which the lab reads wherever it
    /// finds its directory (`LabWorld.directory`), so the option and the variable are one thing.
    public func validate() throws {
        if let labDir { setenv("RECONCILE_LAB_DIR", labDir, 1) }
    }

    public func directory(for specPath: String) -> String {
        Self.directory(stateDir, for: specPath)
    }

    static func directory(_ stateDir: String?, for specPath: String) -> String {
        if let stateDir { return stateDir }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: specPath, isDirectory: &isDirectory), !isDirectory.boolValue {
            let parent = (specPath as NSString).deletingLastPathComponent
            return (parent.isEmpty ? "." : parent) + "/.reconcile"
        }
        return specPath + "/.reconcile"
    }
}

/// How this run reaches routers.
struct ConnectionOptions: ParsableArguments {
    @Flag(
        help: "Accept whatever SSH host key a router shows (no pinned key or known_hosts check). Never in production."
    )
    var insecureAcceptHostKey = false
}

struct PlanFormatOption: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    @Option(help: "Output format: text, json (schemas/plan.schema.json) or markdown (for pull requests).")
    var format: Format = .text

    var renderer: PlanRenderer.Format { PlanRenderer.Format(rawValue: format.rawValue) ?? .text }
}

public enum EngineRunner {
    /// An engine over the providers the executable builds for this spec.
    static func engine(
        for spec: ValidatedSpec,
        stateDirectory: String,
        state: StateOptions? = nil,
        connection: ConnectionOptions,
        parallelism: Int = 10,
        progress: Bool = false
    ) async throws -> Engine {
        let printer: @Sendable (ProgressEvent) -> Void
        if progress {
            printer = { event in Output.out(ProgressRenderer.line(event) + "\n") }
        } else {
            printer = { _ in }
        }
        let registry: ProviderRegistry
        do {
            // State, the fingerprint key and the lab's router configs: the owner's only.
            try PrivateDirectory.create(stateDirectory)
            var built = try await Reconcile.wiring.providers(
                ProviderContext(
                    topology: spec.topology,
                    stateDirectory: stateDirectory,
                    insecureAcceptHostKey: connection.insecureAcceptHostKey,
                    say: { Output.err($0 + "\n") }
                )
            )
            for plugin in Plugins.providers(for: spec.topology) { built.register(plugin) }
            registry = built
        } catch {
            Output.err("error: \(error)\n")
            throw ExitCode(1)
        }
        var engine = Engine(
            registry: registry,
            backend: try StateBackendFactory.chosen(
                option: state?.backend,
                local: stateDirectory,
                explicitDirectory: state.map { $0.stateDir != nil } ?? true,
                topology: spec.topology
            ),
            options: ApplyOptions(parallelism: parallelism),
            progress: printer
        )
        engine.costs = try CostOptions.estimator(for: spec.topology)
        return engine
    }

    /// Loads and checks the spec; prints its diagnostics; throws exit 1 on errors.
    public static func validated(
        _ spec: SpecOptions,
        stateDir: String? = nil,
        backend: String? = nil,
        color: ColorOptions
    ) throws -> ValidatedSpec {
        let result = pipeline(spec, stateDir: stateDir, backend: backend)
        if !result.diagnostics.isEmpty { Output.report(result, color: color) }
        if result.hasErrors { throw ExitCode(1) }
        try readSecrets(of: result, spec: spec, color: color)
        return result
    }

    /// Reads every secret the spec refers to before anything is read or sent, and registers
    /// the values with the output's redactor; prints every failure at once and exits 1.
    ///
    /// A missing variable would otherwise plan as a key change and fail only halfway through an
    /// apply. `fromEnv` reads only names granted by `--allow-secret` or
    /// `RECONCILE_ALLOWED_SECRETS`, never by the spec itself. `mask: false` is for a command
    /// asked to print them (`render --show-secrets`): the values are checked, not masked.
    public static func readSecrets(
        of result: ValidatedSpec,
        spec: SpecOptions,
        color: ColorOptions,
        mask: Bool = true
    ) throws {
        let resolver = spec.secretResolver(root: result.topology.root)
        var values: [String] = []
        var failures: [Diagnostic] = []
        for ref in result.topology.secretRefs {
            do {
                values.append(try resolver.resolve(ref))
            } catch {
                failures.append(error.diagnostic)
            }
        }
        if mask { Output.register(values) }
        guard failures.isEmpty else {
            let renderer = DiagnosticRenderer(sources: result.loaded.sources, color: color.enabled(for: STDERR_FILENO))
            Output.err(renderer.text(failures))
            Output.err("error: \(failures.count) secret(s) cannot be used; nothing was read or changed\n")
            throw ExitCode(1)
        }
    }

    static func targets(_ ids: [String]) throws -> Set<ResourceAddress> {
        var result = Set<ResourceAddress>()
        for id in ids {
            guard let address = ResourceAddress(id) else {
                Output.err(
                    "error: --target '\(id)' is not a resource id (provider:path, e.g. azure:virtualNetworks/hub-vnet)\n"
                )
                throw ExitCode(1)
            }
            result.insert(address)
        }
        return result
    }

    /// Runs an engine call; prints its failure and exits 1.
    static func run<T>(_ body: () async throws(Engine.Failure) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            Output.err("error: \(error.description)\n")
            throw ExitCode(1)
        }
    }

    /// Runs `body` under the state lock; a held or stale lock is reported and exits 1.
    static func locked<T>(_ engine: Engine, command: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await engine.locked(
                command: command,
                tookOver: { previous in
                    Output.err(
                        "note: took over the state lock of pid \(previous.pid) ('\(previous.command)', since "
                            + "\(previous.time)): "
                            + (previous.host == ProcessInfo.processInfo.hostName
                                && LockInfo.diedHere(previous)
                                ? "that process is no longer running on this host\n" : "that run has ended\n")
                    )
                },
                body
            )
        } catch let failure as Engine.Failure {
            Output.err("error: \(failure.description)\n")
            throw ExitCode(1)
        }
    }

    /// The spec's git commit, when it lives in a repository.
    static func gitCommit(of path: String) -> String? {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let directory = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        guard let data = CommandOutput.run(["git", "-C", directory.isEmpty ? "." : directory, "rev-parse", "HEAD"])
        else {
            return nil
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Asks for confirmation on a terminal; refuses without one unless auto-approved.
    static func confirm(_ question: String, autoApprove: Bool) throws {
        if autoApprove { return }
        guard isatty(STDIN_FILENO) == 1 else {
            Output.err("error: no terminal to confirm on; pass --auto-approve to apply without asking\n")
            throw ExitCode(1)
        }
        Output.out("\n\(question) Only 'yes' is accepted: ")
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            Output.out("Cancelled; nothing was changed.\n")
            throw ExitCode(1)
        }
    }

    /// Runs the spec pipeline with the state's address pins (docs/addresses.md).
    ///
    /// Every command that reads a spec comes here, so plan, apply, drift, explain and validate
    /// agree on the addresses. No state (or one that cannot be read, which the engine reports): no pins.
    public static func pipeline(_ spec: SpecOptions, stateDir: String? = nil, backend url: String? = nil)
        -> ValidatedSpec
    {
        pipelineAndState(spec, stateDir: stateDir, backend: url).spec
    }

    /// `pipeline`, and the state it read the pins from (nil when there is none or it cannot
    /// be read), for a command that also needs the last apply's outputs: the state is read once.
    public static func pipelineAndState(_ spec: SpecOptions, stateDir: String? = nil, backend url: String? = nil)
        -> (spec: ValidatedSpec, state: State?)
    {
        let (loaded, lowering) = Plugins.load(spec.path, options: spec.loadOptions)
        let backend = try? StateBackendFactory.backend(
            option: url,
            local: StateOptions.directory(stateDir, for: spec.path),
            explicitDirectory: stateDir != nil,
            topology: loaded.topology,
            resolver: spec.secretResolver(root: loaded.topology.root)
        )
        let state = (try? backend?.load()) ?? nil
        return (SpecPipeline.process(loaded, pins: state?.allocations ?? [:], lowering: lowering), state)
    }
}
