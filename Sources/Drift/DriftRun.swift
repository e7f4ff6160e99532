public import Foundation
public import Reconciler
public import Spec

extension Drift {
    /// One drift run from a validated spec: read everything through the engine's providers,
    /// list what no spec owns, ask `operational` for each connection's state, classify.
    ///
    /// Never changes anything and takes no lock. A run that cannot read what it needs is a
    /// failed run, never "no drift".
    public static func run(
        _ validated: ValidatedSpec,
        engine: Engine,
        path: String,
        now: Date = Date(),
        operational: (@Sendable (ValidatedSpec, DesiredGraph, ProviderRegistry) async throws -> [ConnectionState])? =
            nil
    ) async -> DriftReport {
        let seconds = Int(now.timeIntervalSince1970)
        let timestamp = ISO8601DateFormatter().string(from: now)
        guard let desired = validated.graph else {
            return .failed(spec: path, at: timestamp, epochSeconds: seconds, error: "the spec has errors")
        }
        do {
            let state = try engine.loadState()
            if state.lineage.isEmpty {
                // Without a last apply every finding would be "pending" and the run would pass.
                return .failed(
                    spec: path,
                    at: timestamp,
                    epochSeconds: seconds,
                    error: "there is no state for this spec: nothing was applied from it "
                        + "(apply it first, or point --state-dir at its state)"
                )
            }
            let topology = validated.topology
            let observed = try await engine.refresh(desired: desired, state: state, specRoot: topology.root)
            let policy = topology.driftPolicy?.spec
            var unmanaged: [UnmanagedObject]?
            if policy?.reportUnmanaged == true {
                var managed = Set(desired.resources.map(\.address))
                managed.formUnion(state.resources.values.map(\.address))
                var found: [UnmanagedObject] = []
                for name in engine.registry.providers.keys.sorted() {
                    found += try await engine.registry[name]?.listUnmanaged(managed: managed) ?? []
                }
                unmanaged = found
            }
            let connections = try await operational?(validated, desired, engine.registry) ?? []
            return detect(
                Input(
                    spec: path,
                    desired: desired,
                    observed: observed,
                    state: state,
                    registry: engine.registry,
                    ignore: (policy?.ignore ?? []).map(IgnoreRule.init),
                    acknowledgements: policy?.acknowledgements ?? [],
                    fingerprint: try engine.secretFingerprints(specRoot: topology.root),
                    unmanaged: unmanaged,
                    connections: connections,
                    now: seconds,
                    timestamp: timestamp
                )
            )
        } catch let failure as Engine.Failure {
            return .failed(spec: path, at: timestamp, epochSeconds: seconds, error: failure.description)
        } catch {
            return .failed(spec: path, at: timestamp, epochSeconds: seconds, error: String(describing: error))
        }
    }
}
