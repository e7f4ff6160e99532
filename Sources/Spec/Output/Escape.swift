internal import Foundation

/// Makes text from the world safe to print in each output format.
///
/// Names, tags, config lines and error messages come from Azure and from routers, and anyone
/// who can write there can put control characters in them: an ANSI sequence that rewrites the
/// terminal, a bidirectional override that makes a line read backwards, a NUL that cuts a CI
/// log, a character XML 1.0 cannot hold, which makes a JUnit report unreadable. Each output
/// escapes every such string through here, so the rule is one piece of code.
public enum Escape {
    /// True for what a terminal or a log would act on instead of showing: C0 controls (but
    /// tab, and newline when `newlines`), DEL, C1 controls, and Unicode's bidirectional
    /// embeddings, overrides and isolates.
    static func isUnsafe(_ scalar: Unicode.Scalar, newlines: Bool) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x0A: !newlines
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// How an unsafe character is shown: `\u{1B}`, as Swift writes it.
    static func shown(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `text` with each scalar that `replace` has a replacement for replaced, the rest kept.
    static func map(_ text: String, _ replace: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if let replacement = replace(scalar) { out += replacement } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Text for a terminal or a log: every unsafe character shown as `\u{…}` instead of acting.
    public static func terminal(_ text: String, newlines: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0, newlines: newlines) }) else { return text }
        return map(text) { isUnsafe($0, newlines: newlines) ? shown($0) : nil }
    }

    /// Text for XML and HTML, in content and in attributes: markup characters as entities, and
    /// what XML 1.0 cannot hold at all (most C0 controls, U+FFFE, U+FFFF) or a reader would act
    /// on, shown as `\u{…}`.
    public static func xml(_ text: String) -> String {
        map(terminal(text, newlines: true)) {
            switch $0 {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            case "\u{FFFE}", "\u{FFFF}": shown($0)
            default: nil
            }
        }
    }

    /// Text as a double-quoted Graphviz DOT string, quotes included: backslash and quote
    /// escaped, a newline as DOT's `\n` line break, unsafe characters shown as `\u{…}`.
    public static func dot(_ text: String) -> String {
        let body = map(terminal(text, newlines: true)) {
            switch $0 {
            case "\\": "\\\\"
            case "\"": "\\\""
            case "\n": "\\n"
            default: nil
            }
        }
        return "\"" + body + "\""
    }

    /// Text as a double-quoted Mermaid string, quotes included: Mermaid has no escape inside
    /// quotes, so quote, `#`, and what its HTML labels would read as markup are entity codes
    /// (`#quot;`), and the text is one line.
    public static func mermaid(_ text: String) -> String {
        let body = map(terminal(text, newlines: false)) {
            switch $0 {
            case "\"": "#quot;"
            case "#": "#35;"
            case "&": "#amp;"
            case "<": "#lt;"
            case ">": "#gt;"
            default: nil
            }
        }
        return "\"" + body + "\""
    }

    /// Text for one cell of a Markdown table: one line, no HTML, no column break.
    public static func markdownCell(_ text: String) -> String {
        map(terminal(text, newlines: true)) {
            switch $0 {
            case "|": "\\|"
            case "\n": "<br>"
            case "<": "&lt;"
            case ">": "&gt;"
            case "&": "&amp;"
            default: nil
            }
        }
    }

    /// Text as a Markdown code span (`` `x` ``) that its own backticks cannot close early, fit
    /// for a table cell: the fence is one backtick longer than the longest run inside.
    public static func markdownCode(_ text: String) -> String {
        let body = terminal(text, newlines: false).replacingOccurrences(of: "|", with: "\\|")
        let fence = String(repeating: "`", count: longestBacktickRun(body) + 1)
        let pad = body.hasPrefix("`") || body.hasSuffix("`") ? " " : ""
        return fence + pad + body + pad + fence
    }

    /// Lines as a fenced Markdown code block that no line of theirs can close early.
    public static func markdownBlock(_ lines: [String]) -> String {
        let body = terminal(lines.joined(separator: "\n"))
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(body) + 1))
        return "\(fence)\n\(body)\n\(fence)\n"
    }

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
