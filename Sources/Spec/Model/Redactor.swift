/// Masks secret values by value in any text: the last line of defence behind the IOS grammar.
///
/// It holds every secret value resolved in a run and, for each, every line and every run of
/// consecutive words, so a value that a grammar-based mask cut after its first word still
/// disappears. Fragments shorter than `minimumLength` characters are not masked: words like
/// `lab`, `1` or `ip` occur everywhere in ordinary output, masking them would garble it, and a
/// fragment that short gives an attacker little the rest of the output hides anyway.
public struct Redactor: Sendable {
    /// The shortest fragment masked.
    public static let minimumLength = 4
    /// What a masked fragment becomes, as plans show secrets.
    public static let replacement = "(sensitive)"

    /// Fragments by their first four bytes, longest first.
    private var byPrefix: [UInt32: [[UInt8]]] = [:]
    private var known: Set<String> = []

    public init(_ values: some Sequence<String> = [String]()) {
        for value in values { add(value) }
    }

    /// Whether nothing is registered.
    public var isEmpty: Bool { byPrefix.isEmpty }

    /// Registers a secret value: the whole value, each line and each run of its words.
    public mutating func add(_ value: String) {
        guard known.insert(value).inserted else { return }
        var fragments: Set<String> = [value]
        for line in value.split(whereSeparator: \.isNewline) {
            fragments.insert(String(line))
            // Runs of consecutive words, keeping the spacing between them as it is in the value.
            let words = line.split(whereSeparator: \.isWhitespace).prefix(64)
            for first in words.indices {
                for last in first..<words.endIndex {
                    fragments.insert(String(line[words[first].startIndex..<words[last].endIndex]))
                }
            }
        }
        for fragment in fragments where fragment.utf8.count >= Self.minimumLength {
            let bytes = Array(fragment.utf8)
            let key = Self.key(bytes, 0)
            var list = byPrefix[key, default: []]
            guard !list.contains(bytes) else { continue }
            list.append(bytes)
            list.sort { $0.count > $1.count }
            byPrefix[key] = list
        }
    }

    /// `text` with every registered fragment replaced by `(sensitive)`, longest match first.
    public func callAsFunction(_ text: String) -> String {
        guard !byPrefix.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        scan: while index < bytes.count {
            if index + 4 <= bytes.count, let candidates = byPrefix[Self.key(bytes, index)] {
                for fragment in candidates
                where index + fragment.count <= bytes.count
                    && bytes[index..<index + fragment.count].elementsEqual(fragment)
                {
                    out.append(contentsOf: Self.replacement.utf8)
                    index += fragment.count
                    changed = true
                    continue scan
                }
            }
            out.append(bytes[index])
            index += 1
        }
        // A fragment is valid UTF-8, so it starts and ends on character boundaries.
        return changed ? String(decoding: out, as: UTF8.self) : text
    }

    private static func key(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}
