import Crypto
import Drift
import Foundation
import NIOHTTP1
import Spec
import TestSupport
import Testing

/// `reconcile drift` on the lab, through the real binary: the seed applied, then changed out
/// of band the way people change things (Azure over its HTTP API, the router over SSH), the
/// spec edited, an ISP line taken down; each finding classified, the DriftPolicy's ignore
/// rules and acknowledgements honoured, and `apply --target` of the drifted ids repairing them.
@Suite("reconcile drift on the lab", .serialized)
struct DriftLabTests {
    static let example = "s2s-cisco891-pppoe"

    /// The JSON report of one run, and its exit status.
    static func drift(_ ws: LabWorkspace, _ extra: [String] = []) throws -> (Int32, [String: Any]) {
        let run = try ws.run(["drift", "spec", "--format", "json"] + extra)
        let json = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any]
        return (run.status, try #require(json, "\(run.stdout)\(run.stderr)"))
    }

    static func findings(_ report: [String: Any]) -> [String: [String: Any]] {
        let list = report["findings"] as? [[String: Any]] ?? []
        return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func aCleanLabHasNoDrift() throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        // Bad options are errors that say what is wanted, before anything is read.
        for (option, message) in [
            (["--every", "30x"], "--every '30x' is not a duration (30s, 30m, 1h, 2h30m)"),
            (["--every", "m"], "--every 'm' is not a duration"),
            (["--report", "pdf=out.pdf"], "--report 'pdf=out.pdf' is not format=path"),
        ] {
            let bad = try ws.run(["drift", "spec"] + option)
            #expect(bad.status == 1 && bad.stderr.contains(message), "\(option): \(bad.stderr)")
        }
        // Before any apply there is nothing to compare with: a failed run, not "no drift".
        let before = try ws.run(["drift", "spec"])
        #expect(before.status == 1, "\(before.stdout)")
        #expect(before.stdout.contains("there is no state for this spec"), "\(before.stdout)")
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let (status, report) = try Self.drift(ws)
        #expect(status == 0, "\(report)")
        #expect((report["findings"] as? [Any])?.isEmpty == true, "\(report)")
        #expect(report["drifted"] as? Bool == false)
        let text = try ws.run(["drift", "spec"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("No drift: "), "\(text.stdout)")
        // Read-only: the run changed nothing and took no lock.
        let diff = try ws.run(["diff", "spec"])
        #expect(diff.status == 0, "\(diff.stdout)")
        #expect(!FileManager.default.fileExists(atPath: ws.spec.appendingPathComponent(".reconcile/state.lock").path))
    }

    @Test func eachClassIsFoundClassifiedAndRepaired() async throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)

        // Out of band, against the running lab.
        let lab = try Watched(["lab", "serve", "spec"], in: ws)
        _ = try lab.line(containing: "Stop with Ctrl-C")
        let oob = try OutOfBand(from: lab.output, group: "rg-s2s-tokyo", in: ws)
        try await oob.update("virtualNetworks/hub-vnet") { body in
            body["tags"] = ["owner": "someone", "costCenter": "cc-42"]
        }
        try await oob.delete("connections/azure")
        _ = try await oob.arm(
            "PUT",
            "virtualNetworks/rogue-vnet",
            ["location": "japaneast", "properties": ["addressSpace": ["addressPrefixes": ["10.99.0.0/16"]]]]
        )
        try oob.configure(
            "tokyo-rtr1",
            ["interface Tunnel1", "ip tcp adjust-mss 1300", "exit", "snmp-server location tokyo-dc"]
        )
        lab.process.interrupt()
        _ = try lab.wait()
        // And a spec change not applied yet.
        try ws.edit("onprem.yaml") {
            $0.replacingOccurrences(of: "domainName: example.co.jp", with: "domainName: example.jp")
        }

        var (status, report) = try Self.drift(ws)
        #expect(status == 2, "\(report)")
        var found = Self.findings(report)
        let vnet = try #require(found["azure:virtualNetworks/hub-vnet"], "\(found.keys.sorted())")
        #expect(vnet["class"] as? String == "changed")
        let changes = vnet["changes"] as? [[String: Any]] ?? []
        #expect(changes.map { $0["path"] as? String } == ["tags.owner"], "tags.costCenter is ignored by the policy")
        #expect(changes.first?["lastApplied"] as? String == "netops")
        #expect(changes.first?["observed"] as? String == "someone")
        #expect(changes.first?["desired"] as? String == "netops")
        let tunnel = try #require(found["cisco:tokyo-rtr1/tunnel/azure"])
        #expect(tunnel["class"] as? String == "changed")
        let lines = tunnel["lines"] as? [String] ?? []
        #expect(lines.contains("-  ip tcp adjust-mss 1300") && lines.contains("+  ip tcp adjust-mss 1350"), "\(lines)")
        #expect(found["azure:connections/azure"]?["class"] as? String == "missing")
        #expect(found["cisco:tokyo-rtr1/system"]?["class"] as? String == "pending")
        #expect(found["cisco:tokyo-rtr1/system"]?["drift"] as? Bool == false)
        #expect(found["azure:virtualNetworks/rogue-vnet"]?["class"] as? String == "unmanaged")
        #expect(found["cisco:tokyo-rtr1"]?["lines"] as? [String] == ["- snmp-server location tokyo-dc"])
        // The connection is gone: that finding is the news, not its tunnel being down.
        #expect(found["connection:azure"] == nil)
        let summary = report["summary"] as? [String: Int] ?? [:]
        #expect(summary["ignored", default: 0] >= 3, "costCenter and the two 'no ip http' lines: \(summary)")
        #expect(summary["pending"] == 1)

        // Acknowledged until a day to come: not drift. One whose day has passed: drift again.
        // Ignored by kind, and by a label of the spec object with a config-line pattern.
        try ws.edit("policy.yaml") {
            $0.replacingOccurrences(
                of: "  reportUnmanaged: true",
                with: """
                        - {resource: "azure:virtualNetworks/rogue-*", kind: "Microsoft.Network/virtualNetworks"}
                        - {resource: "cisco:*", label: "drift=relaxed", path: "ip tcp adjust-mss *"}
                      acknowledge:
                        - {resource: "azure:virtualNetworks/hub-vnet", path: tags.owner, reason: "hand-over to the app team", expires: 2099-12-31, by: netops}
                        - {resource: "cisco:tokyo-rtr1", reason: "SNMP trial", expires: 2020-01-31}
                      reportUnmanaged: true
                    """
            )
        }
        try ws.edit("connection.yaml") {
            $0.replacingOccurrences(of: "  name: azure\n", with: "  name: azure\n  labels: {drift: relaxed}\n")
        }
        (status, report) = try Self.drift(ws)
        #expect(status == 2, "\(report)")
        found = Self.findings(report)
        #expect(found["azure:virtualNetworks/rogue-vnet"] == nil, "ignored by kind")
        #expect(found["cisco:tokyo-rtr1/tunnel/azure"] == nil, "ignored by label and config line")
        let acknowledged = try #require(found["azure:virtualNetworks/hub-vnet"])
        #expect(acknowledged["drift"] as? Bool == false)
        #expect(
            (acknowledged["acknowledgement"] as? [String: Any])?["reason"] as? String == "hand-over to the app team"
        )
        let expired = try #require(found["cisco:tokyo-rtr1"])
        #expect(expired["drift"] as? Bool == true)
        #expect((expired["acknowledgement"] as? [String: Any])?["expired"] as? Bool == true)
        let text = try ws.run(["drift", "spec"])
        #expect(text.stdout.contains("acknowledged until 2099-12-31 by netops"), "\(text.stdout)")
        #expect(text.stdout.contains("acknowledgement expired 2020-01-31"), "\(text.stdout)")

        // Repairing is apply: --target the changed and missing ids.
        let drifted = (report["findings"] as? [[String: Any]] ?? []).filter {
            $0["drift"] as? Bool == true && ["changed", "missing"].contains($0["class"] as? String)
        }.compactMap { $0["id"] as? String }
        #expect(drifted == ["azure:connections/azure"], "\(drifted)")
        let apply = try ws.run(["apply", "spec", "--auto-approve"] + drifted.map { "--target=\($0)" })
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        (status, report) = try Self.drift(ws)
        found = Self.findings(report)
        #expect(found["azure:connections/azure"] == nil, "\(found.keys.sorted())")
        #expect(found["cisco:tokyo-rtr1/system"]?["class"] as? String == "pending", "--target left the rest alone")
        #expect(status == 2, "the expired acknowledgement still counts")
    }

    @Test func aDownLineWithMatchingConfigIsOperational() throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        #expect(try ws.run(["lab", "line", "spec", "tokyo-rtr1", "down"]).status == 0)
        var (status, report) = try Self.drift(ws)
        #expect(status == 2)
        let found = Self.findings(report)
        #expect(found.keys.sorted() == ["connection:azure"], "\(found.keys.sorted())")
        #expect(found["connection:azure"]?["class"] as? String == "operational")
        let causes = found["connection:azure"]?["lines"] as? [String] ?? []
        #expect(causes == ["tunnel source: Dialer1 has no address: the PPPoE session is down"], "\(causes)")
        #expect(try ws.run(["lab", "line", "spec", "tokyo-rtr1", "up"]).status == 0)
        (status, report) = try Self.drift(ws)
        #expect(status == 0, "\(report)")
    }

    /// Branch-to-branch turned off on the Route Server in Azure, out of band: the Route Server
    /// drifted (a config finding), and the site's tunnel, whose own config is fine, no longer
    /// carries what the routing analysis says it should: an operational finding that says so.
    @Test func aRoutingDifferenceIsOperationalDrift() async throws {
        let ws = try LabWorkspace("routeserver-nva-default-route")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let lab = try Watched(["lab", "serve", "spec"], in: ws)
        _ = try lab.line(containing: "Stop with Ctrl-C")
        let oob = try OutOfBand(from: lab.output, group: "rg-rs-hub", in: ws)
        try await oob.update("virtualHubs/hub-rs") { body in
            var properties = body["properties"] as? [String: Any] ?? [:]
            properties["allowBranchToBranchTraffic"] = false
            body["properties"] = properties
        }
        lab.process.interrupt()
        _ = try lab.wait()
        let (status, report) = try Self.drift(ws)
        #expect(status == 2, "\(report)")
        let found = Self.findings(report)
        #expect(found["azure:virtualHubs/hub-rs"]?["class"] as? String == "changed", "\(found.keys.sorted())")
        let tunnel = try #require(found["connection:hub-to-tokyo"], "\(found.keys.sorted())")
        #expect(tunnel["class"] as? String == "operational")
        let causes = tunnel["lines"] as? [String] ?? []
        #expect(
            causes.contains {
                $0.hasPrefix("routing: the route model expects gateway hub-vpngw to have learned 0.0.0.0/1")
            },
            "\(causes)"
        )
        #expect(
            causes.contains { $0.hasPrefix("routing: the route model sends tokyo-hq's internet traffic through Azure") }
        )
    }

    @Test func aScheduledRunNotifiesOnceWhenTheFindingsChange() async throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        let receiver = RecordingServer()
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        try ws.edit("policy.yaml") {
            $0 + """
                  notify:
                    webhook: {url: "http://127.0.0.1:\(receiver.port)/drift", secret: {fromEnv: DRIFT_HOOK_SECRET}}

                """
        }
        // The webhook's secret is one more variable the run grants the spec.
        let grant = (LabWorkspace.grant[SecretResolver.grantVariable] ?? "") + ",DRIFT_HOOK_SECRET"
        let secret = ["DRIFT_HOOK_SECRET": "hook-secret-1", SecretResolver.grantVariable: grant]
        #expect(try ws.run(["apply", "spec", "--auto-approve"], environment: secret).status == 0)
        let out = ws.root.appendingPathComponent("out")
        let history = out.appendingPathComponent("history.jsonl")
        let loop = try Watched(
            [
                "drift", "spec", "--every", "3s", "--max-runs", "4", "--history", history.path,
                "--report", "json=\(out.path)/drift.json", "--report", "junit=\(out.path)/drift.xml",
            ],
            in: ws,
            environment: secret
        )
        _ = try loop.line(containing: "Next drift run in")
        let oob = try OutOfBand(from: loop.output, group: "rg-s2s-tokyo", in: ws)
        try await oob.update("virtualNetworks/hub-vnet") { $0["tags"] = ["owner": "someone"] }
        #expect(try loop.wait() == 2, "\(loop.output)")

        let lines = try String(contentsOf: history, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4, "\(lines)")
        let entries = try lines.map { try JSONDecoder().decode(Schedule.Entry.self, from: Data($0.utf8)) }
        // The change lands after the first run, in whichever gap a loaded machine gives it: from
        // then on every run drifts, and only the first drifted run notifies.
        let drifted = entries.map(\.drifted)
        let first = try #require(drifted.firstIndex(of: true), "\(drifted)")
        #expect(first >= 1)
        #expect(drifted == entries.indices.map { $0 >= first })
        #expect(entries.map(\.notified) == entries.indices.map { $0 == first })
        let deliveries = receiver.deliveries
        #expect(deliveries.count == 1)
        let delivery = try #require(deliveries.first)
        let mac = HMAC<SHA256>.authenticationCode(
            for: delivery.body,
            using: SymmetricKey(data: Data("hook-secret-1".utf8))
        )
        #expect(
            delivery.headers["x-reconcile-signature"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        )
        let body = try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any]
        #expect(Self.findings(body ?? [:])["azure:virtualNetworks/hub-vnet"]?["class"] as? String == "changed")
        // The report files hold the last run, whole.
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("drift.json")))
        #expect((saved as? [String: Any])?["generatedAt"] as? String == entries.last?.time)
        #expect(!loop.output.contains("hook-secret-1"))
    }

    @Test func sigtermStopsTheLoopBetweenRuns() throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let loop = try Watched(["drift", "spec", "--every", "1h"], in: ws)
        _ = try loop.line(containing: "Next drift run in")
        loop.process.terminate()
        // The loop sleeps an hour between runs; the timeout only says it did not.
        #expect(try loop.wait(timeout: .seconds(120)) == 0, "\(loop.output)")
        #expect(loop.output.contains("Stopped between runs; 1 run(s) done."), "\(loop.output)")
        let history = ws.spec.appendingPathComponent(".reconcile/drift-history.jsonl")
        #expect(try String(contentsOf: history, encoding: .utf8).split(separator: "\n").count == 1)
    }

    @Test func aRunThatCannotReadAzureIsAFailedRunNotNoDrift() async throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        // Azure refuses this run's credential: the run fails, it does not pass as "no drift".
        let arm = RecordingServer(
            status: .forbidden,
            answer: #"{"error":{"code":"AuthorizationFailed","message":"no read access"}}"#
        )
        try await arm.start()
        defer { Task { await arm.stop() } }
        try ws.edit("azure.yaml") {
            $0.replacingOccurrences(of: "endpoint: lab", with: "endpoint: http://127.0.0.1:\(arm.port)")
        }
        let run = try ws.run(
            ["drift", "spec", "--report", "json=out/drift.json", "--report", "prometheus=out/drift.prom"],
            environment: ["AZURE_ACCESS_TOKEN": "test-token"]
        )
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("Drift run failed: "), "\(run.stdout)")
        #expect(run.stdout.contains("AuthorizationFailed"), "\(run.stdout)")
        #expect(!arm.deliveries.isEmpty, "it asked Azure")
        let report = try JSONSerialization.jsonObject(
            with: Data(contentsOf: ws.root.appendingPathComponent("out/drift.json"))
        )
        #expect((report as? [String: Any])?["status"] as? String == "failed")
        let metrics = try String(contentsOf: ws.root.appendingPathComponent("out/drift.prom"), encoding: .utf8)
        #expect(metrics.contains("reconcile_drift_last_run_success 0"))
        let history = try String(
            contentsOf: ws.spec.appendingPathComponent(".reconcile/drift-history.jsonl"),
            encoding: .utf8
        )
        #expect(history.contains("\"status\":\"failed\""))
    }
}
