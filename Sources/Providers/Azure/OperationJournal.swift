internal import Crypto
internal import Foundation
internal import Synchronization

/// Long-running operations in flight, by resource path, saved before they are polled.
///
/// An apply interrupted while Azure is still building a gateway leaves the operation here;
/// the next run follows that operation to its end instead of starting another PUT. An
/// operation on the endpoint the client talks to is kept relative to it, so a lab that
/// restarts on another port still finds it.
public final class OperationJournal: Sendable {
    /// One operation: where it is polled, and a digest of the body whose write started it.
    public struct Entry: Codable, Sendable, Equatable {
        /// An absolute URL, or a path with its query relative to the client's endpoint.
        public var operation: String
        /// SHA-256 of the request body; nil in journals written before digests were kept.
        public var body: String?
    }

    private let file: String?
    /// The entries, by lowercased path.
    ///
    /// The file is written under this lock too, so the writes land in the order of the changes.
    private let pending: Mutex<[String: Entry]>

    /// `file`: where to keep it (`.reconcile/azure-operations.json`); nil keeps it in memory.
    public init(file: String? = nil) {
        self.file = file
        pending = Mutex(Self.read(file))
    }

    private static func read(_ file: String?) -> [String: Entry] {
        guard let file, let data = FileManager.default.contents(atPath: file) else { return [:] }
        if let saved = try? JSONDecoder().decode([String: Entry].self, from: data) {
            return saved
        } else if let old = try? JSONDecoder().decode([String: String].self, from: data) {
            // The first form kept only absolute URLs.
            return old.mapValues { Entry(operation: $0, body: nil) }
        }
        return [:]
    }

    public func entry(for path: String) -> Entry? {
        pending.withLock { $0[path.lowercased()] }
    }

    public func operation(for path: String) -> String? { entry(for: path)?.operation }

    public func record(_ url: String, for path: String, body: String? = nil) {
        pending.withLock { pending in
            pending[path.lowercased()] = Entry(operation: url, body: body)
            save(pending)
        }
    }

    public func finish(_ path: String) {
        pending.withLock { pending in
            guard pending.removeValue(forKey: path.lowercased()) != nil else { return }
            save(pending)
        }
    }

    /// The digest a journal entry keeps of a request body.
    static func digest(_ body: String) -> String {
        SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private func save(_ pending: [String: Entry]) {
        guard let file else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(pending) else { return }
        try? FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        let temp = file + ".tmp"
        if FileManager.default.createFile(atPath: temp, contents: data) { _ = rename(temp, file) }
    }
}
