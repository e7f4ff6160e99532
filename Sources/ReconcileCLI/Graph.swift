import ArgumentParser
import Spec

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the desired-state graph the spec lowers to.",
        discussion: """
            json lists every resource with its attributes, dependencies and which values are \
            known only after apply; dot and mermaid draw the dependency graph. A spec with \
            errors prints its diagnostics and exits 1.

            --routes draws the network instead (svg, mermaid or dot): sites, gateways, hubs, \
            VNets and route servers, with the path of each site's internet traffic and of each \
            intent from the routing analysis, numbered and labelled, ending at the NVA, the hub's \
            firewall, the internet or the site (a failing intent dashed red). A Route Server is \
            control plane only, linked to its NVAs by a dashed BGP line. It draws even when an \
            intent fails.

            Examples:
              reconcile graph examples/s2s-cisco891-pppoe --format mermaid
              reconcile graph examples/s2s-cisco891-pppoe --format dot | dot -Tsvg > graph.svg
              reconcile graph examples/routeserver-nva-default-route --routes --format svg > routes.svg
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var color: ColorOptions

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, dot, mermaid, svg
    }

    @Option(help: "Output format: json, dot or mermaid; with --routes svg, mermaid or dot.")
    var format: Format = .json

    @Flag(help: "Draw the routing analysis: each site's internet path and each intent's.")
    var routes = false

    func validate() throws {
        if routes && format == .json { throw ValidationError("--routes draws svg, mermaid or dot, not json") }
        if !routes && format == .svg {
            throw ValidationError("svg is for --routes; the dependency graph is json, dot or mermaid")
        }
    }

    func run() throws {
        if routes {
            let result = EngineRunner.pipeline(spec)
            // A failing intent is drawn (dashed red); any other error stops here.
            if result.diagnostics.contains(where: { $0.severity == .error && $0.rule != .intentViolated }) {
                Output.report(result, color: color)
                throw ExitCode(1)
            }
            let model = RouteModel(result.topology)
            switch format {
            case .svg: Output.out(RouteDiagram.svg(model))
            case .mermaid: Output.out(RouteDiagram.mermaid(model))
            default: Output.out(RouteDiagram.dot(model))
            }
            return
        }
        let result = EngineRunner.pipeline(spec)
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
