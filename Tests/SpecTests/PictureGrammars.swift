// Readers of the Mermaid and Graphviz pictures `graph` prints, strict enough that a picture
// they accept is one those tools draw as meant: Mermaid's own CLI needs a browser this
// machine does not have, so its grammar is checked here, for the flowchart subset we emit.

import Foundation

/// A Mermaid flowchart in the subset we print, read strictly.
///
/// `flowchart DIR`, `%%` comments, node declarations (`id["text"]`,
/// `id(("text"))`, …), links (`a --> b`, `a ---|"text"| b`, `-.-`, `-.->`, `==>`), `subgraph
/// id` … `end`, `classDef`, `class` and `linkStyle`. Text is quoted, with no quote inside and
/// only `#name;`/`#123;` entity codes after a `#`.
struct MermaidFlowchart {
    struct Link: Equatable {
        var from: String
        var to: String
        var arrow: String
        var label: String?
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var text: String
        var description: String { "line \(line): \(message): \(text)" }
    }

    var direction = ""
    /// Declared nodes and their text, in order.
    var nodes: [(id: String, label: String)] = []
    var links: [Link] = []
    var classDefs: Set<String> = []
    /// Ids a link, `class` or `linkStyle` names that no declaration gave a shape and text.
    var undeclared: [String] = []

    static let arrows = ["-.->", "-.-", "-->", "---", "==>", "==="]
    static let reserved: Set<String> = [
        "end", "subgraph", "graph", "flowchart", "class", "classDef", "linkStyle", "style", "click", "direction",
        "default",
    ]
    /// Opening and closing brackets of the node shapes, longest first.
    static let shapes = [("((", "))"), ("([", "])"), ("[[", "]]"), ("[", "]"), ("(", ")"), ("{", "}")]

    init(_ text: String) throws(SyntaxError) {
        var subgraphs: [String] = []
        var referenced: [String] = []
        var styled: [(Int, Int)] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            func fail(_ message: String) -> SyntaxError { SyntaxError(line: lineNumber, message: message, text: line) }
            if line.isEmpty || line.hasPrefix("%%") { continue }
            var scanner = Scanner(line)
            if direction.isEmpty {
                guard scanner.word() == "flowchart" || line.hasPrefix("graph "), let dir = scanner.word(),
                    ["LR", "RL", "TB", "TD", "BT"].contains(dir), scanner.atEnd
                else { throw fail("expected `flowchart LR|RL|TB|TD|BT` first") }
                direction = dir
                continue
            }
            let keyword = scanner.peekWord()
            switch keyword {
            case "subgraph":
                _ = scanner.word()
                guard let id = scanner.identifier(), !Self.reserved.contains(id) else {
                    throw fail("subgraph needs an id")
                }
                if !scanner.atEnd {
                    guard scanner.take("["), (try? scanner.quoted()) != nil, scanner.take("]"), scanner.atEnd else {
                        throw fail("subgraph title must be [\"text\"]")
                    }
                }
                subgraphs.append(id)
            case "end":
                _ = scanner.word()
                guard scanner.atEnd, subgraphs.popLast() != nil else { throw fail("`end` without a subgraph") }
            case "classDef":
                _ = scanner.word()
                guard let name = scanner.identifier(), !Self.reserved.contains(name) else {
                    throw fail("classDef needs a name that is not a keyword")
                }
                guard Self.validStyles(scanner.rest) else { throw fail("classDef styles must be prop:value,…") }
                classDefs.insert(name)
            case "class":
                _ = scanner.word()
                guard let ids = scanner.identifierList(), let name = scanner.identifier(), scanner.atEnd else {
                    throw fail("expected `class id,id name`")
                }
                guard classDefs.contains(name) else { throw fail("class \(name) has no classDef before it") }
                referenced += ids
            case "linkStyle":
                _ = scanner.word()
                guard let indices = scanner.identifierList(), indices.allSatisfy({ Int($0) != nil }) else {
                    throw fail("linkStyle needs link numbers")
                }
                guard Self.validStyles(scanner.rest) else { throw fail("linkStyle styles must be prop:value,…") }
                styled += indices.compactMap(Int.init).map { ($0, lineNumber) }
            default:
                let from = try node(&scanner, fail)
                referenced.append(from)
                if scanner.atEnd { continue }
                guard let arrow = Self.arrows.first(where: { scanner.take(" \($0)") }) else {
                    throw fail("expected a link (\(Self.arrows.joined(separator: " ")))")
                }
                var label: String?
                if scanner.take("|") {
                    guard let text = try? scanner.quoted(), scanner.take("|") else {
                        throw fail("a link's text must be |\"text\"|")
                    }
                    label = text
                }
                guard scanner.take(" ") else { throw fail("a space must follow a link, or o/x would change its ends") }
                let to = try node(&scanner, fail)
                guard scanner.atEnd else { throw fail("one link per line") }
                referenced.append(to)
                links.append(Link(from: from, to: to, arrow: arrow, label: label))
            }
        }
        guard !direction.isEmpty else { throw SyntaxError(line: 0, message: "empty", text: "") }
        guard subgraphs.isEmpty else { throw SyntaxError(line: lineNumber, message: "subgraph not ended", text: "") }
        for (index, line) in styled where index >= links.count {
            throw SyntaxError(line: line, message: "linkStyle \(index) but \(links.count) links", text: "")
        }
        let declared = Set(nodes.map(\.id))
        var seen: Set<String> = []
        undeclared = referenced.filter { !declared.contains($0) && seen.insert($0).inserted }
    }

    /// An id, with a shape and text if it is declared here.
    private mutating func node(
        _ scanner: inout Scanner,
        _ fail: (String) -> SyntaxError
    ) throws(SyntaxError) -> String {
        guard let id = scanner.identifier() else { throw fail("expected a node id") }
        guard !Self.reserved.contains(id) else { throw fail("\(id) is a keyword, not a node id") }
        guard let (open, close) = Self.shapes.first(where: { scanner.take($0.0) }) else { return id }
        let label: String
        do { label = try scanner.quoted() } catch { throw fail("a node's text must be quoted, with entity codes") }
        guard scanner.take(close) else { throw fail("\(open) closes with \(close)") }
        if let earlier = nodes.first(where: { $0.id == id }) {
            guard earlier.label == label else { throw fail("\(id) declared twice with different text") }
        } else {
            nodes.append((id, label))
        }
        return id
    }

    static func validStyles(_ text: Substring) -> Bool {
        let styles = text.trimmingCharacters(in: .whitespaces).split(separator: ",", omittingEmptySubsequences: false)
        return !styles.isEmpty
            && styles.allSatisfy { style in
                let parts = style.split(separator: ":", maxSplits: 1)
                return parts.count == 2 && parts[0].allSatisfy { $0.isLetter || $0 == "-" } && !parts[1].isEmpty
                    && !parts[1].contains(";")
            }
    }

    /// A cursor over one line.
    struct Scanner {
        var rest: Substring

        init(_ line: String) { rest = Substring(line) }

        var atEnd: Bool { rest.isEmpty }

        mutating func take(_ literal: String) -> Bool {
            guard rest.hasPrefix(literal) else { return false }
            rest = rest.dropFirst(literal.count)
            return true
        }

        func peekWord() -> String { String(rest.prefix { !$0.isWhitespace }) }

        mutating func word() -> String? {
            let word = rest.prefix { !$0.isWhitespace }
            guard !word.isEmpty else { return nil }
            rest = rest.dropFirst(word.count).drop { $0 == " " }
            return String(word)
        }

        /// ASCII letters, digits and `_`, then any spaces.
        mutating func identifier() -> String? {
            let id = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            guard !id.isEmpty else { return nil }
            rest = rest.dropFirst(id.count)
            if rest.first == " " && !Self.arrowsFollow(rest) { rest = rest.drop { $0 == " " } }
            return String(id)
        }

        static func arrowsFollow(_ text: Substring) -> Bool {
            MermaidFlowchart.arrows.contains { text.hasPrefix(" \($0)") }
        }

        mutating func identifierList() -> [String]? {
            var ids: [String] = []
            repeat {
                guard let id = identifier() else { return nil }
                ids.append(id)
            } while take(",")
            rest = rest.drop { $0 == " " }
            return ids
        }

        /// `"text"`: no quote inside; `#` only as an entity code.
        mutating func quoted() throws -> String {
            struct Bad: Error {}
            guard take("\"") else { throw Bad() }
            guard let close = rest.firstIndex(of: "\"") else { throw Bad() }
            let text = rest[..<close]
            rest = rest[rest.index(after: close)...]
            var entities = text.split(separator: "#", omittingEmptySubsequences: false).dropFirst().makeIterator()
            while let after = entities.next() {
                guard let semicolon = after.firstIndex(of: ";") else { throw Bad() }
                let name = after[..<semicolon]
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                    name.allSatisfy(\.isNumber) || name.allSatisfy(\.isLetter)
                else { throw Bad() }
            }
            return String(text)
        }
    }
}

/// A Graphviz graph in the subset we print: `digraph id {`, `subgraph "id" {`, `}`, graph
/// attributes (`rankdir=LR;`), `node`/`edge` defaults, node statements `"id" [a=b, …];` and
/// edges `"a" -> "b" [a=b, …];`, with quoted strings escaped as DOT reads them.
struct DotGraph {
    struct Edge {
        var from: String
        var to: String
        var attributes: [String: String]
    }

    var nodes: [(id: String, attributes: [String: String])] = []
    var edges: [Edge] = []
    /// Edge ends no node statement declared (Graphviz would make them up, with the id as text).
    var undeclared: [String] {
        let declared = Set(nodes.map(\.id))
        var seen: Set<String> = []
        return edges.flatMap { [$0.from, $0.to] }.filter { !declared.contains($0) && seen.insert($0).inserted }
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    init(_ text: String) throws(SyntaxError) {
        var tokens = try Self.tokens(text)[...]
        func next() -> String? { tokens.popFirst() }
        guard next() == "digraph", next() != nil, next() == "{" else { throw SyntaxError(message: "no digraph header") }
        var depth = 1
        while let token = next() {
            switch token {
            case "}":
                depth -= 1
                if depth == 0 {
                    guard tokens.isEmpty else { throw SyntaxError(message: "text after the graph") }
                    return
                }
            case "subgraph":
                guard next() != nil, next() == "{" else { throw SyntaxError(message: "subgraph without a body") }
                depth += 1
            case "node", "edge":
                _ = try Self.attributes(&tokens)
                guard next() == ";" else { throw SyntaxError(message: "\(token) defaults end with ;") }
            default:
                if tokens.first == "=" {
                    _ = next()
                    guard next() != nil, next() == ";" else { throw SyntaxError(message: "\(token)= needs a value;") }
                    continue
                }
                if tokens.first == "->" {
                    _ = next()
                    guard let to = next() else { throw SyntaxError(message: "edge without an end") }
                    edges.append(Edge(from: token, to: to, attributes: try Self.attributes(&tokens)))
                } else {
                    nodes.append((token, try Self.attributes(&tokens)))
                }
                guard next() == ";" else { throw SyntaxError(message: "statement about \(token) does not end with ;") }
            }
        }
        throw SyntaxError(message: "graph not closed")
    }

    static func attributes(_ tokens: inout ArraySlice<String>) throws(SyntaxError) -> [String: String] {
        guard tokens.first == "[" else { return [:] }
        tokens.removeFirst()
        var out: [String: String] = [:]
        while let key = tokens.popFirst(), key != "]" {
            guard tokens.popFirst() == "=", let value = tokens.popFirst() else {
                throw SyntaxError(message: "attribute \(key) without =value")
            }
            out[key] = value
            if tokens.first == "," { tokens.removeFirst() }
        }
        return out
    }

    /// Quoted strings unescaped (`\"`, `\\`; `\n` kept as DOT's line break), identifiers, and
    /// `[ ] { } ; = , ->`.
    static func tokens(_ text: String) throws(SyntaxError) -> [String] {
        var out: [String] = []
        var chars = Substring(text)
        while let c = chars.first {
            if c.isWhitespace {
                chars.removeFirst()
            } else if c == "\"" {
                chars.removeFirst()
                var value = ""
                while true {
                    guard let d = chars.popFirst() else { throw SyntaxError(message: "unterminated string") }
                    if d == "\"" { break }
                    if d == "\\" {
                        guard let e = chars.popFirst() else { throw SyntaxError(message: "unterminated string") }
                        value += e == "\"" || e == "\\" ? String(e) : "\\\(e)"
                    } else {
                        value.append(d)
                    }
                }
                out.append(value)
            } else if chars.hasPrefix("->") {
                out.append("->")
                chars.removeFirst(2)
            } else if "[]{};=,".contains(c) {
                out.append(String(c))
                chars.removeFirst()
            } else {
                let word = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "#" }
                guard !word.isEmpty else { throw SyntaxError(message: "unexpected \(c)") }
                out.append(String(word))
                chars.removeFirst(word.count)
            }
        }
        return out
    }
}
