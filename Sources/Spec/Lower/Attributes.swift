/// A map of attribute names to values, kept sorted by name.
///
/// A sorted array, not a hash map: attribute maps are small (a handful of keys), are built
/// by the tens of thousands when a large spec is lowered, and are always printed in key
/// order; building one is a single allocation and no hashing.
public struct Attributes: Sendable, Hashable, ExpressibleByDictionaryLiteral, RandomAccessCollection {
    public typealias Key = String
    public typealias Value = Spec.Value

    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: Value
    }

    public private(set) var entries: [Entry]

    public init(dictionaryLiteral elements: (String, Value)...) {
        entries = elements.map { Entry(key: $0.0, value: $0.1) }
        normalize()
    }

    public init(_ dictionary: [String: Value]) {
        entries = dictionary.map { Entry(key: $0.key, value: $0.value) }
        normalize()
    }

    /// Sorts by key in place (stable insertion sort: maps are small, and moving entries
    /// retains nothing); for a repeated key the last value wins, as in a dictionary.
    private mutating func normalize() {
        guard entries.count > 1 else { return }
        var duplicates = false
        for i in 1..<entries.count {
            var j = i
            while j > 0 && entries[j - 1].key > entries[j].key {
                entries.swapAt(j - 1, j)
                j -= 1
            }
            if j > 0 && entries[j - 1].key == entries[j].key { duplicates = true }
        }
        guard duplicates else { return }
        var result: [Entry] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            if result.last?.key == entry.key {
                result[result.count - 1] = entry
            } else {
                result.append(entry)
            }
        }
        entries = result
    }

    private func position(of key: String) -> (found: Bool, index: Int) {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].key < key { low = mid + 1 } else { high = mid }
        }
        return (low < entries.count && entries[low].key == key, low)
    }

    public subscript(key: String) -> Value? {
        get {
            let (found, i) = position(of: key)
            return found ? entries[i].value : nil
        }
        set {
            let (found, i) = position(of: key)
            switch (found, newValue) {
            case (true, let value?): entries[i].value = value
            case (true, nil): entries.remove(at: i)
            case (false, let value?): entries.insert(Entry(key: key, value: value), at: i)
            case (false, nil): break
            }
        }
    }

    /// These entries with `other`'s added; `other` wins on a shared key.
    public func merging(_ other: Attributes) -> Attributes {
        var result = self
        for entry in other.entries { result[entry.key] = entry.value }
        return result
    }

    public var keys: [String] { entries.map(\.key) }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> Entry { entries[position] }
}

extension Attributes: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: Value].self))
    }

    private struct CodingName: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingName.self)
        for entry in entries {
            try container.encode(entry.value, forKey: CodingName(stringValue: entry.key))
        }
    }
}
