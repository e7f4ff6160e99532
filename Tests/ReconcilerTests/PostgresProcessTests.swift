import Foundation
import PostgresState
import Reconciler
import TestSupport
import Testing

/// The real commands in child processes with their state in PostgreSQL: two runners, kill -9,
/// `state migrate`, and what the database holds after an apply with secrets.
@Suite(
    "reconcile commands with PostgreSQL state",
    .serialized,
    .enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipped)
)
struct PostgresProcessTests {
    typealias Workspace = ProcessTests.Workspace

    /// A workspace and a fresh schema for its state.
    func setUp(_ label: String, latencyMs: Int = 0) throws -> (Workspace, String, PostgresStateBackend) {
        let schema = PostgresTestServer.freshSchema(label)
        let ws = try Workspace("pg-\(label)", latencyMs: latencyMs)
        return (ws, try PostgresTestServer.url(schema: schema), try PostgresTestServer.backend(schema: schema))
    }

    @Test func twoRunnersShareOneStateAndOneLock() throws {
        let (first, url, store) = try setUp("runners", latencyMs: 150)
        defer {
            first.remove()
            store.close()
        }
        // The second runner is another checkout with no .reconcile/ of its own, on the same world.
        var second = try Workspace("pg-runners-2")
        defer { second.remove() }
        second.environment["RECONCILE_TEST_WORLD"] = first.world
        second.environment["GITHUB_RUN_ID"] = "4711"
        second.environment["GITHUB_JOB"] = "plan"
        let (running, _, _) = try first.start(["apply", "spec", "--auto-approve", "--backend", url])
        let deadline = Date().addingTimeInterval(20)
        while (try? store.lockHolder()) == nil && Date() < deadline { usleep(20_000) }
        let refused = try second.run(["apply", "spec", "--auto-approve", "--backend", url])
        running.waitUntilExit()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the state is locked by"), "\(refused.stderr)")
        #expect(refused.stderr.contains("running 'reconcile apply spec --auto-approve --backend postgres://…' for"))
        #expect(!refused.stderr.contains(url) && !refused.stderr.contains("reconcile:"), "no URL or password")
        #expect(running.terminationStatus == 0)
        // The fresh runner sees what the first applied: nothing left to do.
        let diff = try second.run(["diff", "spec", "--backend", url])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        #expect(!FileManager.default.fileExists(atPath: second.spec + "/.reconcile/state.json"))
        #expect(try store.lockHolder() == nil)
    }

    @Test func killedMidApplyItRecoversWithoutDuplicatesOrOrphans() throws {
        var generator = SystemRandomNumberGenerator()
        var interrupted = 0
        var tookOver = 0
        for trial in 0..<20 {
            let (ws, url, store) = try setUp("kill\(trial)", latencyMs: 60)
            defer {
                ws.remove()
                store.close()
            }
            let (process, _, _) = try ws.start([
                "apply", "spec", "--auto-approve", "--parallelism", "2", "--backend", url,
            ])
            usleep(UInt32.random(in: 50_000...700_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { interrupted += 1 }
            let left = try store.lockHolder() != nil
            let next = try ws.run(["plan", "spec", "--backend", url])
            #expect(next.status == 0, "trial \(trial): \(next.stderr)")
            let converge = try ws.run(["apply", "spec", "--auto-approve", "--backend", url])
            #expect(converge.status == 0, "trial \(trial): \(converge.stderr)")
            if left {
                tookOver += 1
                #expect(converge.stderr.contains("note: took over the state lock of pid"), "\(converge.stderr)")
            }
            #expect(try ws.run(["diff", "spec", "--backend", url]).status == 0, "trial \(trial) did not converge")
            #expect(ws.worldCount() == 18, "trial \(trial): duplicated or orphaned resources")
            #expect(try store.load()?.resources.count == 18)
            #expect(try store.lockHolder() == nil)
        }
        #expect(interrupted >= 15, "too few trials were killed mid-apply to mean anything")
        #expect(tookOver >= 10, "too few kills left a lock to take over")
    }

    @Test func migrateRoundTripKeepsTheStateIdentical() throws {
        let (ws, url, store) = try setUp("migrate")
        defer {
            ws.remove()
            store.close()
        }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let local = ws.spec + "/.reconcile"
        let there = try ws.run(["state", "migrate", "spec", "--to", url])
        #expect(there.status == 0, "\(there.stderr)")
        #expect(there.stdout.contains("Copied 18 resources"))
        #expect(!there.stdout.contains("reconcile:"), "no password in output")
        // Served from PostgreSQL now: nothing to do, the same fingerprints (same key).
        #expect(try ws.run(["diff", "spec", "--backend", url]).status == 0)
        // On to Azure Blob storage (the lab's Blob listener), and served from there.
        let blob = "azblob://devstoreaccount1/state/migrate.json?endpoint=lab"
        let there2 = try ws.run(["state", "migrate", "spec", "--backend", url, "--to", blob])
        #expect(there2.status == 0, "\(there2.stderr)")
        #expect(there2.stdout.contains("to azblob://devstoreaccount1/state/migrate.json"), "\(there2.stdout)")
        #expect(try ws.run(["diff", "spec", "--backend", blob]).status == 0)
        // And home: local → postgres → blob → local is the same state and key, byte for byte.
        let back = ws.root.appendingPathComponent("back").path
        let home = try ws.run(["state", "migrate", "spec", "--backend", blob, "--to", "file://" + back])
        #expect(home.status == 0, "\(home.stderr)")
        let original = try Data(contentsOf: URL(fileURLWithPath: local + "/state.json"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: back + "/state.json")) == original)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: back + "/state.key"))
                == Data(contentsOf: URL(fileURLWithPath: local + "/state.key"))
        )
        // A target holding another state is refused.
        let other = try Workspace("pg-migrate-other")
        defer { other.remove() }
        #expect(try other.run(["apply", "spec", "--auto-approve"]).status == 0)
        let refused = try other.run(["state", "migrate", "spec", "--to", url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("already holds another state"), "\(refused.stderr)")
    }

    @Test func theDatabaseHoldsNoSecretValue() throws {
        let (ws, url, store) = try setUp("dump")
        defer {
            ws.remove()
            store.close()
        }
        #expect(try ws.run(["apply", "spec", "--auto-approve", "--backend", url]).status == 0)
        #expect(try store.load()?.resources.count == 18)
        let dump = try Self.pgDump(schema: store.location.schema)
        #expect(dump.contains("COPY \(store.location.schema).snapshot"), "the dump holds the state")
        for (name, value) in ProcessTests.secrets {
            #expect(!dump.contains(value), "\(name)'s value is in the database")
        }
    }

    /// `pg_dump --schema` of the test database, data included.
    static func pgDump(schema: String) throws -> String {
        let base = try PostgresTestServer.requireURL()
        let candidates =
            ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted().reversed()
            .map { "/usr/lib/postgresql/\($0)/bin/pg_dump" } + ["/usr/bin/pg_dump"]
        let tool = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "no pg_dump")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--dbname", base, "--schema", schema, "--no-owner"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
