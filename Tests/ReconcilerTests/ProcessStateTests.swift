import Foundation
import Reconciler
import TestSupport
import Testing

/// The lock and the state files as the commands meet them.
extension ProcessTests {
    /// Waits for the apply to hold the lock and be under way.
    static func waitForLock(_ ws: Workspace) -> Bool {
        let lock = ws.spec + "/.reconcile/state.lock"
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: lock) && Date() < deadline { usleep(10_000) }
        usleep(300_000)
        return FileManager.default.fileExists(atPath: lock)
    }

    /// Ctrl-C, a cancelled CI job (SIGTERM) and a closed terminal (SIGHUP) end an apply and
    /// release its lock: the next run needs no `state unlock`, and converges.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func aSignalEndsAnApplyAndReleasesTheLock(_ number: Int32) throws {
        let ws = try Workspace("signal\(number)", latencyMs: 100)
        defer { ws.remove() }
        let (process, _, _) = try ws.start(["apply", "spec", "--auto-approve", "--parallelism", "2"])
        #expect(Self.waitForLock(ws))
        kill(process.processIdentifier, number)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == number)
        #expect(!FileManager.default.fileExists(atPath: ws.spec + "/.reconcile/state.lock"))
        #expect(ws.worldCount() < 18, "the signal came after the apply finished")
        let converge = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(converge.status == 0, "\(converge.stderr)")
        #expect(try ws.run(["diff", "spec"]).status == 0)
        #expect(ws.worldCount() == 18)
    }

    /// The lock names the user by uid, not by `$USER` (unset in many CI containers).
    @Test func theLockNamesTheUserByUID() throws {
        let ws = try Workspace("holder", latencyMs: 100, extra: ["USER": "not-the-user"])
        defer { ws.remove() }
        let (process, _, _) = try ws.start(["apply", "spec", "--auto-approve", "--parallelism", "1"])
        defer { process.waitUntilExit() }
        #expect(Self.waitForLock(ws))
        let name = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        let blocked = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("the state is locked by \(name ?? "?")@"), "\(blocked.stderr)")
        #expect(!blocked.stderr.contains("not-the-user") && !blocked.stderr.contains("unknown@"))
        kill(process.processIdentifier, SIGTERM)
    }

    /// `state.key` lost after an apply: plan refuses and says how to go on; `state new-key`
    /// makes a new one, the plan then updates every secret, and apply converges.
    @Test func aLostKeyIsRefusedUntilANewOneIsMadeOnPurpose() throws {
        let ws = try Workspace("lost-key")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        try FileManager.default.removeItem(atPath: ws.spec + "/.reconcile/state.key")
        let refused = try ws.run(["plan", "spec"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("state.key is missing"), "\(refused.stderr)")
        #expect(refused.stderr.contains("`reconcile state new-key --state-dir spec/.reconcile`"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.spec + "/.reconcile/state.key"))
        let made = try ws.run(["state", "new-key", "spec"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try ws.run(["state", "new-key", "spec"]).status == 1)  // a good key is never replaced
        let plan = try ws.run(["plan", "spec"])
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("(sensitive)"), "\(plan.stdout)")
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        #expect(try ws.run(["diff", "spec"]).status == 0)
    }

    /// `state list|show|rm|unlock` take the spec directory as an argument, as their help shows.
    @Test func stateCommandsTakeTheSpecDirectoryAsAnArgument() throws {
        let ws = try Workspace("state-args")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let listed = try ws.run(["state", "list", "spec"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout == (try ws.run(["state", "list", "--spec", "spec"])).stdout)
        #expect(try ws.run(["state", "show", "azure:connections/azure", "spec"]).status == 0)
        #expect(try ws.run(["state", "unlock", "spec"]).stdout.contains("not locked"))
        #expect(try ws.run(["state", "list", "spec", "--spec", "spec"]).status == 64)
    }

    /// A saved plan that is cut short or from a newer reconcile is refused as a plan, with how
    /// to make a new one (it was taken for a spec directory).
    @Test func aDamagedOrNewerPlanFileIsRefusedAsAPlan() throws {
        let ws = try Workspace("bad-plan")
        defer { ws.remove() }
        #expect(try ws.run(["plan", "spec", "--out", "plan.json"]).status == 0)
        let plan = ws.root.appendingPathComponent("plan.json")
        let text = try String(contentsOf: plan, encoding: .utf8)
        try Data(text.prefix(text.count / 2).utf8).write(to: plan)
        let cut = try ws.run(["apply", "plan.json"])
        #expect(cut.status == 1)
        #expect(cut.stderr.contains("plan.json is not a whole plan file from `reconcile plan --out`"), "\(cut.stderr)")
        #expect(cut.stderr.contains("`reconcile plan SPEC --out plan.json`"), "\(cut.stderr)")
        try Data(text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 9").utf8).write(
            to: plan
        )
        let newer = try ws.run(["apply", "plan.json"])
        #expect(newer.status == 1)
        #expect(newer.stderr.contains("plan.json is a plan of format 9; this reconcile reads 1"), "\(newer.stderr)")
        #expect(newer.stderr.contains("`reconcile plan spec --out plan.json`"), "\(newer.stderr)")
        #expect(ws.worldCount() == 0)
    }
}
