internal import Foundation
public import Spec

/// Something that happened during an apply, for progress output.
public enum ProgressEvent: Sendable, Equatable {
    case started(ResourceAddress, Action)
    case finished(ResourceAddress, Action, elapsed: Duration)
    case stillRunning(ResourceAddress, elapsed: Duration)
    case retrying(ResourceAddress, attempt: Int, after: Duration, reason: String)
    case failed(ResourceAddress, String)
    case skipped(ResourceAddress, because: ResourceAddress)
}

/// How an apply runs.
///
/// The clock is injected (`sleep`) so tests need not wait.
public struct ApplyOptions: Sendable {
    /// At most this many units of work at once.
    public var parallelism: Int
    /// Tries of a unit that fails with a retryable error, the first included.
    ///
    /// Only what no lower layer retried comes here: a provider that retries a failure itself
    /// (the ARM client's 8 sends) throws it with `retryable: false` once it gives up, so the
    /// budgets never multiply (docs/providers.md, "Retries").
    public var maxAttempts: Int
    public var baseBackoff: Duration
    public var maxBackoff: Duration
    /// How often a long operation says it is still running.
    public var heartbeat: Duration
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A factor in 0.5...1 applied to each backoff (jitter), injectable for tests.
    public var jitter: @Sendable () -> Double

    public init(
        parallelism: Int = 10,
        maxAttempts: Int = 5,
        baseBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(60),
        heartbeat: Duration = .seconds(10),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1.0) }
    ) {
        self.parallelism = max(1, parallelism)
        self.maxAttempts = max(1, maxAttempts)
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
        self.heartbeat = heartbeat
        self.sleep = sleep
        self.jitter = jitter
    }
}

/// What an apply did.
///
/// The state is returned even when the apply failed part-way.
public struct ApplyReport: Sendable {
    public struct Failure: Sendable, Equatable {
        public var address: ResourceAddress
        public var message: String

        public init(address: ResourceAddress, message: String) {
            self.address = address
            self.message = message
        }
    }

    public struct Skip: Sendable, Equatable {
        public var address: ResourceAddress
        /// The failed resource that caused it (the root cause, not an intermediate skip).
        public var cause: ResourceAddress

        public init(address: ResourceAddress, cause: ResourceAddress) {
            self.address = address
            self.cause = cause
        }
    }

    public var succeeded: [ResourceAddress] = []
    public var failed: [Failure] = []
    public var skipped: [Skip] = []
    public var state: State

    public var ok: Bool { failed.isEmpty && skipped.isEmpty }
}

/// Applies planned changes in dependency order, in parallel where independent.
///
/// Creates and updates go in dependency order; deletes after them, in reverse order. A unit
/// whose provider fails is reported once; everything that depends on it is skipped and
/// independent branches finish. Each finished resource is recorded in the state backend
/// before the next decision, so a crash loses at most what was in flight.
public struct Executor: Sendable {
    public var registry: ProviderRegistry
    public var backend: any StateBackend
    public var fingerprinter: Fingerprinter
    public var secrets: SecretResolver
    public var options: ApplyOptions
    public var progress: @Sendable (ProgressEvent) -> Void

    public init(
        registry: ProviderRegistry,
        backend: any StateBackend,
        fingerprinter: Fingerprinter,
        secrets: SecretResolver,
        options: ApplyOptions = ApplyOptions(),
        progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }
    ) {
        self.registry = registry
        self.backend = backend
        self.fingerprinter = fingerprinter
        self.secrets = secrets
        self.options = options
        self.progress = progress
    }

    /// One unit of work: changes a provider applies together.
    struct Unit: Sendable {
        var id: Int
        var provider: String
        var changes: [PlannedChange]
        var keys: Set<String>
        var isDeletion: Bool { changes.allSatisfy { $0.action == .delete } }
        var lead: ResourceAddress { changes[0].address }
    }

    struct Finished: Sendable {
        var unit: Int
        var result: Result<[ResourceAddress: Attributes], ProviderError>
        var resolved: [ResolvedChange]
        var elapsed: Duration
    }

    public func apply(_ changes: [PlannedChange], state initial: State) async -> ApplyReport {
        var report = ApplyReport(state: initial)
        let pending = changes.filter { $0.action != .noop }.sorted { $0.address < $1.address }
        guard !pending.isEmpty else { return report }
        let units = makeUnits(pending)
        var (waitingOn, dependants) = unitGraph(units, state: initial)

        var outputs: [ResourceAddress: Attributes] = [:]
        for resource in initial.resources.values { outputs[resource.address] = resource.outputs }
        var ready = units.filter { waitingOn[$0.id]?.isEmpty ?? true }.map(\.id)
        var done = Set<Int>()
        var running: [String: Int] = [:]
        var heldKeys = Set<String>()
        var active = 0

        await withTaskGroup(of: Finished.self) { group in
            func launch() {
                var index = 0
                while active < options.parallelism, index < ready.count {
                    let unit = units[ready[index]]
                    let cap = registry[unit.provider]?.maxConcurrency ?? 1
                    guard running[unit.provider, default: 0] < cap, heldKeys.isDisjoint(with: unit.keys) else {
                        index += 1
                        continue
                    }
                    ready.remove(at: index)
                    running[unit.provider, default: 0] += 1
                    heldKeys.formUnion(unit.keys)
                    active += 1
                    let resolved = resolve(unit, outputs: outputs, state: report.state)
                    for change in unit.changes { progress(.started(change.address, change.action)) }
                    group.addTask { await run(unit, resolved) }
                }
            }
            launch()
            while let finished = await group.next() {
                let unit = units[finished.unit]
                active -= 1
                running[unit.provider, default: 1] -= 1
                heldKeys.subtract(unit.keys)
                done.insert(unit.id)
                switch finished.result {
                case .success(let produced):
                    for resolved in finished.resolved {
                        if let error = record(resolved, outputs: produced[resolved.address], into: &report.state) {
                            report.failed.append(.init(address: resolved.address, message: error))
                            progress(.failed(resolved.address, error))
                            continue
                        }
                        outputs[resolved.address] = produced[resolved.address] ?? [:]
                        report.succeeded.append(resolved.address)
                        progress(.finished(resolved.address, resolved.action, elapsed: finished.elapsed))
                    }
                    for next in dependants[unit.id] ?? [] {
                        waitingOn[next]?.remove(unit.id)
                        if waitingOn[next]?.isEmpty ?? false, !done.contains(next) { ready.append(next) }
                    }
                    ready.sort { units[$0].lead < units[$1].lead }
                case .failure(let error):
                    // A unit fails as a whole: its lead carries the cause, the rest point at it,
                    // so a router's twelve sections print one error, not twelve.
                    for change in unit.changes {
                        let message =
                            change.address == unit.lead
                            ? error.message : "not applied: it was in one push with \(unit.lead), which failed"
                        report.failed.append(.init(address: change.address, message: message))
                        progress(.failed(change.address, message))
                    }
                    for skippedUnit in transitiveDependants(of: unit.id, dependants) where !done.contains(skippedUnit) {
                        done.insert(skippedUnit)
                        ready.removeAll { $0 == skippedUnit }
                        for change in units[skippedUnit].changes {
                            report.skipped.append(.init(address: change.address, cause: unit.lead))
                            progress(.skipped(change.address, because: unit.lead))
                        }
                    }
                }
                launch()
            }
        }
        report.succeeded.sort()
        report.failed.sort { $0.address < $1.address }
        report.skipped.sort { $0.address < $1.address }
        return report
    }

    /// Units of work per provider (a provider may group changes), with their keys.
    func makeUnits(_ pending: [PlannedChange]) -> [Unit] {
        var units: [Unit] = []
        let byProvider = Dictionary(grouping: pending, by: \.address.provider)
        for name in byProvider.keys.sorted() {
            let changes = byProvider[name] ?? []
            let groups = registry[name]?.units(changes) ?? changes.map { [$0] }
            for group in groups where !group.isEmpty {
                let keys = Set(group.compactMap { registry[name]?.serializationKey($0) })
                units.append(Unit(id: units.count, provider: name, changes: group, keys: keys))
            }
        }
        return units
    }

    /// Which units wait on which.
    ///
    /// Creates and updates wait on the units of their dependencies; deletes wait on every create/update (make
    /// before break) and on the deletes of whatever depended on them (reverse order).
    func unitGraph(_ units: [Unit], state: State) -> (waitingOn: [Int: Set<Int>], dependants: [Int: [Int]]) {
        var unitOf: [ResourceAddress: Int] = [:]
        for unit in units { for change in unit.changes { unitOf[change.address] = unit.id } }
        var waitingOn: [Int: Set<Int>] = [:]
        let builders = units.filter { !$0.isDeletion }.map(\.id)
        for unit in units {
            var needs = Set<Int>()
            if unit.isDeletion {
                needs.formUnion(builders)
            } else {
                for change in unit.changes {
                    for dependency in change.dependencies {
                        if let other = unitOf[dependency], other != unit.id, !units[other].isDeletion {
                            needs.insert(other)
                        }
                    }
                }
            }
            waitingOn[unit.id] = needs
        }
        // Reverse order for deletes: X is deleted after every deleted Y that depended on X.
        for unit in units where unit.isDeletion {
            for change in unit.changes {
                for dependency in state[change.address]?.dependencies ?? [] {
                    if let other = unitOf[dependency], other != unit.id, units[other].isDeletion {
                        waitingOn[other, default: []].insert(unit.id)
                    }
                }
            }
        }
        var dependants: [Int: [Int]] = [:]
        for (unit, needs) in waitingOn { for need in needs { dependants[need, default: []].append(unit) } }
        for key in dependants.keys { dependants[key]?.sort() }
        return (waitingOn, dependants)
    }

    func transitiveDependants(of unit: Int, _ dependants: [Int: [Int]]) -> [Int] {
        var seen = Set<Int>()
        var stack = dependants[unit] ?? []
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack.append(contentsOf: dependants[next] ?? [])
        }
        return seen.sorted()
    }

    /// The unit's changes with references replaced by outputs and secrets by their values.
    ///
    /// A value that cannot be had fails the unit when it runs (see `run`).
    func resolve(
        _ unit: Unit,
        outputs: [ResourceAddress: Attributes],
        state: State
    ) -> Result<[ResolvedChange], ProviderError> {
        var resolved: [ResolvedChange] = []
        for change in unit.changes {
            do {
                resolved.append(try resolve(change, outputs: outputs, state: state))
            } catch {
                return .failure(error)
            }
        }
        return .success(resolved)
    }

    /// One change with its references replaced by outputs and its secrets by their values.
    func resolve(
        _ change: PlannedChange,
        outputs: [ResourceAddress: Attributes],
        state: State
    ) throws(ProviderError) -> ResolvedChange {
        var applied: Attributes = [:]
        var recorded: Attributes = [:]
        for entry in change.desired ?? [:] {
            let (value, record) = try resolveValue(entry.value, outputs: outputs, for: change.address)
            applied[entry.key] = value
            recorded[entry.key] = record
        }
        var item = ResolvedChange(
            address: change.address,
            type: change.type,
            action: change.action,
            attributes: applied,
            prior: state[change.address]
        )
        item.recorded = recorded
        item.dependencies = change.dependencies
        return item
    }

    /// Records resources that exist and match the spec, as an apply would, without calling a
    /// provider: `reconcile import` adopts what it read, and a PUT of the same body would still
    /// start an hour of gateway updating in Azure.
    ///
    /// `outputs` are what the providers read of each resource. Nothing is journaled: the caller
    /// commits the state once (a thousand fsyncs cost more than the reads), and a run killed
    /// before that has recorded nothing, so the next one adopts the same.
    public func adopt(
        _ changes: [PlannedChange],
        outputs: [ResourceAddress: Attributes],
        state initial: State
    ) -> ApplyReport {
        var report = ApplyReport(state: initial)
        for change in changes.sorted(by: { $0.address < $1.address }) where change.adopt {
            do {
                let resolved = try resolve(change, outputs: outputs, state: report.state)
                report.state[change.address] = StateResource(
                    address: change.address,
                    type: change.type,
                    attributes: resolved.recorded,
                    outputs: outputs[change.address] ?? [:],
                    dependencies: resolved.dependencies
                )
                report.succeeded.append(change.address)
            } catch {
                report.failed.append(.init(address: change.address, message: error.message))
            }
        }
        return report
    }

    /// A value to apply, and the same value as state records it (secrets as fingerprints).
    private func resolveValue(
        _ value: Value,
        outputs: [ResourceAddress: Attributes],
        for address: ResourceAddress
    ) throws(ProviderError) -> (Value, Value) {
        switch value {
        case .reference(let ref):
            guard let known = outputs[ref.address]?[ref.output] else {
                throw ProviderError("\(ref.address) has no output '\(ref.output)'")
            }
            return (known, known)
        case .secret(let source):
            do {
                let secret = try secrets.resolve(SecretRef(source: source, location: .whole(address.description)))
                return (.string(secret), .fingerprint(fingerprinter.fingerprint(secret)))
            } catch {
                throw ProviderError(error.reason)
            }
        case .list(let items):
            var applied: [Value] = []
            var recorded: [Value] = []
            for item in items {
                let (a, r) = try resolveValue(item, outputs: outputs, for: address)
                applied.append(a)
                recorded.append(r)
            }
            return (.list(applied), .list(recorded))
        case .map(let entries):
            var applied: Attributes = [:]
            var recorded: Attributes = [:]
            for entry in entries {
                let (a, r) = try resolveValue(entry.value, outputs: outputs, for: address)
                applied[entry.key] = a
                recorded[entry.key] = r
            }
            return (.map(applied), .map(recorded))
        default:
            return (value, value)
        }
    }

    /// Runs one unit with retries; reports "still running" while it takes long.
    func run(_ unit: Unit, _ resolution: Result<[ResolvedChange], ProviderError>) async -> Finished {
        let clock = ContinuousClock()
        let start = clock.now
        guard case .success(let resolved) = resolution, let provider = registry[unit.provider] else {
            let error: ProviderError
            if case .failure(let e) = resolution {
                error = e
            } else {
                error = ProviderError("no provider '\(unit.provider)' is registered")
            }
            return Finished(unit: unit.id, result: .failure(error), resolved: [], elapsed: clock.now - start)
        }
        let options = self.options
        let progress = self.progress
        let heartbeat = Task {
            while true {
                try await options.sleep(options.heartbeat)
                for change in unit.changes { progress(.stillRunning(change.address, elapsed: clock.now - start)) }
            }
        }
        defer { heartbeat.cancel() }
        var attempt = 1
        while true {
            do {
                let produced = try await provider.apply(resolved)
                return Finished(
                    unit: unit.id,
                    result: .success(produced),
                    resolved: resolved,
                    elapsed: clock.now - start
                )
            } catch let error as ProviderError where error.retryable && attempt < options.maxAttempts {
                let delay = backoff(attempt: attempt, hint: error.retryAfter)
                progress(.retrying(unit.lead, attempt: attempt, after: delay, reason: error.message))
                try? await options.sleep(delay)
                attempt += 1
            } catch let error as ProviderError {
                return Finished(unit: unit.id, result: .failure(error), resolved: resolved, elapsed: clock.now - start)
            } catch {
                return Finished(
                    unit: unit.id,
                    result: .failure(ProviderError(String(describing: error))),
                    resolved: resolved,
                    elapsed: clock.now - start
                )
            }
        }
    }

    /// Exponential backoff with jitter, never shorter than the server's Retry-After.
    public func backoff(attempt: Int, hint: Duration?) -> Duration {
        let exponential = options.baseBackoff * (1 << min(attempt - 1, 20))
        let capped = min(exponential, options.maxBackoff)
        let jittered = capped * options.jitter()
        return max(jittered, hint ?? .zero)
    }

    /// Records a finished change in state (secrets as fingerprints) and in the backend.
    ///
    /// Returns an error message when the backend could not record it.
    func record(_ change: ResolvedChange, outputs: Attributes?, into state: inout State) -> String? {
        let entry =
            change.action == .delete
            ? nil
            : StateResource(
                address: change.address,
                type: change.type,
                attributes: change.recorded,
                outputs: outputs ?? [:],
                dependencies: change.dependencies
            )
        do {
            try backend.record(change.address, entry)
        } catch {
            return "applied, but the state could not record it: \(error)"
        }
        state[change.address] = entry
        return nil
    }
}
