public import Reconciler
public import Spec

/// Classifies what a read found against the spec and the last apply: `reconcile drift`.
///
/// Pure and synchronous: the providers have been read before it runs (through the
/// `Reconciler` protocols only), so the same inputs give the same report, byte for byte.
public enum Drift {
    public struct Input: Sendable {
        public var spec: String
        public var desired: DesiredGraph
        public var observed: [ResourceAddress: ObservedResource]
        public var state: State
        public var registry: ProviderRegistry
        /// The DriftPolicy's rules: the same the plan uses.
        public var ignore: [IgnoreRule]
        public var acknowledgements: [DriftPolicy.Acknowledgement]
        /// The fingerprint of a secret's current value; nil when it cannot be read now.
        public var fingerprint: @Sendable (SecretSource) -> String?
        /// What the providers hold that no spec owns; nil when the policy does not ask.
        public var unmanaged: [UnmanagedObject]?
        /// Each connection's verdict (`reconcile verify`'s checks); empty when not checked.
        public var connections: [ConnectionState]
        /// Now, in seconds since 1970 (acknowledgements expire at the end of their day, UTC).
        public var now: Int
        /// `now` as ISO 8601, for the report.
        public var timestamp: String

        public init(
            spec: String,
            desired: DesiredGraph,
            observed: [ResourceAddress: ObservedResource],
            state: State,
            registry: ProviderRegistry,
            ignore: [IgnoreRule] = [],
            acknowledgements: [DriftPolicy.Acknowledgement] = [],
            fingerprint: @escaping @Sendable (SecretSource) -> String? = { _ in nil },
            unmanaged: [UnmanagedObject]? = nil,
            connections: [ConnectionState] = [],
            now: Int,
            timestamp: String
        ) {
            self.spec = spec
            self.desired = desired
            self.observed = observed
            self.state = state
            self.registry = registry
            self.ignore = ignore
            self.acknowledgements = acknowledgements
            self.fingerprint = fingerprint
            self.unmanaged = unmanaged
            self.connections = connections
            self.now = now
            self.timestamp = timestamp
        }
    }

    public static func detect(_ input: Input) -> DriftReport {
        var ignored = 0
        var findings: [Finding] = []
        let changes = Planner.plan(
            Planner.Input(
                desired: input.desired,
                observed: input.observed,
                state: input.state,
                registry: input.registry,
                fingerprint: input.fingerprint
            )
        )
        for change in changes where change.action != .noop {
            let resource = input.desired[change.address]
            let labels = resource?.labels ?? [:]
            if input.ignore.contains(where: { $0.ignoresWhole(change.address, type: change.type, labels: labels) }) {
                ignored += 1
                continue
            }
            let ignores = { (path: String) in
                input.ignore.contains {
                    $0.ignores(change.address, attributePath: path, type: change.type, labels: labels)
                        || $0.ignores(
                            device(change.address, input),
                            attributePath: path,
                            type: change.type,
                            labels: labels
                        )
                }
            }
            var finding = Finding(
                id: change.address.description,
                kind: change.type,
                class: .pending,
                object: resource?.object,
                source: resource.map { relative($0.source, to: input.spec) },
                summary: ""
            )
            let prior = input.state[change.address]
            switch change.action {
            case .create:
                finding.class = prior == nil ? .pending : .missing
                finding.summary =
                    prior == nil
                    ? "in the spec, not created yet: apply creates it"
                    : "the last apply made it; it no longer exists"
            case .delete:
                guard input.observed[change.address] != nil else { continue }  // gone either way
                finding.object = nil
                finding.summary = "no longer in the spec: apply deletes it"
            default:
                if change.adopt {
                    finding.summary = "exists and matches, but the state does not record it yet"
                    break
                }
                let kept = change.changes.filter { !ignores($0.path) }
                ignored += change.changes.count - kept.count
                let schema = input.registry.schema(for: change.address, type: change.type)
                finding.changes = kept.map { item in
                    // Left out when applied: the provider's default is what the apply left.
                    let fallback = schema?.defaults[String(item.path.prefix { $0 != "." })]
                    return DriftChange(
                        path: item.path,
                        lastApplied: prior.flatMap { lookup($0.attributes, item.path) ?? fallback }.map(
                            PlanRenderer.masked
                        ),
                        observed: item.before,
                        desired: item.after,
                        sensitive: item.sensitive
                    )
                }
                let outOfBand = kept.filter { item in
                    guard let prior else { return false }
                    let observed = input.observed[change.address].flatMap { lookup($0.attributes, item.path) }
                    let fallback = schema?.defaults[String(item.path.prefix { $0 != "." })]
                    let last = lookup(prior.attributes, item.path) ?? fallback
                    return !same(observed ?? fallback, last, keyedBy: schema?.attribute(item.path)?.keyedBy)
                }
                if let provider = input.registry[change.address.provider] {
                    var known = change
                    known.desired = change.desired.map { resolved($0, input) }
                    let lines = provider.configLines(known, observed: input.observed)
                    finding.lines = lines.filter { line in
                        let text = line.drop { $0 == "-" || $0 == "+" || $0 == " " }
                        return line.hasPrefix("  ") || !ignores(String(text))
                    }
                    ignored += lines.count - finding.lines.count
                    if !lines.isEmpty && !finding.lines.contains(where: { !$0.hasPrefix("  ") }) {
                        finding.lines = []
                        if finding.changes.allSatisfy({ !$0.sensitive }) { finding.changes = [] }
                    }
                }
                guard !finding.changes.isEmpty || !finding.lines.isEmpty else { continue }
                if !outOfBand.isEmpty {
                    finding.class = .changed
                    finding.summary = "changed out of band: " + outOfBand.map(\.path).joined(separator: ", ")
                } else {
                    finding.summary = "the spec changed: " + kept.map(\.path).joined(separator: ", ")
                }
            }
            findings.append(finding)
        }
        let (unmanaged, dropped) = unmanagedFindings(input)
        findings += unmanaged
        ignored += dropped
        findings += operationalFindings(input, config: findings)
        findings = findings.map { acknowledge($0, input) }
        var checked = input.desired.resources.map { CheckedResource(id: $0.address.description, kind: $0.type) }
        checked += input.state.sorted.filter { input.desired[$0.address] == nil }.map {
            CheckedResource(id: $0.address.description, kind: $0.type)
        }
        checked += input.connections.map { CheckedResource(id: "connection:\($0.name)", kind: "connection") }
        checked += unmanaged.map { CheckedResource(id: $0.id, kind: $0.kind) }
        return DriftReport(
            spec: input.spec,
            generatedAt: input.timestamp,
            epochSeconds: input.now,
            findings: findings,
            checked: checked,
            connections: input.connections,
            ignored: ignored
        )
    }

    /// Unmanaged Azure objects one by one; a router's unmanaged lines as one finding per router.
    static func unmanagedFindings(_ input: Input) -> ([Finding], Int) {
        guard let objects = input.unmanaged else { return ([], 0) }
        var dropped = 0
        var findings: [Finding] = []
        struct LineGroup: Hashable, Comparable {
            var device: ResourceAddress
            var kind: String
            static func < (a: Self, b: Self) -> Bool { (a.device, a.kind) < (b.device, b.kind) }
        }
        var lines: [LineGroup: [String]] = [:]
        for object in objects {
            if let line = object.line {
                if input.ignore.contains(where: { $0.ignores(line.device, attributePath: line.text) }) {
                    dropped += 1
                    continue
                }
                lines[LineGroup(device: line.device, kind: line.findingKind), default: []].append("- " + line.text)
                continue
            }
            let path = object.kind.split(separator: "/").last.map(String.init) ?? object.kind
            let id = ResourceAddress(provider: object.provider, path: "\(path)/\(object.name)")
            if input.ignore.contains(where: { $0.ignoresWhole(id, type: object.kind) }) {
                dropped += 1
                continue
            }
            findings.append(
                Finding(
                    id: id.description,
                    kind: object.kind,
                    class: .unmanaged,
                    summary: "\(object.kind) '\(object.name)' is in the resource group; no spec owns it"
                )
            )
        }
        for (group, found) in lines.sorted(by: { $0.key < $1.key }) {
            findings.append(
                Finding(
                    id: group.device.description,
                    kind: group.kind,
                    class: .unmanaged,
                    summary: "\(found.count) line(s) on \(group.device.path) that no spec owns",
                    lines: found
                )
            )
        }
        return (findings, dropped)
    }

    /// A connection that is down while nothing of its own, nor of its router, drifted.
    ///
    /// The config matches, so the cause is operational. When config drifted, that finding is the news.
    static func operationalFindings(_ input: Input, config: [Finding]) -> [Finding] {
        input.connections.filter { !$0.up }.compactMap { connection in
            let related = config.contains { finding in
                guard finding.class == .changed || finding.class == .missing else { return false }
                if let device = connection.device, let address = ResourceAddress(finding.id),
                    let owner = input.registry[address.provider]?.device(of: address),
                    owner != address, owner.path == device
                {
                    return true
                }
                return finding.id.hasSuffix("/\(connection.name)")
            }
            guard !related else { return nil }
            return Finding(
                id: "connection:\(connection.name)",
                kind: "connection",
                class: .operational,
                summary: "down, though its config matches the spec"
                    + (connection.device.map { " (router \($0))" } ?? ""),
                lines: connection.causes
            )
        }
    }

    static func acknowledge(_ finding: Finding, _ input: Input) -> Finding {
        let id = ResourceAddress(finding.id)
        let match = input.acknowledgements.first { ack in
            guard
                Glob.matches(ack.resource, finding.id)
                    || id.map({ Glob.matches(ack.resource, device($0, input).description) }) == true
            else { return false }
            guard let path = ack.path else { return true }
            return finding.changes.contains { Glob.matches(path, $0.path) }
                || finding.lines.contains { Glob.matches(path, String($0.drop { "-+ ".contains($0) })) }
        }
        guard let ack = match else { return finding }
        var finding = finding
        finding.acknowledgement = AcknowledgementNote(
            reason: ack.reason,
            expires: ack.expires.description,
            by: ack.by,
            source: relative(ack.location, to: input.spec),
            expired: input.now >= ack.expires.endEpochSeconds
        )
        return finding
    }

    /// References replaced by the outputs their targets have now (or had at the last apply).
    static func resolved(_ attributes: Attributes, _ input: Input) -> Attributes {
        func resolve(_ value: Value) -> Value {
            switch value {
            case .reference(let ref):
                let outputs = input.observed[ref.address]?.outputs ?? input.state[ref.address]?.outputs
                return outputs?[ref.output] ?? value
            case .list(let items): return .list(items.map(resolve))
            case .map(let entries): return .map(resolved(entries, input))
            default: return value
            }
        }
        var result = attributes
        for entry in attributes { result[entry.key] = resolve(entry.value) }
        return result
    }

    /// A part's address stands for its device too (a router's section, `cisco:tokyo-rtr1/bgp`,
    /// for `cisco:tokyo-rtr1`), as its provider says, so a rule written for the device applies
    /// to all its parts.
    static func device(_ address: ResourceAddress, _ input: Input) -> ResourceAddress {
        input.registry[address.provider]?.device(of: address) ?? address
    }

    /// The value at a dotted path (`tags.costCenter`).
    static func lookup(_ attributes: Attributes, _ path: String) -> Value? {
        var parts = path.split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return nil }
        var value = attributes[parts.removeFirst()]
        for part in parts {
            guard case .map(let entries)? = value else { return nil }
            value = entries[part]
        }
        return value
    }

    /// Observed against last applied: a keyed list only over the items the last apply named.
    static func same(_ observed: Value?, _ last: Value?, keyedBy key: String?) -> Bool {
        if let key, case .list(let have)? = observed, case .list(let had)? = last {
            let names = Set(
                had.compactMap { item -> String? in
                    if case .map(let m) = item { return m[key]?.scalarText }
                    return nil
                }
            )
            let ours = have.filter { item in
                if case .map(let m) = item, let name = m[key]?.scalarText { return names.contains(name) }
                return false
            }
            return Set(ours) == Set(had)
        }
        return (observed ?? .null) == (last ?? .null)
    }

    /// `file:line:col`, the file relative to the spec directory.
    static func relative(_ location: SourceLocation, to spec: String) -> String {
        var text = location.description
        let prefix = spec.hasSuffix("/") ? spec : spec + "/"
        if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        return text
    }
}
