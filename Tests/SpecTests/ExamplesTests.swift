import Azure
import BuiltInProviders
import Cisco
import Foundation
import TestSupport
import Testing

@testable import Spec

@Suite("Examples")
struct ExamplesTests {
    /// The warnings an example is meant to show: the seed's 891FJ pins its article's legacy crypto.
    static let expectedWarnings: [String: [String]] = [
        "s2s-cisco891-pppoe": [
            "crypto-no-pfs", "crypto-weak-dh-group", "crypto-weak-integrity", "crypto-weak-integrity",
        ]
    ]

    @Test(arguments: Fixture.examples)
    func exampleValidatesCleanly(_ name: String) {
        let result = SpecPipeline.run(Fixture.path("examples/\(name)"), lowering: BuiltIn.lowering)
        #expect(result.diagnostics.filter { $0.severity != .warning }.map(\.summary) == [])
        #expect(
            result.diagnostics.filter { $0.severity == .warning }.map(\.rule.rawValue).sorted()
                == Self.expectedWarnings[name, default: []]
        )
        #expect(result.graph != nil)
    }

    /// The desired-state graph of each example, as `reconcile graph --format json` prints it.
    @Test(arguments: Fixture.examples)
    func graphGolden(_ name: String) throws {
        let root = Fixture.path("examples/\(name)")
        let graph = try #require(SpecPipeline.run(root, lowering: BuiltIn.lowering).graph)
        Fixture.assertGolden(
            GraphRenderer.render(graph, format: .json, root: root),
            "Tests/SpecTests/Golden/graph/\(name).json"
        )
    }

    @Test(arguments: Fixture.examples)
    func graphIsDeterministicAndAcyclic(_ name: String) throws {
        let root = Fixture.path("examples/\(name)")
        let first = try #require(SpecPipeline.run(root, lowering: BuiltIn.lowering).graph)
        let second = try #require(SpecPipeline.run(root, lowering: BuiltIn.lowering).graph)
        for format in GraphRenderer.Format.allCases {
            #expect(
                GraphRenderer.render(first, format: format, root: root)
                    == GraphRenderer.render(second, format: format, root: root)
            )
        }
        let order = try first.topologicalOrder().get()
        #expect(order.count == first.resources.count)
        var position: [ResourceAddress: Int] = [:]
        for (i, a) in order.enumerated() { position[a] = i }
        for edge in first.edges {
            #expect((position[edge.to] ?? .max) < (position[edge.from] ?? -1), "\(edge.from) before \(edge.to)")
        }
        #expect(first.danglingDependencies.isEmpty)
    }

    @Test func theSeedsRouterTakesItsTunnelDestinationFromTheGateway() throws {
        let graph = try #require(
            SpecPipeline.run(Fixture.path("examples/s2s-cisco891-pppoe"), lowering: BuiltIn.lowering).graph
        )
        let tunnel = try #require(graph[.cisco("tokyo-rtr1", "tunnel/azure")])
        #expect(
            tunnel.attributes["destination"]
                == .reference(OutputReference(.azure("publicIPAddresses/hub-vpngw-pip1"), "ipAddress"))
        )
        #expect(tunnel.dependencies.contains(.azure("publicIPAddresses/hub-vpngw-pip1")))
        let keyring = try #require(graph[.cisco("tokyo-rtr1", "crypto-ikev2-keyring")])
        #expect(keyring.sensitivePaths == ["peers[0].preSharedKey"])
        let proposal = try #require(graph[.cisco("tokyo-rtr1", "crypto-ikev2-proposal/azure")])
        #expect(proposal.attributes["encryption"] == .list(["aes-cbc-256"]))
        #expect(proposal.attributes["group"] == .list(["2"]))
    }

    /// Each file of examples/invalid declares, in `# expect:` lines, exactly the diagnostics it
    /// must produce: severity, rule, line and column.
    @Test(arguments: try invalidExamples())
    func invalidExampleReportsWhatItDeclares(_ file: String) throws {
        let path = Fixture.path("examples/invalid/\(file)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("# expect: ") else { return nil }
            let body = line.dropFirst("# expect: ".count)
            guard let at = body.range(of: " at ") else { return nil }
            return "\(body[..<at.lowerBound])@\(body[at.upperBound...])"
        }
        #expect(!expected.isEmpty, "\(file) declares no '# expect:' line")
        let result = SpecPipeline.run(path, lowering: BuiltIn.lowering)
        #expect(result.codes.sorted() == expected.sorted())
        #expect(result.diagnostics.allSatisfy { $0.location.file == path })
    }

    static func invalidExamples() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Fixture.path("examples/invalid"))
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func aDirectoryWithoutSpecFilesIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(SpecPipeline.run(dir.path, lowering: BuiltIn.lowering).errorRules == ["io-no-spec"])
        #expect(SpecPipeline.run(dir.path + "/missing", lowering: BuiltIn.lowering).errorRules == ["io-read"])
    }
}
