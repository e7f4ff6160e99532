import Azure
import Foundation
import Reconciler
import Spec
import TestSupport
import Testing

/// Damaged or missing state files are refused with the file, the line and the step that
/// recovers; only what a crash can leave (a torn last journal line) is accepted silently.
@Suite("Local state recovery")
struct StateRecoveryTests {
    struct Directory {
        let root: URL
        let backend: LocalStateBackend
        var path: String { backend.directory }

        init(_ label: String) throws {
            root = try Fixture.temporaryDirectory(label)
            backend = LocalStateBackend(directory: root.appendingPathComponent("s").path)
        }

        func file(_ name: String) -> String { path + "/" + name }
        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
        }
        func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }
        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    static func resource(_ name: String, _ value: Value = "v") -> StateResource {
        StateResource(address: .azure(name), type: "t", attributes: ["n": value], outputs: [:], dependencies: [])
    }

    /// What `load` refuses with, as text.
    static func refusal(_ backend: LocalStateBackend) -> String? {
        do {
            _ = try backend.load()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aTornLastJournalLineIsIgnoredAndCutBeforeTheNextRecord() throws {
        let dir = try Directory("torn-tail")
        defer { dir.remove() }
        try dir.backend.commit(State(lineage: "l"))
        try dir.backend.record(.azure("a"), Self.resource("a"))
        let handle = try #require(FileHandle(forWritingAtPath: dir.file("state.journal")))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"address":"azure:b","resource":{"addre"#.utf8))
        handle.closeFile()
        #expect(try dir.backend.load()?.sorted.map(\.address) == [.azure("a")])
        // The next run appends: the torn line must not swallow the new one.
        try dir.backend.record(.azure("c"), Self.resource("c"))
        #expect(try dir.backend.load()?.sorted.map(\.address) == [.azure("a"), .azure("c")])
    }

    @Test func aBadJournalLineBeforeOthersIsRefusedWithItsLineAndTheFix() throws {
        let dir = try Directory("bad-line")
        defer { dir.remove() }
        try dir.backend.commit(State(lineage: "l"))
        try dir.backend.record(.azure("a"), Self.resource("a", "old"))
        try dir.backend.record(.azure("a"), Self.resource("a", "new"))
        try dir.backend.record(.azure("b"), Self.resource("b"))
        var lines = try dir.read("state.journal").split(separator: "\n").map(String.init)
        lines[1] = "{\"address\":\"azure:a\",\"resou"  // damaged, with a newline and a line after it
        try dir.write("state.journal", lines.joined(separator: "\n") + "\n")
        let refusal = try #require(Self.refusal(dir.backend))
        #expect(refusal.contains(dir.file("state.journal") + ":2: this line does not decode"), "\(refusal)")
        #expect(refusal.contains("`sed -i '2d' \(dir.file("state.journal"))`"), "\(refusal)")
        // The step it names recovers.
        lines.remove(at: 1)
        try dir.write("state.journal", lines.joined(separator: "\n") + "\n")
        let state = try #require(try dir.backend.load())
        #expect(state[.azure("a")]?.attributes["n"] == "old")
        #expect(state[.azure("b")] != nil)
    }

    @Test func aMissingSnapshotWithABackupIsRefusedAndPointsAtIt() throws {
        let dir = try Directory("no-snapshot")
        defer { dir.remove() }
        var state = State(lineage: "l")
        try dir.backend.commit(state)
        state.serial = 1
        try dir.backend.commit(state)
        try FileManager.default.removeItem(atPath: dir.file("state.json"))
        let refusal = try #require(Self.refusal(dir.backend))
        #expect(refusal.contains("\(dir.file("state.json")) is missing, but \(dir.file("state.json.backup")) is there"))
        #expect(refusal.contains("`cp \(dir.file("state.json.backup")) \(dir.file("state.json"))`"), "\(refusal)")
        try FileManager.default.copyItem(atPath: dir.file("state.json.backup"), toPath: dir.file("state.json"))
        #expect(try dir.backend.load()?.lineage == "l")
    }

    @Test func aDamagedSnapshotIsRefusedNotStartedAfresh() throws {
        let dir = try Directory("damaged")
        defer { dir.remove() }
        var state = State(lineage: "l")
        state[.azure("a")] = Self.resource("a")
        try dir.backend.commit(state)
        let text = try dir.read("state.json")
        try dir.write("state.json", String(text.prefix(text.count / 2)))
        let alone = try #require(Self.refusal(dir.backend))
        #expect(alone.contains("\(dir.file("state.json")) is damaged (not valid JSON)"), "\(alone)")
        #expect(alone.contains("restore \(dir.file("state.json")) from a copy"), "\(alone)")
        // With a backup, the message names the command.
        try dir.write("state.json.backup", text)
        let withBackup = try #require(Self.refusal(dir.backend))
        #expect(withBackup.contains("`cp \(dir.file("state.json.backup")) \(dir.file("state.json"))`"), "\(withBackup)")
    }

    @Test func aSnapshotFromANewerReconcileSaysSo() throws {
        let dir = try Directory("newer")
        defer { dir.remove() }
        try dir.backend.commit(State(lineage: "l"))
        try dir.write("state.json", #"{"formatVersion": 2, "lineage": "l", "things": {}}"#)
        let refusal = try #require(Self.refusal(dir.backend))
        #expect(refusal.contains("was written by a newer reconcile (state format 2; this one reads 1)"), "\(refusal)")
    }

    @Test func aLostKeyIsRefusedOnceStateHoldsFingerprints() throws {
        let dir = try Directory("lost-key")
        defer { dir.remove() }
        // No fingerprint yet: the key is just made (again).
        try dir.backend.commit(State(lineage: "l"))
        let first = try dir.backend.fingerprintKey()
        try FileManager.default.removeItem(atPath: dir.file("state.key"))
        #expect(try dir.backend.fingerprintKey() != first)
        // With one, a new key would make every secret look changed.
        var state = State(lineage: "l")
        state[.azure("a")] = Self.resource("a", .map(["psk": .fingerprint("hmac-sha256:00")]))
        try dir.backend.commit(state)
        try FileManager.default.removeItem(atPath: dir.file("state.key"))
        #expect(throws: StateError.self) { try dir.backend.fingerprintKey() }
        do {
            _ = try dir.backend.fingerprintKey()
        } catch {
            #expect("\(error)".contains("\(dir.file("state.key")) is missing"), "\(error)")
            #expect("\(error)".contains("`reconcile state new-key --state-dir \(dir.path)`"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("state.key")))
        try dir.backend.newFingerprintKey()
        #expect(try dir.backend.fingerprintKey().count == 32)
    }

    @Test func aShortKeyIsRefusedAndNewKeyMovesItAside() throws {
        let dir = try Directory("short-key")
        defer { dir.remove() }
        _ = try dir.backend.fingerprintKey()
        #expect(throws: StateError.io("\(dir.file("state.key")) is a good key; it is not replaced")) {
            try dir.backend.newFingerprintKey()
        }
        let fd = open(dir.file("state.key"), O_WRONLY | O_TRUNC)
        #expect(write(fd, "short", 5) == 5)
        close(fd)
        do {
            _ = try dir.backend.fingerprintKey()
            Issue.record("a 5-byte key was used")
        } catch {
            #expect("\(error)".contains("\(dir.file("state.key")) holds 5 bytes, not 32"), "\(error)")
            #expect(!"\(error)".contains("File exists"))
        }
        try dir.backend.newFingerprintKey()
        #expect(try dir.backend.fingerprintKey().count == 32)
        #expect(try dir.read("state.key.damaged") == "short")
    }

    @Test func aKeyOthersMayReadIsRefused() throws {
        let dir = try Directory("key-mode")
        defer { dir.remove() }
        _ = try dir.backend.fingerprintKey()
        chmod(dir.file("state.key"), 0o644)
        #expect(
            throws: StateError.io(
                "\(dir.file("state.key")) may be read by others (mode 644); run `chmod 600 \(dir.file("state.key"))`"
            )
        ) {
            try dir.backend.fingerprintKey()
        }
        chmod(dir.file("state.key"), 0o600)
        #expect(try dir.backend.fingerprintKey().count == 32)
    }

    @Test func theLockHolderIsTheUsersNameFromTheUID() {
        let info = LockInfo.current(command: "c")
        let name = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        #expect(info.holder == name ?? ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())")
        #expect(info.holder != "unknown")
    }
}
