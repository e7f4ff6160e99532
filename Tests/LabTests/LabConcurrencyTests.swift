import BuiltInProviders
import Cisco
import Foundation
import IOSSimulator
import Lab
import Spec
import TestSupport
import Testing

/// Two `reconcile` runs on one spec: each starts its own lab from the same files, and the
/// second (a read-only `drift`, or an `apply` the lock refuses) must not break the first.
@Suite("Two runs on one lab", .serialized)
struct LabConcurrencyTests {
    static func start(_ spec: ValidatedSpec, _ state: URL) async throws -> LabWorld {
        try await LabWorld.start(
            topology: spec.topology,
            stateDirectory: state.path,
            secrets: SecretResolver(specRoot: spec.topology.root, environment: LabWorkspace.secrets)
        )
    }

    /// The bytes and modification time of a file, to show a run left it alone.
    static func stamp(_ path: String) throws -> (Data?, Date?) {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (FileManager.default.contents(atPath: path), attributes[.modificationDate] as? Date)
    }

    @Test func aSecondRunKeepsTheFirstRunsPinAndWritesNothing() async throws {
        let spec = SpecPipeline.run(Fixture.path("examples/s2s-cisco891-pppoe"), lowering: BuiltIn.lowering)
        let state = try Fixture.temporaryDirectory("lab-two-runs")
        defer { try? FileManager.default.removeItem(at: state) }

        let first = try await Self.start(spec, state)
        defer { first.stop() }
        let router = try #require(first.routers["tokyo-rtr1"])
        let files = [router.path, router.knownHosts, router.path.replacingOccurrences(of: ".cfg", with: ".hostkey")]
        let before = try files.map(Self.stamp)
        // Modification times have a coarse grain on some filesystems: let a rewrite show.
        try await Task.sleep(for: .milliseconds(20))

        let second = try await Self.start(spec, state)
        let other = try #require(second.routers["tokyo-rtr1"])
        #expect(other.port != router.port)
        #expect(other.server.hostKeyLine == router.server.hostKeyLine, "one device, one host key")
        for (index, file) in files.enumerated() {
            let now = try Self.stamp(file)
            #expect(now.0 == before[index].0, "\(file) was rewritten by the second run")
            #expect(now.1 == before[index].1, "\(file) was touched by the second run")
        }
        second.stop()

        // The first run's pin still holds: the system ssh client, strict host key checking.
        let session = try SSHTransport(
            SSHTransport.Options(
                host: "127.0.0.1",
                port: router.port,
                username: "netops",
                password: "lab-login",
                knownHosts: router.knownHosts,
                timeout: .seconds(20)
            )
        )
        defer { session.close() }
        #expect(try session.run("show version").contains("Cisco IOS"))
    }

    @Test func aRoutersHostKeySurvivesARestart() async throws {
        let spec = SpecPipeline.run(Fixture.path("examples/s2s-cisco891-pppoe"), lowering: BuiltIn.lowering)
        let state = try Fixture.temporaryDirectory("lab-restart")
        defer { try? FileManager.default.removeItem(at: state) }
        let first = try await Self.start(spec, state)
        let key = try #require(first.routers["tokyo-rtr1"]).server.hostKeyLine
        first.stop()
        let again = try await Self.start(spec, state)
        defer { again.stop() }
        #expect(try #require(again.routers["tokyo-rtr1"]).server.hostKeyLine == key)
        let file = LabWorld.directory(state.path) + "/devices/tokyo-rtr1.hostkey"
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600, "a private key is the owner's alone")
    }
}

/// A run that is stopped (a cancelled CI job's SIGTERM, Ctrl-C) takes its ssh children with
/// it: none is left running against a router.
@Suite("Stopping a run", .serialized)
struct StoppingARunTests {
    /// The pids of live `ssh` processes whose parent is `parent`.
    static func sshChildren(of parent: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            // "pid (comm) state ppid …": comm may hold spaces, so read after its last ')'.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return stat.contains("(ssh)") && fields.count > 1 && Int32(fields[1]) == parent
        }
    }

    static func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !stat.contains(") Z ")
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalledRunLeavesNoSSHChildBehind(_ signal: Int32) async throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        // A new key for the router: the next apply reads the router, then pushes to it.
        let (process, _, _) = try Fixture.start(
            "reconcile",
            ["apply", "spec", "--auto-approve"],
            environment: LabWorkspace.secrets.merging(LabWorkspace.grant) { _, b in b }
                .merging(["TOKYO_PSK": "lab-psk-rotated"]) { _, b in b },
            directory: ws.root
        )
        var children: [Int32] = []
        for _ in 0..<3000 where children.isEmpty && process.isRunning {
            children = Self.sshChildren(of: process.processIdentifier)
            if children.isEmpty { usleep(5_000) }
        }
        try #require(!children.isEmpty, "the run never had an ssh child to stop")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        for _ in 0..<500 where children.contains(where: Self.alive) { usleep(10_000) }
        #expect(!children.contains(where: Self.alive), "ssh \(children) outlived its run")
    }
}
