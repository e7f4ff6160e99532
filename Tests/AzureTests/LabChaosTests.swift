import Foundation
import TestSupport
import Testing

/// `kill -9` in the middle of a gateway's create, update or delete against the lab, then
/// apply again: the killed run's lab dies with it, and the next run must converge
/// in bounded time (it used to poll the dead lab's port for ten minutes).
///
/// A few trials run with `swift test`; `RECONCILE_CHAOS_TRIALS=20` runs more, and
/// `RECONCILE_CHAOS_SEED` moves the kill points (the same seed, the same points).
@Suite("an apply killed during a gateway operation")
struct LabChaosTests {
    /// SplitMix64: deterministic kill points.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// A whole number of milliseconds in `range`.
        mutating func milliseconds(in range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
    }

    /// Runs `reconcile` with `arguments`, killed (SIGKILL) after `killAfter` if still running,
    /// or after `limit` (a failure); its exit status and how long it ran.
    static func run(
        _ ws: LabWorkspace,
        _ arguments: [String],
        environment: [String: String],
        killAfter: Duration? = nil,
        limit: Duration = .seconds(120)
    ) throws -> (status: Int32, elapsed: Duration, output: String) {
        let (process, out, err) = try Fixture.start(
            "reconcile",
            arguments,
            environment: environment,
            directory: ws.root
        )
        // Drain the pipes as the child writes, so it never blocks on a full one.
        let collected = OutputBox()
        for pipe in [out, err] {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread {
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    collected.append(data)
                }
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        while process.isRunning {
            let elapsed = clock.now - start
            if let killAfter, elapsed >= killAfter {
                kill(process.processIdentifier, SIGKILL)
                break
            }
            if elapsed >= limit {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw Failure("reconcile \(arguments.joined(separator: " ")) still running after \(limit)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.waitUntilExit()
        return (process.terminationStatus, clock.now - start, collected.text)
    }

    final class OutputBox: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.withLock { data.append(more) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func anApplyKilledDuringAGatewayOperationConvergesOnTheNextRun() throws {
        let environment = ProcessInfo.processInfo.environment
        let trials = environment["RECONCILE_CHAOS_TRIALS"].flatMap(Int.init) ?? 3
        var random = Random(state: environment["RECONCILE_CHAOS_SEED"].flatMap(UInt64.init) ?? 15)
        let ws = try LabWorkspace("point-to-site")
        defer { ws.remove() }
        // A gateway's create, update or delete takes 45 min x 0.002 = 5.4 s: room to land in it.
        let lab = ["RECONCILE_LAB_TIME_SCALE": "0.002"]
        let gateway = ws.spec.appendingPathComponent("gateway.yaml")
        let parked = ws.root.appendingPathComponent("gateway.yaml")
        var converged = 0
        var slowest: Duration = .zero
        for trial in 0..<trials {
            // Create (the gateway comes into the spec), update (its client pool moves), delete
            // (it leaves the spec), and round again.
            let kind: String
            switch trial % 3 {
            case 0:
                kind = "create"
                if FileManager.default.fileExists(atPath: parked.path) {
                    try FileManager.default.moveItem(at: parked, to: gateway)
                }
            case 1:
                kind = "update"
                let text = try String(contentsOf: gateway, encoding: .utf8)
                let moved =
                    text.contains("172.16.201.0/24")
                    ? text.replacingOccurrences(of: "172.16.201.0/24", with: "172.16.202.0/24")
                    : text.replacingOccurrences(of: "172.16.202.0/24", with: "172.16.201.0/24")
                try Data(moved.utf8).write(to: gateway)
            default:
                kind = "delete"
                try FileManager.default.moveItem(at: gateway, to: parked)
            }
            let killAfter = Duration.milliseconds(random.milliseconds(in: 200...6500))
            let killed = try Self.run(ws, ["apply", "spec", "--auto-approve"], environment: lab, killAfter: killAfter)
            let apply = try Self.run(ws, ["apply", "spec", "--auto-approve"], environment: lab)
            let diff = try Self.run(ws, ["diff", "spec"], environment: lab)
            let ok = apply.status == 0 && diff.status == 0
            #expect(
                ok,
                "trial \(trial) (\(kind), killed after \(killAfter), status \(killed.status)): apply \(apply.status), diff \(diff.status)\n\(apply.output)\n\(diff.output)"
            )
            if ok { converged += 1 }
            slowest = max(slowest, apply.elapsed)
        }
        let seconds = Double(slowest.components.seconds) + Double(slowest.components.attoseconds) / 1e18
        print(
            "chaos: \(trials) trials, \(converged) converged, slowest apply after a kill \(String(format: "%.1f", seconds)) s"
        )
    }
}
