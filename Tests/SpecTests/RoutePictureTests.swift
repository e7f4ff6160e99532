import BuiltInProviders
import Foundation
import TestSupport
import Testing

@testable import Spec

/// The `graph --routes` pictures, checked as their readers see them.
///
/// Every node a path or link names is declared, each path is labelled where it is drawn, data
/// paths end where traffic does (never at a Route Server), the Mermaid passes a grammar check,
/// Graphviz's `dot` reads the dot without making up nodes, and `rsvg-convert` renders the SVG
/// into a PNG of the right size with the paths' colours on it. CI installs Graphviz and librsvg (`graphviz`,
/// `librsvg2-bin`); elsewhere those two tests are skipped without them.
@Suite("Route pictures")
struct RoutePictureTests {
    enum Format: String, CaseIterable, Sendable {
        case svg, mermaid, dot
    }

    /// The examples with something to draw: a site or an intent.
    static let examples = Fixture.examples.filter { !RouteDiagram.trails(model($0)).isEmpty }

    static func model(_ name: String) -> RouteModel {
        RouteModel(SpecPipeline.run(Fixture.path("examples/\(name)"), lowering: BuiltIn.lowering).topology)
    }

    static func render(_ model: RouteModel, _ format: Format) -> String {
        switch format {
        case .svg: RouteDiagram.svg(model)
        case .mermaid: RouteDiagram.mermaid(model)
        case .dot: RouteDiagram.dot(model)
        }
    }

    /// Every value of `attribute` in `svg`, unescaped.
    static func values(_ attribute: String, in svg: String) -> [String] {
        svg.components(separatedBy: " \(attribute)=\"").dropFirst().compactMap {
            $0.split(separator: "\"", maxSplits: 1).first.map {
                $0.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                    .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#39;", with: "'")
                    .replacingOccurrences(of: "&amp;", with: "&")
            }
        }
    }

    /// The nodes a picture declares and those its paths and links name.
    static func nodes(_ text: String, _ format: Format) throws -> (declared: Set<String>, referenced: Set<String>) {
        switch format {
        case .mermaid:
            let chart = try MermaidFlowchart(text)
            let declared = Set(chart.nodes.map(\.id))
            return (declared, Set(chart.links.flatMap { [$0.from, $0.to] } + chart.undeclared))
        case .dot:
            let graph = try DotGraph(text)
            return (Set(graph.nodes.map(\.id)), Set(graph.edges.flatMap { [$0.from, $0.to] }))
        case .svg:
            let declared = Set(values("data-element", in: text))
            let paths = values("data-path", in: text)
            #expect(!paths.isEmpty, "the SVG's paths say which elements they go through")
            return (declared, Set(paths.flatMap { $0.split(separator: " ").map(String.init) }))
        }
    }

    @Test(arguments: examples, Format.allCases)
    func everyNodeAPathOrLinkNamesIsDeclared(_ name: String, _ format: Format) throws {
        let text = Self.render(Self.model(name), format)
        let (declared, referenced) = try Self.nodes(text, format)
        #expect(
            referenced.subtracting(declared).isEmpty,
            "\(name).\(format): undeclared \(referenced.subtracting(declared).sorted())"
        )
    }

    /// Each path is drawn with at least one edge, and its number and meaning are on it (or, in
    /// the SVG, in a disc on it and in the legend), not only in a comment.
    @Test(arguments: examples)
    func eachPathIsLabelledWhereItIsDrawn(_ name: String) throws {
        let model = Self.model(name)
        let trails = RouteDiagram.trails(model)
        #expect(!trails.isEmpty)
        let chart = try MermaidFlowchart(RouteDiagram.mermaid(model))
        let graph = try DotGraph(RouteDiagram.dot(model))
        let svg = RouteDiagram.svg(model)
        for (i, trail) in trails.enumerated() {
            let meaning = TopologyDiagram.legendText(trail, number: i + 1)
            #expect(trail.elements.count >= 2, "\(name): path \(meaning) draws no edge")
            let entity = meaning.replacingOccurrences(of: "#", with: "#35;").replacingOccurrences(
                of: "\"",
                with: "#quot;"
            )
            #expect(chart.links.contains { $0.label == entity }, "\(name) mermaid: no link says \(meaning)")
            #expect(graph.edges.contains { $0.attributes["label"] == meaning }, "\(name) dot: no edge says \(meaning)")
            #expect(svg.contains(">\(Escape.xml(meaning))</text>"), "\(name) svg: no legend line \(meaning)")
            #expect(svg.contains("fill=\"#ffffff\">\(i + 1)</text>"), "\(name) svg: no number \(i + 1) on the path")
        }
        #expect(!RouteDiagram.mermaid(model).contains("%%"), "nothing is said only in comments")
    }

    /// Route Server is control plane only: data paths end at the NVA's address, the hub's
    /// firewall, the internet, a site or a subnet, and the Route Server is linked to its NVA
    /// by a dashed BGP link.
    @Test func dataPathsEndWhereTrafficDoes() throws {
        for name in Fixture.examples {
            for trail in RouteDiagram.trails(Self.model(name)) {
                #expect(!trail.elements.contains { $0.hasPrefix("routeserver:") }, "\(name): \(trail.elements)")
            }
        }
        let server = Self.model("routeserver-nva-default-route")
        for trail in RouteDiagram.trails(server) {
            #expect(trail.elements.suffix(2) == ["nva:10.10.2.4", "internet"], "\(trail.label): \(trail.elements)")
        }
        let chart = try MermaidFlowchart(RouteDiagram.mermaid(server))
        #expect(
            chart.links.contains {
                $0 == .init(from: "routeserver_hub_rs", to: "nva_10_10_2_4", arrow: "-.-", label: "BGP (control plane)")
            }
        )
        let wan = Self.model("vwan-internet-via-azure")
        let egress = RouteDiagram.trails(wan).filter { $0.end.hasPrefix("leaves for the internet") }
        #expect(!egress.isEmpty)
        for trail in egress {
            #expect(
                trail.elements.suffix(3) == ["hub:japan-hub", "firewall:japan-hub", "internet"],
                "\(trail.elements)"
            )
        }
        let onPrem = RouteDiagram.trails(Self.model("forced-tunneling"))
        #expect(onPrem.allSatisfy { $0.elements.suffix(2) == ["site:tokyo-hq", "internet"] })
    }

    @Test func theMermaidGrammarCheckRefusesWhatMermaidWouldMisread() {
        let bad = [
            "graph\n",  // no direction
            "flowchart LR\n  a[\"x\"]\n  a --> b\n  b[\"y\" ]\n",  // text then a space before ]
            "flowchart LR\n  a[\"say \"hi\"\"]\n",  // a quote inside quotes
            "flowchart LR\n  a[\"#x\"]\n",  // a # that is no entity code
            "flowchart LR\n  end[\"x\"]\n",  // a keyword as id
            "flowchart LR\n  a[\"x\"]\n  b[\"y\"]\n  a -->|\"1\"|b\n",  // a link's end glued to it
            "flowchart LR\n  a[\"x\"]\n  b[\"y\"]\n  a --> b\n  linkStyle 1 stroke:#000\n",  // no link 1
            "flowchart LR\n  subgraph s\n  a[\"x\"]\n",  // subgraph not ended
            "flowchart LR\n  a[\"x\"]\n  class a missing\n",  // no such classDef
        ]
        for text in bad {
            #expect(throws: MermaidFlowchart.SyntaxError.self, "\(text)") { try MermaidFlowchart(text) }
        }
        // What parses but names a node it never declares (today's Route Server pictures did).
        let chart = try? MermaidFlowchart("flowchart LR\n  a[\"x\"]\n  a -->|\"1\"| routeserver_hub_rs\n")
        #expect(chart?.undeclared == ["routeserver_hub_rs"])
    }

    /// Text with quotes, `#`, markup, backslashes, a newline or a terminal escape stays one
    /// label in both formats (an intent's statement or a name could hold any of them).
    @Test func labelsKeepTheirTextWhateverItHolds() throws {
        let text = "say \"hi\" #1 <b>&amp; \\n\nnext\u{1B}[2J"
        let chart = try MermaidFlowchart("flowchart LR\n  a[\(Escape.mermaid(text))]\n")
        #expect(chart.nodes.count == 1)
        #expect(!(chart.nodes.first?.label.contains("<") ?? true))
        let graph = try DotGraph("digraph g {\n  \"a\" [label=\(Escape.dot(text))];\n}\n")
        #expect(graph.nodes.count == 1)
        #expect(Escape.dot(text) == #""say \"hi\" #1 <b>&amp; \\n\nnext\\u{1B}[2J""#)
        #expect(Escape.mermaid(text) == #""say #quot;hi#quot; #35;1 #lt;b#gt;#amp;amp; \n\u{A}next\u{1B}[2J""#)
    }

    /// The dependency graph's Mermaid passes the same check, and its dot declares its nodes.
    @Test(arguments: Fixture.examples)
    func theDependencyGraphPicturesParse(_ name: String) throws {
        let graph = try #require(SpecPipeline.run(Fixture.path("examples/\(name)"), lowering: BuiltIn.lowering).graph)
        let chart = try MermaidFlowchart(GraphRenderer.render(graph, format: .mermaid, root: ""))
        #expect(chart.undeclared.isEmpty && chart.nodes.count == graph.resources.count)
        let dot = try DotGraph(GraphRenderer.render(graph, format: .dot, root: ""))
        #expect(dot.undeclared.isEmpty && dot.nodes.count == graph.resources.count)
        // A resource's label is its path and type on two lines, not a literal backslash-n.
        #expect(dot.nodes.allSatisfy { $0.attributes["label"]?.contains("\\n") == true })
        #expect(dot.nodes.allSatisfy { $0.attributes["label"]?.contains("\\\\") == false })
    }

    // MARK: Real renderers

    static var ci: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// An executable on PATH.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Runs a tool to completion, reading its output and errors as they come.
    static func run(
        _ executable: String,
        _ arguments: [String]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Both pipes at once (either could fill), each on a thread of its own, off the pool.
        async let errors = Fixture.offThePool { err.fileHandleForReading.readDataToEndOfFile() }
        let output = await Fixture.offThePool { out.fileHandleForReading.readDataToEndOfFile() }
        let errorData = await errors
        await Fixture.offThePool { process.waitUntilExit() }
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }

    /// Graphviz reads each picture with no warning and draws exactly the nodes and edges we
    /// declared: an undeclared node would be one more `node` line in its plain output.
    @Test(
        .enabled(if: tool("dot") != nil || ci, "Graphviz's dot is not installed (apt-get install graphviz)"),
        arguments: Fixture.examples
    )
    func graphvizDrawsTheDot(_ name: String) async throws {
        let dot = try #require(Self.tool("dot"), "dot is not on PATH")
        let directory = try Fixture.temporaryDirectory("dot")
        defer { try? FileManager.default.removeItem(at: directory) }
        var pictures = [("routes", RouteDiagram.dot(Self.model(name)))]
        if let graph = SpecPipeline.run(Fixture.path("examples/\(name)"), lowering: BuiltIn.lowering).graph {
            pictures.append(("graph", GraphRenderer.render(graph, format: .dot, root: "")))
        }
        for (kind, text) in pictures {
            let file = directory.appendingPathComponent("\(kind).dot")
            try Data(text.utf8).write(to: file)
            let plain = try await Self.run(dot, ["-Tplain", file.path])
            #expect(plain.status == 0 && plain.stderr.isEmpty, "\(name) \(kind): \(plain.stderr)")
            let lines = plain.stdout.split(separator: "\n")
            let parsed = try DotGraph(text)
            #expect(lines.filter { $0.hasPrefix("node ") }.count == parsed.nodes.count, "\(name) \(kind): nodes")
            #expect(lines.filter { $0.hasPrefix("edge ") }.count == parsed.edges.count, "\(name) \(kind): edges")
        }
    }

    /// librsvg renders the SVG into a PNG exactly the size the SVG says, not blank, with each
    /// path's colour on it.
    @Test(
        .enabled(
            if: tool("rsvg-convert") != nil || ci,
            "rsvg-convert is not installed (apt-get install librsvg2-bin)"
        ),
        arguments: examples
    )
    func librsvgRendersTheSVG(_ name: String) async throws {
        let rsvg = try #require(Self.tool("rsvg-convert"), "rsvg-convert is not on PATH")
        let model = Self.model(name)
        let svg = RouteDiagram.svg(model)
        let directory = try Fixture.temporaryDirectory("rsvg")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("\(name).svg")
        let output = directory.appendingPathComponent("\(name).png")
        try Data(svg.utf8).write(to: input)
        let render = try await Self.run(rsvg, ["--format", "png", "--output", output.path, input.path])
        #expect(render.status == 0 && render.stderr.isEmpty, "\(render.stderr)")
        let width = try #require(Self.values("width", in: svg).first)
        let height = try #require(Self.values("height", in: svg).first)
        let colours = RouteDiagram.trails(model).enumerated().map { RouteDiagram.color($1, $0) }
        let (status, report) = try await Fixture.python(
            "Tests/SpecTests/Scripts/check_png.py",
            [
                output.path, "--size", "\(width)x\(height)", "--colours",
                Array(Set(colours)).sorted().joined(separator: ","),
            ]
        )
        #expect(status == 0, "\(report)")
        #expect(report.hasSuffix("ok\n"))
    }
}
