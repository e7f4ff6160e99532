/// The declared shape of the spec language: every kind's fields, their types and whether
/// they are required.
///
/// One declaration drives three things, so they cannot drift apart: the decoder's checks
/// (unknown fields, types, required fields), the JSON Schema in `schemas/` (generated from
/// it; a test compares), and the decoder's field accessors (which refuse undeclared fields).
public indirect enum FieldType: Sendable {
    public enum StringFormat: Sendable {
        case any
        /// `metadata.name` and every reference: `[A-Za-z0-9][A-Za-z0-9._-]{0,62}`.
        case name
        /// A GUID such as a subscription id.
        case uuid
        /// `lab`, `public` or an `https://` URL.
        case endpoint
        /// An `https://` or `http://` URL.
        case url
        /// An environment variable name.
        case envName
        /// A calendar day, `YYYY-MM-DD`.
        case date
        /// An ISO 4217 currency code: three capital letters (`JPY`).
        case currency
        /// A SHA-256 digest: 64 lowercase hexadecimal digits.
        case sha256
        /// A provider plugin's name: lowercase letters, digits and dashes, a letter first.
        case providerName
    }

    case string(StringFormat)
    case integer(ClosedRange<Int64>)
    case boolean
    /// A non-negative decimal number: a price or a quantity (`3240`, `12.5`).
    case amount
    case prefix
    case address
    case interfaceAddress
    case enumeration([String])
    case secret
    case reference([Kind])
    case list(FieldType)
    case object(ObjectSchema)
    case stringMap
    /// A prefix, or `{fromPool: NAME, size: N}` that the allocation pass fills in (docs/addresses.md).
    case allocatedPrefix

    /// A short name for messages ("an integer", "a list").
    var noun: String {
        switch self {
        case .string(.name), .reference: return "a name"
        case .string: return "a string"
        case .integer: return "an integer"
        case .boolean: return "true or false"
        case .amount: return "a number (3240 or 12.5)"
        case .prefix: return "an IPv4 prefix (10.0.0.0/16)"
        case .address: return "an IPv4 address"
        case .interfaceAddress: return "an interface address (192.168.10.1/24)"
        case .enumeration(let values): return "one of " + values.joined(separator: ", ")
        case .secret: return "a secret ({fromEnv: NAME} or {fromFile: path})"
        case .list: return "a list"
        case .object: return "a mapping"
        case .stringMap: return "a mapping of strings"
        case .allocatedPrefix: return "an IPv4 prefix (10.0.0.0/16) or {fromPool: NAME, size: N}"
        }
    }
}

/// One field of an object.
///
/// A class: schemas are immutable shared data read on every decode,
/// and one reference is cheaper to pass around than a struct of strings.
public final class FieldSchema: Sendable {
    public let name: String
    public let type: FieldType
    public let required: Bool
    public let summary: String

    public init(_ name: String, _ type: FieldType, required: Bool = false, _ summary: String) {
        self.name = name
        self.type = type
        self.required = required
        self.summary = summary
    }
}

/// The fields of one mapping, plus groups of fields of which exactly one must be set.
public final class ObjectSchema: Sendable {
    /// Name of the definition in the JSON Schema's `$defs` (unique).
    public let title: String
    public let summary: String
    public let fields: [FieldSchema]
    /// Each group: exactly one of these fields must be present.
    public let exactlyOne: [[String]]

    public init(_ title: String, _ summary: String, exactlyOne: [[String]] = [], _ fields: [FieldSchema]) {
        self.title = title
        self.summary = summary
        self.fields = fields
        self.exactlyOne = exactlyOne
    }

    public func field(_ name: String) -> FieldSchema? {
        fields.first { $0.name == name }
    }
}
