import Azure
import Cisco
import Foundation
import TestSupport
import Testing

@testable import Spec

@Suite("Desired-state graph")
struct GraphTests {
    func resource(_ name: String, _ deps: [String]) -> Resource {
        Resource(
            address: .azure(name),
            type: "t",
            attributes: [:],
            dependencies: deps.map { .azure($0) },
            source: .whole("x")
        )
    }

    @Test func topologicalOrderPutsDependenciesFirstAndBreaksTiesByAddress() throws {
        let graph = DesiredGraph([
            resource("c", ["a"]), resource("b", []), resource("a", []), resource("d", ["c", "b"]),
        ])
        let order = try graph.topologicalOrder().get().map(\.path)
        #expect(order == ["a", "b", "c", "d"])
    }

    @Test func cyclesAreReportedWithTheirMembers() {
        let graph = DesiredGraph([resource("a", ["c"]), resource("b", ["a"]), resource("c", ["b"]), resource("d", [])])
        guard case .failure(let error) = graph.topologicalOrder() else {
            Issue.record("a cycle went unnoticed")
            return
        }
        #expect(error.cycles.count == 1)
        #expect(Set(error.cycles[0].map(\.path)) == ["a", "b", "c"])
    }

    @Test func selfLoopsAreCycles() {
        let components = StronglyConnected.components(nodes: [1, 2], successors: { $0 == 2 ? [2] : [] })
        #expect(components == [[2]])
    }

    @Test func sensitivePathsAndReferencesAreFoundAtAnyDepth() {
        let value = Value.map([
            "a": .list([.map(["key": .secret(.environment("K"))]), .reference(OutputReference(.azure("x"), "id"))]),
            "b": .secret(.file("f")),
        ])
        #expect(value.sensitivePaths() == ["a[0].key", "b"])
        #expect(value.references == [OutputReference(.azure("x"), "id")])
    }

    @Test func addressesHaveOnePrintedForm() {
        let address = ResourceAddress("cisco:tokyo-rtr1/tunnel/azure")
        #expect(address == .cisco("tokyo-rtr1", "tunnel/azure"))
        #expect(address?.description == "cisco:tokyo-rtr1/tunnel/azure")
        #expect(ResourceAddress("nocolon") == nil)
        #expect(ResourceAddress(":x") == nil)
    }
}

@Suite("Text-coded values")
struct TextCodableTests {
    @Test func addressesAndPrefixesRoundTripThroughJSON() throws {
        struct Box: Codable, Equatable {
            var a: IPv4Address
            var p: IPv4Prefix
            var r: ResourceAddress
        }
        let box = Box(
            a: try #require(IPv4Address("203.0.113.10")),
            p: try #require(IPv4Prefix("10.10.0.0/16")),
            r: .azure("virtualNetworks/v")
        )
        let data = try JSONEncoder().encode(box)
        #expect(String(decoding: data, as: UTF8.self).contains("\"10.10.0.0\\/16\""))
        #expect(try JSONDecoder().decode(Box.self, from: data) == box)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Box.self, from: Data(#"{"a":"1.2.3","p":"10.0.0.0/8","r":"azure:x"}"#.utf8))
        }
    }
}
