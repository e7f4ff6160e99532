internal import Dispatch
internal import Foundation

/// Maps independent work over all cores, keeping the input order in the output.
enum Parallel {
    static func map<T: Sendable, U: Sendable>(_ items: [T], minimumPerChunk: Int = 16, _ transform: @Sendable (T) -> U) -> [U] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= minimumPerChunk * 2, cores > 1 else { return items.map(transform) }
        let chunks = min(cores * 4, (items.count + minimumPerChunk - 1) / minimumPerChunk)
        let results = UnsafeMutableBufferPointer<U?>.allocate(capacity: items.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = items.count * chunk / chunks
            let end = items.count * (chunk + 1) / chunks
            for i in start..<end { slots[i] = transform(items[i]) }
        }
        return results.map { $0! }
    }
}

extension Parallel {
    /// Runs two independent pieces of work at once and returns both results.
    static func both<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
        nonisolated(unsafe) var a: A?
        nonisolated(unsafe) var b: B?
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 { a = first() } else { b = second() }
        }
        return (a!, b!)
    }
}
