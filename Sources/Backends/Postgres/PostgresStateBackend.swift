internal import Foundation
internal import PostgresNIO
public import Reconciler
public import Spec
internal import Synchronization

/// State in PostgreSQL, shared by every runner that reaches the server.
///
/// Tables in the configured schema (created when absent; `meta.version` says their layout):
/// - `snapshot`: one row: lineage, serial, the state as JSON and the one before it;
/// - `journal`: one row per resource applied since, each inserted in its own transaction, so a
///   run killed at any point loses at most the resource in flight;
/// - `fingerprint_key`: the key that keys secret fingerprints;
/// - `lock`: who runs (holder, host, pid, CI job, command, time). The row is paired with
///   `pg_try_advisory_lock` on this backend's connection, held for the run: when a runner dies
///   its connection drops and the server frees the advisory lock, so the next run can tell a
///   stale row from a live one and take it over.
///
/// No secret value is stored: the state holds keyed fingerprints only.
public final class PostgresStateBackend: StateBackend, Sendable {
    /// The layout of the tables this version writes.
    static let tablesVersion = 1

    public let location: PostgresLocation
    /// The connection, and whether it holds the state's advisory lock.
    ///
    /// Held while a call's queries run: the one connection takes one caller at a time, and the
    /// state protocol's callers are ordinary threads that wait for their answer anyway.
    private let connection = Mutex<Connection>(Connection())
    private struct Connection {
        var session: PostgresSession?
        var advisoryHeld = false
    }

    /// A backend for `location`; nothing is connected before the first use.
    public init(location: PostgresLocation) {
        self.location = location
    }

    /// Closes the connection: the advisory lock, if held, is freed (the lock row stays, stale).
    public func close() {
        connection.withLock { held in
            held.session?.close()
            held.session = nil
            held.advisoryHeld = false
        }
    }

    private var schema: String { location.schema }
    /// The advisory lock's key: per database and schema.
    private var lockKey: String { "reconcile-state:" + schema }

    /// Runs `body` on the connection (made, and the tables set up, on first use), one caller at a
    /// time; `body` may change whether the connection holds the advisory lock.
    private func withSession<T: Sendable>(
        _ body: (PostgresSession, _ advisoryHeld: inout Bool) throws -> T
    ) throws -> T {
        try connection.withLock { held in
            if held.session == nil {
                let made = try PostgresSession(location)
                try setUp(made)
                held.session = made
            }
            guard let session = held.session else {
                throw StateError.io("the PostgreSQL state at \(location) is not connected")
            }
            return try body(session, &held.advisoryHeld)
        }
    }

    /// Creates the schema and tables when absent; refuses tables a newer version laid out.
    private func setUp(_ db: PostgresSession) throws {
        let s = schema
        try db.transaction {
            // Two first runs at once would race on CREATE ... IF NOT EXISTS.
            try db.query("SELECT pg_advisory_xact_lock(hashtext(\("reconcile-setup:" + s)))")
            try db.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: s)")
            try db.query("CREATE TABLE IF NOT EXISTS \(unescaped: s).meta (key text PRIMARY KEY, value text NOT NULL)")
            try db.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: s).snapshot (
                    id int PRIMARY KEY CHECK (id = 1), lineage text NOT NULL, serial bigint NOT NULL,
                    state text NOT NULL, previous text, committed_at timestamptz NOT NULL DEFAULT now())
                """
            )
            try db.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: s).journal (
                    seq bigserial PRIMARY KEY, address text NOT NULL, resource text,
                    recorded_at timestamptz NOT NULL DEFAULT now())
                """
            )
            try db.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: s).fingerprint_key (
                    id int PRIMARY KEY CHECK (id = 1), key bytea NOT NULL)
                """
            )
            try db.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: s).lock (
                    id int PRIMARY KEY CHECK (id = 1), holder text NOT NULL, host text NOT NULL, pid int NOT NULL,
                    ci_job text, command text NOT NULL, time text NOT NULL)
                """
            )
            let version = "\(Self.tablesVersion)"
            try db.query(
                "INSERT INTO \(unescaped: s).meta VALUES ('version', \(version)) ON CONFLICT (key) DO NOTHING"
            )
            let rows = try db.query("SELECT value FROM \(unescaped: s).meta WHERE key = 'version'")
            let stored = try rows.first.flatMap { Int(try Self.decode($0, String.self)) } ?? 0
            guard stored <= Self.tablesVersion else {
                throw StateError.corrupt(
                    "the PostgreSQL state at \(location) was laid out by a newer reconcile (tables version \(stored); "
                        + "this one writes \(Self.tablesVersion)): run that version or a later one"
                )
            }
        }
    }

    static func decode<T: PostgresDecodable>(_ row: PostgresRow, _ type: T.Type) throws -> T {
        try decoding { try row.decode(T.self) }
    }

    /// A row's columns as `body` decodes them; a failure is `StateError.corrupt`.
    static func decoding<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StateError.corrupt("a row does not decode: \(PostgresSession.describe(error))")
        }
    }

    // MARK: state

    public func load() throws -> State? {
        let s = schema
        return try withSession { db, _ in
            // One snapshot of both tables, so a commit between the two reads cannot mix them.
            try db.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { () throws -> State? in
                let snapshot = try db.query("SELECT state FROM \(unescaped: s).snapshot WHERE id = 1")
                guard let row = snapshot.first else {
                    let journal = try db.query("SELECT count(*) FROM \(unescaped: s).journal")
                    if let count = journal.first, try Self.decode(count, Int.self) > 0 {
                        throw StateError.corrupt(
                            "\(s).journal has rows but \(s).snapshot has none: the snapshot they follow is gone"
                        )
                    }
                    return nil
                }
                var state = try decodeSnapshot(try Self.decode(row, String.self))
                let journal = try db.query(
                    "SELECT seq, address, resource FROM \(unescaped: s).journal ORDER BY seq"
                )
                for entry in journal {
                    let (seq, address, resource) = try Self.decoding {
                        try entry.decode((Int, String, String?).self)
                    }
                    guard let key = ResourceAddress(address) else {
                        throw StateError.corrupt("\(s).journal row \(seq): '\(address)' is not a resource address")
                    }
                    do {
                        state[key] = try resource.map {
                            try JSONDecoder().decode(StateResource.self, from: Data($0.utf8))
                        }
                    } catch {
                        throw StateError.corrupt(
                            "\(s).journal row \(seq) does not decode; delete it (`DELETE FROM \(s).journal WHERE seq = "
                                + "\(seq)`) and run `reconcile plan`: its resource then shows as adopted"
                        )
                    }
                }
                return state
            }
        }
    }

    private func decodeSnapshot(_ text: String) throws -> State {
        struct Header: Decodable { var formatVersion: Int? }
        let data = Data(text.utf8)
        if let version = (try? JSONDecoder().decode(Header.self, from: data))?.formatVersion,
            version != State.formatVersion
        {
            throw StateError.corrupt(
                "the PostgreSQL state at \(location) has state format \(version); this reconcile reads "
                    + "\(State.formatVersion)"
            )
        }
        do {
            return try JSONDecoder().decode(State.self, from: data)
        } catch {
            throw StateError.corrupt("the snapshot in \(schema).snapshot does not decode: \(error)")
        }
    }

    public func record(_ address: ResourceAddress, _ resource: StateResource?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = try resource.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let s = schema
        let key = address.description
        // One statement: its own transaction, durable when the server answers.
        _ = try withSession { db, _ in
            try db.query("INSERT INTO \(unescaped: s).journal (address, resource) VALUES (\(key), \(text))")
        }
    }

    /// Replaces the snapshot and empties the journal in one transaction, after checking that no
    /// other writer moved the state on: a state of another lineage, or of an older serial than
    /// the stored one, is refused and nothing is written.
    public func commit(_ state: State) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text: String
        do {
            text = String(decoding: try encoder.encode(state), as: UTF8.self)
        } catch {
            throw StateError.io("cannot encode the state: \(error)")
        }
        let s = schema
        let (lineage, serial) = (state.lineage, state.serial)
        try withSession { db, _ in
            try db.transaction {
                let stored = try db.query(
                    "SELECT lineage, serial FROM \(unescaped: s).snapshot WHERE id = 1 FOR UPDATE"
                )
                if let row = stored.first {
                    let (storedLineage, storedSerial) = try Self.decoding { try row.decode((String, Int).self) }
                    if !storedLineage.isEmpty && storedLineage != lineage {
                        throw StateError.io(
                            "the PostgreSQL state at \(location) holds lineage \(storedLineage), not \(lineage): it is "
                                + "another state; nothing was written"
                        )
                    }
                    if serial < storedSerial {
                        throw StateError.io(
                            "the PostgreSQL state at \(location) is at serial \(storedSerial), newer than this run's "
                                + "\(serial): another run committed since this one read it; nothing was written, run "
                                + "`reconcile plan` again"
                        )
                    }
                }
                try db.query(
                    """
                    INSERT INTO \(unescaped: s).snapshot AS old (id, lineage, serial, state) \
                    VALUES (1, \(lineage), \(serial), \(text)) \
                    ON CONFLICT (id) DO UPDATE SET lineage = excluded.lineage, serial = excluded.serial, \
                    state = excluded.state, previous = old.state, committed_at = now()
                    """
                )
                try db.query("DELETE FROM \(unescaped: s).journal")
            }
        }
    }

    /// The key, made on first use: refused when missing while the state holds fingerprints made
    /// with one (a new key would make every secret look changed).
    public func fingerprintKey() throws -> [UInt8] {
        let s = schema
        let select: () throws -> [UInt8]? = { [self] () throws -> [UInt8]? in
            try withSession { db, _ in
                try db.query("SELECT key FROM \(unescaped: s).fingerprint_key WHERE id = 1").first.map {
                    [UInt8](try Self.decode($0, Data.self))
                }
            }
        }
        if let key = try select() { return key }
        if let state = try load(),
            state.resources.values.contains(where: { !Value.map($0.attributes).sensitivePaths().isEmpty })
        {
            throw StateError.corrupt(
                "\(s).fingerprint_key is empty, and the state holds secret fingerprints made with its key; restore "
                    + "the row from a backup of the database"
            )
        }
        var generator = SystemRandomNumberGenerator()
        let made = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        _ = try withSession { db, _ in
            // A run that made one first wins; both then read the same.
            try db.query(
                "INSERT INTO \(unescaped: s).fingerprint_key VALUES (1, \(made)) ON CONFLICT (id) DO NOTHING"
            )
        }
        guard let key = try select(), key.count == 32 else {
            throw StateError.corrupt("\(s).fingerprint_key does not hold a 32-byte key")
        }
        return key
    }

    public func adoptFingerprintKey(_ key: [UInt8]) throws {
        let s = schema
        let given = Data(key)
        _ = try withSession { db, _ in
            try db.query("INSERT INTO \(unescaped: s).fingerprint_key VALUES (1, \(given)) ON CONFLICT (id) DO NOTHING")
        }
        guard try fingerprintKey() == key else {
            throw StateError.io("\(s).fingerprint_key holds another fingerprint key; nothing was copied")
        }
    }

    // MARK: lock

    /// Takes the advisory lock on this connection, then writes the lock row.
    ///
    /// A row already there
    /// while the advisory lock was free is a dead runner's: refused as stale (`lockEnded` is then
    /// true, and `HeldLock` takes it over).
    public func lock(_ info: LockInfo) throws {
        let s = schema
        let key = lockKey
        try withSession { db, advisoryHeld in
            if !advisoryHeld {
                let got = try db.query("SELECT pg_try_advisory_lock(hashtext(\(key)))")
                guard let row = got.first, try Self.decode(row, Bool.self) else {
                    let holder =
                        try readHolder(db)
                        ?? LockInfo(holder: "unknown", host: "?", pid: 0, time: "?", command: "taking the lock")
                    throw StateError.locked(holder, stale: false)
                }
                advisoryHeld = true
            }
            if let previous = try readHolder(db), previous != info {
                throw StateError.locked(previous, stale: true)
            }
            try db.query(
                """
                INSERT INTO \(unescaped: s).lock AS old VALUES (1, \(info.holder), \(info.host), \(Int(info.pid)), \
                \(info.ciJob), \(info.command), \(info.time)) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, \
                host = excluded.host, pid = excluded.pid, ci_job = excluded.ci_job, command = excluded.command, \
                time = excluded.time
                """
            )
        }
    }

    private func readHolder(_ db: PostgresSession) throws -> LockInfo? {
        let rows = try db.query("SELECT holder, host, pid, ci_job, command, time FROM \(unescaped: schema).lock")
        guard let row = rows.first else { return nil }
        let (holder, host, pid, ciJob, command, time) = try Self.decoding {
            try row.decode((String, String, Int, String?, String, String).self)
        }
        return LockInfo(holder: holder, host: host, pid: Int32(pid), time: time, command: command, ciJob: ciJob)
    }

    /// Removes the lock row and frees the advisory lock, only when this connection holds it:
    /// another run's lock is never removed here.
    public func unlock() throws {
        let s = schema
        let key = lockKey
        try withSession { db, advisoryHeld in
            guard advisoryHeld else { return }
            try db.query("DELETE FROM \(unescaped: s).lock")
            try db.query("SELECT pg_advisory_unlock(hashtext(\(key)))")
            advisoryHeld = false
        }
    }

    public func lockHolder() throws -> LockInfo? {
        try withSession { db, _ in try readHolder(db) }
    }

    /// Removes the row only while it still names `holder`, under the row's lock.
    public func breakLock(ifHeldBy holder: LockInfo) throws -> Bool {
        let s = schema
        return try withSession { db, _ in
            try db.transaction {
                _ = try db.query("SELECT id FROM \(unescaped: s).lock FOR UPDATE")
                guard try readHolder(db) == holder else { return false }
                try db.query("DELETE FROM \(unescaped: s).lock")
                return true
            }
        }
    }

    /// A row's run has ended when its advisory lock is free.
    ///
    /// The server frees it when the holder's connection drops (the process died, or its host did). Taking the advisory lock
    /// to find out keeps it on this connection, as the run that asks is about to take over.
    public func lockEnded(_ holder: LockInfo) -> Bool {
        let key = lockKey
        return
            (try? withSession { db, advisoryHeld throws -> Bool in
                if advisoryHeld { return true }
                guard let row = try db.query("SELECT pg_try_advisory_lock(hashtext(\(key)))").first,
                    try Self.decode(row, Bool.self)
                else { return false }
                advisoryHeld = true
                return true
            }) ?? false
    }
}
