import Foundation
import TestSupport
import Testing

/// The plan's differential view of routing, through the real binary against the lab: apply
/// records where traffic goes; a later plan says how a change moves it.
@Suite("Routing changes in the plan", .serialized)
struct LabRoutingTests {
    @Test func aPlanSaysHowOnPremInternetTrafficMoves() throws {
        let ws = try LabWorkspace("routeserver-nva-default-route")
        defer { ws.remove() }
        let applied = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(applied.status == 0, "\(applied.stderr)")
        let state = try String(contentsOf: ws.spec.appendingPathComponent(".reconcile/state.json"), encoding: .utf8)
        #expect(state.contains("\"routing\""), "apply keeps where traffic goes")
        let clean = try ws.run(["plan", "spec"])
        #expect(!clean.stdout.contains("Routing changes"), "\(clean.stdout)")

        // The NVA announces only 0.0.0.0/0, which the VPN gateway never passes on; the intent
        // that needs more goes too (it would fail validation, as it should).
        try ws.edit("routing.yaml") {
            $0.replacingOccurrences(
                of: "advertises: [0.0.0.0/1, 128.0.0.0/1, 0.0.0.0/0]",
                with: "advertises: [0.0.0.0/0]"
            )
        }
        try FileManager.default.removeItem(at: ws.spec.appendingPathComponent("intent.yaml"))
        let plan = try ws.run(["plan", "spec"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Routing changes:"), "\(plan.stdout)")
        #expect(
            plan.stdout.contains(
                "internet traffic from site tokyo-hq moves from NVA 10.10.2.4 in Azure to local breakout at site tokyo-hq"
            ),
            "\(plan.stdout)"
        )
        #expect(plan.stdout.contains("before: site tokyo-hq → gateway hub-vpngw → NVA 10.10.2.4 → internet (Azure)"))
        #expect(plan.stdout.contains("after:  site tokyo-hq → internet (on-prem)"))
        // ExpressRoute passes 0.0.0.0/0 on: osaka-dc's path stays, so it is not listed.
        #expect(!plan.stdout.contains("from site osaka-dc"))
        let json = try ws.run(["plan", "spec", "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let moves = try #require(document?["routingChanges"] as? [[String: Any]])
        #expect(moves.map { $0["key"] as? String } == ["internet traffic from site tokyo-hq"])

        // Nothing to apply but the move: apply records it, and the next plan is quiet.
        let recorded = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let after = try ws.run(["plan", "spec"])
        #expect(!after.stdout.contains("Routing changes"), "\(after.stdout)")
    }
}
