import BuiltInProviders
import Foundation
import Spec
import TestSupport
import Testing

@testable import Verify

/// The plan's differential view of routing, through the real binary against the lab: apply
/// records where traffic goes; a later plan says how a change moves it.
@Suite("Routing changes in the plan", .serialized)
struct LabRoutingTests {
    @Test func aPlanSaysHowOnPremInternetTrafficMoves() async throws {
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
        let saved = ws.root.appendingPathComponent("plan.json")
        try Data(json.stdout.utf8).write(to: saved)
        let schema = try await Fixture.python(
            "Tests/DriftTests/Scripts/check_json_schema.py",
            [Fixture.path("schemas/plan.schema.json"), saved.path]
        )
        #expect(schema.status == 0, "\(schema.output)")

        // Nothing to apply but the move: apply records it, and the next plan is quiet.
        let recorded = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let after = try ws.run(["plan", "spec"])
        #expect(!after.stdout.contains("Routing changes"), "\(after.stdout)")
    }
    /// verify compares the router's table with the routing analysis: a static route typed at
    /// the console that takes half the internet out of the WAN is operational drift.
    @Test func verifyReportsWhereTheRouterDisagreesWithTheRouteModel() throws {
        let ws = try LabWorkspace("routeserver-nva-default-route")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        #expect(try ws.run(["verify", "spec"]).status == 0)
        try ws.console("tokyo-rtr1", ["configure terminal", "ip route 0.0.0.0 128.0.0.0 Dialer1", "end"])
        let verify = try ws.run(["verify", "spec", "--format", "json"])
        #expect(verify.status != 0)
        let report = try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any]
        let tunnels = try #require(report?["tunnels"] as? [[String: Any]])
        let text = tunnels.flatMap { $0["causes"] as? [String] ?? [] }.joined(separator: "\n")
        #expect(
            text.contains(
                "routing: the route model expects 0.0.0.0/1 from gateway hub-vpngw (BGP from gateway hub-vpngw over hub-to-tokyo"
            ),
            "\(text)"
        )
        #expect(text.contains("the router routes it via Dialer1"))
        #expect(text.contains("routing: the route model sends tokyo-hq's internet traffic through Azure"))
        #expect(text.contains("the router sends it out of the site's own WAN (0.0.0.0/1 via Dialer1)"))
        // drift would report the router's config (the typed line) as the news here; a routing
        // difference with no config behind it is DriftLabTests.aRoutingDifferenceIsOperationalDrift.
    }
}

/// The Azure half of verify's routing comparison, on its own: what the model says a gateway
/// learns, against a learned-routes list.
@Suite("Verify against the route model")
struct VerifyRouteModelTests {
    @Test func aGatewayThatHasNotLearnedTheNvasRoutesIsACause() throws {
        let spec = SpecPipeline.run(Fixture.path("examples/routeserver-nva-default-route"), lowering: BuiltIn.lowering)
        let model = RouteModel(spec.topology)
        let everything = model.table(.gateway("hub-vpngw")).map(\.prefix.description)
        #expect(Verifier.learnedCauses(model: model, connection: "hub-to-tokyo", learned: everything).isEmpty)
        // Route Server stopped passing the NVA's routes (branch-to-branch off in Azure).
        let without = everything.filter { !["0.0.0.0/1", "128.0.0.0/1", "0.0.0.0/0"].contains($0) }
        let causes = Verifier.learnedCauses(model: model, connection: "hub-to-tokyo", learned: without)
        #expect(causes.count == 3, "\(causes)")
        #expect(
            causes.contains {
                $0.hasPrefix(
                    "routing: the route model expects gateway hub-vpngw to have learned 0.0.0.0/1 (from NVA fw-nva"
                )
            }
        )
    }
}
