import Foundation

/// `bench --chaos [--trials 50] [--seed 1]`: apply against the lab, killed with SIGKILL at
/// random points, with faults injected, and then run again until it converges.
///
/// Each trial moves the first example's spec one step around a cycle that makes the Azure
/// gateway go through an update (new tags everywhere and a new pre-shared key on both ends),
/// a delete (the gateway and the connection leave the spec) and a create (they come back),
/// so kills land in the middle of each kind of long-running operation. The killed run dies
/// with its lab (the Azure model and the simulated router live in its process), so every
/// next run restarts the lab from its files. Odd trials also inject faults in the lab
/// (`RECONCILE_LAB_FAULTS`: ARM 429, 500, 409 and dropped connections, SSH sessions cut in
/// the middle) into the killed run and the first run after it.
///
/// A trial converges when, within three runs of at most `limit` each, an apply exits 0 and
/// `diff` then finds nothing to do. It also checks what the run left behind: no resource the
/// spec does not own and none missing (`drift --no-operational` finds nothing), no secret
/// value in any file the tool writes (state, journal, operations, plans: everything under
/// the workspace but the lab's own world, which holds keys as Azure and a router do) or in
/// anything it printed, and no `ssh` child left running.
///
/// It runs the `reconcile` binary built beside this one: `swift build -c release --product
/// reconcile` first.
enum ChaosBench {
    static let limit: Duration = .seconds(180)

    struct Outcome {
        var kind: String
        var faults: Bool
        var killedAfter: Duration
        /// Whether the kill landed before the run ended by itself.
        var interrupted = false
        var converged = false
        var runs = 0
        var timeToConverge: Duration = .zero
        var problems: [String] = []
    }

    /// A deterministic generator (SplitMix64): same seed, same kill points.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    struct Run {
        var status: Int32
        var output: String
        var elapsed: Duration
        var killed: Bool
    }

    static let example = "examples/s2s-cisco891-pppoe"
    static let faults = "throttle=9,error=13,drop=17,conflict=11,ssh-drop=4"

    static func run(trials: Int, seed: UInt64) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("reconcile").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("chaos     needs the CLI beside the bench: swift build -c release --product reconcile")
            return
        }
        do {
            try measure(binary: binary, trials: trials, seed: seed)
        } catch {
            print("chaos     failed: \(error)")
        }
    }

    static func measure(binary: String, trials: Int, seed: UInt64) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-chaos-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = root.appendingPathComponent("spec")
        try FileManager.default.copyItem(atPath: example, toPath: spec.path)
        try? FileManager.default.removeItem(at: spec.appendingPathComponent(".reconcile"))
        let azure = try String(contentsOf: spec.appendingPathComponent("azure.yaml"), encoding: .utf8)
        let connection = try String(contentsOf: spec.appendingPathComponent("connection.yaml"), encoding: .utf8)
        let policy = try String(contentsOf: spec.appendingPathComponent("policy.yaml"), encoding: .utf8)

        var secrets = [
            "TOKYO_PSK": "chaos-psk-0", "RTR_PASSWORD": "chaos-login", "RTR_ENABLE": "chaos-enable",
            "PPP_PASSWORD": "chaos-ppp",
        ]
        var seen = Set(secrets.values)
        // A VPN gateway takes 45 minutes in Azure: 5.4 s here, long enough to be killed in.
        var environment = ["RECONCILE_LAB_TIME_SCALE": "0.002"]
        environment["RECONCILE_ALLOWED_SECRETS"] = secrets.keys.sorted().joined(separator: ",")

        func invoke(_ arguments: [String], faults: Bool, killAfter: Duration? = nil) throws -> Run {
            var env = ProcessInfo.processInfo.environment.merging(environment) { _, b in b }
            env.merge(secrets) { _, b in b }
            if faults { env["RECONCILE_LAB_FAULTS"] = Self.faults }
            return try spawn(binary, arguments, environment: env, directory: root, killAfter: killAfter)
        }

        func write(gateway: Bool, tag: Int?) throws {
            var text = azure
            if let tag {
                text = text.replacingOccurrences(
                    of: "tags: {owner: netops}",
                    with: "tags: {owner: netops, chaos: \"\(tag)\"}"
                )
            }
            if !gateway, let cut = text.range(of: "---\napiVersion: reconcile/v1\nkind: VirtualNetworkGateway") {
                text = String(text[..<cut.lowerBound])
            }
            try Data(text.utf8).write(to: spec.appendingPathComponent("azure.yaml"))
            let file = spec.appendingPathComponent("connection.yaml")
            if gateway {
                try Data(connection.utf8).write(to: file)
            } else {
                try? FileManager.default.removeItem(at: file)
            }
            // Without the tunnel the site cannot reach the VNet: its intent goes too.
            var intents = policy
            if !gateway, let start = intents.range(of: "apiVersion: reconcile/v1\nkind: Intent"),
                let end = intents.range(of: "---\n", range: start.upperBound..<intents.endIndex)
            {
                intents.removeSubrange(start.lowerBound..<end.upperBound)
            }
            try Data(intents.utf8).write(to: spec.appendingPathComponent("policy.yaml"))
        }

        let clock = ContinuousClock()
        let first = try invoke(["apply", "spec", "--auto-approve"], faults: false)
        guard first.status == 0 else { throw ChaosError("the first apply failed:\n\(first.output)") }
        let typical = first.elapsed
        print("chaos     first apply from nothing: \(ms(typical)) (kills fall in 0 to 1.2 times that)")

        var random = Random(state: seed)
        var outcomes: [Outcome] = []
        for trial in 0..<trials {
            let kind = ["update", "delete", "create"][trial % 3]
            switch kind {
            case "update":
                secrets["TOKYO_PSK"] = "chaos-psk-\(trial + 1)"
                seen.insert(secrets["TOKYO_PSK"] ?? "")
                try write(gateway: true, tag: trial)
            case "delete":
                try write(gateway: false, tag: nil)
            default:
                try write(gateway: true, tag: nil)
            }
            let faulty = trial % 2 == 1
            let killAfter = typical * (0.05 + 1.15 * random.unit())
            var outcome = Outcome(kind: kind, faults: faulty, killedAfter: killAfter)
            let killed = try invoke(["apply", "spec", "--auto-approve"], faults: faulty, killAfter: killAfter)
            outcome.interrupted = killed.killed
            var printed = killed.output
            let start = clock.now
            for attempt in 1...3 {
                let again = try invoke(["apply", "spec", "--auto-approve"], faults: faulty && attempt == 1)
                printed += again.output
                outcome.runs = attempt
                if again.killed { outcome.problems.append("run \(attempt) did not end within \(limit)") }
                if again.status == 0 { break }
                if attempt == 3 { outcome.problems.append("apply still fails: \(essence(again.output))") }
            }
            outcome.timeToConverge = clock.now - start
            let diff = try invoke(["diff", "spec"], faults: false)
            printed += diff.output
            outcome.converged = diff.status == 0 && outcome.problems.isEmpty
            if diff.status != 0 { outcome.problems.append("diff exits \(diff.status): \(essence(diff.output))") }
            let drift = try invoke(["drift", "spec", "--no-operational"], faults: false)
            if drift.status != 0 { outcome.problems.append("drift exits \(drift.status): \(essence(drift.output))") }
            if seen.contains(where: { printed.contains($0) || drift.output.contains($0) }) {
                outcome.problems.append("a secret value was printed")
            }
            outcome.problems += leaks(in: root, secrets: seen)
            outcome.problems += strays(root.path)
            if !outcome.problems.isEmpty { outcome.converged = false }
            outcomes.append(outcome)
            let label = kind.padding(toLength: 6, withPad: " ", startingAt: 0)
            print(
                "chaos     trial \(trial + 1): \(label) faults \(faulty ? "on " : "off") "
                    + (outcome.interrupted ? "killed at \(ms(killAfter)), " : "ended before \(ms(killAfter)), ")
                    + (outcome.converged ? "converged" : "DID NOT CONVERGE")
                    + " after \(outcome.runs) run(s) in \(ms(outcome.timeToConverge))"
            )
            for problem in outcome.problems { print("          - \(problem)") }
        }
        let converged = outcomes.filter(\.converged)
        let times = converged.map(\.timeToConverge).sorted()
        let runs = (1...3).map { n in "\(n): \(outcomes.filter { $0.runs == n }.count)" }.joined(separator: ", ")
        if let longest = times.last {
            print(
                "chaos     \(outcomes.count) trials (\(outcomes.filter(\.interrupted).count) killed mid-run), "
                    + "\(converged.count) converged; time to converge: median "
                    + "\(ms(times[times.count / 2])), max \(ms(longest)) "
                    + "(\(String(format: "%.2f", ratio(longest, typical)))x the first apply); runs needed: \(runs)"
            )
        } else {
            print("chaos     \(outcomes.count) trials, none converged")
        }
    }

    /// What a run said went wrong: its error and failure lines, else its last lines.
    static func essence(_ output: String) -> String {
        let lines = output.split(separator: "\n")
        let errors = lines.filter {
            $0.contains("error") || $0.contains("FAILED") || $0.contains("failed:") || $0.hasPrefix("~ ")
                || $0.hasPrefix("+ ") || $0.hasPrefix("- ")
                || $0.contains(": ")
                    && ($0.contains("changed") || $0.contains("missing") || $0.contains("unmanaged"))
        }
        return (errors.isEmpty ? Array(lines.suffix(5)) : errors.prefix(12).map { $0 }).joined(separator: " | ")
    }

    static func ratio(_ a: Duration, _ b: Duration) -> Double {
        let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        return seconds(a) / max(seconds(b), 1e-9)
    }

    /// Files the tool wrote (everything but the lab's world) that hold a secret value.
    static func leaks(in root: URL, secrets: Set<String>) -> [String] {
        var found: [String] = []
        guard let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        for case let url as URL in walk where !url.path.contains("/.reconcile/lab/") {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            if secrets.contains(where: { text.contains($0) }) {
                found.append("a secret value is in \(url.path.dropFirst(root.path.count + 1))")
            }
        }
        return found
    }

    /// `ssh` processes still running for this workspace: children a run did not reap.
    static func strays(_ root: String) -> [String] {
        guard let pids = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [String] = []
        for pid in pids where Int(pid) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if let program = words.first, program.hasSuffix("ssh"), words.contains(where: { $0.contains(root) }) {
                found.append("ssh process \(pid) outlived its run")
            }
        }
        return found
    }

    /// Runs the CLI, and sends it SIGKILL after `killAfter` if it still runs then.
    ///
    /// A run that exceeds `limit` is killed too.
    static func spawn(
        _ binary: String,
        _ arguments: [String],
        environment: [String: String],
        directory: URL,
        killAfter: Duration?
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        let output = directory.appendingPathComponent("run.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        let deadline = start + min(killAfter ?? limit, limit)
        var killed = false
        while process.isRunning {
            if clock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                killed = true
                break
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        let elapsed = clock.now - start
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: output)
        return Run(
            status: process.terminationStatus,
            output: text,
            elapsed: elapsed,
            killed: killed
        )
    }
}

struct ChaosError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
