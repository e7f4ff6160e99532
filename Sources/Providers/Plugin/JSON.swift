public import Foundation

/// A JSON value as a plugin sends or receives it, kept exactly (integers apart from fractions).
///
/// The protocol's messages are small and few, so a tree of enums is simple enough; it is
/// Sendable, so a kind's schema can be kept raw and handed to `reconcile schema`.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number with a fraction or an exponent, or one too large for `Int`.
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// Parses one JSON text; nil when it is not JSON.
    public init?(parsing data: Data) {
        guard let value = try? JSONDecoder().decode(JSON.self, from: data) else { return nil }
        self = value
    }

    /// The compact text, keys sorted, so the same value always gives the same bytes; never a raw newline.
    public var text: String {
        String(decoding: data, as: UTF8.self)
    }

    /// `text` as UTF-8.
    public var data: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a tree of strings, numbers and containers cannot fail but for a non-finite
        // double, which parsing never produces.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// The member `key` of an object; nil for anything else or a missing key.
    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    public var intValue: Int? {
        if case .int(let i) = self { i } else { nil }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { b } else { nil }
    }

    public var arrayValue: [JSON]? {
        if case .array(let items) = self { items } else { nil }
    }

    public var objectValue: [String: JSON]? {
        if case .object(let members) = self { members } else { nil }
    }

    /// What kind of value this is, for messages (`a string`, `an object`).
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSON: Codable {
    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        // Booleans first: a decoder that reads `true` as 1 must not turn it into a number.
        if single.decodeNil() {
            self = .null
        } else if let b = try? single.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? single.decode(Int.self) {
            self = .int(i)
        } else if let d = try? single.decode(Double.self) {
            self = .double(d)
        } else if let s = try? single.decode(String.self) {
            self = .string(s)
        } else if let items = try? single.decode([JSON].self) {
            self = .array(items)
        } else {
            self = .object(try single.decode([String: JSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let b): try single.encode(b)
        case .int(let i): try single.encode(i)
        case .double(let d): try single.encode(d)
        case .string(let s): try single.encode(s)
        case .array(let items): try single.encode(items)
        case .object(let members): try single.encode(members)
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }

    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements) { _, last in last })
    }
}
