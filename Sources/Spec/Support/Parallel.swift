internal import Dispatch
internal import Foundation

/// Runs independent work on all cores, keeping the input order in the output.
enum Parallel {
    /// Maps `items` in chunks of at least `minimumPerChunk`, one chunk per core and then some.
    static func map<T: Sendable, U: Sendable>(
        _ items: [T],
        minimumPerChunk: Int = 16,
        _ transform: @Sendable (T) -> U
    ) -> [U] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= minimumPerChunk * 2, cores > 1 else { return items.map(transform) }
        let chunks = min(cores * 4, (items.count + minimumPerChunk - 1) / minimumPerChunk)
        return [U](unsafeUninitializedCapacity: items.count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            nonisolated(unsafe) let slots = base
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = items.count * chunk / chunks
                let end = items.count * (chunk + 1) / chunks
                for i in start..<end { (slots + i).initialize(to: transform(items[i])) }
            }
            initialized = items.count
        }
    }

}
