internal import Foundation
public import Spec

/// The engine's front door: refresh, plan and apply a validated spec against providers and a state backend.
///
/// Commands are thin wrappers around these calls.
public struct Engine: Sendable {
    public var registry: ProviderRegistry
    public var backend: any StateBackend
    public var options: ApplyOptions
    public var progress: @Sendable (ProgressEvent) -> Void
    /// Prices the world before and after a plan, so the plan says what it does to the monthly
    /// bill (`Plan.cost`); nil: plans carry no cost.
    public var costs: CostEstimator?

    public init(
        registry: ProviderRegistry,
        backend: any StateBackend,
        options: ApplyOptions = ApplyOptions(),
        progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) {
        self.registry = registry
        self.backend = backend
        self.options = options
        self.progress = progress
    }

    /// Why the engine could not go on.
    ///
    /// Messages name the resource or the file; the error underneath is kept (`underlying`), so
    /// a caller tells a lock held by another run, a provider's failure and a state backend's
    /// I/O error apart without reading the text.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case spec([Diagnostic])
        case noProvider(String, ResourceAddress)
        case unknownType(ResourceAddress, String)
        /// A provider's read failed: the provider's name and its error.
        case read(String, any Error)
        /// The state backend failed; `underlying` is what it threw when that was not a `StateError`.
        case state(StateError, underlying: (any Error)? = nil)
        case stalePlan(String)

        /// The error underneath: the provider's for a read, the backend's for state.
        public var underlying: (any Error)? {
            switch self {
            case .read(_, let error): return error
            case .state(let error, let underlying): return underlying ?? error
            default: return nil
            }
        }

        /// A state backend's error as a failure, keeping it when it is not a `StateError`.
        static func state(from error: any Error) -> Failure {
            if let error = error as? StateError { return .state(error) }
            return .state(.io("\(error)"), underlying: error)
        }

        public var description: String {
            switch self {
            case .spec(let diagnostics):
                return diagnostics.filter { $0.severity == .error }.map(\.summary).joined(separator: "\n")
            case .noProvider(let name, let address):
                return "\(address): no provider '\(name)' is registered in this build"
            case .unknownType(let address, let type):
                return "\(address): provider '\(address.provider)' does not manage resource type \(type)"
            case .read(let provider, let error):
                return "reading \(provider) failed: \(String(describing: error))"
            case .state(let error, _):
                return error.description
            case .stalePlan(let why):
                return "the saved plan no longer applies: \(why)"
            }
        }
    }

    public func fingerprinter() throws(Failure) -> Fingerprinter {
        do {
            return Fingerprinter(key: try backend.fingerprintKey())
        } catch {
            throw .state(from: error)
        }
    }

    /// The state, or an empty one with no lineage yet (the first apply gives it one), so a
    /// plan saved before the first apply still matches.
    public func loadState() throws(Failure) -> State {
        do {
            return try backend.load() ?? State(lineage: "")
        } catch {
            throw .state(from: error)
        }
    }

    /// Reads every provider's resources once (one batched call per provider); secrets the
    /// providers need to compare one-way hashes come from `specRoot` (relative files).
    public func refresh(
        desired: DesiredGraph,
        state: State,
        specRoot: String = ".",
        environment: [String: String]? = nil,
        alreadyRead: [String: ImportedScope.Observe] = [:]
    ) async throws(Failure) -> [ResourceAddress: ObservedResource] {
        let printer = try fingerprinter()
        var byProvider: [String: Set<ResourceAddress>] = [:]
        for resource in desired.resources {
            guard let provider = registry[resource.provider] else {
                throw .noProvider(resource.provider, resource.address)
            }
            guard provider.schema(for: resource.type) != nil else {
                throw .unknownType(resource.address, resource.type)
            }
            byProvider[resource.provider, default: []].insert(resource.address)
        }
        for resource in state.resources.values {
            guard registry[resource.address.provider] != nil else {
                throw .noProvider(resource.address.provider, resource.address)
            }
            byProvider[resource.address.provider, default: []].insert(resource.address)
        }
        var observed: [ResourceAddress: ObservedResource] = [:]
        let secrets = SecretResolver(specRoot: specRoot, environment: environment)
        let context = ReadContext(
            fingerprint: { printer.fingerprint($0) },
            known: { address in
                if let resource = desired[address] { return (resource.type, resource.attributes) }
                return state[address].map { ($0.type, $0.attributes) }
            },
            secret: { source in try? secrets.resolve(SecretRef(source: source, location: .whole(specRoot))) },
            lastApplied: { address in desired[address] == nil ? nil : state[address]?.attributes }
        )
        for name in byProvider.keys.sorted() {
            guard let provider = registry[name] else { continue }
            let addresses = byProvider[name].map { Array($0).sorted() } ?? []
            if let read = alreadyRead[name] {
                observed.merge(read(addresses, context)) { a, _ in a }
                continue
            }
            do {
                let found = try await provider.read(addresses, context: context)
                observed.merge(found) { a, _ in a }
            } catch {
                throw .read(name, error)
            }
        }
        return observed
    }

    /// The keyed fingerprint of each secret's current value (nil when it cannot be read now),
    /// to compare with what providers read back and state recorded.
    public func secretFingerprints(
        specRoot: String,
        environment: [String: String]? = nil
    ) throws(Failure) -> @Sendable (SecretSource) -> String? {
        let printer = try fingerprinter()
        let secrets = SecretResolver(specRoot: specRoot, environment: environment)
        return { source in
            (try? secrets.resolve(SecretRef(source: source, location: .whole(specRoot)))).map(printer.fingerprint)
        }
    }

    /// Refreshes and plans a validated spec.
    public func plan(
        _ spec: ValidatedSpec,
        targets: Set<ResourceAddress> = [],
        destroy: Bool = false
    ) async throws(Failure) -> Plan {
        guard let desired = spec.graph else { throw .spec(spec.diagnostics) }
        let state = try loadState()
        let observed = try await refresh(desired: desired, state: state, specRoot: spec.topology.root)
        return try plan(spec, observed: observed, state: state, targets: targets, destroy: destroy)
    }

    /// Plans a validated spec against what a refresh read.
    func plan(
        _ spec: ValidatedSpec,
        observed: [ResourceAddress: ObservedResource],
        state: State,
        environment: [String: String]? = nil,
        targets: Set<ResourceAddress> = [],
        destroy: Bool = false
    ) throws(Failure) -> Plan {
        guard let desired = spec.graph else { throw .spec(spec.diagnostics) }
        let changes = Planner.plan(
            Planner.Input(
                desired: desired,
                observed: observed,
                state: state,
                registry: registry,
                ignore: (spec.topology.driftPolicy?.spec.ignore ?? []).map(IgnoreRule.init),
                fingerprint: try secretFingerprints(specRoot: spec.topology.root, environment: environment),
                targets: targets,
                destroy: destroy
            )
        )
        // Where traffic goes once this is applied, and what moves against the last apply.
        let routing = destroy ? [:] : RouteModel(spec.topology).summary()
        var plan = Plan(
            lineage: state.lineage,
            serial: state.serial,
            specDigest: SpecDigest.compute(spec.loaded),
            spec: spec.topology.root,
            changes: changes,
            allocations: destroy ? [] : spec.topology.allocations,
            routing: routing,
            routingChanges: state.routing.map { RouteModel.changes(from: $0, to: routing) }
        )
        plan.cost = costs.map { Self.costChange(of: changes, observed: observed, estimator: $0) }
        return plan
    }

    /// What adopting a spec would record: its plan against what exists, and what was read.
    public struct Adoption: Sendable {
        /// Every pending change is an adoption when the spec is exactly what exists.
        public var plan: Plan
        public var observed: [ResourceAddress: ObservedResource]
        var state: State
        var root: String
        var environment: [String: String]

        /// Whether every pending change is an adoption: the spec is exactly what exists.
        public var isExact: Bool { plan.pending.allSatisfy(\.adopt) }
        /// The changes that are not adoptions: where the spec and what exists differ.
        public var differences: [PlannedChange] { plan.pending.filter { !$0.adopt } }
    }

    /// Plans adopting what exists into state (`reconcile import`); records nothing.
    ///
    /// `environment` holds the secrets' values under their `fromEnv` names (the import read
    /// them; the process environment need not have them); `alreadyRead`, by provider, what the
    /// import read, so it is not read again.
    public func planAdoption(
        _ spec: ValidatedSpec,
        environment: [String: String],
        alreadyRead: [String: ImportedScope.Observe] = [:]
    ) async throws(Failure) -> Adoption {
        guard let desired = spec.graph else { throw .spec(spec.diagnostics) }
        let state = try loadState()
        let root = spec.topology.root
        let observed = try await refresh(
            desired: desired,
            state: state,
            specRoot: root,
            environment: environment,
            alreadyRead: alreadyRead
        )
        var plan = try self.plan(spec, observed: observed, state: state, environment: environment)
        // A secret a provider cannot read back (ARM lists no shared keys) shows as unknown
        // against an empty state; the importer read it, and its value is what `environment`
        // holds under its name, so such a change is adopted too.
        plan.changes = plan.changes.map { change in
            var change = change
            if change.action == .update, state[change.address] == nil,
                // Shown alike, the two differ in a secret both hold: a real difference.
                change.changes.allSatisfy({
                    $0.after != $0.before && Self.withoutUnreadSecrets($0.after, $0.before) == $0.before
                })
            {
                change.adopt = true
            }
            return change
        }
        return Adoption(plan: plan, observed: observed, state: state, root: root, environment: environment)
    }

    /// `after` without the secrets `before` does not hold (null or absent there): a shared key
    /// a provider cannot read back, at any depth (a hub link's key inside its connection).
    static func withoutUnreadSecrets(_ after: Value?, _ before: Value?) -> Value? {
        let secret = Value.string(PlanRenderer.sensitive)
        switch (after, before) {
        case (secret?, nil), (secret?, .null?): return before
        case (.map(let wanted)?, .map(let have)?):
            var result = wanted
            for entry in wanted {
                result[entry.key] = withoutUnreadSecrets(entry.value, have[entry.key])
            }
            return .map(result)
        case (.list(let wanted)?, .list(let have)?) where wanted.count == have.count:
            return .list(zip(wanted, have).map { withoutUnreadSecrets($0, $1) ?? .null })
        default: return after
        }
    }

    /// Records the adoptions in state, without calling a provider.
    ///
    /// A PUT of the same body would still start an hour of gateway updating in Azure. What
    /// differs is not recorded, so the next plan shows exactly that. Returns how many resources it recorded. Call it
    /// inside `locked`, with the adoption planned there.
    public func record(_ adoption: Adoption, specCommit: String? = nil) throws(Failure) -> Int {
        guard adoption.plan.pending.contains(where: \.adopt) else { return 0 }
        var state = adoption.state
        if state.lineage.isEmpty { state.lineage = UUID().uuidString.lowercased() }
        let executor = Executor(
            registry: registry,
            backend: backend,
            fingerprinter: try fingerprinter(),
            secrets: SecretResolver(specRoot: adoption.root, environment: adoption.environment),
            options: options,
            progress: progress
        )
        var report = executor.adopt(
            adoption.plan.pending,
            outputs: adoption.observed.mapValues(\.outputs),
            state: state
        )
        if let failure = report.failed.first { throw .state(.io("\(failure.address): \(failure.message)")) }
        report.state.serial += 1
        report.state.specCommit = specCommit ?? report.state.specCommit
        // Routing and address pins are as planned only when the whole spec is what exists.
        if adoption.isExact, let routing = adoption.plan.routing {
            report.state.routing = routing.isEmpty ? nil : routing
        }
        if adoption.isExact, let allocations = adoption.plan.allocations {
            report.state.allocations = Self.pins(allocations)
        }
        try commit(report.state)
        return report.succeeded.count
    }

    /// What the changes do to the monthly bill: the world as read, priced before and after.
    static func costChange(
        of changes: [PlannedChange],
        observed: [ResourceAddress: ObservedResource],
        estimator: CostEstimator
    ) -> CostChange {
        var before: [ResourceAddress: PricedResource] = [:]
        for (address, resource) in observed {
            before[address] = PricedResource(address: address, type: resource.type, attributes: resource.attributes)
        }
        var after = before
        for change in changes where change.action != .noop {
            if change.action == .delete {
                after[change.address] = nil
            } else if let desired = change.desired {
                after[change.address] = PricedResource(address: change.address, type: change.type, attributes: desired)
            }
        }
        let sorted = { (world: [ResourceAddress: PricedResource]) in world.values.sorted { $0.address < $1.address } }
        return CostChange(before: estimator.estimate(sorted(before)), after: estimator.estimate(sorted(after)))
    }

    /// Checks a saved plan against the state and the spec as they are now: it applies only
    /// if neither moved and a fresh plan has exactly the same changes.
    public func verify(saved: Plan, fresh: Plan) throws(Failure) {
        let state = try loadState()
        if saved.lineage != state.lineage && !(saved.lineage.isEmpty && state.lineage.isEmpty) {
            throw .stalePlan("it was made for state lineage \(saved.lineage), this state is \(state.lineage)")
        }
        if saved.serial != state.serial {
            throw .stalePlan("the state has moved from serial \(saved.serial) to \(state.serial) since it was made")
        }
        if saved.specDigest != fresh.specDigest {
            throw .stalePlan("the spec at \(saved.spec) has changed since it was made")
        }
        let canonical = { (changes: [PlannedChange]) in changes.map { JSONOutput.encode($0) } }
        let (before, now) = (canonical(saved.changes), canonical(fresh.changes))
        if before != now {
            let differing = zip(zip(before, now), saved.changes).first { $0.0.0 != $0.0.1 }.map {
                $0.1.address.description
            }
            throw .stalePlan(
                "the world has moved since it was made"
                    + (differing.map { " (first difference: \($0))" } ?? " (different set of changes)")
            )
        }
    }

    /// Runs `body` holding the state lock (refresh, plan and apply under one lock, so no other
    /// run changes the world in between); the lock is released however `body` ends, and when
    /// SIGINT, SIGTERM or SIGHUP ends the process (`HeldLock`).
    ///
    /// `tookOver` hears of a lock left by a process that died on this host, replaced.
    public func locked<T>(
        command: String,
        tookOver: (LockInfo) -> Void = { _ in },
        _ body: () async throws -> T
    ) async throws -> T {
        let held: HeldLock
        do {
            held = try HeldLock.acquire(backend, command: command)
        } catch {
            throw Failure.state(error)
        }
        defer { held.release() }
        if let previous = held.tookOver { tookOver(previous) }
        return try await body()
    }

    /// Keeps a plan's routing summary and address allocations when there is nothing else to apply.
    ///
    /// An NVA's announcements are not resources, yet they move traffic: the next plan compares
    /// with what this records. Allocations that match the world become pins. Call it inside `locked`.
    public func recordRouting(_ plan: Plan) throws(Failure) {
        var state = try loadState()
        guard !state.lineage.isEmpty else { return }
        let pins = plan.allocations.map(Self.pins)
        let routing = plan.routing ?? state.routing
        guard state.routing != routing || (pins != nil && state.allocations != pins) else { return }
        state.routing = routing
        if let pins { state.allocations = pins }
        try commit(state)
    }

    /// The state's form of a plan's allocations; nil when there are none.
    static func pins(_ allocations: [AddressAllocation]) -> [String: String]? {
        allocations.isEmpty ? nil : AddressAllocation.pins(allocations)
    }

    func commit(_ state: State) throws(Failure) {
        do {
            try backend.commit(state)
        } catch {
            throw .state(from: error)
        }
    }

    /// Applies a plan and commits the new state (serial + 1), even when some resources failed, so nothing that was done is forgotten.
    ///
    /// Call it inside `locked`.
    public func apply(_ plan: Plan, specRoot: String, specCommit: String?) async throws(Failure) -> ApplyReport {
        var state = try loadState()
        if state.lineage.isEmpty {
            state.lineage = UUID().uuidString.lowercased()
            // The first apply: write the empty state so the journal has a snapshot to follow.
            try commit(state)
        }
        let executor = Executor(
            registry: registry,
            backend: backend,
            fingerprinter: try fingerprinter(),
            secrets: SecretResolver(specRoot: specRoot),
            options: options,
            progress: progress
        )
        var report = await executor.apply(plan.changes, state: state)
        state = report.state
        if !report.succeeded.isEmpty {
            state.serial += 1
            state.specCommit = specCommit ?? state.specCommit
        }
        // Routing is as planned only when everything was applied.
        // (After a destroy there is nothing to route: the next apply starts a new baseline.)
        if report.failed.isEmpty && report.skipped.isEmpty, let routing = plan.routing {
            state.routing = routing.isEmpty ? nil : routing
        }
        // Allocations become pins only once what uses them is all in place.
        if report.failed.isEmpty && report.skipped.isEmpty, let allocations = plan.allocations {
            state.allocations = Self.pins(allocations)
        }
        report.state = state
        try commit(state)
        return report
    }
}
