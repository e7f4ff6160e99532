public import Foundation
public import Reconciler
public import Spec
internal import Synchronization

/// A document kind a plugin brings, with the JSON Schema of its `spec`.
public struct DeclaredKind: Sendable, Hashable {
    public var kind: String
    /// The schema as the plugin sent it, for `reconcile schema` and for checking documents.
    public var schema: JSON
    /// The schema's own `description`, when it has one.
    public var description: String?
}

/// A provider that runs out of process: an executable speaking the plugin protocol over stdio
/// (docs/plugin-protocol.md), with the same contract as one built in.
///
/// `start` runs the plugin once per run and asks it what it brings; the calls of `Provider`
/// and `lower`/`importTarget` go to it one at a time. Secret values it reads back or imports
/// are registered with the run's mask at once, and its log is masked with them.
public final class PluginProvider: Provider, Sendable {
    public let name: String
    /// The document kinds it brings.
    public let kinds: [DeclaredKind]
    public let schemas: [ResourceTypeSchema]
    public let maxConcurrency: Int
    /// What it says it implements of the optional methods (`preview`, `unmanaged`, `import`, `facts`).
    public let capabilities: Set<String>

    let connection: PluginProcess
    private let deadlines: PluginDeadlines
    private let register: @Sendable (String) -> Void
    private let secrets: SecretMask

    /// The protocol version this host speaks.
    public static let protocolVersion = 1

    /// Starts the plugin at `executable` (see `PluginLocator`) and asks it what it brings.
    ///
    /// - Parameters:
    ///   - root: the spec's directory: the plugin's working directory.
    ///   - register: registers a secret value with the run's output mask; called with every
    ///     value the plugin hands back (`read`, `import`) before anything else sees it.
    ///   - mask: the run's mask, applied to the plugin's log and to what it says in errors
    ///     (after the values this provider has seen itself).
    ///   - builtInKinds: the document kinds `reconcile` knows itself; a plugin may not reuse one.
    ///   - environment: the host's environment, of which only PATH, HOME, LANG and TMPDIR are passed on.
    public static func start(
        name: String,
        executable: String,
        root: String,
        register: @escaping @Sendable (String) -> Void,
        mask: @escaping @Sendable (String) -> String = { $0 },
        builtInKinds: Set<String>,
        deadlines: PluginDeadlines = PluginDeadlines(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ProviderError) -> PluginProvider {
        let secrets = SecretMask()
        let connection = try PluginProcess(
            name: name,
            executable: executable,
            root: root,
            environment: environment,
            mask: { mask(secrets($0)) },
            exitGrace: deadlines.exit
        )
        do {
            let answer = try invoke(
                connection,
                "initialize",
                ["protocol": .int(protocolVersion), "name": .string(name), "root": .string(root)],
                deadline: deadlines.call,
                mask: { mask(secrets($0)) }
            )
            let description = try PluginDescription(answer, name: name, builtInKinds: builtInKinds)
            return PluginProvider(
                name: name,
                description: description,
                connection: connection,
                deadlines: deadlines,
                register: register,
                secrets: secrets
            )
        } catch {
            connection.shutdown()
            throw error
        }
    }

    private init(
        name: String,
        description: PluginDescription,
        connection: PluginProcess,
        deadlines: PluginDeadlines,
        register: @escaping @Sendable (String) -> Void,
        secrets: SecretMask
    ) {
        self.name = name
        self.kinds = description.kinds
        self.schemas = description.schemas
        self.maxConcurrency = description.maxConcurrency
        self.capabilities = description.capabilities
        self.connection = connection
        self.deadlines = deadlines
        self.register = register
        self.secrets = secrets
    }

    /// Ends the plugin's session (also done when the provider is released).
    public func shutdown() {
        connection.shutdown()
    }

    /// The plugin's log: the last 64 KiB of its stderr, secrets masked.
    ///
    /// Kept in memory for whoever holds the provider (the tests read it); no command prints it.
    public var log: [String] { connection.log }

    /// The plugin's process id, for tests that check it was stopped.
    public var processIdentifier: Int32 { connection.processIdentifier }

    /// A secret value the host handled: masked in the log and registered with the run's mask.
    func sawSecret(_ value: String) {
        secrets.add(value)
        register(value)
    }

    // MARK: Calls

    /// One call; a JSON-RPC error becomes a `ProviderError` with the plugin's retry hints.
    func call(_ method: String, _ params: JSON?, deadline: Duration? = nil) throws(ProviderError) -> JSON {
        try Self.invoke(connection, method, params, deadline: deadline ?? deadlines.call, mask: connection.maskText)
    }

    /// One call of an optional method: nil when the plugin does not implement it (-32601, or
    /// not among its capabilities).
    func callOptional(_ method: String, capability: String, _ params: JSON?) throws(ProviderError) -> JSON? {
        guard capabilities.contains(capability) else { return nil }
        do {
            return try connection.call(method, params: params, deadline: deadlines.call)
        } catch let failure as PluginRPCError where failure.isMethodNotFound {
            return nil
        } catch {
            throw Self.providerError(error, name: name, mask: connection.maskText)
        }
    }

    private static func invoke(
        _ connection: PluginProcess,
        _ method: String,
        _ params: JSON?,
        deadline: Duration,
        mask: (String) -> String
    ) throws(ProviderError) -> JSON {
        do {
            return try connection.call(method, params: params, deadline: deadline)
        } catch {
            throw providerError(error, name: connection.name, mask: mask)
        }
    }

    static func providerError(_ error: any Error, name: String, mask: (String) -> String) -> ProviderError {
        if let error = error as? ProviderError { return error }
        guard let failure = error as? PluginRPCError else { return ProviderError("plugin \(name): \(error)") }
        let retryAfter: Duration? =
            switch failure.data?["retryAfterSeconds"] {
            case .int(let seconds)?: .seconds(seconds)
            case .double(let seconds)?: .milliseconds(Int(seconds * 1000))
            default: nil
            }
        return ProviderError(
            "plugin \(name): \(Escape.terminal(mask(failure.message), newlines: false))",
            retryable: failure.data?["retryable"]?.boolValue ?? false,
            retryAfter: retryAfter
        )
    }

    /// An error about what the plugin answered, naming the plugin and the method.
    func bad(_ method: String, _ what: String) -> ProviderError {
        ProviderError("plugin \(name): \(method) answered \(what)")
    }

    // MARK: Provider

    public func read(
        _ resources: [ResourceAddress],
        context: ReadContext
    ) async throws -> [ResourceAddress: ObservedResource] {
        try await blocking { try self.readNow(resources, context: context) }
    }

    public func apply(_ unit: [ResolvedChange]) async throws -> [ResourceAddress: Attributes] {
        try await blocking { try self.applyNow(unit) }
    }

    public func listUnmanaged(
        managed: Set<ResourceAddress>,
        observed: [ResourceAddress: ObservedResource]
    ) async throws -> [UnmanagedObject] {
        try await blocking { try self.listUnmanagedNow(managed: managed) }
    }

    func readNow(_ resources: [ResourceAddress], context: ReadContext) throws(ProviderError)
        -> [ResourceAddress: ObservedResource]
    {
        var items: [JSON] = []
        for address in resources.sorted() {
            var item: [String: JSON] = ["address": .string(address.description)]
            if let known = context.known(address) {
                item["type"] = .string(known.type)
                do {
                    item["known"] = try PluginValues.json(known.attributes)
                } catch {
                    throw ProviderError("plugin \(name): \(address): \(error)")
                }
            }
            items.append(.object(item))
        }
        let answer = try call("read", ["resources": .array(items)])
        let requested = Set(resources)
        var found: [ResourceAddress: ObservedResource] = [:]
        guard let returned = answer["resources"]?.arrayValue else { throw bad("read", "no resources array") }
        for (index, item) in returned.enumerated() {
            let at = "resources[\(index)]"
            guard let text = item["address"]?.stringValue, let address = ResourceAddress(text),
                requested.contains(address)
            else { throw bad("read", "\(at) with an address that was not asked for") }
            guard let type = item["type"]?.stringValue else { throw bad("read", "\(at) (\(address)) with no type") }
            let sensitive: (String) -> Value = { value in
                self.sawSecret(value)
                return .fingerprint(context.fingerprint(value))
            }
            do {
                found[address] = ObservedResource(
                    address: address,
                    type: type,
                    attributes: try PluginValues.attributes(
                        item["attributes"],
                        accepting: .read,
                        sensitive: sensitive
                    ),
                    outputs: try PluginValues.attributes(item["outputs"], accepting: .read, sensitive: sensitive)
                )
            } catch {
                throw bad("read", "\(address) with \(error)")
            }
        }
        return found
    }

    func applyNow(_ unit: [ResolvedChange]) throws(ProviderError) -> [ResourceAddress: Attributes] {
        var changes: [JSON] = []
        for change in unit {
            // The secret values are where state records a fingerprint, and in any attribute the
            // plugin itself declared sensitive.
            var paths = Set(Value.map(change.recorded).sensitivePaths())
            for attribute in schema(for: change.type)?.attributes ?? [] where attribute.sensitive {
                paths.insert(attribute.name)
            }
            var item: [String: JSON] = [
                "address": .string(change.address.description),
                "type": .string(change.type),
                "action": .string(change.action.rawValue),
            ]
            do {
                item["attributes"] =
                    change.action == .delete
                    ? .null
                    : try PluginValues.json(
                        applying: change.attributes,
                        sensitivePaths: paths,
                        seen: { secrets.add($0) }
                    )
                item["prior"] = try change.prior.map { try PluginValues.json($0.attributes) } ?? .null
            } catch {
                throw ProviderError("plugin \(name): \(change.address): \(error)")
            }
            changes.append(.object(item))
        }
        let answer = try call("apply", ["changes": .array(changes)], deadline: deadlines.apply)
        let addresses = Set(unit.map(\.address))
        var outputs: [ResourceAddress: Attributes] = [:]
        for (key, value) in answer["outputs"]?.objectValue ?? [:] {
            guard let address = ResourceAddress(key), addresses.contains(address) else {
                throw bad("apply", "outputs for \(key), which is not in the unit")
            }
            do {
                outputs[address] = try PluginValues.attributes(value, accepting: [])
            } catch {
                throw bad("apply", "outputs of \(address) with \(error)")
            }
        }
        return outputs
    }

    func listUnmanagedNow(managed: Set<ResourceAddress>) throws(ProviderError) -> [UnmanagedObject] {
        let params: JSON = ["managed": .array(managed.sorted().map { .string($0.description) })]
        guard let answer = try callOptional("unmanaged", capability: "unmanaged", params) else { return [] }
        guard let objects = answer["objects"]?.arrayValue else { throw bad("unmanaged", "no objects array") }
        return try objects.enumerated().map { (index, object) throws(ProviderError) in
            guard let kind = object["kind"]?.stringValue, let name = object["name"]?.stringValue else {
                throw bad("unmanaged", "objects[\(index)] without a kind and a name")
            }
            return UnmanagedObject(provider: self.name, kind: kind, name: name)
        }
    }

    /// The plugin's preview lines, masked; none when it has no preview or fails: a plan must
    /// not fail for a preview.
    public func preview(_ change: PlannedChange, observed: [ResourceAddress: ObservedResource]) -> [String] {
        guard capabilities.contains("preview") else { return [] }
        var attributes = JSON.null
        if let desired = change.desired {
            guard let json = try? PluginValues.json(desired) else { return [] }
            attributes = json
        }
        let params: JSON = [
            "change": [
                "address": .string(change.address.description),
                "type": .string(change.type),
                "action": .string(change.action.rawValue),
                "attributes": attributes,
            ]
        ]
        guard let answer = try? callOptional("preview", capability: "preview", params),
            let lines = answer["lines"]?.arrayValue
        else { return [] }
        return lines.compactMap(\.stringValue).map { Escape.terminal(connection.maskText($0), newlines: false) }
    }

    /// Changes to resources whose paths share their first segment (`strongswan:osaka-gw/…`)
    /// form one unit, in the order given.
    public func units(_ changes: [PlannedChange]) -> [[PlannedChange]] {
        var order: [String] = []
        var groups: [String: [PlannedChange]] = [:]
        for change in changes {
            let key = Self.firstSegment(change.address)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(change)
        }
        return order.compactMap { groups[$0] }
    }

    public func serializationKey(_ change: PlannedChange) -> String? {
        "\(name):\(Self.firstSegment(change.address))"
    }

    public func device(of address: ResourceAddress) -> ResourceAddress? {
        ResourceAddress(provider: name, path: Self.firstSegment(address))
    }

    static func firstSegment(_ address: ResourceAddress) -> String {
        String(address.path.prefix { $0 != "/" })
    }
}

/// The secret values this provider has handled, to mask them in the plugin's log and errors.
final class SecretMask: Sendable {
    private let redactor = Mutex(Redactor())

    func add(_ value: String) {
        redactor.withLock { $0.add(value) }
    }

    func callAsFunction(_ text: String) -> String {
        // Copied out: the text is masked outside the lock.
        let redactor = self.redactor.withLock { $0 }
        return redactor(text)
    }
}

/// Runs blocking work (a call that may wait minutes for the plugin) on a thread of its own,
/// off the cooperative pool, whose few threads other providers' work needs meanwhile.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
