public import Spec

/// How a provider describes one attribute of a resource type.
public struct AttributeSchema: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, Codable {
        /// The spec must give it.
        case required
        /// The spec may give it; when absent, the provider's default applies.
        case optional
        /// Only the provider sets it (read-only on the server): never diffed.
        case computed
    }

    public var name: String
    public var role: Role
    /// A change to it cannot be made in place: the resource is replaced.
    public var forcesReplacement: Bool
    /// Its value is secret: compared by fingerprint, never shown.
    public var sensitive: Bool
    /// For a list of maps: the key that names an item (`name` for a VNet's subnets).
    ///
    /// Items are then matched by key, in any order, and observed items the spec does not name belong to someone
    /// else and are not a diff.
    public var keyedBy: String?
    /// For a list: its order means nothing (a router's routes), so the same items in another
    /// order are not a diff.
    public var unordered: Bool

    public init(
        _ name: String,
        _ role: Role = .optional,
        forcesReplacement: Bool = false,
        sensitive: Bool = false,
        keyedBy: String? = nil,
        unordered: Bool = false
    ) {
        self.name = name
        self.role = role
        self.forcesReplacement = forcesReplacement
        self.sensitive = sensitive
        self.keyedBy = keyedBy
        self.unordered = unordered
    }
}

/// What a provider declares about a resource type it manages.
public struct ResourceTypeSchema: Sendable {
    public var type: String
    public var attributes: [AttributeSchema]
    /// Outputs other resources may reference (`ipAddress`, `id`, ...).
    public var outputs: [String]
    /// Values the provider fills in when the spec leaves an optional attribute out; observed
    /// values equal to these are treated as absent, so a default never shows as a diff.
    public var defaults: Attributes
    /// Outputs an in-place update leaves as they were (`id` always; a static public IP's
    /// address), so dependants referencing them are not shown "(known after apply)" and,
    /// where the reference forces replacement, are not replaced for nothing.
    public var keptOnUpdate: Set<String>

    public init(
        type: String,
        attributes: [AttributeSchema],
        outputs: [String] = ["id"],
        defaults: Attributes = [:],
        keptOnUpdate: Set<String> = ["id"]
    ) {
        self.type = type
        self.attributes = attributes
        self.outputs = outputs
        self.defaults = defaults
        self.keptOnUpdate = keptOnUpdate.union(["id"])
    }

    public func attribute(_ name: String) -> AttributeSchema? {
        attributes.first { $0.name == name }
    }
}

/// A resource as the provider found it.
public struct ObservedResource: Sendable, Hashable, Codable {
    public var address: ResourceAddress
    public var type: String
    /// Attributes in the graph's terms; secrets as `.fingerprint` (see `ReadContext`).
    public var attributes: Attributes
    public var outputs: Attributes
    /// What the provider read it from (a router's running config), handed back to that provider
    /// with the observations of the run (`preview`, `configLines`, `listUnmanaged`), so a
    /// provider keeps nothing between calls.
    ///
    /// In memory only: never encoded (a running config can hold keys), and not part of what the
    /// resource is (two reads that found the same attributes are equal).
    public var source: (any ObservedSource)?

    public init(
        address: ResourceAddress,
        type: String,
        attributes: Attributes,
        outputs: Attributes = [:],
        source: (any ObservedSource)? = nil
    ) {
        self.address = address
        self.type = type
        self.attributes = attributes
        self.outputs = outputs
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case address, type, attributes, outputs
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        (lhs.address, lhs.type, lhs.attributes, lhs.outputs) == (rhs.address, rhs.type, rhs.attributes, rhs.outputs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(type)
        hasher.combine(attributes)
        hasher.combine(outputs)
    }
}

/// What a provider read a resource from, in its own terms (a router's running config): see
/// `ObservedResource.source`.
public protocol ObservedSource: Sendable {}

/// An object in the provider's scope that no spec owns (for drift reports).
public struct UnmanagedObject: Sendable, Hashable, Codable {
    public var provider: String
    public var kind: String
    public var name: String
    /// What the provider read of it, in the graph's terms, where it can tell (so drift can
    /// say what an unmanaged gateway costs); secrets never.
    public var attributes: Attributes?
    /// For one line of a device's configuration that no spec owns: drift shows a device's lines
    /// together, as one finding.
    public var line: ConfigLine?

    public init(provider: String, kind: String, name: String, attributes: Attributes? = nil, line: ConfigLine? = nil) {
        self.provider = provider
        self.kind = kind
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    /// A line of a device's configuration, as drift groups it.
    public struct ConfigLine: Sendable, Hashable, Codable {
        /// The device's own address (`cisco:tokyo-rtr1`): the finding's id.
        public var device: ResourceAddress
        /// The line, secrets masked.
        public var text: String
        /// The kind of the finding that holds a device's lines (`ios.unmanaged-lines`).
        public var findingKind: String

        public init(device: ResourceAddress, text: String, findingKind: String) {
            self.device = device
            self.text = text
            self.findingKind = findingKind
        }
    }
}

/// What a provider gets when it reads: a way to fingerprint the secrets it reads back, and
/// what each address is meant to be.
public struct ReadContext: Sendable {
    public var fingerprint: @Sendable (String) -> String
    /// The resource an address stands for, as the spec gives it or as state last recorded it.
    ///
    /// A provider that finds its objects by name (a router's `crypto ikev2 proposal
    /// azure-proposal`) looks the names up here; state answers for one the spec no longer has.
    public var known: @Sendable (ResourceAddress) -> (type: String, attributes: Attributes)?
    /// A secret's value, for a provider that can only compare one-way hashes (IOS's
    /// `enable secret 5`): hash the intended value and compare, never return it.
    public var secret: @Sendable (SecretSource) -> String?
    /// What state last recorded of a resource the spec still has: a provider that finds its
    /// objects by what they hold (a router's `ip route` lines) also looks for what it applied
    /// before, so an item the spec dropped is seen, and removed, rather than left behind.
    public var lastApplied: @Sendable (ResourceAddress) -> Attributes?

    public init(
        fingerprint: @Sendable @escaping (String) -> String,
        known: @Sendable @escaping (ResourceAddress) -> (type: String, attributes: Attributes)? = { _ in nil },
        secret: @Sendable @escaping (SecretSource) -> String? = { _ in nil },
        lastApplied: @Sendable @escaping (ResourceAddress) -> Attributes? = { _ in nil }
    ) {
        self.fingerprint = fingerprint
        self.known = known
        self.secret = secret
        self.lastApplied = lastApplied
    }
}

/// One change handed to a provider, with every reference resolved and every secret's value.
public struct ResolvedChange: Sendable {
    public var address: ResourceAddress
    public var type: String
    public var action: Action
    /// The desired attributes with references replaced by values and secrets by `.string` values.
    ///
    /// Never logged, never stored: state keeps `recordedAttributes`.
    public var attributes: Attributes
    /// The prior state, when the resource existed.
    public var prior: StateResource?
    /// The same attributes as state records them: secrets as fingerprints.
    public internal(set) var recorded: Attributes = [:]
    /// What it depends on, as planned.
    public internal(set) var dependencies: [ResourceAddress] = []

    public init(address: ResourceAddress, type: String, action: Action, attributes: Attributes, prior: StateResource?) {
        self.address = address
        self.type = type
        self.action = action
        self.attributes = attributes
        self.prior = prior
    }
}

/// Why a provider's call failed, and whether trying again may help.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Whether the executor may try the unit again: false for what the provider already
    /// retried as often as it may.
    public var retryable: Bool
    /// The server's hint (Retry-After), when it gave one.
    public var retryAfter: Duration?

    public init(_ message: String, retryable: Bool = false, retryAfter: Duration? = nil) {
        self.message = message
        self.retryable = retryable
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}

/// The contract between the engine and a provider (documented in docs/providers.md).
///
/// A provider manages the resources whose address starts with its `name`. The engine calls
/// `read` once per refresh with every resource of the provider (batch it: list APIs, one
/// session per router), `apply` with units of work in dependency order, and never calls a
/// provider for another provider's resources.
public protocol Provider: Sendable {
    /// The address prefix it owns (`azure`, `cisco`).
    var name: String { get }
    /// Its resource types.
    var schemas: [ResourceTypeSchema] { get }
    /// The schema of one type (default: looked up in `schemas`).
    func schema(for type: String) -> ResourceTypeSchema?
    /// At most this many units of this provider run at once.
    var maxConcurrency: Int { get }

    /// Reads the observed state of many resources; absent from the result means "does not exist".
    func read(_ resources: [ResourceAddress], context: ReadContext) async throws -> [ResourceAddress: ObservedResource]

    /// Applies one unit of work. Returns the outputs of each resource created, updated or
    /// replaced. Throws `ProviderError` for a failure of the unit as a whole.
    func apply(_ unit: [ResolvedChange]) async throws -> [ResourceAddress: Attributes]

    /// Objects in the provider's scope that none of `managed` names; `observed` is what this run's
    /// `read` returned (a router's unmanaged lines are those of the running config it read).
    func listUnmanaged(
        managed: Set<ResourceAddress>,
        observed: [ResourceAddress: ObservedResource]
    ) async throws -> [UnmanagedObject]

    /// Splits a set of changes into units of work (a router's changes go out in one session).
    /// Default: one unit per change.
    func units(_ changes: [PlannedChange]) -> [[PlannedChange]]

    /// Changes with the same key never run at once (Azure: one operation per gateway or VNet).
    func serializationKey(_ change: PlannedChange) -> String?

    /// Lines to show under a change in a plan (a router's CLI lines, in order), against what this
    /// run's `read` returned.
    func preview(_ change: PlannedChange, observed: [ResourceAddress: ObservedResource]) -> [String]

    /// For drift reports: how the resource's config, as `observed` holds it, differs from what
    /// the spec wants, as config lines (`- ` the device has it, `+ ` the spec wants it; context
    /// lines start with two spaces), secrets masked. Empty for a provider without config text.
    func configLines(_ change: PlannedChange, observed: [ResourceAddress: ObservedResource]) -> [String]

    /// The device a resource is part of (a router's section `cisco:tokyo-rtr1/bgp` →
    /// `cisco:tokyo-rtr1`), so a drift rule or acknowledgement written for the device covers
    /// its parts; nil when each resource stands alone (the default).
    func device(of address: ResourceAddress) -> ResourceAddress?
}

extension Provider {
    public var maxConcurrency: Int { 10 }
    public func listUnmanaged(
        managed: Set<ResourceAddress>,
        observed: [ResourceAddress: ObservedResource]
    ) async throws -> [UnmanagedObject] { [] }
    public func units(_ changes: [PlannedChange]) -> [[PlannedChange]] { changes.map { [$0] } }
    public func serializationKey(_ change: PlannedChange) -> String? { nil }
    public func preview(_ change: PlannedChange, observed: [ResourceAddress: ObservedResource]) -> [String] { [] }
    public func configLines(_ change: PlannedChange, observed: [ResourceAddress: ObservedResource]) -> [String] {
        []
    }
    public func device(of address: ResourceAddress) -> ResourceAddress? { nil }

    public func schema(for type: String) -> ResourceTypeSchema? {
        schemas.first { $0.type == type }
    }
}

/// The providers a run may use, by name.
public struct ProviderRegistry: Sendable {
    public private(set) var providers: [String: any Provider] = [:]

    public init(_ providers: [any Provider] = []) {
        for provider in providers { self.providers[provider.name] = provider }
    }

    public subscript(name: String) -> (any Provider)? { providers[name] }

    public mutating func register(_ provider: any Provider) {
        providers[provider.name] = provider
    }

    /// The schema of a resource type, from the provider of `address`.
    public func schema(for address: ResourceAddress, type: String) -> ResourceTypeSchema? {
        providers[address.provider]?.schema(for: type)
    }
}
