/// A resource attribute value: a typed tree, with two cases a plain JSON value lacks.
///
/// Only the two large, rare cases are boxed: a whole-enum `indirect` would put every string
/// and integer of a 10,000-resource graph on the heap.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case list([Value])
    case map(Attributes)
    /// Another resource's output, known only after that resource is applied.
    indirect case reference(OutputReference)
    /// A secret: only where it comes from, never its value.
    indirect case secret(SecretSource)
    /// A secret's keyed fingerprint (HMAC), the only form state and plans keep of one.
    case fingerprint(String)

    /// Every reference inside this value, sorted.
    public var references: [OutputReference] {
        var found: [OutputReference] = []
        collectReferences(into: &found)
        return found.sorted()
    }

    func collectReferences(into found: inout [OutputReference]) {
        switch self {
        case .reference(let ref): found.append(ref)
        case .list(let items): for item in items { item.collectReferences(into: &found) }
        case .map(let entries): for entry in entries { entry.value.collectReferences(into: &found) }
        default: break
        }
    }

    /// The dotted paths (`keyring.peers[0].preSharedKey`) of every secret inside this value.
    public func sensitivePaths(prefix: String = "") -> [String] {
        switch self {
        case .secret, .fingerprint: return [prefix]
        case .list(let items):
            return items.enumerated().flatMap { $1.sensitivePaths(prefix: "\(prefix)[\($0)]") }
        case .map(let entries):
            return entries.flatMap { entry in
                entry.value.sensitivePaths(prefix: prefix.isEmpty ? entry.key : "\(prefix).\(entry.key)")
            }
        default: return []
        }
    }
}

extension Value {
    /// A scalar as the text a config or an API prints for it (`65515`, `true`, `AES-CBC`);
    /// nil for lists, maps, references, secrets and null.
    public var scalarText: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): String(b)
        default: nil
        }
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Value {
    /// Inlinable so that providers' lowerings, in other modules, get it specialised for their
    /// element types: called generically, it costs several times as much per list.
    @inlinable
    public static func strings<S: Sequence>(_ items: S) -> Value where S.Element: CustomStringConvertible {
        .list(items.map { .string($0.description) })
    }

    public static func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
    public static func optional(_ number: Int?) -> Value { number.map(Value.int) ?? .null }
}
