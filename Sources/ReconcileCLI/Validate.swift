import ArgumentParser
import Spec

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a spec against the language and Azure's and the routers' rules.",
        discussion: """
            Reports every problem at once as file:line:column: error[RULE-ID]: message, with a \
            hint. Exits 0 when there is no error (warnings allowed), 1 otherwise. Rules are \
            listed in docs/rules.md.

            Examples:
              reconcile validate examples/s2s-cisco891-pppoe
              reconcile validate specs/ --format json
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var spec: SpecOptions
    @OptionGroup var color: ColorOptions

    @Option(help: "Output format: text (for people, on standard error) or json (on standard output).")
    var format: Format = .text

    func run() throws {
        let result = EngineRunner.pipeline(spec)
        switch format {
        case .text:
            Output.report(result, color: color)
            // What the allocation pass chose, as plan shows it (docs/addresses.md).
            Output.out(result.topology.allocations.map { $0.line + "\n" }.joined())
            if !result.hasErrors {
                let count = result.loaded.files.count
                Output.out(
                    "\(spec.path): valid (\(count) file\(count == 1 ? "" : "s"), \(result.graph?.resources.count ?? 0) resources)\n"
                )
            }
        case .json:
            Output.out(DiagnosticRenderer.json(result.diagnostics))
        }
        if result.hasErrors { throw ExitCode(1) }
    }
}
