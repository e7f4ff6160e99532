import ArgumentParser

/// The `reconcile` command line: argument parsing and wiring only.
@main
struct Reconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "A declarative reconciler for hybrid Azure + Cisco networks.",
        discussion: """
            Keep the hybrid topology as YAML in git; reconcile checks it, shows what would \
            change, applies it in a safe order and reports drift.

            Example:
              reconcile validate examples/s2s-cisco891-pppoe
            """,
        version: "0.1.0",
        subcommands: [Validate.self, Graph.self, Schema.self, Rules.self]
    )
}
