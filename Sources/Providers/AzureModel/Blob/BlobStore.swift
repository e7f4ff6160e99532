internal import Foundation

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The lab's blob containers and blobs, as files under one directory (`.reconcile/lab/blob/`).
///
/// Nothing is kept in memory: every operation reads and writes the files under an exclusive
/// `flock` on `ROOT/.lock`, so any number of processes serving one lab directory (a `lab serve`,
/// two CI runs sharing `--lab-dir`) see one store and one set of leases. Layout:
/// `ACCOUNT/CONTAINER/.container.json`, and per blob `HEX.json` (its properties, lease and
/// metadata) beside `HEX.data` (its bytes), HEX being the blob name's UTF-8 in hex.
public struct BlobStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// A container's properties.
    struct Container: Codable {
        var created: Date
        var etag: String
        var metadata: [String: String]
    }

    /// A blob's lease as stored; its state now depends on the clock (`Lease.state(at:)`).
    struct Lease: Codable, Equatable {
        var id: String
        /// Seconds, or -1: infinite.
        var duration: Int
        var expires: Date?
        /// When a break was asked for, the moment it takes effect.
        var brokenAt: Date?

        enum State: String { case leased, expired, breaking, broken }

        func state(at now: Date) -> State {
            if let brokenAt { return brokenAt > now ? .breaking : .broken }
            if let expires, expires <= now { return .expired }
            return .leased
        }
    }

    /// A blob's properties.
    struct Blob: Codable {
        var type: String
        var etag: String
        var created: Date
        var lastModified: Date
        var contentType: String?
        var metadata: [String: String]
        var appendedBlocks: Int?
        var lease: Lease?
    }

    /// Runs `body` with the store to itself, across processes.
    func exclusive<T>(_ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let fd = open(root + "/.lock", O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw StoreError("cannot open \(root)/.lock: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError("cannot lock \(root)/.lock") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    struct StoreError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Paths

    func accountPath(_ account: String) -> String { root + "/" + account }
    func containerPath(_ account: String, _ container: String) -> String { root + "/\(account)/\(container)" }

    func blobPath(_ account: String, _ container: String, _ blob: String) -> String {
        containerPath(account, container) + "/" + blob.utf8.map { String(format: "%02x", $0) }.joined()
    }

    static func blobName(fileStem: String) -> String? {
        var bytes: [UInt8] = []
        var index = fileStem.startIndex
        while index < fileStem.endIndex {
            let next = fileStem.index(index, offsetBy: 2, limitedBy: fileStem.endIndex) ?? fileStem.endIndex
            guard let byte = UInt8(fileStem[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    // MARK: Containers

    func container(_ account: String, _ name: String) -> Container? {
        read(Container.self, containerPath(account, name) + "/.container.json")
    }

    func putContainer(_ account: String, _ name: String, _ value: Container) throws {
        try FileManager.default.createDirectory(
            atPath: containerPath(account, name),
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        try writeJSON(value, to: containerPath(account, name) + "/.container.json")
    }

    func deleteContainer(_ account: String, _ name: String) throws {
        try FileManager.default.removeItem(atPath: containerPath(account, name))
    }

    /// The account's containers, sorted by name.
    func containers(_ account: String) -> [(name: String, container: Container)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: accountPath(account))) ?? []
        return names.sorted().compactMap { name in container(account, name).map { (name, $0) } }
    }

    // MARK: Blobs

    func blob(_ account: String, _ container: String, _ name: String) -> Blob? {
        read(Blob.self, blobPath(account, container, name) + ".json")
    }

    func data(_ account: String, _ container: String, _ name: String) -> Data {
        FileManager.default.contents(atPath: blobPath(account, container, name) + ".data") ?? Data()
    }

    /// Writes a blob's bytes (nil: keeps them) and then its properties, each by temp file and rename.
    func putBlob(_ account: String, _ container: String, _ name: String, _ blob: Blob, data: Data?) throws {
        let path = blobPath(account, container, name)
        if let data { try atomicWrite(data, to: path + ".data") }
        try writeJSON(blob, to: path + ".json")
    }

    /// Appends to a blob's bytes in one write (O_APPEND).
    func append(_ account: String, _ container: String, _ name: String, _ bytes: [UInt8]) throws {
        let path = blobPath(account, container, name) + ".data"
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw StoreError("cannot open \(path)") }
        defer { close(fd) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StoreError("cannot write \(path)")
                }
                offset += written
            }
        }
        guard fsync(fd) == 0 else { throw StoreError("cannot sync \(path)") }
    }

    func deleteBlob(_ account: String, _ container: String, _ name: String) {
        let path = blobPath(account, container, name)
        unlink(path + ".json")
        unlink(path + ".data")
    }

    /// The container's blobs whose names start with `prefix`, sorted by name.
    func blobs(_ account: String, _ container: String, prefix: String) -> [(name: String, blob: Blob, size: Int)] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: containerPath(account, container))) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .compactMap { file -> (String, Blob, Int)? in
                guard let name = Self.blobName(fileStem: String(file.dropLast(5))), name.hasPrefix(prefix),
                    let blob = blob(account, container, name)
                else { return nil }
                return (name, blob, data(account, container, name).count)
            }
            .sorted { $0.0 < $1.0 }
    }

    // MARK: Files

    private func read<T: Decodable>(_ type: T.Type, _ path: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try? decoder.decode(type, from: data)
    }

    private func writeJSON(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        try atomicWrite(try encoder.encode(value), to: path)
    }

    private func atomicWrite(_ data: Data, to path: String) throws {
        let temp = path + ".tmp"
        guard FileManager.default.createFile(atPath: temp, contents: data, attributes: [.posixPermissions: 0o600]),
            rename(temp, path) == 0
        else { throw StoreError("cannot write \(path)") }
    }
}
