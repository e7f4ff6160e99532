import Foundation
import Reconciler
import Spec
import TestSupport
import Testing

/// The real commands in child processes (the harness wires them to the test provider): exit
/// codes, two processes and the lock, kill -9 during apply, saved plans, secrets.
@Suite("reconcile commands in processes", .serialized)
struct ProcessTests {
    static let secrets = [
        "TOKYO_PSK": "tokyo-psk-\(UUID().uuidString)", "RTR_PASSWORD": "router-password-x1",
        "RTR_ENABLE": "router-enable-x2", "PPP_PASSWORD": "ppp-password-x3",
    ]

    /// A copy of the seed example in a temporary directory, with its own world and state.
    struct Workspace {
        let root: URL
        var spec: String { root.appendingPathComponent("spec").path }
        var world: String { root.appendingPathComponent("world").path }
        var environment: [String: String]

        init(_ label: String, latencyMs: Int = 0, extra: [String: String] = [:]) throws {
            root = try Fixture.temporaryDirectory(label)
            try FileManager.default.copyItem(
                atPath: Fixture.path("examples/s2s-cisco891-pppoe"),
                toPath: root.appendingPathComponent("spec").path
            )
            // State a developer's own run left in the example is not this test's.
            try? FileManager.default.removeItem(at: root.appendingPathComponent("spec/.reconcile"))
            environment = ProcessTests.secrets.merging(LabWorkspace.grant) { _, b in b }.merging(
                [
                    "RECONCILE_TEST_WORLD": root.appendingPathComponent("world").path,
                    "RECONCILE_TEST_LATENCY_MS": "\(latencyMs)",
                ]
            ) { a, _ in a }.merging(extra) { _, b in b }
        }

        func run(_ arguments: [String], env: [String: String] = [:]) throws -> Fixture.Run {
            try Fixture.run(
                "reconcile-harness",
                arguments,
                environment: environment.merging(env) { _, b in b },
                directory: root
            )
        }

        func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
            try Fixture.start("reconcile-harness", arguments, environment: environment, directory: root)
        }

        func worldCount() -> Int {
            ["azure", "cisco"].reduce(0) { total, name in
                guard let data = FileManager.default.contents(atPath: "\(world)/\(name).json"),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                else { return total }
                return total + object.count
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func exitCodesTellCIWhatHappened() throws {
        let ws = try Workspace("exit")
        defer { ws.remove() }
        #expect(try ws.run(["diff", "spec"]).status == 2)
        #expect(try ws.run(["plan", "spec", "--detailed-exitcode"]).status == 2)
        #expect(try ws.run(["plan", "spec"]).status == 0)
        let apply = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(apply.status == 0)
        #expect(apply.stdout.contains("Apply: 18 succeeded, 0 failed, 0 skipped."))
        #expect(apply.stdout.contains("azure:resourceGroup: create started"))
        #expect(apply.stdout.contains("done after"))
        let diff = try ws.run(["diff", "spec"])
        #expect(diff.status == 0)
        #expect(diff.stdout.contains("No changes"))
        #expect(try ws.run(["diff", "spec/missing"]).status == 1)
        #expect(ws.worldCount() == 18)
    }

    @Test func withoutATerminalApplyRefusesUnlessAutoApproved() throws {
        let ws = try Workspace("notty")
        defer { ws.remove() }
        let run = try ws.run(["apply", "spec"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("pass --auto-approve"))
        #expect(ws.worldCount() == 0)
    }

    @Test func aFailedResourceSkipsDependantsAndExitsNonZero() throws {
        let ws = try Workspace("partial", extra: ["RECONCILE_TEST_FAIL": "azure:publicIPAddresses/hub-vpngw-pip1"])
        defer { ws.remove() }
        let run = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("failed:  azure:publicIPAddresses/hub-vpngw-pip1: injected failure"))
        #expect(
            run.stdout.contains(
                "skipped: cisco:tokyo-rtr1/tunnel/azure (because azure:publicIPAddresses/hub-vpngw-pip1 failed)"
            )
        )
        // Independent branches finished and are in state; the rest converges afterwards.
        let converge = try ws.run(["apply", "spec", "--auto-approve"], env: ["RECONCILE_TEST_FAIL": ""])
        #expect(converge.status == 0)
        #expect(try ws.run(["diff", "spec"]).status == 0)
    }

    @Test func twoAppliesAtOnceOneWaitsOutTheLock() throws {
        let ws = try Workspace("contention", latencyMs: 150)
        defer { ws.remove() }
        let (first, _, _) = try ws.start(["apply", "spec", "--auto-approve"])
        let lock = ws.spec + "/.reconcile/state.lock"
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: lock) && Date() < deadline { usleep(10_000) }
        let second = try ws.run(["apply", "spec", "--auto-approve"])
        first.waitUntilExit()
        #expect(second.status == 1)
        #expect(second.stderr.contains("the state is locked by"))
        #expect(second.stderr.contains("wait for it to finish"))
        #expect(first.terminationStatus == 0)
        #expect(try ws.run(["diff", "spec"]).status == 0)
    }

    @Test func killedMidApplyItRecoversWithoutDuplicatesOrOrphans() throws {
        // kill -9 at random points; each time: the next plan shows exactly what remains, and
        // the next apply takes over the dead run's lock (saying so) and converges.
        var generator = SystemRandomNumberGenerator()
        var interrupted = 0
        for trial in 0..<20 {
            // 18 resources at 60 ms, two at a time: an apply takes about 600 ms, and the
            // kill lands anywhere in it (or just before it starts).
            let ws = try Workspace("kill\(trial)", latencyMs: 60)
            defer { ws.remove() }
            let (process, _, _) = try ws.start(["apply", "spec", "--auto-approve", "--parallelism", "2"])
            usleep(UInt32.random(in: 20_000...450_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { interrupted += 1 }
            let next = try ws.run(["plan", "spec"])
            #expect(next.status == 0)
            let lock = ws.spec + "/.reconcile/state.lock"
            let left = FileManager.default.fileExists(atPath: lock)
            let converge = try ws.run(["apply", "spec", "--auto-approve"])
            #expect(converge.status == 0, "trial \(trial): \(converge.stderr)")
            if left { #expect(converge.stderr.contains("note: took over the state lock of pid")) }
            #expect(try ws.run(["diff", "spec"]).status == 0, "trial \(trial) did not converge")
            #expect(ws.worldCount() == 18, "trial \(trial): duplicated or orphaned resources")
            let listed = try ws.run(["state", "list", "--spec", "spec"]).stdout.split(separator: "\n").dropFirst()
            #expect(listed.count == 18)
        }
        #expect(interrupted >= 15, "too few trials were killed mid-apply to mean anything")
    }

    @Test func aSavedPlanAppliesExactlyOrRefusesWhenTheWorldMoved() throws {
        let ws = try Workspace("saved")
        defer { ws.remove() }
        // Applies exactly.
        #expect(try ws.run(["plan", "spec", "--out", "plan.json"]).status == 0)
        let applied = try ws.run(["apply", "plan.json"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(ws.worldCount() == 18)
        // Stale: the state moved (another apply happened since).
        #expect(try ws.run(["plan", "spec", "--out", "old.json"]).status == 0)
        let rotate = try ws.run(["apply", "spec", "--auto-approve"], env: ["TOKYO_PSK": "rotated"])
        #expect(rotate.status == 0)
        let stale = try ws.run(["apply", "old.json"], env: ["TOKYO_PSK": "rotated"])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("the state has moved from serial"))
        // Stale: the spec changed.
        #expect(try ws.run(["plan", "spec", "--out", "p2.json"], env: ["TOKYO_PSK": "rotated"]).status == 0)
        let file = ws.spec + "/azure.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "owner: netops", with: "owner: neteng").write(
            toFile: file,
            atomically: true,
            encoding: .utf8
        )
        let changed = try ws.run(["apply", "p2.json"], env: ["TOKYO_PSK": "rotated"])
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("the spec at spec has changed"))
        // Stale: the world moved out of band.
        #expect(try ws.run(["apply", "spec", "--auto-approve"], env: ["TOKYO_PSK": "rotated"]).status == 0)
        #expect(try ws.run(["plan", "spec", "--out", "p3.json"], env: ["TOKYO_PSK": "rotated"]).status == 0)
        let azure = ws.world + "/azure.json"
        var world = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: azure))) as? [String: Any]
        )
        world["localNetworkGateways/tokyo-hq"] = nil
        world.removeValue(forKey: "azure:localNetworkGateways/tokyo-hq")
        try JSONSerialization.data(withJSONObject: world).write(to: URL(fileURLWithPath: azure))
        let moved = try ws.run(["apply", "p3.json"], env: ["TOKYO_PSK": "rotated"])
        #expect(moved.status == 1)
        #expect(moved.stderr.contains("the world has moved"))
    }

    @Test func noSecretReachesOutputPlansStateOrTheWorld() throws {
        let ws = try Workspace("grep")
        defer { ws.remove() }
        var outputs: [String] = []
        for arguments in [
            ["plan", "spec", "--out", "plan.json"], ["plan", "spec", "--format", "json"],
            ["plan", "spec", "--format", "markdown"],
            ["apply", "spec", "--auto-approve"], ["state", "list", "--spec", "spec"],
            ["state", "show", "cisco:tokyo-rtr1/crypto-ikev2-keyring", "--spec", "spec"],
        ] {
            let run = try ws.run(arguments)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            outputs += [run.stdout, run.stderr]
        }
        let rotate = try ws.run(["diff", "spec"], env: ["TOKYO_PSK": "rotated-\(UUID().uuidString)"])
        #expect(rotate.status == 2)  // a changed key is seen, by fingerprint
        outputs += [rotate.stdout, rotate.stderr]
        let files = FileManager.default.enumerator(atPath: ws.root.path)?.compactMap { $0 as? String } ?? []
        for file in files {
            let path = ws.root.appendingPathComponent(file).path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            outputs.append(String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self))
        }
        #expect(files.contains("plan.json") && files.contains("spec/.reconcile/state.json"))
        for secret in Self.secrets.values {
            #expect(!outputs.contains { $0.contains(secret) }, "found a secret in the output")
        }
    }
}

extension ProcessTests {
    @Test func destroyAsksAndDeletesEverythingInReverseOrder() throws {
        let ws = try Workspace("destroy")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let refused = try ws.run(["destroy", "spec"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("pass --auto-approve"))
        #expect(ws.worldCount() == 18)
        let destroyed = try ws.run(["destroy", "spec", "--auto-approve"])
        #expect(destroyed.status == 0, "\(destroyed.stderr)")
        #expect(destroyed.stdout.contains("Plan: 0 to create, 0 to update, 0 to replace, 18 to delete"))
        #expect(ws.worldCount() == 0)
        let listed = try ws.run(["state", "list", "--spec", "spec"])
        #expect(listed.stdout.split(separator: "\n").count == 1)  // only the lineage line
        // The resource group goes last: everything else depended on it.
        let deletes = destroyed.stdout.split(separator: "\n").filter { $0.hasSuffix("delete started") }
        #expect(deletes.last?.hasPrefix("azure:resourceGroup") == true)
    }

    @Test func stateRmForgetsWithoutDeleting() throws {
        let ws = try Workspace("state-rm")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let show = try ws.run(["state", "show", "azure:connections/azure", "--spec", "spec"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("\"$fingerprint\" : \"hmac-sha256:"))
        let rm = try ws.run(["state", "rm", "azure:connections/azure", "--spec", "spec"])
        #expect(rm.status == 0)
        #expect(ws.worldCount() == 18)
        #expect(try ws.run(["state", "show", "azure:connections/azure", "--spec", "spec"]).status == 1)
        // Still there and matching: the next plan adopts it back.
        let plan = try ws.run(["plan", "spec"])
        #expect(plan.stdout.contains("azure:connections/azure (update) — exists and matches, but is not in state"))
    }
}

extension ProcessTests {
    /// The provider crashes the process right after it changed the world and before the
    /// engine could record it: the resource is adopted on the next run, nothing duplicated.
    @Test(arguments: [1, 3, 5])
    func aCrashBetweenTheWorldAndTheJournalIsAdopted(after count: Int) throws {
        let ws = try Workspace("crash\(count)", extra: ["RECONCILE_TEST_CRASH_AFTER": "\(count)"])
        defer { ws.remove() }
        let crashed = try ws.run(["apply", "spec", "--auto-approve", "--parallelism", "1"])
        #expect(crashed.status != 0)
        // The counter is per provider: at least `count` resources exist, not all of them.
        #expect(ws.worldCount() >= count && ws.worldCount() < 18)
        #expect(try ws.run(["state", "unlock", "--spec", "spec"]).status == 0)
        let plan = try ws.run(["plan", "spec"], env: ["RECONCILE_TEST_CRASH_AFTER": ""])
        #expect(plan.stdout.contains("exists and matches, but is not in state"))
        let converge = try ws.run(["apply", "spec", "--auto-approve"], env: ["RECONCILE_TEST_CRASH_AFTER": ""])
        #expect(converge.status == 0)
        #expect(ws.worldCount() == 18)
        #expect(try ws.run(["diff", "spec"], env: ["RECONCILE_TEST_CRASH_AFTER": ""]).status == 0)
    }

    /// What CI sees: each command's exit code and output, as a golden transcript.
    @Test func exitCodesAndOutputGolden() throws {
        let ws = try Workspace("transcript")
        defer { ws.remove() }
        var transcript = ""
        for arguments in [
            ["diff", "spec"], ["plan", "spec", "--detailed-exitcode", "--format", "markdown"],
            ["apply", "spec", "--auto-approve", "--parallelism", "1"], ["diff", "spec"], ["apply", "spec"],
            ["diff", "spec"], ["diff", "spec/nope"], ["plan", "spec", "--target", "not-an-address"],
        ] {
            let run = try ws.run(arguments)
            // Timings vary from run to run; everything else must not.
            let stdout = run.stdout.replacingOccurrences(
                of: #"after [0-9]+\.[0-9]s"#,
                with: "after <t>",
                options: .regularExpression
            )
            transcript +=
                "$ reconcile \(arguments.joined(separator: " "))\n\(stdout)\(run.stderr)[exit \(run.status)]\n\n"
        }
        let lineage = (try? String(contentsOfFile: ws.spec + "/.reconcile/state.json", encoding: .utf8))
            .flatMap { text in
                text.range(of: #""lineage" : "[^"]+""#, options: .regularExpression).map { String(text[$0]) }
            }
        if let lineage {
            transcript = transcript.replacingOccurrences(of: lineage, with: "\"lineage\" : \"<lineage>\"")
        }
        Fixture.assertGolden(transcript, "Tests/ReconcilerTests/Golden/cli-session.txt")
    }
}
