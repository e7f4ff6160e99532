internal import Foundation

/// Reads a secret's value, only when a provider needs it.
///
/// Never during validation, planning or rendering. Errors name where the secret should come
/// from, never a value.
public struct SecretResolver: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case environmentUnset(String, SourceLocation)
        case fileUnreadable(String, SourceLocation)
        case empty(String, SourceLocation)

        public var description: String {
            switch self {
            case .environmentUnset(_, let at), .fileUnreadable(_, let at), .empty(_, let at):
                return "\(at): \(reason)"
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
            }
        }
    }

    /// The directory `fromFile` paths are relative to: the spec directory (or a single spec
    /// file's directory).
    public var root: String
    public var environment: [String: String]

    /// `environment` defaults to the process's own.
    public init(specRoot: String, environment: [String: String]? = nil) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: specRoot, isDirectory: &isDirectory), !isDirectory.boolValue {
            root = (specRoot as NSString).deletingLastPathComponent
        } else {
            root = specRoot
        }
        if root.isEmpty { root = "." }
        self.environment = environment ?? ProcessInfo.processInfo.environment
    }

    /// The value; a trailing newline of a file is dropped (editors add one).
    public func resolve(_ secret: SecretRef) throws(Failure) -> String {
        let value: String
        switch secret.source {
        case .literal(let text):
            value = text
        case .environment(let name):
            guard let text = environment[name] else { throw .environmentUnset(name, secret.location) }
            value = text
        case .file(let path):
            let full = path.hasPrefix("/") ? path : root + "/" + path
            guard let data = FileManager.default.contents(atPath: full) else {
                throw .fileUnreadable(path, secret.location)
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            value = text
        }
        guard !value.isEmpty else { throw .empty(secret.source.description, secret.location) }
        return value
    }
}
