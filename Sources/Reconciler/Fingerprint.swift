internal import Crypto
internal import Foundation
public import Spec

/// Keyed fingerprints of secrets: `hmac-sha256:<hex>`, with a key that lives beside the state (0600).
///
/// Without the key a fingerprint reveals nothing, not even equal secrets across two states.
public struct Fingerprinter: Sendable {
    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    public func fingerprint(_ value: String) -> String {
        "hmac-sha256:" + Digests.hmacSHA256(Array(value.utf8), key: key)
    }
}

/// SHA-256 and HMAC-SHA256 as lowercase hex, the one way this project prints a digest.
public enum Digests {
    public static func sha256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    public static func hmacSHA256(_ bytes: [UInt8], key: [UInt8]) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: key)))
    }

    /// Bytes as lowercase hex (a fingerprint's key handed to a plugin, say).
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// A digest of a spec's files, so a saved plan knows whether its spec has changed.
public enum SpecDigest {
    /// SHA-256 over each file's path (relative to the spec root) and bytes, in sorted order.
    public static func compute(_ loaded: LoadedSpec) -> String {
        var hasher = SHA256()
        let root = loaded.topology.root
        for file in loaded.files.sorted() {
            var name = file
            if name.hasPrefix(root + "/") { name.removeFirst(root.count + 1) }
            hasher.update(data: Data(name.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(loaded.sources.files[file] ?? []))
            hasher.update(data: Data([0]))
        }
        return "sha256:" + Digests.hex(hasher.finalize())
    }
}
