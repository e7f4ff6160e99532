internal import Foundation

/// Prints diagnostics for people (`file:line:col: error[ID]: message`, the source line with
/// a caret, hint and notes) or as JSON for tools.
public struct DiagnosticRenderer: Sendable {
    public var sources: SourceFiles
    public var color: Bool
    /// The most diagnostics `text` prints; the rest are counted on one line.
    public var limit: Int

    /// The most diagnostics printed as text in one run.
    ///
    /// A hostile 8 MiB spec makes about a million, some 4 million lines that bury the first
    /// ones and can overrun a CI log. 200 is about 1,000 lines: a mistake repeated in every
    /// file of a large spec still shows in each, and a person reads no further;
    /// `validate --format json` keeps them all for tools.
    public static let defaultLimit = 200

    public init(sources: SourceFiles, color: Bool = false, limit: Int = Self.defaultLimit) {
        self.sources = sources
        self.color = color
        self.limit = limit
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// The diagnostics for people: at most `limit` of them, errors before warnings when some
    /// must go (the errors are why the run failed), printed in their own order; a line counts
    /// the rest, and the summary counts all.
    public func text(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        var shown = diagnostics
        if diagnostics.count > limit {
            let errors = diagnostics.indices.filter { diagnostics[$0].severity == .error }.prefix(limit)
            let warnings = diagnostics.indices.filter { diagnostics[$0].severity != .error }
                .prefix(limit - errors.count)
            shown = (errors + warnings).sorted().map { diagnostics[$0] }
        }
        for d in shown {
            let label = d.severity == .error ? paint("error", "1;31") : paint("warning", "1;33")
            out += "\(paint(d.location.description, "1")): \(label)[\(d.rule.rawValue)]: \(d.message)\n"
            out += snippet(d.location, masking: d.rule == .secretPlaintext)
            if let hint = d.hint { out += "  \(paint("hint", "1;36")): \(hint)\n" }
            for note in d.notes {
                out += "  \(paint("note", "1")): \(note.location): \(note.message)\n"
            }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        if shown.count < diagnostics.count {
            let more = diagnostics.count - shown.count
            out += "… and \(more) more diagnostic\(more == 1 ? "" : "s") not shown"
            out += " (reconcile validate --format json lists them all)\n"
        }
        if !diagnostics.isEmpty {
            out += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        }
        return out
    }

    /// The most of a source line a snippet shows, in Unicode scalars: a line may be up to
    /// `YAMLReader.Limits.defaultMaxLineBytes` long, and the reader needs only the part around
    /// the column, not a value echoed whole.
    static let snippetWidth = 100

    /// The offending line and a caret under the column (columns count Unicode scalars); a
    /// long line is cut to `snippetWidth` scalars around the column, the cuts shown as `…`.
    ///
    /// `masking`: the line holds a literal secret from the column on; it is never printed.
    func snippet(_ location: SourceLocation, masking: Bool = false) -> String {
        guard location.line > 0, let line = sources.line(location.line, of: location.file) else { return "" }
        let number = String(location.line)
        let gutter = String(repeating: " ", count: number.count)
        var visible = line
        if masking {
            visible =
                String(String.UnicodeScalarView(visible.unicodeScalars.prefix(max(0, location.column - 1))))
                + "********"
        }
        var scalars = Array(visible.unicodeScalars)
        var caret = min(max(0, location.column - 1), scalars.count)
        var lead = ""
        var trail = ""
        if scalars.count > Self.snippetWidth {
            let from = max(0, min(caret - Self.snippetWidth / 2, scalars.count - Self.snippetWidth))
            let to = from + Self.snippetWidth
            lead = from > 0 ? "…" : ""
            trail = to < scalars.count ? "…" : ""
            scalars = Array(scalars[from..<to])
            caret -= from
        }
        var caretPad = lead.isEmpty ? "" : " "
        for scalar in scalars.prefix(caret) {
            caretPad.append(scalar == "\t" ? "\t" : " ")
        }
        let shown = lead + String(String.UnicodeScalarView(scalars)) + trail
        return " \(number) | \(shown)\n \(gutter) | \(caretPad)\(paint("^", "1;32"))\n"
    }

    /// The diagnostics for tools: all of them, uncapped (a tool asked for the list; the run
    /// already holds it in memory, and a cap would hide the ones `text` does not show).
    public static func json(_ diagnostics: [Diagnostic]) -> String {
        struct Report: Encodable {
            var diagnostics: [Diagnostic]
            var errors: Int
            var warnings: Int
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        return JSONOutput.encode(Report(diagnostics: diagnostics, errors: errors, warnings: diagnostics.count - errors))
    }
}

/// Deterministic JSON: sorted keys, pretty-printed, slashes unescaped, trailing newline.
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
