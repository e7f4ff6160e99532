public import Spec

/// Attribute values to and from the protocol's JSON, with its four wrapped forms.
///
/// `{"$ref": {"address", "output"}}`, `{"$secret": "env:NAME"}`, `{"$sensitive": value}` and
/// `{"$fingerprint": print}` (docs/plugin-protocol.md). Each direction accepts only the forms
/// the protocol allows there, so a plugin cannot, say, hand back a secret's value from `lower`.
public enum PluginValues {
    /// Why a value cannot cross the boundary; `path` is the dotted path inside the attributes.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var why: String

        public var description: String { path.isEmpty ? why : "\(path): \(why)" }
    }

    // MARK: Host to plugin

    /// A value for `lower`, `preview` and `read`'s `known`: references and secret sources as
    /// they are, fingerprints as fingerprints; a literal secret is refused, since its printed
    /// form cannot name where it comes from and the plugin must never see its value here.
    public static func json(_ value: Value, path: String = "") throws(Problem) -> JSON {
        try encode(value, path: path, sensitive: [])
    }

    /// Attributes as a JSON object (see `json(_:path:)`).
    public static func json(_ attributes: Attributes) throws(Problem) -> JSON {
        try encode(.map(attributes), path: "", sensitive: [])
    }

    /// Attributes for `apply`: the strings at `sensitivePaths` are secret values and go as
    /// `{"$sensitive": value}`; `seen` gets each of them (for the log's mask).
    public static func json(
        applying attributes: Attributes,
        sensitivePaths: Set<String>,
        seen: (String) -> Void = { _ in }
    ) throws(Problem) -> JSON {
        try encode(.map(attributes), path: "", sensitive: sensitivePaths, seen: seen)
    }

    private static func encode(
        _ value: Value,
        path: String,
        sensitive: Set<String>,
        seen: (String) -> Void = { _ in }
    ) throws(Problem) -> JSON {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .string(let s):
            guard sensitive.contains(path) else { return .string(s) }
            seen(s)
            return ["$sensitive": .string(s)]
        case .list(let items):
            var out: [JSON] = []
            for (index, item) in items.enumerated() {
                out.append(try encode(item, path: "\(path)[\(index)]", sensitive: sensitive, seen: seen))
            }
            return .array(out)
        case .map(let entries):
            var out: [String: JSON] = [:]
            for entry in entries {
                let inner = path.isEmpty ? entry.key : "\(path).\(entry.key)"
                out[entry.key] = try encode(entry.value, path: inner, sensitive: sensitive, seen: seen)
            }
            return .object(out)
        case .reference(let ref):
            return ["$ref": ["address": .string(ref.address.description), "output": .string(ref.output)]]
        case .secret(let source):
            if case .literal = source {
                throw Problem(
                    path: path,
                    why: "a literal secret cannot go to a plugin; use env: or file: for its source"
                )
            }
            return ["$secret": .string(source.description)]
        case .fingerprint(let print):
            return ["$fingerprint": .string(print)]
        }
    }

    // MARK: Plugin to host

    /// Which wrapped forms a plugin may send in a place.
    public struct Accepted: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let reference = Accepted(rawValue: 1)
        public static let secret = Accepted(rawValue: 2)
        public static let fingerprint = Accepted(rawValue: 4)
        public static let sensitive = Accepted(rawValue: 8)

        /// What `lower` returns: references and secret sources, never a value.
        public static let lowered: Accepted = [.reference, .secret, .fingerprint]
        /// What `read` returns: values, secrets as `$sensitive`.
        public static let read: Accepted = [.sensitive, .fingerprint]
    }

    /// A value from a plugin.
    ///
    /// `sensitive` turns a `$sensitive` value into what the graph keeps (a fingerprint, after
    /// registering the value with the mask); a number with a fraction is refused, as the
    /// graph has integers only.
    public static func value(
        _ json: JSON,
        path: String = "",
        accepting accepted: Accepted,
        sensitive: (String) -> Value = { _ in .null }
    ) throws(Problem) -> Value {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d):
            throw Problem(path: path, why: "\(d) is not an integer; attribute values hold whole numbers only")
        case .string(let s): return .string(s)
        case .array(let items):
            var out: [Value] = []
            for (index, item) in items.enumerated() {
                out.append(try value(item, path: "\(path)[\(index)]", accepting: accepted, sensitive: sensitive))
            }
            return .list(out)
        case .object(let members):
            if members.count == 1, let (key, inner) = members.first, key.hasPrefix("$") {
                return try wrapped(key, inner, path: path, accepted: accepted, sensitive: sensitive)
            }
            var out: [String: Value] = [:]
            for (key, member) in members {
                let inner = path.isEmpty ? key : "\(path).\(key)"
                out[key] = try value(member, path: inner, accepting: accepted, sensitive: sensitive)
            }
            return .map(Attributes(out))
        }
    }

    /// Attributes from a plugin: a JSON object (null or missing reads as empty).
    public static func attributes(
        _ json: JSON?,
        path: String = "",
        accepting accepted: Accepted,
        sensitive: (String) -> Value = { _ in .null }
    ) throws(Problem) -> Attributes {
        switch json {
        case nil, .null?: return [:]
        case .object?:
            guard
                case .map(let attributes) = try value(
                    json ?? .null,
                    path: path,
                    accepting: accepted,
                    sensitive: sensitive
                )
            else { throw Problem(path: path, why: "expected an object of attributes, not a wrapped value") }
            return attributes
        case let other?:
            throw Problem(path: path, why: "expected an object of attributes, not \(other.kindName)")
        }
    }

    private static func wrapped(
        _ key: String,
        _ inner: JSON,
        path: String,
        accepted: Accepted,
        sensitive: (String) -> Value
    ) throws(Problem) -> Value {
        func refuse(_ why: String) -> Problem { Problem(path: path, why: why) }
        switch key {
        case "$ref" where accepted.contains(.reference):
            guard let target = inner["address"]?.stringValue, let output = inner["output"]?.stringValue,
                inner.objectValue?.count == 2
            else { throw refuse("$ref must be {\"address\": \"provider:path\", \"output\": \"name\"}") }
            guard let address = ResourceAddress(target) else {
                throw refuse("$ref address \"\(target)\" is not provider:path")
            }
            return .reference(OutputReference(address, output))
        case "$secret" where accepted.contains(.secret):
            guard let printed = inner.stringValue, let source = SecretSource(printed: printed) else {
                throw refuse("$secret must be \"env:NAME\" or \"file:PATH\"")
            }
            return .secret(source)
        case "$fingerprint" where accepted.contains(.fingerprint):
            guard let print = inner.stringValue else { throw refuse("$fingerprint must be a string") }
            return .fingerprint(print)
        case "$sensitive" where accepted.contains(.sensitive):
            // The value is never quoted back, even in an error.
            guard let secret = inner.stringValue else { throw refuse("$sensitive must hold a string") }
            return sensitive(secret)
        case "$ref", "$secret", "$fingerprint", "$sensitive":
            throw refuse("\(key) is not allowed here")
        default:
            throw refuse("\(key) is not a wrapped form of the protocol ($ref, $secret, $sensitive, $fingerprint)")
        }
    }
}
