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
                    found += try await engine.registry[name]?.listUnmanaged(managed: managed, observed: observed) ?? []
                }
                unmanaged = found
            }
            let connections = try await operational?(validated, desired, engine.registry) ?? []
            var report = detect(
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
            report.costOverSpec = engine.costs.flatMap {
                costOverSpec(desired: desired, observed: observed, unmanaged: unmanaged ?? [], estimator: $0)
            }
            return report
        } catch let failure as Engine.Failure {
            return .failed(spec: path, at: timestamp, epochSeconds: seconds, error: failure.description)
        } catch {
            return .failed(spec: path, at: timestamp, epochSeconds: seconds, error: String(describing: error))
        }
    }

    /// What exists (managed resources as read, and unmanaged objects the provider could
    /// describe) priced against the spec; nil unless it costs more.
    static func costOverSpec(
        desired: DesiredGraph,
        observed: [ResourceAddress: ObservedResource],
        unmanaged: [UnmanagedObject],
        estimator: CostEstimator
    ) -> CostChange? {
        let spec = desired.resources.map {
            PricedResource(address: $0.address, type: $0.type, attributes: $0.attributes)
        }
        var existing = observed.values.sorted { $0.address < $1.address }.map {
            PricedResource(address: $0.address, type: $0.type, attributes: $0.attributes)
        }
        for object in unmanaged {
            guard let attributes = object.attributes, let address = unmanagedAddress(object) else { continue }
            existing.append(PricedResource(address: address, type: object.kind, attributes: attributes))
        }
        let change = CostChange(before: estimator.estimate(spec), after: estimator.estimate(existing))
        return change.delta > 0 ? change : nil
    }

    /// The address an unmanaged object would have: its collection (the last segment of its
    /// kind) and name under the provider's prefix.
    static func unmanagedAddress(_ object: UnmanagedObject) -> ResourceAddress? {
        guard let collection = object.kind.split(separator: "/").last else { return nil }
        return ResourceAddress(provider: object.provider, path: "\(collection)/\(object.name)")
    }
}
