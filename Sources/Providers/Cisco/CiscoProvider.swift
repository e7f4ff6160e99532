internal import Foundation
public import Reconciler
public import Spec

/// The router side of the engine: reads what each router runs over SSH, maps it back to the
/// graph's sections (`IOSSections`), and pushes the smallest safe set of commands
/// (`Remediation`), one SSH session per router and unit of work.
///
/// A push is guarded (docs/ios.md, "Applying"): the running config is copied to the router's
/// flash first; lines that could cut the session (WAN, dialer, vty, NAT, default route) go
/// last behind a timed revert that is confirmed only from a new session; the result is read
/// back and checked; any failure replaces the running config with the copy and says which
/// line failed. Secrets reach the router and nothing else.
public final class CiscoProvider: Provider, Sendable {
    /// How to reach one router.
    public struct Access: Sendable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: SecretSource
        public var enableSecret: SecretSource?
        /// A known_hosts file with the router's pinned key (nil: the user's own).
        public var knownHosts: String?
        public var insecureAcceptHostKey: Bool
        public var platform: String
        public var timeout: Duration

        public init(
            host: String,
            port: Int = 22,
            username: String,
            password: SecretSource,
            enableSecret: SecretSource? = nil,
            knownHosts: String? = nil,
            insecureAcceptHostKey: Bool = false,
            platform: String = "ios",
            timeout: Duration = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.enableSecret = enableSecret
            self.knownHosts = knownHosts
            self.insecureAcceptHostKey = insecureAcceptHostKey
            self.platform = platform
            self.timeout = timeout
        }
    }

    public let name = "cisco"
    let routers: [String: Access]
    let secret: @Sendable (SecretSource) throws -> String
    /// How long a management-path change may stay unconfirmed before the router reverts it.
    let revertMinutes: Int
    /// What each router ran before its first push, which destroy restores.
    let baseline: RouterBaseline

    /// A provider for `routers` (by CiscoRouter name); `secret` reads a secret's value.
    ///
    /// `baselines`: the folder where each router's config from before its first push is kept
    /// (`.reconcile/cisco-baseline`), so that destroy puts back what it found; nil keeps none,
    /// and destroy then only removes what it manages.
    public init(
        routers: [String: Access],
        revertMinutes: Int = 5,
        baselines: String? = nil,
        secret: @escaping @Sendable (SecretSource) throws -> String
    ) {
        self.routers = routers
        self.revertMinutes = revertMinutes
        self.baseline = RouterBaseline(directory: baselines)
        self.secret = secret
    }

    public var maxConcurrency: Int { 10 }

    public var schemas: [ResourceTypeSchema] { Self.typeSchemas }

    static let typeSchemas: [ResourceTypeSchema] = IOSSectionKinds.schemas

    /// The router a section belongs to (`cisco:tokyo-rtr1/tunnel/azure` → `tokyo-rtr1`).
    static func device(_ address: ResourceAddress) -> String {
        String(address.path.prefix { $0 != "/" })
    }

    // MARK: Reading

    public func read(_ resources: [ResourceAddress], context: ReadContext) async throws -> [ResourceAddress:
        ObservedResource]
    {
        let byDevice = Dictionary(grouping: resources, by: Self.device)
        let found = try await Bounded.map(byDevice.keys.sorted(), limit: maxConcurrency) { device in
            try await self.read(device: device, byDevice[device] ?? [], context: context)
        }
        var observed: [ResourceAddress: ObservedResource] = [:]
        for part in found.values { observed.merge(part) { a, _ in a } }
        return observed
    }

    func read(device: String, _ addresses: [ResourceAddress], context: ReadContext) async throws
        -> [ResourceAddress: ObservedResource]
    {
        let access = try access(device)
        let (running, facts) = try await blocking {
            let session = try self.open(device, access)
            defer { session.close() }
            let facts = IOSSections.Facts(showVersion: try session.run("show version"))
            return (try Self.running(session, device: device), facts)
        }
        return Self.observe(addresses, running: running, facts: facts, context: context)
    }

    /// What a router ran when read, and the sections it was read for: carried in each of its
    /// sections' `ObservedResource.source`, for previews and unmanaged lines.
    struct RunningConfig: ObservedSource, CustomStringConvertible, CustomReflectable {
        var device: String
        var config: IOSConfig
        /// Each section's type and identity (what it owns of `config`).
        var sections: [(type: String, identity: Attributes)]

        /// A running config can hold keys: printed, interpolated or dumped, it shows none of its lines.
        var description: String { "the running config of \(device) (\(config.lines.count) lines, not shown)" }
        var customMirror: Mirror { Mirror(self, children: [:]) }
    }

    /// The running config a router was read with this run: from any of its sections read (its
    /// `system` section is always there: a router always has a hostname).
    func running(_ device: String, in observed: [ResourceAddress: ObservedResource], at address: ResourceAddress)
        -> RunningConfig?
    {
        for candidate in [address, .cisco(device, Lowering.CiscoSection.system)] {
            if let source = observed[candidate]?.source as? RunningConfig { return source }
        }
        return observed.values.lazy.compactMap { $0.source as? RunningConfig }.first { $0.device == device }
    }

    /// The sections at `addresses` as a router's running config and `show version` show them.
    ///
    /// What `read` returns once it has them, and what `reconcile import` returns for the config
    /// it read, so adopting does not log in again. Each carries the running config and the
    /// sections' identities (`RunningConfig`).
    public static func observe(
        _ addresses: [ResourceAddress],
        running: IOSConfig,
        facts: IOSSections.Facts,
        context: ReadContext
    ) -> [ResourceAddress: ObservedResource] {
        // Each section owns what the spec wants of it and what was last applied: a route the spec
        // dropped is still read (and so removed), not left on the router as someone else's.
        let identities: [ResourceAddress: (type: String, identity: Attributes)] = Dictionary(
            uniqueKeysWithValues: addresses.compactMap { address in
                context.known(address).map { known in
                    (
                        address,
                        (
                            known.type,
                            IOSSections.owning(
                                type: known.type,
                                wanted: known.attributes,
                                applied: context.lastApplied(address)
                            )
                        )
                    )
                }
            }
        )
        let source = RunningConfig(
            device: addresses.first.map(Self.device) ?? "",
            config: running,
            sections: addresses.compactMap { identities[$0] }
        )
        let secrets = IOSSections.Secrets(fingerprint: context.fingerprint, value: context.secret)
        var observed: [ResourceAddress: ObservedResource] = [:]
        for address in addresses {
            guard let (type, identity) = identities[address],
                let attributes = IOSSections.read(
                    type: type,
                    identity: identity,
                    running: running,
                    facts: facts,
                    secrets: secrets
                )
            else { continue }
            observed[address] = ObservedResource(address: address, type: type, attributes: attributes, source: source)
        }
        return observed
    }

    /// The top-level lines of each router read that no managed section owns (a router's own
    /// defaults and what someone else configured), secrets masked.
    public func listUnmanaged(
        managed: Set<ResourceAddress>,
        observed: [ResourceAddress: ObservedResource]
    ) async throws -> [UnmanagedObject] {
        var read: [String: RunningConfig] = [:]
        for resource in observed.values where resource.address.provider == name {
            if let source = resource.source as? RunningConfig { read[source.device] = source }
        }
        return read.keys.sorted().flatMap { device in
            (read[device]?.config.lines ?? []).filter { line in
                !IOSRules.ios.isSelfMaintained(line)
                    && !(read[device]?.sections ?? []).contains {
                        IOSSections.owns(type: $0.type, identity: $0.identity, line: line.text)
                    }
            }.map {
                let text = IOSRules.masked($0.text)
                return UnmanagedObject(
                    provider: name,
                    kind: "ios.line",
                    name: "\(device): \(text)",
                    line: .init(
                        device: ResourceAddress(provider: name, path: device),
                        text: text,
                        findingKind: "ios.unmanaged-lines"
                    )
                )
            }
        }
    }

    // MARK: Planning

    /// A router's changes go out in one session.
    public func units(_ changes: [PlannedChange]) -> [[PlannedChange]] {
        let byDevice = Dictionary(grouping: changes) { Self.device($0.address) }
        return byDevice.keys.sorted().compactMap { byDevice[$0] }
    }

    public func serializationKey(_ change: PlannedChange) -> String? { "router:\(Self.device(change.address))" }

    public func device(of address: ResourceAddress) -> ResourceAddress? {
        ResourceAddress(provider: name, path: Self.device(address))
    }

    /// The exact lines the change sends, from what the router ran when it was read, with
    /// secrets masked and values known only after apply shown as `<address.output>`.
    public func preview(_ change: PlannedChange, observed: [ResourceAddress: ObservedResource]) -> [String] {
        guard let (running, intended, owns) = section(change, observed: observed) else { return [] }
        let commands = Remediation.commands(running: running, intended: intended, scope: owns)
        return Remediation.script(commands).map(IOSRules.masked)
    }

    /// How the section's lines on the router differ from the spec's, block by block: a
    /// changed child is shown under its parent; secrets masked.
    public func configLines(_ change: PlannedChange, observed: [ResourceAddress: ObservedResource]) -> [String] {
        guard let (running, intended, owns) = section(change, observed: observed) else { return [] }
        let have = running.lines.filter { owns($0.text) }
        var out: [String] = []
        func compare(_ have: [IOSLine], _ want: [IOSLine], depth: Int, parent: String?) {
            let indent = String(repeating: " ", count: depth)
            var printedParent = false
            func line(_ sign: String, _ text: String) {
                if let parent, !printedParent {
                    out.append("  " + String(repeating: " ", count: depth - 1) + IOSRules.masked(parent))
                    printedParent = true
                }
                out.append(sign + indent + IOSRules.masked(text))
            }
            let wanted = Dictionary(want.map { ($0.text, $0) }, uniquingKeysWith: { a, _ in a })
            let had = Dictionary(have.map { ($0.text, $0) }, uniquingKeysWith: { a, _ in a })
            for item in have where wanted[item.text] == nil { line("- ", item.text) }
            for item in want where had[item.text] == nil { line("+ ", item.text) }
            for item in want {
                guard let old = had[item.text], old.children != item.children else { continue }
                if let parent, !printedParent {
                    out.append("  " + String(repeating: " ", count: depth - 1) + IOSRules.masked(parent))
                    printedParent = true
                }
                compare(old.children, item.children, depth: depth + 1, parent: item.text)
            }
        }
        compare(have, intended.lines, depth: 0, parent: nil)
        return out
    }

    /// What the router ran when it was read, what the spec wants of one change's section, and
    /// which running lines that section owns.
    private func section(
        _ change: PlannedChange,
        observed: [ResourceAddress: ObservedResource]
    ) -> (IOSConfig, IOSConfig, @Sendable (String) -> Bool)? {
        let device = Self.device(change.address)
        guard let running = running(device, in: observed, at: change.address)?.config else { return nil }
        let context = IOSRenderer.Context(secret: { [secret] in try? secret($0) })
        let intended =
            change.action == .delete || change.desired == nil
            ? Push.restoring(
                IOSConfig(),
                baseline: try? baseline.load(device),
                deleted: [deleted(change)].compactMap { $0 }.map { (change.type, $0) }
            )
            : IOSRenderer.device(
                [(change.type, change.desired ?? [:])],
                platform: routers[device]?.platform,
                context: context
            )
        let identities = [change.desired].compactMap { $0 } + [deleted(change)].compactMap { $0 }
        let type = change.type
        return (
            running, intended,
            { text in identities.contains { IOSSections.owns(type: type, identity: $0, line: text) } }
        )
    }

    /// A deleted section's identity, rebuilt from what the plan shows of it.
    private func deleted(_ change: PlannedChange) -> Attributes? {
        guard change.action == .delete else { return nil }
        var values: [String: Value] = [:]
        for item in change.changes where !item.path.contains(".") { values[item.path] = item.before ?? .null }
        return Attributes(values)
    }

    // MARK: Applying

    public func apply(_ unit: [ResolvedChange]) async throws -> [ResourceAddress: Attributes] {
        guard let first = unit.first else { return [:] }
        let device = Self.device(first.address)
        let access = try access(device)
        let push = Push(
            device: device,
            unit: unit,
            platform: access.platform,
            revertMinutes: revertMinutes
        )
        try await blocking { try push.run(provider: self, access: access) }
        var outputs: [ResourceAddress: Attributes] = [:]
        for change in unit where change.action != .delete { outputs[change.address] = [:] }
        return outputs
    }

    /// Runs `show` commands on a router in one session; their outputs, in order (for
    /// `reconcile verify`).
    public func show(_ device: String, _ commands: [String]) async throws -> [String] {
        let access = try access(device)
        return try await blocking {
            let session = try self.open(device, access)
            defer { session.close() }
            return try commands.map { try session.run($0) }
        }
    }

    // MARK: Sessions

    func access(_ device: String) throws -> Access {
        guard let access = routers[device] else {
            throw ProviderError("no way to reach router '\(device)': its CiscoRouter has no management address")
        }
        return access
    }

    /// A logged-in, privileged session with paging off.
    func open(_ device: String, _ access: Access) throws -> SSHTransport {
        let password: String
        do {
            password = try secret(access.password)
        } catch {
            throw ProviderError("\(device): the login password cannot be read: \(error)")
        }
        let options = SSHTransport.Options(
            host: access.host,
            port: access.port,
            username: access.username,
            password: password,
            knownHosts: access.knownHosts,
            insecureAcceptHostKey: access.insecureAcceptHostKey,
            timeout: access.timeout
        )
        return try Self.open(device, options) {
            guard let source = access.enableSecret else { return nil }
            return try self.secret(source)
        }
    }

    /// A logged-in, privileged session with paging off; `enableSecret` is asked for only when
    /// the login lands in user mode (nil: there is none to give).
    static func open(
        _ device: String,
        _ options: SSHTransport.Options,
        enableSecret: () throws -> String?
    ) throws -> SSHTransport {
        do {
            let session = try SSHTransport(options)
            if session.prompt.hasSuffix(">") {
                guard let secret = try enableSecret() else {
                    throw ProviderError("\(device): the login lands in user mode and the spec gives no enableSecret")
                }
                try session.enable(secret: secret)
            }
            _ = try session.run("terminal length 0")
            _ = try session.run("terminal width 511")
            return session
        } catch let failure as SSHTransport.Failure {
            let retryable: Bool
            switch failure {
            case .timeout, .closed: retryable = true
            default: retryable = false
            }
            throw ProviderError("\(device) (\(options.host):\(options.port)): \(failure)", retryable: retryable)
        }
    }

    /// The router's running config, read in `session`.
    static func running(_ session: SSHTransport, device: String) throws -> IOSConfig {
        let text = try session.run("show running-config")
        do {
            return try IOSParser.parse(text)
        } catch {
            throw ProviderError("\(device): its running config does not parse: \(error)")
        }
    }
}

/// Runs blocking work (a terminal session) on a thread of its own, off the cooperative pool.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
