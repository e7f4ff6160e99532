public import Spec

/// A finding to leave alone; every field given must match.
///
/// A resource id glob and, optionally, a resource type glob, a label of the spec object
/// (`key=value`) and an attribute path glob (for a router, a config-line pattern). The same
/// rules apply to plan, apply and drift.
public struct IgnoreRule: Sendable, Hashable {
    public var resource: String
    public var path: String?
    public var kind: String?
    public var label: String?

    public init(resource: String, path: String? = nil, kind: String? = nil, label: String? = nil) {
        self.resource = resource
        self.path = path
        self.kind = kind
        self.label = label
    }

    public init(_ rule: DriftPolicy.IgnoreRule) {
        self.init(resource: rule.resource, path: rule.path, kind: rule.kind, label: rule.label)
    }

    /// Whether the rule's resource, kind and label match (its path aside).
    public func matches(_ address: ResourceAddress, type: String? = nil, labels: [String: String] = [:]) -> Bool {
        guard Glob.matches(resource, address.description) else { return false }
        if let kind, !Glob.matches(kind, type ?? "") { return false }
        if let label {
            let (key, value) = label.split(separator: "=", maxSplits: 1).map(String.init).pair
            guard let have = labels[key], value.map({ Glob.matches($0, have) }) ?? true else { return false }
        }
        return true
    }

    /// Whether a change at `attributePath` (or a config line) of `address` is ignored.
    public func ignores(
        _ address: ResourceAddress,
        attributePath: String,
        type: String? = nil,
        labels: [String: String] = [:]
    ) -> Bool {
        guard let path, matches(address, type: type, labels: labels) else { return false }
        return Glob.matches(path, attributePath)
    }

    /// Whether the whole resource is ignored (a rule without a path).
    public func ignoresWhole(_ address: ResourceAddress, type: String? = nil, labels: [String: String] = [:]) -> Bool {
        path == nil && matches(address, type: type, labels: labels)
    }
}

extension Array where Element == String {
    /// The first element and the second, if any.
    fileprivate var pair: (String, String?) { (first ?? "", count > 1 ? self[1] : nil) }
}

/// `*` matches any run of characters (slashes and dots included); everything else is literal.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] != UInt8(ascii: "*") && p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
