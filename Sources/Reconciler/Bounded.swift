/// Async work over many keys with at most a provider's concurrency in flight: a thousand
/// routers are read ten at a time, not a thousand sessions (and `ssh` processes) at once.
public enum Bounded {
    /// `body` for every key, at most `limit` at once; the results by key.
    public static func map<Key: Hashable & Sendable, Result: Sendable>(
        _ keys: [Key],
        limit: Int,
        _ body: @escaping @Sendable (Key) async throws -> Result
    ) async throws -> [Key: Result] {
        try await withThrowingTaskGroup(of: (Key, Result).self) { group in
            var results: [Key: Result] = [:]
            var next = keys.makeIterator()
            for _ in 0..<max(1, limit) {
                guard let key = next.next() else { break }
                group.addTask { (key, try await body(key)) }
            }
            while let (key, result) = try await group.next() {
                results[key] = result
                if let key = next.next() { group.addTask { (key, try await body(key)) } }
            }
            return results
        }
    }
}
