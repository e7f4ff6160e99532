import Azure
import Foundation
import Reconciler
import Spec
import TestProvider
import TestSupport

/// Small graphs built by hand, for engine tests.
enum Graphs {
    static func resource(
        _ address: String,
        type: String = "t",
        _ attributes: Attributes = [:],
        after: [String] = []
    ) -> Resource {
        guard let parsed = ResourceAddress(address) else { fatalError("bad address \(address)") }
        var dependencies = Set(after.compactMap(ResourceAddress.init))
        var refs: [OutputReference] = []
        for entry in attributes { refs += Value.map([entry.key: entry.value]).references }
        dependencies.formUnion(refs.map(\.address))
        return Resource(
            address: parsed,
            type: type,
            attributes: attributes,
            dependencies: dependencies.sorted(),
            source: .whole("test")
        )
    }

    static func ref(_ address: String, _ output: String = "id") -> Value {
        .reference(OutputReference(ResourceAddress(address) ?? .azure("?"), output))
    }
}

/// An engine over test providers and a real local state backend in a temporary directory.
struct TestBed {
    let directory: URL
    let azure: TestWorldProvider
    let cisco: TestWorldProvider
    let backend: LocalStateBackend
    var environment: [String: String] = [:]

    init(
        _ label: String,
        latency: Duration = .zero,
        azureConcurrency: Int = 10,
        failures: [String: TestWorldProvider.FailureMode] = [:]
    ) throws {
        directory = try Fixture.temporaryDirectory(label)
        azure = TestWorldProvider(
            name: "azure",
            path: directory.appendingPathComponent("azure.json").path,
            maxConcurrency: azureConcurrency,
            latency: latency,
            failures: failures
        )
        cisco = TestWorldProvider(
            name: "cisco",
            path: directory.appendingPathComponent("cisco.json").path,
            latency: latency
        )
        backend = LocalStateBackend(directory: directory.appendingPathComponent("state").path)
    }

    var registry: ProviderRegistry { ProviderRegistry([azure, cisco]) }

    func executor(
        parallelism: Int = 10,
        sleeps: SleepRecorder = SleepRecorder(),
        events: EventRecorder = EventRecorder()
    ) throws -> Executor {
        Executor(
            registry: registry,
            backend: backend,
            fingerprinter: Fingerprinter(key: try backend.fingerprintKey()),
            secrets: SecretResolver(specRoot: directory.path, environment: environment),
            options: ApplyOptions(
                parallelism: parallelism,
                sleep: { duration in
                    sleeps.record(duration)
                    try await Task.sleep(for: .milliseconds(1))
                },
                jitter: { 1.0 }
            ),
            progress: { events.record($0) }
        )
    }

    /// Plans `graph` against the test world and the backend's state.
    func plan(_ graph: DesiredGraph, ignore: [IgnoreRule] = [], targets: Set<ResourceAddress> = []) async throws
        -> [PlannedChange]
    {
        let engine = Engine(registry: registry, backend: backend)
        let state = try engine.loadState()
        let observed = try await engine.refresh(desired: graph, state: state)
        let printer = try engine.fingerprinter()
        let env = environment
        return Planner.plan(
            Planner.Input(
                desired: graph,
                observed: observed,
                state: state,
                registry: registry,
                ignore: ignore,
                fingerprint: { source in
                    guard case .environment(let name) = source, let value = env[name] else { return nil }
                    return printer.fingerprint(value)
                },
                targets: targets
            )
        )
    }

    /// Plans and applies; commits the state as the engine does.
    func apply(_ graph: DesiredGraph, parallelism: Int = 10, sleeps: SleepRecorder = SleepRecorder()) async throws
        -> ApplyReport
    {
        let changes = try await plan(graph)
        var state = try backend.load() ?? State(lineage: "test")
        if try backend.load() == nil { try backend.commit(state) }
        let report = try await executor(parallelism: parallelism, sleeps: sleeps).apply(changes, state: state)
        state = report.state
        state.serial += 1
        try backend.commit(state)
        return report
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Duration] = []
    func record(_ d: Duration) { lock.withLock { recorded.append(d) } }
    var sleeps: [Duration] { lock.withLock { recorded } }
}

final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [ProgressEvent] = []
    func record(_ e: ProgressEvent) { lock.withLock { recorded.append(e) } }
    var events: [ProgressEvent] { lock.withLock { recorded } }
}
