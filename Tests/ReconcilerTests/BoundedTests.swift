import Foundation
import Reconciler
import Testing

@Suite("Bounded concurrency")
struct BoundedTests {
    /// Counts the work in flight.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var peak = 0

        func enter() {
            lock.withLock {
                now += 1
                peak = max(peak, now)
            }
        }
        func leave() { lock.withLock { now -= 1 } }
    }

    @Test func neverMoreThanTheLimitInFlightAndEveryKeyAnswered() async throws {
        let gauge = Gauge()
        let results = try await Bounded.map(Array(0..<60), limit: 7) { key in
            gauge.enter()
            defer { gauge.leave() }
            try await Task.sleep(for: .milliseconds(5))
            return key * 2
        }
        #expect(results.count == 60)
        #expect(results.allSatisfy { $0.value == $0.key * 2 })
        #expect(gauge.peak == 7)
    }

    @Test func aFailureIsThrown() async {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await Bounded.map([1, 2, 3], limit: 2) { key in
                if key == 2 { throw Refused() }
                return key
            }
        }
    }
}
