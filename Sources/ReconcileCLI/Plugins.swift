internal import Foundation
internal import PluginProvider
internal import Reconciler
internal import Spec
internal import Synchronization

/// The provider plugins a spec names (its `Plugin` documents), started once per command and
/// kept for it: their kinds for loading the spec, their lowering, and their providers.
///
/// A plugin that cannot be found, whose digest differs from the pinned one, or that does not
/// start and describe itself is a `plugin-run` error at its Plugin document: the spec then has
/// errors, so nothing is read or changed.
enum Plugins {
    struct Started: Sendable {
        var providers: [PluginProvider] = []
        var diagnostics: [Diagnostic] = []

        /// The kinds the plugins bring, for `LoadOptions.pluginKinds`.
        var kinds: [String: Spec.PluginKind] = [:]
    }

    /// By spec root: a command that reads its spec twice (plan, then apply) starts each plugin once.
    private static let running = Mutex<[String: Started]>([:])

    /// The plugins `topology` names, started (or as started before in this command).
    static func start(for topology: Topology) -> Started {
        if let started = running.withLock({ $0[topology.root] }) { return started }
        var started = Started()
        let reserved = Set(Reconcile.wiring.lowering.map(\.provider))
        var claimed: [String: String] = [:]
        // The plugins work in the spec's directory, whatever directory the command runs in.
        let root = URL(fileURLWithPath: topology.root).standardizedFileURL.path
        for plugin in topology.plugins {
            let at = plugin.meta.location
            guard !reserved.contains(plugin.name) else {
                started.diagnostics.append(
                    Diagnostic(
                        .error,
                        .pluginRun,
                        "a plugin may not be named '\(plugin.name)': a built-in provider is",
                        at: at
                    )
                )
                continue
            }
            do {
                let provider = try launch(plugin.name, path: plugin.spec.path, sha256: plugin.spec.sha256, root: root)
                var problem: String?
                var kinds: [String: Spec.PluginKind] = [:]
                for kind in provider.kinds {
                    if let other = claimed[kind.kind] { problem = "\(kind.kind) is brought by plugin \(other) too" }
                    claimed[kind.kind] = plugin.name
                    // A schema the checker cannot read would leave the documents unchecked: refused.
                    do {
                        let schema = try PluginValues.value(kind.schema, accepting: [])
                        kinds[kind.kind] = Spec.PluginKind(plugin: plugin.name, schema: schema)
                    } catch {
                        problem = "plugin \(plugin.name): its JSON Schema for \(kind.kind) cannot be read: \(error)"
                    }
                }
                if let problem {
                    started.diagnostics.append(Diagnostic(.error, .pluginRun, problem, at: at))
                    continue
                }
                started.providers.append(provider)
                started.kinds.merge(kinds) { first, _ in first }
            } catch {
                started.diagnostics.append(
                    Diagnostic(
                        .error,
                        .pluginRun,
                        "\(error)",
                        at: at,
                        hint: plugin.spec.path == nil
                            ? "put \(PluginLocator.programName(plugin.name)) on PATH, or name it with 'path' and 'sha256'"
                            : nil
                    )
                )
            }
        }
        running.withLock { $0[topology.root] = started }
        return started
    }

    /// Starts one plugin in `root`: pinned by `path` (relative to `root`) and `sha256`, or
    /// `reconcile-provider-NAME` on PATH; what it hands back is masked in all output.
    static func launch(_ name: String, path: String?, sha256: String?, root: String) throws -> PluginProvider {
        let executable = try PluginLocator.locate(
            name: name,
            path: path,
            sha256: sha256,
            root: root,
            searchPath: ProcessInfo.processInfo.environment["PATH"] ?? ""
        )
        return try PluginProvider.start(
            name: name,
            executable: executable,
            root: root,
            register: { Output.register([$0]) },
            mask: { Output.redact($0) },
            builtInKinds: Set(Kind.allCases.map(\.rawValue))
        )
    }

    /// Loads the spec at `path` with the kinds its plugins bring, and the lowering they add.
    ///
    /// Without a Plugin document the spec is read once, as before.
    static func load(_ path: String, options: LoadOptions) -> (LoadedSpec, [any ResourceLowering]) {
        var loaded = SpecLoader.load(path, options: options)
        guard !loaded.topology.plugins.isEmpty else { return (loaded, Reconcile.wiring.lowering) }
        let started = start(for: loaded.topology)
        var withKinds = options
        withKinds.pluginKinds = started.kinds
        loaded = SpecLoader.load(path, options: withKinds)
        loaded.diagnostics.append(contentsOf: started.diagnostics)
        return (loaded, Reconcile.wiring.lowering + started.providers.map(PluginLowering.init))
    }

    /// The started plugins' providers for a spec, to add to its registry.
    static func providers(for topology: Topology) -> [any Provider] {
        running.withLock { $0[topology.root]?.providers ?? [] }
    }
}
