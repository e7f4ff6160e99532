/// Why a plugin could not be found or trusted, before anything was started.
///
/// Failures of a running plugin are `ProviderError`s (the engine retries and reports those);
/// these come earlier, from the `Plugin` document and the machine.
public enum PluginError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name cannot be a provider's name (it becomes the address prefix and the program's name).
    case badName(String)
    /// No `reconcile-provider-NAME` on PATH.
    case notOnPath(name: String, program: String)
    /// A path was given without the digest that pins it.
    case digestRequired(name: String, path: String)
    /// The digest is not 64 lowercase hexadecimal digits.
    case badDigest(name: String, digest: String)
    /// The file is missing, not a regular file or not executable.
    case notExecutable(name: String, path: String, why: String)
    /// The file is not the one the spec pinned.
    case digestMismatch(name: String, path: String, expected: String, actual: String)

    public var description: String {
        switch self {
        case .badName(let name):
            "plugin name \"\(name)\" is not valid: a lowercase letter, then up to 40 lowercase letters, digits or '-'"
        case .notOnPath(let name, let program):
            "plugin \(name): no executable \(program) on PATH; put it on PATH or name it in the Plugin document "
                + "with its sha256"
        case .digestRequired(let name, let path):
            "plugin \(name): path \(path) needs its sha256 in the Plugin document, so that changing the program "
                + "shows in a diff"
        case .badDigest(let name, let digest):
            "plugin \(name): sha256 \"\(digest)\" is not 64 lowercase hexadecimal digits"
        case .notExecutable(let name, let path, let why):
            "plugin \(name): \(path) \(why)"
        case .digestMismatch(let name, let path, let expected, let actual):
            "plugin \(name): \(path) has sha256 \(actual), but the Plugin document pins \(expected); "
                + "nothing was started"
        }
    }
}
