public import Spec

/// What the engine will do to a resource.
///
/// A closed set.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    case create
    case update
    /// Delete and create again: an attribute that cannot change in place changed.
    case replace
    /// In state, no longer in the spec.
    case delete
    case noop = "no-op"

    /// Whether the change destroys something (flagged in plans).
    public var isDestructive: Bool { self == .delete || self == .replace }
}

/// One attribute's before and after.
///
/// Sensitive values never appear: both sides are `(sensitive)` and the change is known from their fingerprints.
public struct AttributeChange: Sendable, Hashable, Codable {
    /// Dotted path (`tags.costCenter`, `subnets`).
    public var path: String
    public var before: Value?
    /// `.reference` when the value is known only after apply.
    public var after: Value?
    public var forcesReplacement: Bool
    public var sensitive: Bool

    public init(path: String, before: Value?, after: Value?, forcesReplacement: Bool = false, sensitive: Bool = false) {
        self.path = path
        self.before = before
        self.after = after
        self.forcesReplacement = forcesReplacement
        self.sensitive = sensitive
    }

    private enum CodingKeys: String, CodingKey {
        case path, before, after, forcesReplacement, sensitive
    }

    /// Keeps `"before": null` (the value was null) apart from no `before` (nothing there), so
    /// a saved plan decodes to the plan that was saved: the synthesized decoder read both as
    /// nil, and a plan that changes a secret could never be applied from its file.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func value(_ key: CodingKeys) throws -> Value? {
            guard container.contains(key) else { return nil }
            return try container.decodeNil(forKey: key) ? .null : container.decode(Value.self, forKey: key)
        }
        path = try container.decode(String.self, forKey: .path)
        before = try value(.before)
        after = try value(.after)
        forcesReplacement = try container.decode(Bool.self, forKey: .forcesReplacement)
        sensitive = try container.decode(Bool.self, forKey: .sensitive)
    }
}

/// A planned change to one resource.
public struct PlannedChange: Sendable, Hashable, Codable {
    public var address: ResourceAddress
    public var type: String
    public var action: Action
    public var changes: [AttributeChange]
    /// The attributes that force a replacement, when `action == .replace`.
    public var replaceReasons: [String]
    /// The desired attributes (references unresolved, secrets as sources); nil for a delete.
    public var desired: Attributes?
    public var dependencies: [ResourceAddress]
    /// A provider's preview: for a router, the exact CLI lines, in order.
    public var preview: [String]
    /// The resource exists and matches, but state does not know it (an interrupted apply):
    /// the update records it.
    public var adopt: Bool = false

    public init(
        address: ResourceAddress,
        type: String,
        action: Action,
        changes: [AttributeChange] = [],
        replaceReasons: [String] = [],
        desired: Attributes?,
        dependencies: [ResourceAddress],
        preview: [String] = []
    ) {
        self.address = address
        self.type = type
        self.action = action
        self.changes = changes
        self.replaceReasons = replaceReasons
        self.desired = desired
        self.dependencies = dependencies
        self.preview = preview
    }
}

/// A plan: every resource's change, sorted by address, and what it was made against.
public struct Plan: Sendable, Codable {
    public static let formatVersion = 1

    public var formatVersion = Plan.formatVersion
    /// The state it was planned against: applying it elsewhere is refused.
    public var lineage: String
    public var serial: Int
    /// SHA-256 of the spec files, in sorted path order, with their paths.
    public var specDigest: String
    /// The spec path, as given.
    public var spec: String
    public var changes: [PlannedChange]
    /// The addresses the allocation pass chose for the spec (kept in the state by apply).
    public var allocations: [AddressAllocation]?
    /// Where traffic will go once applied (kept in the state by apply).
    public var routing: [String: RoutingLine]?
    /// The paths this plan moves, against the state's summary (none before one was recorded).
    public var routingChanges: [RoutingChange]?
    /// What it does to the monthly bill at list prices (when the run prices plans).
    public var cost: CostChange?

    public init(
        lineage: String,
        serial: Int,
        specDigest: String,
        spec: String,
        changes: [PlannedChange],
        allocations: [AddressAllocation]? = nil,
        routing: [String: RoutingLine]? = nil,
        routingChanges: [RoutingChange]? = nil
    ) {
        self.lineage = lineage
        self.serial = serial
        self.specDigest = specDigest
        self.spec = spec
        self.changes = changes.sorted { $0.address < $1.address }
        self.allocations = allocations
        self.routing = routing
        self.routingChanges = routingChanges
    }

    /// The changes that do something.
    public var pending: [PlannedChange] { changes.filter { $0.action != .noop } }

    public var hasChanges: Bool { changes.contains { $0.action != .noop } }

    /// Counts by action.
    public var summary: [Action: Int] {
        var counts: [Action: Int] = [:]
        for change in changes { counts[change.action, default: 0] += 1 }
        return counts
    }
}
