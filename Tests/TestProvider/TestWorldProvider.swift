internal import Foundation
public import Reconciler
public import Spec

/// A provider for engine tests: a "world" of resources in memory, optionally persisted to
/// a JSON file (so several processes, or a process killed mid-apply, see the same world).
///
/// It accepts any resource type, keeps what it is given (secrets as the fingerprints the
/// engine records, so the world file holds no secret either), answers with deterministic
/// outputs, and injects latency and failures. It counts what it was asked, for tests.
public final class TestWorldProvider: Provider, @unchecked Sendable {
    public enum FailureMode: Sendable {
        /// Fails every time.
        case permanent(String)
        /// Fails `times` times with a retryable error (and the Retry-After hint), then works.
        case transient(times: Int, retryAfter: Duration?)
    }

    public struct Stored: Codable, Sendable {
        public var type: String
        public var attributes: Attributes
        public var outputs: Attributes
    }

    public let name: String
    public let maxConcurrency: Int
    /// Attribute names that force replacement, for every type.
    public var immutable: Set<String>
    public var latency: Duration
    public var failures: [String: FailureMode]
    /// Resources with the same value of this attribute are applied one at a time.
    public var serializeOn: String?
    /// Crashes the process (SIGKILL, no clean-up) after this many resources were applied.
    public var crashAfter: Int?

    private let lock = NSLock()
    private let path: String?
    private var world: [String: Stored] = [:]
    private var failuresLeft: [String: Int] = [:]
    private var inFlight = 0
    public private(set) var peakConcurrency = 0
    public private(set) var readCalls = 0
    public private(set) var applyCalls = 0
    public private(set) var applied: [ResourceAddress] = []

    public init(
        name: String,
        path: String? = nil,
        maxConcurrency: Int = 10,
        immutable: Set<String> = ["location", "gatewayType", "vpnType", "connectionType"],
        latency: Duration = .zero,
        failures: [String: FailureMode] = [:]
    ) {
        self.name = name
        self.path = path
        self.maxConcurrency = maxConcurrency
        self.immutable = immutable
        self.latency = latency
        self.failures = failures
        if let path, let data = FileManager.default.contents(atPath: path),
            let stored = try? JSONDecoder().decode([String: Stored].self, from: data)
        {
            world = stored
        }
    }

    /// Providers from the environment, for the harness: RECONCILE_TEST_WORLD (a directory:
    /// one world file per provider), RECONCILE_TEST_LATENCY_MS, RECONCILE_TEST_FAIL (globs of
    /// addresses that fail permanently, comma-separated).
    public static func registryFromEnvironment() -> ProviderRegistry {
        let env = ProcessInfo.processInfo.environment
        let directory = env["RECONCILE_TEST_WORLD"] ?? ".reconcile/test-world"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let latency = Duration.milliseconds(Int(env["RECONCILE_TEST_LATENCY_MS"] ?? "0") ?? 0)
        var failures: [String: FailureMode] = [:]
        for glob in (env["RECONCILE_TEST_FAIL"] ?? "").split(separator: ",") {
            failures[String(glob)] = .permanent("injected failure")
        }
        let crashAfter = env["RECONCILE_TEST_CRASH_AFTER"].flatMap { Int($0) }
        return ProviderRegistry(
            ["azure", "cisco"].map {
                let provider = TestWorldProvider(
                    name: $0,
                    path: "\(directory)/\($0).json",
                    latency: latency,
                    failures: failures
                )
                provider.crashAfter = crashAfter
                return provider
            }
        )
    }

    public var schemas: [ResourceTypeSchema] { [] }

    public func schema(for type: String) -> ResourceTypeSchema? {
        ResourceTypeSchema(
            type: type,
            attributes: immutable.sorted().map { AttributeSchema($0, .optional, forcesReplacement: true) },
            outputs: ["id", "ipAddress", "bgpPeeringAddress", "publicIpAddress0", "bgpPeeringAddress0"]
        )
    }

    public func read(_ resources: [ResourceAddress], context: ReadContext) async throws -> [ResourceAddress:
        ObservedResource]
    {
        lock.withLock {
            readCalls += 1
            var found: [ResourceAddress: ObservedResource] = [:]
            for address in resources {
                guard let stored = world[address.description] else { continue }
                found[address] = ObservedResource(
                    address: address,
                    type: stored.type,
                    attributes: stored.attributes,
                    outputs: stored.outputs
                )
            }
            return found
        }
    }

    /// For `cisco` resources, the lines a router would be sent (as the Cisco provider will):
    /// here one `set` line per changed attribute, to show the mechanism in plans.
    public func preview(_ change: PlannedChange, observed: [ResourceAddress: ObservedResource]) -> [String] {
        guard name == "cisco" else { return [] }
        if change.action == .delete { return ["no \(change.address.path)"] }
        return change.changes.map { "set \($0.path) \(PlanRenderer.show($0.after))" }
    }

    public func serializationKey(_ change: PlannedChange) -> String? {
        guard let serializeOn, let value = change.desired?[serializeOn] else { return nil }
        return "\(serializeOn)=\(PlanRenderer.show(value))"
    }

    public func apply(_ unit: [ResolvedChange]) async throws -> [ResourceAddress: Attributes] {
        lock.withLock {
            applyCalls += 1
            inFlight += 1
            peakConcurrency = max(peakConcurrency, inFlight)
        }
        defer { lock.withLock { inFlight -= 1 } }
        if latency > .zero { try await Task.sleep(for: latency) }
        for change in unit {
            if let error = injectedFailure(for: change.address) { throw error }
        }
        return try lock.withLock {
            var produced: [ResourceAddress: Attributes] = [:]
            for change in unit {
                applied.append(change.address)
                if change.action == .delete {
                    world[change.address.description] = nil
                    continue
                }
                let outputs = Self.outputs(for: change.address)
                world[change.address.description] = Stored(
                    type: change.type,
                    attributes: change.recorded,
                    outputs: outputs
                )
                produced[change.address] = outputs
            }
            try persist()
            if let crashAfter, applied.count >= crashAfter {
                // After the world changed, before the engine records it: the worst moment.
                kill(getpid(), SIGKILL)
            }
            return produced
        }
    }

    private func injectedFailure(for address: ResourceAddress) -> ProviderError? {
        lock.withLock {
            for (glob, mode) in failures where Self.glob(glob, address.description) {
                switch mode {
                case .permanent(let message):
                    return ProviderError(message)
                case .transient(let times, let retryAfter):
                    let left = failuresLeft[glob] ?? times
                    if left > 0 {
                        failuresLeft[glob] = left - 1
                        return ProviderError("throttled (429)", retryable: true, retryAfter: retryAfter)
                    }
                }
            }
            return nil
        }
    }

    /// Changes the world behind the engine's back (drift, deletion out of band).
    public func mutate(_ address: ResourceAddress, _ change: (inout Stored?) -> Void) throws {
        try lock.withLock {
            var stored = world[address.description]
            change(&stored)
            world[address.description] = stored
            try persist()
        }
    }

    public func stored(_ address: ResourceAddress) -> Stored? {
        lock.withLock { world[address.description] }
    }

    public var count: Int { lock.withLock { world.count } }

    private func persist() throws {
        guard let path else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(world)
        let temp = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temp))
        _ = rename(temp, path)
    }

    /// Deterministic outputs: an id, and addresses in 198.51.100.0/24 from the address.
    static func outputs(for address: ResourceAddress) -> Attributes {
        var hash: UInt32 = 2_166_136_261
        for byte in address.description.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let ip = Value.string("198.51.100.\(hash % 250 + 1)")
        let bgp = Value.string("10.255.\(hash >> 8 % 250).\(hash >> 16 % 250 + 1)")
        return [
            "id": .string("/test/\(address.path)"), "ipAddress": ip, "publicIpAddress0": ip,
            "bgpPeeringAddress": bgp, "bgpPeeringAddress0": bgp,
        ]
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasSuffix("*") { return text.hasPrefix(String(pattern.dropLast())) }
        return pattern == text
    }
}
