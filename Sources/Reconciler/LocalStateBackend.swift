internal import Foundation
public import Spec

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// State in a local directory, by default `.reconcile/` beside the spec.
///
///
/// - `state.json`: the last committed state; `state.json.backup`: the one before it;
/// - `state.journal`: one JSON line per resource applied since, each fsynced before the
///   resource counts as done, so `kill -9` at any point loses at most the one in flight
///   (a torn last line is ignored);
/// - `state.lock`: who runs (its holder written first, then linked into place); `state.key`: the fingerprint key (0600).
public struct LocalStateBackend: StateBackend {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    var statePath: String { directory + "/state.json" }
    var backupPath: String { directory + "/state.json.backup" }
    var journalPath: String { directory + "/state.journal" }
    var lockPath: String { directory + "/state.lock" }
    var keyPath: String { directory + "/state.key" }

    private struct JournalEntry: Codable {
        var address: ResourceAddress
        var resource: StateResource?
    }

    private func ensureDirectory() throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StateError.io("cannot create \(directory): \(error.localizedDescription)")
        }
    }

    public func load() throws -> State? {
        guard let data = FileManager.default.contents(atPath: statePath) else {
            if FileManager.default.fileExists(atPath: journalPath) {
                throw StateError.corrupt(
                    "\(journalPath) exists without \(statePath): the snapshot it follows is gone; "
                        + restoreStep("then run again")
                )
            }
            if FileManager.default.fileExists(atPath: backupPath) {
                // A backup is written only when a state is replaced: this state existed and was lost.
                throw StateError.corrupt(
                    "\(statePath) is missing, but \(backupPath) is there, so a state existed; "
                        + restoreStep("then run `reconcile plan`")
                        + ", or remove \(backupPath) to start with no state"
                )
            }
            return nil
        }
        var state = try decodeSnapshot(data)
        if let journal = FileManager.default.contents(atPath: journalPath) {
            try replay(journal, into: &state)
        }
        return state
    }

    /// `cp BACKUP STATE` when there is a backup to restore; otherwise where else one could come from.
    private func restoreStep(_ then: String) -> String {
        guard FileManager.default.fileExists(atPath: backupPath) else {
            return "restore \(statePath) from a copy (there is no \(backupPath)), \(then)"
        }
        return "restore the state before the last apply with `cp \(backupPath) \(statePath)`, \(then) "
            + "(what that apply made shows as 'exists and matches, but is not in state' and is adopted)"
    }

    private func decodeSnapshot(_ data: Data) throws -> State {
        struct Header: Decodable { var formatVersion: Int? }
        // The version first: a newer format may not decode at all, and that is not damage.
        if let version = (try? JSONDecoder().decode(Header.self, from: data))?.formatVersion,
            version != State.formatVersion
        {
            throw StateError.corrupt(
                version > State.formatVersion
                    ? "\(statePath) was written by a newer reconcile (state format \(version); this one reads "
                        + "\(State.formatVersion)): run that version or a later one, and leave the file as it is"
                    : "\(statePath) has state format \(version); this reconcile reads \(State.formatVersion)"
            )
        }
        do {
            return try JSONDecoder().decode(State.self, from: data)
        } catch {
            throw StateError.corrupt(
                "\(statePath) is damaged (\(Self.summary(error))); " + restoreStep("then run `reconcile plan`")
            )
        }
    }

    /// Applies the journal's lines in order.
    ///
    /// Only the last line may fail to decode, and only when a crash tore it (it has no newline):
    /// it never counted as done. A bad line before others is damage, and skipping it would
    /// silently revert its resource to an older value.
    private func replay(_ journal: Data, into state: inout State) throws {
        var lines = journal.split(separator: 0x0A, omittingEmptySubsequences: false)
        lines.removeLast()  // empty after the final newline, or the torn line
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                let entry = try decoder.decode(JournalEntry.self, from: Data(line))
                state[entry.address] = entry.resource
            } catch {
                let number = index + 1
                throw StateError.corrupt(
                    "\(journalPath):\(number): this line does not decode (\(Self.summary(error))), and "
                        + "\(lines.count - number) recorded after it; remove it with "
                        + "`sed -i '\(number)d' \(journalPath)` and run `reconcile plan`: the resource it recorded "
                        + "then shows as adopted, to create or to update"
                )
            }
        }
    }

    /// A decoding error in a few words, with the key path where it happened.
    static func summary(_ error: any Error) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty
                ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .dataCorrupted(let context): return "not valid JSON" + at(context.codingPath)
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' missing" + at(context.codingPath)
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "unexpected value" + at(context.codingPath)
        default: return "\(error)"
        }
    }

    /// Takes the lock: the holder is written to a file of its own first, which is then linked
    /// into place (`link` fails if the lock exists), so a process killed at any point never
    /// leaves a lock without its holder.
    public func lock(_ info: LockInfo) throws {
        try ensureDirectory()
        let temp = lockPath + ".\(getpid()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw StateError.io("cannot create \(temp): \(String(cString: strerror(errno)))") }
        defer { unlink(temp) }
        do {
            defer { close(fd) }
            try writeAll(fd, (try? JSONEncoder().encode(info)) ?? Data(), path: temp)
        }
        if link(temp, lockPath) != 0 {
            guard errno == EEXIST else {
                throw StateError.io("cannot create \(lockPath): \(String(cString: strerror(errno)))")
            }
            guard let holder = try lockHolder() else { return try lock(info) }
            throw StateError.locked(holder, stale: Self.isStale(holder))
        }
    }

    /// A lock is stale when it was taken on this host by a process that no longer runs (or
    /// its holder cannot be read: a lock torn by a crash before this version linked it).
    public static func isStale(_ info: LockInfo) -> Bool {
        info.pid <= 0 || LockInfo.diedHere(info)
    }

    /// Breaking is serialised by an advisory lock on a file of its own (`flock`, released by
    /// the kernel when its holder dies): under it the holder is read again, and only the lock
    /// judged stale is removed, never a fresh one another run has taken meanwhile.
    public func breakLock(ifHeldBy holder: LockInfo) throws -> Bool {
        try ensureDirectory()
        let guardPath = lockPath + ".break"
        let fd = open(guardPath, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw StateError.io("cannot open \(guardPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else {
            throw StateError.io("cannot lock \(guardPath): \(String(cString: strerror(errno)))")
        }
        defer { flock(fd, LOCK_UN) }
        guard try lockHolder() == holder else { return false }
        try unlock()
        return true
    }

    public func unlock() throws {
        if unlink(lockPath) != 0 && errno != ENOENT {
            throw StateError.io("cannot remove \(lockPath): \(String(cString: strerror(errno)))")
        }
    }

    public func lockHolder() throws -> LockInfo? {
        guard let data = FileManager.default.contents(atPath: lockPath) else { return nil }
        guard let info = try? JSONDecoder().decode(LockInfo.self, from: data) else {
            // A lock file torn by a crash during `lock`: nobody can hold it.
            return LockInfo(holder: "unknown", host: ProcessInfo.processInfo.hostName, pid: 0, time: "?", command: "?")
        }
        return info
    }

    public func record(_ address: ResourceAddress, _ resource: StateResource?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = (try? encoder.encode(JournalEntry(address: address, resource: resource))) ?? Data()
        data.append(0x0A)
        let fd = open(journalPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { throw StateError.io("cannot open \(journalPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try dropTornLine(fd)
        try writeAll(fd, data, path: journalPath)
        guard fsync(fd) == 0 else { throw StateError.io("cannot sync \(journalPath)") }
    }

    /// Cuts a line a crash tore (no newline) off the journal's end before appending: glued to
    /// the next line it would make that one undecodable too, in the middle of the journal.
    private func dropTornLine(_ fd: Int32) throws {
        guard let journal = FileManager.default.contents(atPath: journalPath), let last = journal.last,
            last != 0x0A
        else { return }
        let keep = journal.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        guard ftruncate(fd, off_t(keep)) == 0 else {
            throw StateError.io("cannot truncate \(journalPath): \(String(cString: strerror(errno)))")
        }
    }

    public func commit(_ state: State) throws {
        try ensureDirectory()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(state)
        } catch {
            throw StateError.io("cannot encode the state: \(error)")
        }
        if let previous = FileManager.default.contents(atPath: statePath) {
            try atomicWrite(previous, to: backupPath)
        }
        try atomicWrite(data, to: statePath)
        // The snapshot now holds everything the journal did.
        if unlink(journalPath) != 0 && errno != ENOENT {
            throw StateError.io("cannot remove \(journalPath)")
        }
        syncDirectory()
    }

    /// The key, made on first use.
    ///
    /// A missing key is made again only while no state holds a fingerprint: a new key would make
    /// every secret look changed and push each again. A damaged key, or one others may read, is refused.
    public func fingerprintKey() throws -> [UInt8] {
        if let key = try readKey() { return key }
        if let state = try load(),
            state.resources.values.contains(where: { !Value.map($0.attributes).sensitivePaths().isEmpty })
        {
            throw StateError.corrupt(
                "\(keyPath) is missing, and \(statePath) holds secret fingerprints made with it; restore it from "
                    + "your copy (chmod 600), or run `reconcile state new-key --state-dir \(directory)` to make a new "
                    + "one: every secret then reads as changed and the next apply sends each again"
            )
        }
        return try makeKey()
    }

    /// Replaces a missing or damaged key with a new one (`reconcile state new-key`); refuses to
    /// replace a good key.
    public func newFingerprintKey() throws {
        do {
            if try readKey() != nil {
                throw StateError.io("\(keyPath) is a good key; it is not replaced")
            }
        } catch StateError.corrupt {
            // Damaged: moved aside, not deleted, in case it is the one a copy can repair.
            try? FileManager.default.removeItem(atPath: keyPath + ".damaged")
            guard rename(keyPath, keyPath + ".damaged") == 0 else {
                throw StateError.io("cannot move \(keyPath) aside: \(String(cString: strerror(errno)))")
            }
        }
        _ = try makeKey()
    }

    /// The key file's 32 bytes; nil when there is none.
    private func readKey() throws -> [UInt8]? {
        var info = stat()
        guard stat(keyPath, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw StateError.io("cannot read \(keyPath): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw StateError.io(
                "\(keyPath) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); "
                    + "run `chmod 600 \(keyPath)`"
            )
        }
        guard let data = FileManager.default.contents(atPath: keyPath) else {
            throw StateError.io("cannot read \(keyPath)")
        }
        guard data.count == 32 else {
            throw StateError.corrupt(
                "\(keyPath) holds \(data.count) bytes, not 32; restore it from your copy, or run "
                    + "`reconcile state new-key --state-dir \(directory)` to make a new one: every secret then reads "
                    + "as changed and the next apply sends each again"
            )
        }
        return [UInt8](data)
    }

    public func adoptFingerprintKey(_ key: [UInt8]) throws {
        guard try (readKey() ?? makeKey(key)) == key else {
            throw StateError.io("\(keyPath) holds another fingerprint key; nothing was copied")
        }
    }

    /// Writes a new key (`given`, or a random one) to a file of its own, then links it into
    /// place, so no reader ever sees half a key; when another process linked one first, that one is used.
    private func makeKey(_ given: [UInt8]? = nil) throws -> [UInt8] {
        try ensureDirectory()
        var generator = SystemRandomNumberGenerator()
        let key = given ?? (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let temp = keyPath + ".\(getpid()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw StateError.io("cannot create \(temp): \(String(cString: strerror(errno)))") }
        defer { unlink(temp) }
        do {
            defer { close(fd) }
            try writeAll(fd, Data(key), path: temp)
            guard fsync(fd) == 0 else { throw StateError.io("cannot sync \(temp)") }
        }
        if link(temp, keyPath) != 0 {
            guard errno == EEXIST, let theirs = try readKey() else {
                throw StateError.io("cannot create \(keyPath): \(String(cString: strerror(errno)))")
            }
            return theirs
        }
        syncDirectory()
        return key
    }

    /// temp file, fsync, rename: a reader sees the old file or the new one, never half of one.
    private func atomicWrite(_ data: Data, to path: String) throws {
        let temp = path + ".tmp.\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw StateError.io("cannot create \(temp): \(String(cString: strerror(errno)))") }
        do {
            try writeAll(fd, data, path: temp)
            guard fsync(fd) == 0 else { throw StateError.io("cannot sync \(temp)") }
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw StateError.io("cannot rename \(temp) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func syncDirectory() {
        let fd = open(directory, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    private func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StateError.io("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }
}
