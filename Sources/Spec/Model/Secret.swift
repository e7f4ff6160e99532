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

    /// Parses the printed form of an environment or file source (`env:NAME`, `file:path`);
    /// a literal cannot be restored from its printed form.
    public init?(printed text: String) {
        if text.hasPrefix("env:") {
            self = .environment(String(text.dropFirst(4)))
        } else if text.hasPrefix("file:") {
            self = .file(String(text.dropFirst(5)))
        } else {
            return nil
        }
    }

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
    /// Whether the value is typed into a device or sent to Azure (a key, a password), and so
    /// must be what the IOS command line can take (`SecretResolver.problem(in:)`); false for
    /// what only this tool uses (a state backend's URL, a webhook's signing key), which may hold
    /// any character (`?sslmode=require`).
    public var reachesDevices: Bool

    public init(source: SecretSource, location: SourceLocation, reachesDevices: Bool = true) {
        self.source = source
        self.location = location
        self.reachesDevices = reachesDevices
    }

    /// The same reference, for a value only this tool uses.
    public var forThisToolOnly: SecretRef {
        var copy = self
        copy.reachesDevices = false
        return copy
    }

    public var description: String { source.description }
}
