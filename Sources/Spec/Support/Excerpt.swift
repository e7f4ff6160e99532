/// The part of a value a diagnostic's message quotes.
///
/// A value may be up to `YAMLReader.Limits.defaultMaxScalarBytes` long and a key as long as a
/// line; a message quotes its start only, on one line, so a hostile file cannot make the tool
/// echo megabytes (a 50 MB value used to be printed twice).
public enum Excerpt {
    /// The most of a value a message quotes, in Unicode scalars: enough to recognise a name,
    /// an address or a typo.
    public static let maxScalars = 48

    /// `text` whole when short and on one line, else its start and `…`.
    public static func of(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if out.count == maxScalars || scalar == "\n" || scalar == "\r" {
                return String(out) + "…"
            }
            out.append(scalar)
        }
        return text
    }
}
