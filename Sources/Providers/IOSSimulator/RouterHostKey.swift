internal import Crypto
internal import Foundation

/// A simulated router's SSH host key, kept in a file as a real router keeps its key in NVRAM.
///
/// Every process that serves the same lab device presents the same key, so a pin written once
/// holds for all of them: a second `reconcile` run (a read-only `drift`, or an `apply` the
/// lock then refuses) never invalidates the pin the first one is using.
public struct RouterHostKey: Sendable {
    /// The Ed25519 private key's 32 bytes (the key type itself is not Sendable).
    let raw: Data

    var key: Curve25519.Signing.PrivateKey {
        // Checked when read from the file or made: it always decodes.
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)) ?? Curve25519.Signing.PrivateKey()
    }

    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case unwritable(String, Int32)

        public var description: String {
            switch self {
            case .unreadable(let path): "\(path) is not a router host key (32 bytes, base64); delete it for a new key"
            case .unwritable(let path, let code):
                "cannot write the router host key \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// The key in `path`, made there first if there is none (mode 0600).
    ///
    /// The file is linked into place, never overwritten: when two processes make a key at
    /// once, both end up with the one that landed first.
    public static func persisted(at path: String) throws(Failure) -> RouterHostKey {
        if let existing = FileManager.default.contents(atPath: path) { return try decode(existing, path) }
        let fresh = Curve25519.Signing.PrivateKey()
        let temporary = path + ".\(getpid()).\(UUID().uuidString).tmp"
        let text = Data((fresh.rawRepresentation.base64EncodedString() + "\n").utf8)
        guard FileManager.default.createFile(atPath: temporary, contents: text, attributes: [.posixPermissions: 0o600])
        else { throw .unwritable(temporary, errno) }
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            let code = errno
            guard code == EEXIST, let existing = FileManager.default.contents(atPath: path) else {
                throw .unwritable(path, code)
            }
            return try decode(existing, path)
        }
        return RouterHostKey(raw: fresh.rawRepresentation)
    }

    private static func decode(_ data: Data, _ path: String) throws(Failure) -> RouterHostKey {
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), (try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)) != nil
        else { throw .unreadable(path) }
        return RouterHostKey(raw: raw)
    }
}
