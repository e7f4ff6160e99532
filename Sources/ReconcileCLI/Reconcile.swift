public import ArgumentParser
public import Reconciler

/// The `reconcile` command line: argument parsing and wiring only.
///
/// The providers are injected, so the same commands run with the real providers (the `reconcile` executable) or
/// with the test provider (the test harness).
public struct Reconcile: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "A declarative reconciler for hybrid Azure + Cisco networks.",
        discussion: """
            Keep the hybrid topology as YAML in git; reconcile checks it, shows what would \
            change, applies it in a safe order and reports drift.

            Example:
              reconcile validate examples/s2s-cisco891-pppoe
            """,
        version: "0.1.0",
        subcommands: [
            Validate.self, Plan.self, Diff.self, Apply.self, Destroy.self, StateCommand.self, Graph.self, Schema.self,
            Rules.self,
        ]
    )

    public init() {}

    /// The providers commands use; set once by the executable before `main()`.
    nonisolated(unsafe) static var registry = ProviderRegistry()

    /// Runs the command line with these providers.
    public static func main(providers: ProviderRegistry) async {
        registry = providers
        await main()
    }
}
