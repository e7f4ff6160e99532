import ArgumentParser
import Spec

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the desired-state graph the spec lowers to.",
        discussion: """
            json lists every resource with its attributes, dependencies and which values are \
            known only after apply; dot and mermaid draw the dependency graph. A spec with \
            errors prints its diagnostics and exits 1.

            Examples:
              reconcile graph examples/s2s-cisco891-pppoe --format mermaid
              reconcile graph examples/s2s-cisco891-pppoe --format dot | dot -Tsvg > graph.svg
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var color: ColorOptions

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, dot, mermaid
    }

    @Option(help: "Output format: json, dot or mermaid.")
    var format: Format = .json

    func run() throws {
        let result = SpecPipeline.run(spec.path, options: spec.loadOptions)
        guard let graph = result.graph else {
            Output.report(result, color: color)
            throw ExitCode(1)
        }
        if !result.diagnostics.isEmpty { Output.report(result, color: color) }
        Output.out(
            GraphRenderer.render(
                graph,
                format: GraphRenderer.Format(rawValue: format.rawValue) ?? .json,
                root: spec.path
            )
        )
    }
}
