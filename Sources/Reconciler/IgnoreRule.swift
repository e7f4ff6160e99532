public import Spec

/// A finding to leave alone: a resource id glob and, optionally, an attribute path glob.
///
/// The same rules apply to plan, apply and drift.
public struct IgnoreRule: Sendable, Hashable {
    public var resource: String
    public var path: String?

    public init(resource: String, path: String? = nil) {
        self.resource = resource
        self.path = path
    }

    public init(_ rule: DriftPolicy.IgnoreRule) {
        self.init(resource: rule.resource, path: rule.path)
    }

    public func matches(_ address: ResourceAddress) -> Bool {
        Glob.matches(resource, address.description)
    }

    /// Whether a change at `attributePath` of `address` is ignored.
    public func ignores(_ address: ResourceAddress, attributePath: String) -> Bool {
        guard matches(address), let path else { return false }
        return Glob.matches(path, attributePath)
    }
}

/// `*` matches any run of characters (slashes and dots included); everything else is literal.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
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
