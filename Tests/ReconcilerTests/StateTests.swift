import Azure
import Foundation
import Reconciler
import Spec
import TestSupport
import Testing

@Suite("Local state backend")
struct StateTests {
    func backend(_ label: String) throws -> (LocalStateBackend, URL) {
        let dir = try Fixture.temporaryDirectory(label)
        return (LocalStateBackend(directory: dir.appendingPathComponent("s").path), dir)
    }

    func resource(_ name: String) -> StateResource {
        StateResource(
            address: .azure(name),
            type: "t",
            attributes: ["n": .string(name)],
            outputs: [:],
            dependencies: []
        )
    }

    @Test func commitsAreAtomicWithABackupAndTheJournalReplays() throws {
        let (backend, dir) = try backend("commit")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try backend.load() == nil)
        var state = State(lineage: "l")
        state[.azure("a")] = resource("a")
        try backend.commit(state)
        try backend.record(.azure("b"), resource("b"))
        try backend.record(.azure("a"), nil)
        let loaded = try #require(try backend.load())
        #expect(loaded.sorted.map(\.address) == [.azure("b")])
        state.serial = 1
        try backend.commit(loaded)
        #expect(FileManager.default.fileExists(atPath: backend.directory + "/state.json.backup"))
        #expect(!FileManager.default.fileExists(atPath: backend.directory + "/state.journal"))
        let files = try FileManager.default.contentsOfDirectory(atPath: backend.directory)
        #expect(!files.contains { $0.contains(".tmp") })
    }

    @Test func aTornJournalLineIsIgnored() throws {
        let (backend, dir) = try backend("torn")
        defer { try? FileManager.default.removeItem(at: dir) }
        try backend.commit(State(lineage: "l"))
        try backend.record(.azure("a"), resource("a"))
        let handle = try #require(FileHandle(forWritingAtPath: backend.directory + "/state.journal"))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"address":"azure:b","resource":{"addre"#.utf8))
        handle.closeFile()
        #expect(try backend.load()?.sorted.map(\.address) == [.azure("a")])
    }

    @Test func theLockIsExclusiveAndNamesItsHolder() throws {
        let (backend, dir) = try backend("lock")
        defer { try? FileManager.default.removeItem(at: dir) }
        let me = LockInfo(
            holder: "netops",
            host: ProcessInfo.processInfo.hostName,
            pid: ProcessInfo.processInfo.processIdentifier,
            time: "2026-11-21T00:00:00Z",
            command: "reconcile apply"
        )
        try backend.lock(me)
        #expect(throws: StateError.locked(me, stale: false)) { try backend.lock(me) }
        #expect(try backend.lockHolder() == me)
        try backend.unlock()
        try backend.lock(me)
    }

    /// The engine keeps the backend's error: a lock held by another run is told from other
    /// failures by its kind, not by its text.
    @Test func aLockHeldElsewhereIsALockConflictToTheEngine() async throws {
        let (backend, dir) = try backend("engine-lock")
        defer { try? FileManager.default.removeItem(at: dir) }
        let elsewhere = LockInfo(
            holder: "ci",
            host: "runner-7",
            pid: 4242,
            time: "2026-11-21T00:00:00Z",
            command: "apply"
        )
        try backend.lock(elsewhere)
        let engine = Engine(registry: ProviderRegistry([]), backend: backend)
        do {
            _ = try await engine.locked(command: "reconcile plan") { 0 }
            Issue.record("took a lock another host holds")
        } catch let failure as Engine.Failure {
            #expect(failure.underlying as? StateError == .locked(elsewhere, stale: false))
            #expect(failure.description == StateError.locked(elsewhere, stale: false).description)
        }
    }

    @Test func aLockWhoseProcessIsGoneIsStale() throws {
        let (backend, dir) = try backend("stale")
        defer { try? FileManager.default.removeItem(at: dir) }
        let dead = LockInfo(holder: "x", host: ProcessInfo.processInfo.hostName, pid: 999_999, time: "t", command: "c")
        try backend.lock(dead)
        do {
            try backend.lock(dead)
            Issue.record("a second lock succeeded")
        } catch let error as StateError {
            #expect(error == .locked(dead, stale: true))
            #expect(error.description.contains("reconcile state unlock"))
        }
        #expect(LocalStateBackend.isStale(dead))
    }

    /// A run killed with SIGKILL leaves its lock, and the next run on this host takes it over.
    ///
    /// Its process is provably gone. A lock from another host is never taken over, and
    /// breaking removes only the lock that was judged stale.
    @Test func aDeadRunsLockIsTakenOverByTheNextAndNoOtherLockIs() throws {
        let (backend, dir) = try backend("take-over")
        defer { try? FileManager.default.removeItem(at: dir) }
        let here = ProcessInfo.processInfo.hostName
        let dead = LockInfo(holder: "x", host: here, pid: 999_999, time: "t", command: "reconcile apply")
        try backend.lock(dead)
        let held = try HeldLock.acquire(backend, command: "reconcile apply")
        #expect(held.tookOver == dead)
        #expect(try backend.lockHolder()?.pid == getpid())
        #expect(try backend.breakLock(ifHeldBy: dead) == false, "the new holder's lock is not the stale one")
        held.release()

        let elsewhere = LockInfo(holder: "x", host: here + "-other", pid: 999_999, time: "t", command: "c")
        try backend.lock(elsewhere)
        #expect(throws: StateError.locked(elsewhere, stale: false)) {
            _ = try HeldLock.acquire(backend, command: "reconcile apply")
        }
        #expect(try backend.lockHolder() == elsewhere)
    }

    /// A kill can land anywhere in `lock`: no lock is ever left without its holder, and a torn
    /// one (an empty file, as an older version could leave) is stale, so `state unlock` breaks it.
    @Test func aLockIsNeverLeftWithoutItsHolderAndATornOneIsStale() throws {
        let (backend, dir) = try backend("torn-lock")
        defer { try? FileManager.default.removeItem(at: dir) }
        let me = LockInfo(holder: "me", host: ProcessInfo.processInfo.hostName, pid: getpid(), time: "t", command: "c")
        try backend.lock(me)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("s").path)
        #expect(files.filter { $0.hasPrefix("state.lock") } == ["state.lock"], "no temporary file is left: \(files)")
        try backend.unlock()
        try Data().write(to: dir.appendingPathComponent("s/state.lock"))
        let torn = try #require(try backend.lockHolder())
        #expect(torn.pid == 0)
        #expect(LocalStateBackend.isStale(torn))
        #expect(throws: StateError.locked(torn, stale: true)) { try backend.lock(me) }
    }

    @Test func theFingerprintKeyIsStable() throws {
        let (backend, dir) = try backend("key")
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try backend.fingerprintKey()
        #expect(key.count == 32)
        #expect(try backend.fingerprintKey() == key)
        #expect(
            Fingerprinter(key: key).fingerprint("a")
                != Fingerprinter(key: Array(repeating: 0, count: 32)).fingerprint("a")
        )
    }
}
