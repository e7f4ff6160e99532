public import Reconciler

/// A pre-shared key as a keyed fingerprint (`hmac-sha256:<hex>`), with the key it was made
/// with: how a router's provider that never hands over a key in clear lets verify compare it.
///
/// The key is one verify made for the read (never a state's), so the print says nothing
/// outside it.
public struct KeyFingerprint: Sendable, Hashable, CustomStringConvertible {
    public var print: String
    public var key: [UInt8]

    public init(print: String, key: [UInt8]) {
        self.print = print
        self.key = key
    }

    /// Whether `secret` is the key this fingerprint was made of.
    public func matches(_ secret: String) -> Bool {
        Fingerprinter(key: key).fingerprint(secret) == print
    }

    /// Neither the print nor the key: what verify reports is whether the keys match.
    public var description: String { "(fingerprint)" }
}
