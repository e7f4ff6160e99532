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
                throw StateError.corrupt("\(journalPath) exists without \(statePath); restore \(backupPath)")
            }
            return nil
        }
        var state: State
        do {
            state = try JSONDecoder().decode(State.self, from: data)
        } catch {
            throw StateError.corrupt("\(statePath): \(error)")
        }
        guard state.formatVersion == State.formatVersion else {
            throw StateError.corrupt(
                "\(statePath) has format \(state.formatVersion); this reconcile reads \(State.formatVersion)"
            )
        }
        if let journal = FileManager.default.contents(atPath: journalPath) {
            let decoder = JSONDecoder()
            for line in journal.split(separator: 0x0A) {
                // A line a crash tore in half does not decode: it never counted as done.
                guard let entry = try? decoder.decode(JournalEntry.self, from: Data(line)) else { continue }
                state[entry.address] = entry.resource
            }
        }
        return state
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
        guard info.pid > 0 else { return true }
        guard info.host == ProcessInfo.processInfo.hostName else { return false }
        return kill(info.pid, 0) != 0 && errno == ESRCH
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
        try writeAll(fd, data, path: journalPath)
        guard fsync(fd) == 0 else { throw StateError.io("cannot sync \(journalPath)") }
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

    public func fingerprintKey() throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: keyPath), data.count == 32 { return [UInt8](data) }
        try ensureDirectory()
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let fd = open(keyPath, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            // Another process created it first: use theirs.
            if errno == EEXIST, let data = FileManager.default.contents(atPath: keyPath), data.count == 32 {
                return [UInt8](data)
            }
            throw StateError.io("cannot create \(keyPath): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try writeAll(fd, Data(key), path: keyPath)
        _ = fsync(fd)
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
