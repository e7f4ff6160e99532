internal import Foundation

/// Reads a secret's value, only when a provider needs it.
///
/// Never during validation, planning or rendering. Errors name where the secret should come
/// from, never a value. `fromFile` reads only below the spec directory (symlinks and `..`
/// resolved first); with `granted` set, `fromEnv` reads only the names granted from outside
/// the spec (`--allow-secret`, `RECONCILE_ALLOWED_SECRETS`), so whoever edits the spec cannot
/// widen what it may read. A value IOS cannot take (a line break, a control or non-ASCII
/// character, `?`, a leading or trailing space) is refused before anything is sent.
public struct SecretResolver: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case environmentUnset(String, SourceLocation)
        case fileUnreadable(String, SourceLocation)
        case empty(String, SourceLocation)
        /// `fromEnv` names a variable no grant allows.
        case notGranted(String, SourceLocation)
        /// `fromFile` leads outside the spec directory.
        case outsideSpec(String, SourceLocation)
        /// The value holds something IOS cannot take: the source and why, never the value.
        case unusable(String, String, SourceLocation)

        public var description: String {
            "\(location): \(reason)"
        }

        public var location: SourceLocation {
            switch self {
            case .environmentUnset(_, let at), .fileUnreadable(_, let at), .empty(_, let at), .notGranted(_, let at),
                .outsideSpec(_, let at), .unusable(_, _, let at):
                return at
            }
        }

        /// The problem without its location.
        public var reason: String {
            switch self {
            case .environmentUnset(let name, _):
                return "the secret comes from environment variable \(name), which is not set"
            case .fileUnreadable(let path, _):
                return "the secret comes from file \(path), which cannot be read"
            case .empty(let source, _):
                return "the secret from \(source) is empty"
            case .notGranted(let name, _):
                return "the secret comes from environment variable \(name), which is not granted to this spec"
            case .outsideSpec(let path, _):
                return "the secret comes from file \(path), which is outside the spec directory"
            case .unusable(let source, let why, _):
                return "the secret from \(source) \(why)"
            }
        }

        /// The diagnostic rule the failure breaks.
        public var rule: RuleID {
            switch self {
            case .environmentUnset, .fileUnreadable: return .secretMissing
            case .notGranted: return .secretNotGranted
            case .outsideSpec: return .secretOutsideSpec
            case .empty, .unusable: return .secretValue
            }
        }

        /// How to fix it.
        public var hint: String? {
            switch self {
            case .environmentUnset(let name, _): return "set \(name) in the environment of this run"
            case .notGranted(let name, _):
                return "grant it from outside the spec: --allow-secret \(name), or RECONCILE_ALLOWED_SECRETS=\(name)"
            case .outsideSpec: return "keep secret files in the spec directory (and out of git), or use fromEnv"
            case .unusable: return "IOS takes printable ASCII without '?', and no leading or trailing space"
            case .fileUnreadable, .empty: return nil
            }
        }

        /// The failure as a diagnostic, for printing with the spec's source lines.
        public var diagnostic: Diagnostic {
            Diagnostic(.error, rule, reason, at: location, hint: hint)
        }
    }

    /// The environment variable that grants names, comma- or space-separated, for CI jobs.
    public static let grantVariable = "RECONCILE_ALLOWED_SECRETS"

    /// The directory `fromFile` paths are relative to: the spec directory (or a single spec
    /// file's directory).
    public var root: String
    public var environment: [String: String]
    /// The variables `fromEnv` may read; nil when the caller has already checked (library use).
    public var granted: Set<String>?

    /// `environment` defaults to the process's own.
    public init(specRoot: String, environment: [String: String]? = nil, granted: Set<String>? = nil) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: specRoot, isDirectory: &isDirectory), !isDirectory.boolValue {
            root = (specRoot as NSString).deletingLastPathComponent
        } else {
            root = specRoot
        }
        if root.isEmpty { root = "." }
        self.environment = environment ?? ProcessInfo.processInfo.environment
        self.granted = granted
    }

    /// The names granted by `--allow-secret` values and `RECONCILE_ALLOWED_SECRETS`.
    ///
    /// Each is an exact name or a comma- or space-separated list of names; no patterns, so every
    /// name a run may read is written out where reviewers of the CI job see it.
    public static func grants(options: [String], environment: [String: String]) -> Set<String> {
        let lists = options + [environment[grantVariable] ?? ""]
        return Set(
            lists.flatMap { $0.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) }.map(String.init)
        )
    }

    /// The value; a trailing newline of a file is dropped (editors add one).
    public func resolve(_ secret: SecretRef) throws(Failure) -> String {
        let value: String
        switch secret.source {
        case .literal(let text):
            value = text
        case .environment(let name):
            if let granted, !granted.contains(name) { throw .notGranted(name, secret.location) }
            guard let text = environment[name] else { throw .environmentUnset(name, secret.location) }
            value = text
        case .file(let path):
            let full = path.hasPrefix("/") ? path : root + "/" + path
            guard let real = Self.realPath(full) else { throw .fileUnreadable(path, secret.location) }
            guard let base = Self.realPath(root), real.hasPrefix(base == "/" ? "/" : base + "/") else {
                throw .outsideSpec(path, secret.location)
            }
            guard let data = FileManager.default.contents(atPath: real) else {
                throw .fileUnreadable(path, secret.location)
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            value = text
        }
        guard !value.isEmpty else { throw .empty(secret.source.description, secret.location) }
        if secret.reachesDevices, let why = Self.problem(in: value) {
            throw .unusable(secret.source.description, why, secret.location)
        }
        return value
    }

    /// Why IOS cannot take `value`, if it cannot; never quotes the value.
    ///
    /// A line break would end the command early and send the rest as a command of its own; `?`
    /// asks the IOS CLI for help instead of being typed; IOS drops leading and trailing spaces
    /// and takes ASCII only. Azure's shared keys take no more than this either.
    public static func problem(in value: String) -> String? {
        for scalar in value.unicodeScalars {
            if scalar == "\n" || scalar == "\r" { return "contains a line break" }
            if !scalar.isASCII { return "contains a non-ASCII character" }
            if scalar.value < 0x20 || scalar.value == 0x7F { return "contains a control character" }
            if scalar == "?" { return "contains '?', which the IOS command line takes as a request for help" }
        }
        if value.first == " " || value.last == " " { return "begins or ends with a space, which IOS drops" }
        return nil
    }

    /// `path` with symlinks and `..` resolved, nil if it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
