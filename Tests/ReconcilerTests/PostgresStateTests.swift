import Azure
import Foundation
import PostgresState
import Reconciler
import Spec
import Testing

/// The server the PostgreSQL tests use: `RECONCILE_TEST_PG_URL` (`scripts/test-postgres.sh start`).
///
/// Without it the suites are skipped with a message, except under CI, where its absence fails.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["RECONCILE_TEST_PG_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let enabled = url != nil || inCI
    static let skipped: Comment =
        "RECONCILE_TEST_PG_URL is not set: run `eval \"$(bash scripts/test-postgres.sh start)\"` for these tests"

    /// The URL, or a recorded failure (CI without a server).
    static func requireURL() throws -> String {
        try #require(url, "CI is set but RECONCILE_TEST_PG_URL is not: start scripts/test-postgres.sh in .ci/run")
    }

    /// A schema no other test uses.
    static func freshSchema(_ label: String) -> String {
        "t_\(label)_" + UUID().uuidString.lowercased().prefix(8)
    }

    /// The test server's URL with `schema` (and other parameters) in its query.
    static func url(schema: String, replacing sslmode: String? = nil) throws -> String {
        var components = try #require(URLComponents(string: try requireURL()))
        var items = (components.queryItems ?? []).filter {
            $0.name != "schema" && (sslmode == nil || $0.name != "sslmode")
        }
        items.append(URLQueryItem(name: "schema", value: schema))
        if let sslmode { items.append(URLQueryItem(name: "sslmode", value: sslmode)) }
        components.queryItems = items
        return try #require(components.string)
    }

    static func backend(schema: String, sslmode: String? = nil) throws -> PostgresStateBackend {
        PostgresStateBackend(location: try PostgresLocation(url: try url(schema: schema, replacing: sslmode)))
    }
}

@Suite(
    "PostgreSQL state backend (a real server on loopback)",
    .serialized,
    .enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipped)
)
struct PostgresStateTests {
    func resource(_ name: String) -> StateResource {
        StateResource(
            address: .azure(name),
            type: "t",
            attributes: ["n": .string(name)],
            outputs: [:],
            dependencies: []
        )
    }

    func info(_ holder: String, command: String = "reconcile apply", job: String? = nil) -> LockInfo {
        LockInfo(
            holder: holder,
            host: "runner-\(holder)",
            pid: 4242,
            time: ISO8601DateFormatter().string(from: Date().addingTimeInterval(-192)),
            command: command,
            ciJob: job
        )
    }

    @Test func commitsReplaceTheSnapshotAndTheJournalReplaysAcrossConnections() throws {
        let schema = PostgresTestServer.freshSchema("commit")
        let backend = try PostgresTestServer.backend(schema: schema)
        defer { backend.close() }
        #expect(try backend.load() == nil)
        var state = State(lineage: "l1")
        state[.azure("a")] = resource("a")
        try backend.commit(state)
        try backend.record(.azure("b"), resource("b"))
        try backend.record(.azure("a"), nil)
        // Another runner (another connection) sees what each record made durable.
        let other = try PostgresTestServer.backend(schema: schema)
        defer { other.close() }
        let loaded = try #require(try other.load())
        #expect(loaded.lineage == "l1")
        #expect(loaded.sorted.map(\.address) == [.azure("b")])
        var next = loaded
        next.serial = 1
        try other.commit(next)
        #expect(try backend.load()?.serial == 1)
        #expect(try backend.load()?.sorted == next.sorted)
    }

    @Test func aWriterOfAnOlderSerialOrAnotherLineageIsRefused() throws {
        let schema = PostgresTestServer.freshSchema("serial")
        let backend = try PostgresTestServer.backend(schema: schema)
        defer { backend.close() }
        var state = State(lineage: "l1", serial: 3)
        try backend.commit(state)
        state.serial = 2
        state[.azure("x")] = resource("x")
        let older = #expect(throws: StateError.self) { try backend.commit(state) }
        #expect("\(older.map { "\($0)" } ?? "")".contains("is at serial 3, newer than this run's 2"))
        let foreign = #expect(throws: StateError.self) { try backend.commit(State(lineage: "l2", serial: 9)) }
        #expect("\(foreign.map { "\($0)" } ?? "")".contains("holds lineage l1, not l2"))
        #expect(try backend.load()?.resources.isEmpty == true, "a refused commit wrote nothing")
    }

    @Test func theLockRefusesASecondRunnerNamingHolderJobAndAge() throws {
        let schema = PostgresTestServer.freshSchema("lock")
        let first = try PostgresTestServer.backend(schema: schema)
        let second = try PostgresTestServer.backend(schema: schema)
        defer {
            first.close()
            second.close()
        }
        let holder = info("alice", job: "github 77/deploy")
        try first.lock(holder)
        let error = #expect(throws: StateError.self) { try second.lock(info("bob")) }
        #expect(error == .locked(holder, stale: false))
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("locked by alice@runner-alice, pid 4242, CI job github 77/deploy"), "\(message)")
        #expect(message.contains("running 'reconcile apply' for 3m1"), "\(message)")
        #expect(!second.lockEnded(holder), "a live holder's lock has not ended")
        #expect(try second.breakLock(ifHeldBy: info("someone-else")) == false)
        try first.unlock()
        try second.lock(info("bob"))
        #expect(try first.lockHolder()?.holder == "bob")
        try second.unlock()
        #expect(try first.lockHolder() == nil)
    }

    @Test func aDeadRunnersLockIsTakenOverWhenItsConnectionDrops() throws {
        let schema = PostgresTestServer.freshSchema("stale")
        let dead = try PostgresTestServer.backend(schema: schema)
        let holder = info("ci", job: "gitlab 12")
        try dead.lock(holder)
        dead.close()  // what the server sees when a runner is killed: its connection drops
        let next = try PostgresTestServer.backend(schema: schema)
        defer { next.close() }
        #expect(try next.lockHolder() == holder, "the row stays behind")
        let held = try HeldLock.acquire(next, command: "reconcile apply")
        #expect(held.tookOver == holder)
        #expect(try next.lockHolder()?.command == "reconcile apply")
        held.release()
        #expect(try next.lockHolder() == nil)
    }

    @Test func theFingerprintKeyIsMadeOnceAndShared() throws {
        let schema = PostgresTestServer.freshSchema("key")
        let a = try PostgresTestServer.backend(schema: schema)
        let b = try PostgresTestServer.backend(schema: schema)
        defer {
            a.close()
            b.close()
        }
        let key = try a.fingerprintKey()
        #expect(key.count == 32)
        #expect(try b.fingerprintKey() == key)
    }

    @Test func tlsIsUsedWhenRequiredAndVerifiedWhenAskedTo() throws {
        let schema = PostgresTestServer.freshSchema("tls")
        let required = try PostgresTestServer.backend(schema: schema, sslmode: "require")
        defer { required.close() }
        try required.commit(State(lineage: "tls"))
        #expect(try required.load()?.lineage == "tls")
        // The test server's certificate is self-signed: full verification must refuse it.
        let verified = try PostgresTestServer.backend(schema: schema, sslmode: "verify-full")
        defer { verified.close() }
        let error = #expect(throws: StateError.self) { try verified.load() }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("cannot reach the PostgreSQL state at postgres://reconcile@127.0.0.1:"), "\(message)")
        #expect(message.contains("sslmode verify-full"), "\(message)")
    }

    @Test func badURLsAreRefusedWithoutRepeatingThePassword() throws {
        let cases = [
            (
                "postgres://u:hunter2@h/db?sslmode=allow",
                "sslmode 'allow' is not one of disable, prefer, require, verify-full"
            ),
            ("postgres://u:hunter2@h/db?schema=Bad-Name", "the schema 'Bad-Name' is not a plain identifier"),
            ("postgres://u:hunter2@h/db?sslcert=x", "the parameter 'sslcert' is not supported"),
            ("mysql://u:hunter2@h/db", "it is not a postgres:// URL"),
        ]
        for (url, expected) in cases {
            let error = #expect(throws: PostgresStateError.self) { try PostgresLocation(url: url) }
            let message = error.map { "\($0)" } ?? ""
            #expect(message.contains(expected), "\(message)")
            #expect(!message.contains("hunter2"))
        }
        let location = try PostgresLocation(url: "postgresql://u:hunter2@db.example:6432/state?sslmode=verify-full")
        #expect("\(location)" == "postgres://u@db.example:6432/state (schema reconcile, sslmode verify-full)")
    }
}
