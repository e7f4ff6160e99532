import Azure
import Foundation
import Reconciler
import Spec
import Synchronization

/// A provider for benchmarks: answers reads from memory, instantly, and applies after a
/// fixed latency (a stand-in for an API's round trip).
final class BenchProvider: Provider, Sendable {
    let name: String
    let latency: Duration
    let maxConcurrency: Int
    private let world: Mutex<[ResourceAddress: ObservedResource]>

    init(name: String, latency: Duration, maxConcurrency: Int = 1000, world: [ObservedResource] = []) {
        self.name = name
        self.latency = latency
        self.maxConcurrency = maxConcurrency
        var byAddress: [ResourceAddress: ObservedResource] = [:]
        for resource in world { byAddress[resource.address] = resource }
        self.world = Mutex(byAddress)
    }

    var schemas: [ResourceTypeSchema] {
        [ResourceTypeSchema(type: "bench", attributes: [AttributeSchema("location", forcesReplacement: true)])]
    }

    func schema(for type: String) -> ResourceTypeSchema? { schemas.first }

    func read(_ resources: [ResourceAddress], context: ReadContext) async throws -> [ResourceAddress: ObservedResource]
    {
        world.withLock { world in
            var found: [ResourceAddress: ObservedResource] = [:]
            found.reserveCapacity(resources.count)
            for address in resources { found[address] = world[address] }
            return found
        }
    }

    func apply(_ unit: [ResolvedChange]) async throws -> [ResourceAddress: Attributes] {
        try await Task.sleep(for: latency)
        return world.withLock { world in
            var produced: [ResourceAddress: Attributes] = [:]
            for change in unit {
                let outputs: Attributes = ["id": .string("/bench/\(change.address.path)")]
                world[change.address] = ObservedResource(
                    address: change.address,
                    type: change.type,
                    attributes: change.attributes,
                    outputs: outputs
                )
                produced[change.address] = outputs
            }
            return produced
        }
    }
}

enum EngineBench {
    /// 10,000 resources, a fifth referencing another's output, 10% drifted: plan them.
    static func plan(resources count: Int, iterations: Int) {
        var resources: [Resource] = []
        var observed: [ObservedResource] = []
        var state = State(lineage: "bench")
        for i in 0..<count {
            let address = ResourceAddress.azure("things/r\(i)")
            var attributes: Attributes = [
                "location": "japaneast", "sku": "Standard", "size": .int(i % 7),
                "tags": .map(["owner": "netops", "index": .string(String(i))]),
                "prefixes": .list([.string("10.\(i / 256 % 256).\(i % 256).0/24")]),
            ]
            if i % 5 == 1 { attributes["peer"] = .reference(OutputReference(.azure("things/r\(i - 1)"), "id")) }
            resources.append(
                Resource(
                    address: address,
                    type: "bench",
                    attributes: attributes,
                    dependencies: i % 5 == 1 ? [.azure("things/r\(i - 1)")] : [],
                    source: .whole("bench")
                )
            )
            var seen = attributes
            if i % 5 == 1 { seen["peer"] = .string("/bench/things/r\(i - 1)") }
            if i % 10 == 3 { seen["size"] = .int(99) }
            observed.append(
                ObservedResource(
                    address: address,
                    type: "bench",
                    attributes: seen,
                    outputs: ["id": .string("/bench/things/r\(i)")]
                )
            )
            state[address] = StateResource(
                address: address,
                type: "bench",
                attributes: seen,
                outputs: [:],
                dependencies: []
            )
        }
        let graph = DesiredGraph(resources)
        let provider = BenchProvider(name: "azure", latency: .zero, world: observed)
        let registry = ProviderRegistry([provider])
        let addresses = graph.resources.map(\.address)
        let clock = ContinuousClock()
        var observedNow: [ResourceAddress: ObservedResource] = [:]
        let refresh = median(iterations) {
            clock.measure {
                let box = Box<[ResourceAddress: ObservedResource]>([:])
                let done = DispatchSemaphore(value: 0)
                Task {
                    box.value = (try? await provider.read(addresses, context: ReadContext(fingerprint: { $0 }))) ?? [:]
                    done.signal()
                }
                done.wait()
                observedNow = box.value
            }
        }
        var changes: [PlannedChange] = []
        let planning = median(iterations) {
            clock.measure {
                changes = Planner.plan(
                    Planner.Input(desired: graph, observed: observedNow, state: state, registry: registry)
                )
            }
        }
        let updates = changes.filter { $0.action == .update }.count
        print(
            "plan      \(count) resources: refresh (instant provider) \(ms(refresh)), plan \(ms(planning)) (\(updates) updates)"
        )
        print(String(format: "          plan / refresh %.1fx; target: plan under 1 s", ratio(planning, refresh)))
    }

    /// Apply of `count` independent resources (1,000 at 50 ms, parallelism 10: ideal 5 s).
    ///
    /// State goes to a fresh local directory unless `backend` is given (`bench --state`: the
    /// same against PostgreSQL and Blob storage). Returns actual / ideal.
    @discardableResult
    static func apply(
        resources count: Int,
        latency: Duration,
        parallelism: Int,
        backend given: (any StateBackend)? = nil,
        label: String = "each journaled with fsync"
    ) -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "reconcile-bench-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = given ?? LocalStateBackend(directory: directory.path)
        let provider = BenchProvider(name: "azure", latency: latency)
        let changes = (0..<count).map { i in
            PlannedChange(
                address: .azure("things/r\(i)"),
                type: "bench",
                action: .create,
                desired: ["location": "japaneast", "index": .int(i)],
                dependencies: []
            )
        }
        let done = DispatchSemaphore(value: 0)
        let result = Box(Timed())
        Task {
            try? backend.commit(State(lineage: "bench"))
            let executor = Executor(
                registry: ProviderRegistry([provider]),
                backend: backend,
                fingerprinter: Fingerprinter(key: (try? backend.fingerprintKey()) ?? []),
                secrets: SecretResolver(specRoot: "."),
                options: ApplyOptions(parallelism: parallelism)
            )
            let clock = ContinuousClock()
            let start = clock.now
            let report = await executor.apply(changes, state: State(lineage: "bench"))
            result.value = Timed(elapsed: clock.now - start, succeeded: report.succeeded.count)
            done.signal()
        }
        done.wait()
        let measured = result.value
        let ideal = latency * count / parallelism
        print(
            "apply     \(count) independent resources x \(ms(latency)) at parallelism \(parallelism): \(ms(measured.elapsed)) "
                + "(\(measured.succeeded) succeeded, \(label))"
        )
        print(
            String(
                format: "          actual / ideal (%@) %.3fx; target < 1.2x",
                ms(ideal),
                ratio(measured.elapsed, ideal)
            )
        )
        return ratio(measured.elapsed, ideal)
    }

    static func median(_ iterations: Int, _ body: () -> Duration) -> Duration {
        (0..<iterations).map { _ in body() }.sorted()[iterations / 2]
    }

    static func ratio(_ a: Duration, _ b: Duration) -> Double {
        seconds(a) / max(seconds(b), 1e-9)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// A value a task hands to the thread that waits for it (the bench drives async code from a plain thread).
final class Box<Value: Sendable>: Sendable {
    private let stored: Mutex<Value>

    init(_ value: Value) { stored = Mutex(value) }

    var value: Value {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}

/// How long a measured run took, and how many of its resources came through.
struct Timed: Sendable {
    var elapsed: Duration = .zero
    var succeeded = 0
}
