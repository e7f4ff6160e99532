/// A running configuration as IOS prints it, read into a tree: each line with the lines
/// indented under it.
///
/// What the tree keeps and drops (the documented normalisation, `docs/ios.md`):
/// - dropped: `!` separators and comments at any depth, blank lines, the
///   `Building configuration...` / `Current configuration : N bytes` header and the final `end`;
/// - whitespace runs inside a line collapse to one space and trailing spaces go (IOS pads
///   `deny   ip` and ends `crypto ikev2 proposal P␠`; hier_config compares the same way);
/// - indentation becomes one space per level, whatever the file used (one, two, tabs);
/// - banners (and `vacant-message`) keep their text byte for byte, CRLF read as LF, with the
///   ETX delimiter (raw 0x03 or the two characters `^C`) printed as `^C`;
/// - a certificate in `crypto pki certificate chain` keeps its hex rows and `quit` as children.
public struct IOSConfig: Sendable, Hashable, Codable {
    public var lines: [IOSLine]

    public init(lines: [IOSLine] = []) {
        self.lines = lines
    }

    /// The configuration as IOS prints it, one space of indentation per level.
    public func render() -> String {
        var out = ""
        func emit(_ line: IOSLine, depth: Int) {
            out += String(repeating: " ", count: depth) + line.text + "\n"
            for child in line.children { emit(child, depth: depth + 1) }
        }
        for line in lines { emit(line, depth: 0) }
        return out
    }
}

/// One configuration line and the lines under it.
public struct IOSLine: Sendable, Hashable, Codable {
    /// The normalised text; a banner's whole text, lines joined with `\n`.
    public var text: String
    /// The 1-based line it started on in the source (0 for lines not read from a file).
    public var line: Int
    public var children: [IOSLine]

    public init(_ text: String, line: Int = 0, children: [IOSLine] = []) {
        self.text = text
        self.line = line
        self.children = children
    }

    enum CodingKeys: String, CodingKey {
        case text, line, children
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        line = try container.decodeIfPresent(Int.self, forKey: .line) ?? 0
        children = try container.decodeIfPresent([IOSLine].self, forKey: .children) ?? []
    }

    /// Leaves have no `children` key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(text, forKey: .text)
        try container.encode(line, forKey: .line)
        if !children.isEmpty { try container.encode(children, forKey: .children) }
    }

    /// True for banners and other delimited text, compared and printed verbatim.
    public var isDelimitedText: Bool { text.contains("\n") || IOSParser.delimitedKeyword(text) != nil }
}

/// A configuration that cannot be read, at a 1-based line.
public struct IOSParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    /// 1-based, where the construct that is not closed starts.
    public var column: Int
    public var message: String

    public init(line: Int, column: Int = 1, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Reads `show running-config` output (or a saved config file) into an `IOSConfig`.
public enum IOSParser {
    static let etx = "\u{03}"

    /// Reads a configuration; only an unterminated banner or certificate is an error (a file
    /// that ends inside one was cut short, and guessing where it ends would lose lines).
    public static func parse(_ text: String) throws(IOSParseError) -> IOSConfig {
        let raw = lines(text)
        final class Node {
            let line: IOSLine
            var children: [Node] = []
            let indent: Int
            init(_ line: IOSLine, indent: Int) {
                self.line = line
                self.indent = indent
            }
            func build() -> IOSLine {
                var result = line
                result.children = children.map { $0.build() }
                return result
            }
        }
        let root = Node(IOSLine(""), indent: -1)
        var stack: [Node] = [root]
        var index = 0
        while index < raw.count {
            let source = raw[index]
            let number = index + 1
            index += 1
            let utf8 = source.utf8
            let indent = utf8.prefix(while: isBlank).count
            let content = Substring(utf8.dropFirst(indent))
            var end = content.utf8.endIndex
            while end > content.utf8.startIndex, isBlank(content.utf8[content.utf8.index(before: end)]) {
                end = content.utf8.index(before: end)
            }
            let trimmed = content[..<end]
            // Keywords are matched on the collapsed text, as the printed config will be read:
            // `banner\tmotd` matched on the raw text was not a banner, but printed it was.
            let text = collapse(trimmed)
            if text.isEmpty || text.hasPrefix("!") { continue }
            // The line's parent, found before popping: a skipped line leaves the tree as it is.
            let level = stack.lastIndex { $0 === root || $0.indent < indent } ?? 0
            // `end` and the header count at the top level of the tree, not at column 1: an
            // indented `end` with nothing above it printed as a top-level `end` and was dropped.
            if stack[level] === root
                && (text == "end" || text.hasPrefix("Building configuration")
                    || text.hasPrefix("Current configuration :"))
            {
                continue
            }
            stack.removeSubrange((level + 1)...)
            let parent = stack[level]
            let node: Node
            if let keyword = delimitedKeyword(text) {
                let banner: String
                do {
                    banner = try delimited(keyword, trimmed, raw, &index, startLine: number)
                } catch {
                    throw IOSParseError(line: error.line, column: indent + 1, message: error.message)
                }
                node = Node(IOSLine(banner, line: number), indent: indent)
            } else if text.hasPrefix("certificate "), parent.line.text.hasPrefix("crypto pki certificate chain") {
                var rows: [IOSLine] = []
                var closed = false
                while index < raw.count {
                    let row = collapse(raw[index])
                    index += 1
                    guard !row.isEmpty else { continue }
                    rows.append(IOSLine(row, line: index))
                    if row == "quit" {
                        closed = true
                        break
                    }
                }
                guard closed else {
                    throw IOSParseError(
                        line: number,
                        column: indent + 1,
                        message: "certificate has no closing 'quit' before the end"
                    )
                }
                node = Node(IOSLine(text, line: number), indent: indent)
                node.children = rows.map { Node($0, indent: indent + 1) }
                parent.children.append(node)
                continue
            } else {
                node = Node(IOSLine(text, line: number), indent: indent)
            }
            parent.children.append(node)
            stack.append(node)
        }
        return IOSConfig(lines: root.children.map { $0.build() })
    }

    /// `banner motd`, `banner login`, … and `vacant-message`: text between delimiters.
    static func delimitedKeyword(_ text: String) -> String? {
        if text.hasPrefix("vacant-message ") { return "vacant-message" }
        guard text.hasPrefix("banner ") else { return nil }
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count >= 2 else { return nil }
        // `banner ^Ctext^C` is a motd banner with the type left out.
        if let first = words[1].unicodeScalars.first, isLetter(first) {
            return "banner \(words[1])"
        }
        return "banner"
    }

    /// Reads delimited text that may run over many lines; the result starts with the keyword
    /// and the delimiter and ends with the closing delimiter (ETX printed as `^C`).
    static func delimited(
        _ keyword: String,
        _ first: Substring,
        _ raw: [Substring],
        _ index: inout Int,
        startLine: Int
    ) throws(IOSParseError) -> String {
        // The keyword's words are skipped, not its length: the raw line may have more blanks
        // between them than the keyword has.
        var rest = first
        for _ in keyword.split(separator: " ") {
            rest = Substring(rest.utf8.drop(while: isBlank).drop { !isBlank($0) })
        }
        // The delimiter is the first character after the keyword that is not blank: a tab
        // or CR taken as the delimiter was trimmed off the end of the printed line, so the
        // printed config did not read back (found by the fuzzer).
        rest = Substring(rest.utf8.drop(while: isBlank))
        let delimiter: String
        if rest.hasPrefix("^C") {
            delimiter = "^C"
        } else if let c = rest.first {
            delimiter = String(c)
        } else {
            throw IOSParseError(line: startLine, message: "\(keyword) has no delimiter")
        }
        rest = rest.dropFirst(delimiter.count)
        var body: String
        var closed = false
        // The closing delimiter may be on the opening line.
        if let end = rest.firstRange(of: delimiter) {
            body = String(rest[..<end.lowerBound])
            closed = true
        } else {
            body = String(rest)
            while index < raw.count {
                let line = raw[index]
                index += 1
                if let end = line.firstRange(of: delimiter) {
                    body += "\n" + line[..<end.lowerBound]
                    closed = true
                    break
                }
                body += "\n" + line
            }
        }
        // ETX prints as `^C`, as IOS shows it, unless the text holds a literal `^C`: that would
        // close the banner early when the printed config is read back (found by the fuzzer).
        let shown = delimiter == etx && !body.contains("^C") ? "^C" : delimiter
        guard closed else {
            let named = delimiter == etx ? "^C" : delimiter
            throw IOSParseError(line: startLine, message: "\(keyword) is not closed: no \(named) before the end")
        }
        return "\(keyword) \(shown)" + body + shown
    }

    /// ASCII letters, the start of a banner type (`motd`, `login`, `exec`, …).
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
    }

    /// Space, tab and CR: the blanks between and around a line's words.
    ///
    /// CR is blank, not text: a line break drops the CRs before it, so a CR left at the end
    /// of a line (`hostname r1\r\t`) was lost when the printed line was read back (found by
    /// the fuzzer).
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// Trims and collapses every run of blanks (spaces, tabs, CRs) to one space.
    public static func collapse(_ text: Substring) -> String {
        // Most lines need nothing: no tab or CR, no double space, no space at either end.
        var previous: UInt8 = 0x20
        var clean = true
        for byte in text.utf8 {
            if byte == 0x09 || byte == 0x0D || (byte == 0x20 && previous == 0x20) {
                clean = false
                break
            }
            previous = byte
        }
        if clean && previous != 0x20 { return String(text) }
        return text.utf8.split(whereSeparator: isBlank).map { String(Substring($0)) }.joined(separator: " ")
    }

    /// The lines of a text, split on LF with the CRs before it dropped (CRLF files; every CR,
    /// as a line ending in CR would lose one each time it is printed and read, found by the
    /// fuzzer), by bytes:
    /// splitting on Characters costs grapheme breaking on every byte of a large config.
    static func lines(_ text: String) -> [Substring] {
        var result: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            if utf8[index] == 0x0A {
                var end = index
                while end > start, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
                result.append(text[start..<end])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        var end = utf8.endIndex
        while end > start, utf8[utf8.index(before: end)] == 0x0D { end = utf8.index(before: end) }
        result.append(text[start..<end])
        return result
    }
}
