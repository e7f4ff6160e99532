internal import Foundation

/// Long-running operations in flight, by resource path, saved before they are polled.
///
/// An apply interrupted while Azure is still building a gateway leaves the operation's URL
/// here; the next run polls that operation to its end instead of starting another PUT.
public final class OperationJournal: @unchecked Sendable {
    private let file: String?
    private let lock = NSLock()
    private var pending: [String: String] = [:]

    /// `file`: where to keep it (`.reconcile/azure-operations.json`); nil keeps it in memory.
    public init(file: String? = nil) {
        self.file = file
        if let file, let data = FileManager.default.contents(atPath: file),
            let saved = try? JSONDecoder().decode([String: String].self, from: data)
        {
            pending = saved
        }
    }

    public func operation(for path: String) -> String? {
        lock.withLock { pending[path.lowercased()] }
    }

    public func record(_ url: String, for path: String) {
        lock.withLock {
            pending[path.lowercased()] = url
            save()
        }
    }

    public func finish(_ path: String) {
        lock.withLock {
            guard pending.removeValue(forKey: path.lowercased()) != nil else { return }
            save()
        }
    }

    private func save() {
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
