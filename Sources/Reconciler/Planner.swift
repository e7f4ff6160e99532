public import Spec

/// Compares what the spec wants (the desired graph), what exists (observed) and what the
/// last apply left (state), and decides each resource's action.
///
/// Pure and synchronous: the providers have been read before it runs. Same inputs, same
/// plan, byte for byte.
public struct Planner {
    public struct Input: Sendable {
        public var desired: DesiredGraph
        public var observed: [ResourceAddress: ObservedResource]
        public var state: State
        public var registry: ProviderRegistry
        public var ignore: [IgnoreRule]
        /// The fingerprint of a secret's current value; nil when it cannot be read now.
        public var fingerprint: @Sendable (SecretSource) -> String?
        /// `--target`: only these resources and what they depend on.
        public var targets: Set<ResourceAddress>
        /// Plan to delete everything in state.
        public var destroy: Bool

        public init(
            desired: DesiredGraph,
            observed: [ResourceAddress: ObservedResource],
            state: State,
            registry: ProviderRegistry,
            ignore: [IgnoreRule] = [],
            fingerprint: @escaping @Sendable (SecretSource) -> String? = { _ in nil },
            targets: Set<ResourceAddress> = [],
            destroy: Bool = false
        ) {
            self.desired = desired
            self.observed = observed
            self.state = state
            self.registry = registry
            self.ignore = ignore
            self.fingerprint = fingerprint
            self.targets = targets
            self.destroy = destroy
        }
    }

    let input: Input
    /// The action decided for each resource so far (dependencies come first).
    var actions: [ResourceAddress: Action] = [:]

    public static func plan(_ input: Input) -> [PlannedChange] {
        var planner = Planner(input: input)
        return planner.run()
    }

    init(input: Input) {
        self.input = input
    }

    mutating func run() -> [PlannedChange] {
        var changes: [PlannedChange] = []
        if !input.destroy {
            let order = (try? input.desired.topologicalOrder().get()) ?? input.desired.resources.map(\.address)
            for address in order {
                guard let resource = input.desired[address] else { continue }
                let change = plan(resource)
                // An adoption changes nothing: what depends on it sees its outputs as read.
                actions[address] = change.adopt ? .noop : change.action
                changes.append(change)
            }
        }
        for prior in input.state.sorted where input.destroy || input.desired[prior.address] == nil {
            changes.append(
                PlannedChange(
                    address: prior.address,
                    type: prior.type,
                    action: .delete,
                    changes: prior.attributes.map {
                        AttributeChange(path: $0.key, before: display($0.value), after: nil)
                    },
                    desired: nil,
                    dependencies: prior.dependencies
                )
            )
        }
        changes = restrictToTargets(changes)
        return changes.map(withPreview).sorted { $0.address < $1.address }
    }

    private func withPreview(_ change: PlannedChange) -> PlannedChange {
        guard change.action != .noop, let provider = input.registry[change.address.provider] else { return change }
        // The provider previews with every value known now (an unchanged gateway's address).
        var known = change
        known.desired = change.desired.map(resolveKnown)
        var change = change
        change.preview = provider.preview(known, observed: input.observed)
        return change
    }

    /// With `--target`, the targets and everything they depend on; other changes wait.
    private func restrictToTargets(_ changes: [PlannedChange]) -> [PlannedChange] {
        guard !input.targets.isEmpty else { return changes }
        let byAddress = Dictionary(changes.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        var keep = Set<ResourceAddress>()
        var stack = Array(input.targets)
        while let next = stack.popLast() {
            guard keep.insert(next).inserted, let change = byAddress[next] else { continue }
            stack.append(contentsOf: change.dependencies)
        }
        return changes.filter { keep.contains($0.address) }
    }

    private mutating func plan(_ resource: Resource) -> PlannedChange {
        let schema = input.registry.schema(for: resource.address, type: resource.type)
        let desired = resolveKnown(resource.attributes)
        let base = PlannedChange(
            address: resource.address,
            type: resource.type,
            action: .noop,
            desired: resource.attributes,
            dependencies: resource.dependencies
        )
        guard let observed = input.observed[resource.address] else {
            var change = base
            change.action = .create
            change.changes = desired.filter { $0.value != .null }.map {
                AttributeChange(
                    path: $0.key,
                    before: nil,
                    after: display($0.value),
                    sensitive: isSensitive($0.key, schema)
                )
            }
            return change
        }
        let prior = input.state[resource.address]
        var diffs: [AttributeChange] = []
        var names = Set(desired.keys)
        names.formUnion(observed.attributes.keys)
        for name in names.sorted() {
            if let attribute = schema?.attribute(name), attribute.role == .computed { continue }
            // Left out, or null ("not set"): the provider's default is what it will have.
            let given = desired[name]
            let wanted = given == .null ? schema?.defaults[name] ?? given : given ?? schema?.defaults[name]
            guard let wanted else { continue }  // not managed by the spec: the provider's own
            var have = observed.attributes[name] ?? schema?.defaults[name]
            if have == nil, case .secret = wanted { have = .null }  // not readable back: compare with the last applied
            diff(
                path: name,
                wanted: wanted,
                have: have,
                prior: prior?.attributes[name],
                schema: schema,
                into: &diffs
            )
        }
        diffs.removeAll { change in
            input.ignore.contains {
                $0.ignores(resource.address, attributePath: change.path, type: resource.type, labels: resource.labels)
            }
        }
        var change = base
        change.changes = diffs
        if input.ignore.contains(where: {
            $0.ignoresWhole(resource.address, type: resource.type, labels: resource.labels)
        }) {
            change.action = .noop
            change.changes = []
        } else if diffs.isEmpty {
            // It exists and matches, but state does not know it: an apply was interrupted
            // after the provider acted and before the state recorded it. Adopt it (the
            // provider's write is idempotent), so it is managed from now on.
            change.action = prior == nil ? .update : .noop
            change.adopt = prior == nil
        } else if diffs.contains(where: \.forcesReplacement) {
            change.action = .replace
            change.replaceReasons = diffs.filter(\.forcesReplacement).map(\.path)
        } else {
            change.action = .update
        }
        return change
    }

    /// Compares one attribute; maps are compared key by key so paths are precise
    /// (`tags.costCenter`), lists as a whole.
    private func diff(
        path: String,
        wanted: Value,
        have: Value?,
        prior: Value?,
        schema: ResourceTypeSchema?,
        into diffs: inout [AttributeChange]
    ) {
        let topName = String(path.prefix { $0 != "." })
        let attribute = schema?.attribute(topName)
        let forces = attribute?.forcesReplacement ?? false
        if case .map(let w) = wanted, case .map(let h)? = have {
            var keys = Set(w.keys)
            keys.formUnion(h.keys)
            for key in keys.sorted() {
                guard let value = w[key] else {
                    diffs.append(
                        AttributeChange(
                            path: "\(path).\(key)",
                            before: display(h[key]),
                            after: nil,
                            forcesReplacement: forces
                        )
                    )
                    continue
                }
                diff(path: "\(path).\(key)", wanted: value, have: h[key], prior: nil, schema: schema, into: &diffs)
            }
            return
        }
        let sensitive = (attribute?.sensitive ?? false) || !wanted.sensitivePaths().isEmpty
        if let key = attribute?.keyedBy, path == topName, case .list(let items)? = have {
            // Keyed list: compare the items the spec names, by key; others are not ours.
            let named = Set(keyedItems(wanted, key).keys)
            let ours = items.filter { item in keyedItems(.list([item]), key).keys.contains { named.contains($0) } }
            if equalKeyed(wanted, .list(ours), key: key, prior: prior) { return }
            diffs.append(
                AttributeChange(
                    path: path,
                    before: display(.list(ours)),
                    after: display(wanted),
                    forcesReplacement: forces,
                    sensitive: sensitive
                )
            )
            return
        }
        if attribute?.unordered == true, path == topName, case .list(let items) = wanted,
            case .list(let observed)? = have, items.count == observed.count
        {
            // Each wanted item against a distinct observed one, in any order.
            var left = observed
            let matched = items.allSatisfy { item in
                guard let i = left.firstIndex(where: { equal(item, $0, prior: nil) }) else { return false }
                left.remove(at: i)
                return true
            }
            if matched { return }
        }
        if equal(wanted, have, prior: prior) { return }
        diffs.append(
            AttributeChange(
                path: path,
                before: have.map(display),
                after: display(wanted),
                forcesReplacement: forces,
                sensitive: sensitive
            )
        )
    }

    /// Equality with secrets compared by fingerprint.
    ///
    /// A secret the provider cannot read back (no observed fingerprint) is compared with the last applied
    /// fingerprint.
    private func equal(_ wanted: Value, _ have: Value?, prior: Value?) -> Bool {
        if wanted == .null { return have == nil || have == .null }  // null means "not set"
        guard let have else { return false }
        switch (wanted, have) {
        case (.reference, _):
            return false  // known only after apply: it will be set
        case (.secret(let source), .fingerprint(let observed)):
            return input.fingerprint(source) == observed
        case (.secret(let source), .null):
            guard case .fingerprint(let last)? = prior else { return false }
            return input.fingerprint(source) == last
        case (.list(let a), .list(let b)):
            let priorItems: [Value]
            if case .list(let p)? = prior { priorItems = p } else { priorItems = [] }
            return a.count == b.count
                && a.indices.allSatisfy { equal(a[$0], b[$0], prior: $0 < priorItems.count ? priorItems[$0] : nil) }
        case (.map(let a), .map(let b)):
            // Every key the spec sets must match; keys only the provider reports are its own
            // (defaults, read-only fields). A nested secret it cannot read back is unknown.
            let priorMap: Attributes
            if case .map(let p)? = prior { priorMap = p } else { priorMap = [:] }
            return a.allSatisfy { entry in
                var observed = b[entry.key]
                if observed == nil, case .secret = entry.value { observed = .null }
                return equal(entry.value, observed, prior: priorMap[entry.key])
            }
        default:
            return wanted == have
        }
    }

    private func keyedItems(_ value: Value, _ key: String) -> [String: Value] {
        guard case .list(let items) = value else { return [:] }
        var result: [String: Value] = [:]
        for item in items {
            if case .map(let m) = item, case .string(let name)? = m[key] { result[name] = item }
        }
        return result
    }

    private func equalKeyed(_ wanted: Value, _ have: Value, key: String, prior: Value?) -> Bool {
        let w = keyedItems(wanted, key)
        let h = keyedItems(have, key)
        let p = prior.map { keyedItems($0, key) } ?? [:]
        return w.count == h.count && w.allSatisfy { name, item in equal(item, h[name], prior: p[name]) }
    }

    /// Replaces references whose output is known now: the target is unchanged, or updated
    /// in place and the output is one an update keeps (`id`).
    private func resolveKnown(_ attributes: Attributes) -> Attributes {
        var result = attributes
        for entry in attributes { result[entry.key] = resolveKnown(entry.value) }
        return result
    }

    private func resolveKnown(_ value: Value) -> Value {
        switch value {
        case .reference(let ref):
            switch actions[ref.address] {
            case .noop?: break
            case .update?:
                let type = input.desired[ref.address]?.type ?? ""
                let kept = input.registry.schema(for: ref.address, type: type)?.keptOnUpdate ?? ["id"]
                guard kept.contains(ref.output) else { return value }
            default: return value
            }
            let outputs = input.observed[ref.address]?.outputs ?? input.state[ref.address]?.outputs
            return outputs?[ref.output] ?? value
        case .list(let items): return .list(items.map(resolveKnown))
        case .map(let entries): return .map(resolveKnown(entries))
        default: return value
        }
    }

    private func isSensitive(_ name: String, _ schema: ResourceTypeSchema?) -> Bool {
        schema?.attribute(name)?.sensitive ?? false
    }

    private func display(_ value: Value) -> Value { PlanRenderer.masked(value) }

    private func display(_ value: Value?) -> Value? { value.map(display) }
}
