public import ArgumentParser
public import Reconciler
public import Spec

/// The `reconcile` command line: argument parsing and wiring only.
///
/// The providers are injected, so the same commands run with the real providers (the `reconcile` executable) or
/// with the test provider (the test harness).
public struct Reconcile: AsyncParsableCommand {
    /// The release this source is.
    public static let version = "0.1.0"

    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "reconcile",
            abstract: "A declarative reconciler for hybrid Azure + Cisco networks.",
            discussion: """
                Keep the hybrid topology as YAML in git; reconcile checks it, shows what would \
                change, applies it in a safe order and reports drift.

                Example:
                  reconcile validate examples/s2s-cisco891-pppoe
                """,
            version: "\(version) (commit \(wiring.commit))",
            subcommands: [
                Validate.self, Plan.self, Diff.self, Apply.self, Destroy.self, VerifyCommand.self, DriftCommand.self,
                StateCommand.self,
                Graph.self,
                Explain.self,
                Addresses.self,
                Schema.self,
                Rules.self, Cost.self, wiring.importCommand,
            ] + wiring.commands
        )
    }

    public init() {}

    /// What the executable wired in, for the commands this run parses.
    ///
    /// A task-local value rather than a global: the test harness and the executable each wire their
    /// own, and nothing can change it under a running command.
    @TaskLocal static var wiring = Wiring()

    /// Runs the command line with what `wiring` brings.
    public static func main(_ wiring: Wiring) async {
        await $wiring.withValue(wiring) { await main() }
    }

    /// Runs `body` with `wiring` in place: the command tree, and what parsing sees, include the
    /// commands it brings.
    public static func with<T>(_ wiring: Wiring, _ body: () throws -> T) rethrows -> T {
        try $wiring.withValue(wiring, operation: body)
    }
}

/// What the executable wires into the commands: each provider's lowering, how to build the
/// providers for a spec, what their resources cost, the state backends and import options they
/// bring, and the commit the executable was built from.
public struct Wiring: Sendable {
    /// Each provider's part of lowering a spec into the desired-state graph.
    public var lowering: [any ResourceLowering]
    /// Builds the providers a command uses, once the spec is loaded.
    public var providers: ProviderFactory
    /// What each provider's resources cost (`reconcile cost`, plan's cost line).
    ///
    /// Pure: building it starts nothing.
    public var pricing: [any ResourcePricing]
    /// State backends providers bring, by URL scheme (`azblob`).
    public var stateBackends: [String: StateBackendOpener]
    /// Each provider's options for `reconcile import`, in the order the command shows them; they
    /// build its importers (`ImportOptions`).
    public var importOptions: [any ImportOptions.Type]
    /// The git commit the executable was built from (its BuildInfo plugin).
    public var commit: String
    /// Commands a provider brings, after the core's (`reconcile render` and `ios` from the Cisco
    /// provider, `reconcile lab` from the lab).
    public var commands: [any ParsableCommand.Type]

    public init(
        lowering: [any ResourceLowering] = [],
        pricing: [any ResourcePricing] = [],
        stateBackends: [String: StateBackendOpener] = [:],
        importOptions: [any ImportOptions.Type] = [],
        commit: String = "unknown",
        commands: [any ParsableCommand.Type] = [],
        providers: @escaping ProviderFactory = { _ in ProviderRegistry() }
    ) {
        self.lowering = lowering
        self.pricing = pricing
        self.stateBackends = stateBackends
        self.importOptions = importOptions
        self.commit = commit
        self.commands = commands
        self.providers = providers
    }
}
