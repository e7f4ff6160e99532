/// Where a secret's value comes from.
///
/// The value itself is read only when a provider needs it
/// (`SecretResolver`), never during validation or planning, and is never printed.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    case environment(String)
    /// A path relative to the spec root.
    case file(String)
    /// A literal in the spec, accepted only with `--allow-plaintext-secrets`.
    case literal(String)

    /// A printable form that never contains the value.
    public var description: String {
        switch self {
        case .environment(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        case .literal: return "literal"
        }
    }
}

/// A secret field's reference, with where it was written.
public struct SecretRef: Sendable, Hashable, CustomStringConvertible {
    public var source: SecretSource
    public var location: SourceLocation

    public init(source: SecretSource, location: SourceLocation) {
        self.source = source
        self.location = location
    }

    public var description: String { source.description }
}
