import Foundation
import TestSupport
import Testing

/// Drift says when what exists costs more than the spec: a gateway resized out of band and
/// an address nobody declared, priced by the spec's price file.
@Suite("drift and cost", .serialized)
struct DriftCostTests {
    @Test func whatExistsCostingMoreThanTheSpecIsNoted() async throws {
        let ws = try LabWorkspace(DriftLabTests.example)
        defer { ws.remove() }
        try ws.useLabPrices(
            replacing: "pricing: {currency: JPY}",
            with: "pricing: {currency: USD, priceFile: prices.json}"
        )
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        var (_, report) = try DriftLabTests.drift(ws)
        #expect(report["costOverSpec"] == nil, "in sync: \(report)")

        let lab = try Watched(["lab", "serve", "spec"], in: ws)
        _ = try lab.line(containing: "Stop with Ctrl-C")
        let oob = try OutOfBand(from: lab.output, group: "rg-s2s-tokyo", in: ws)
        try await oob.update("virtualNetworkGateways/hub-vpngw") { body in
            var properties = body["properties"] as? [String: Any] ?? [:]
            properties["sku"] = ["name": "VpnGw2AZ", "tier": "VpnGw2AZ"]
            body["properties"] = properties
        }
        let (put, answer) = try await oob.arm(
            "PUT",
            "publicIPAddresses/rogue-pip",
            [
                "location": "japaneast", "sku": ["name": "Standard"],
                "properties": ["publicIPAllocationMethod": "Static"],
            ]
        )
        #expect((200..<300).contains(put), "\(answer)")
        lab.process.interrupt()
        _ = try lab.wait()

        var status: Int32
        (status, report) = try DriftLabTests.drift(ws)
        #expect(status == 2)
        let cost = try #require(report["costOverSpec"] as? [String: Any], "\(report)")
        // 744 h: the gateway at $0.5 instead of $0.2, and one more address at $0.005.
        #expect((cost["delta"] as? NSNumber)?.doubleValue == 226.92, "\(cost)")
        let lines = (cost["lines"] as? [[String: Any]] ?? []).map { "\($0["owner"] ?? "") \($0["item"] ?? "")" }
        #expect(
            lines.sorted() == [
                "azure:publicIPAddresses/rogue-pip Public IP address (Standard, static)",
                "azure:virtualNetworkGateways/hub-vpngw VPN gateway VpnGw1AZ",
                "azure:virtualNetworkGateways/hub-vpngw VPN gateway VpnGw2AZ",
            ],
            "\(lines)"
        )
        let text = try ws.run(["drift", "spec"])
        #expect(text.stdout.contains("What exists costs more than the spec:"), "\(text.stdout)")
        #expect(text.stdout.contains("Cost: +$226.92/month"))
        let markdown = try ws.run(["drift", "spec", "--format", "markdown"])
        #expect(markdown.stdout.contains("### What exists costs more than the spec"))
    }
}
