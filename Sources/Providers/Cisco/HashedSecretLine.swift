/// A configuration line that types a one-way secret in clear, and the line IOS keeps instead.
///
/// IOS never prints such a secret back: `enable secret P` becomes `enable secret 5 $1$…`,
/// `username U privilege N secret P` becomes `… secret 5 $1$…` (MD5-crypt) and
/// `username U privilege N algorithm-type scrypt secret P` becomes `… secret 9 $9$…`. The
/// remediation compares such a line by hashing P with the running hash's salt, and the
/// simulator stores what IOS stores; both read the line here.
public struct HashedSecretLine: Sendable, Hashable {
    /// The one-way hashes IOS keeps.
    public enum Hash: String, Sendable {
        /// Type 5, MD5-crypt.
        case md5 = "5"
        /// Type 9, scrypt.
        case scrypt = "9"
    }

    /// The secret as typed: the rest of the line, spaces and all, as IOS reads it.
    public var typed: String
    /// The running line up to its hash: `enable secret 5 `, `username U privilege 15 secret 9 `.
    public var kept: String
    public var hash: Hash

    /// The line read, or nil if it types no clear secret (one already hashed, `secret 5 $1$…`).
    public init?(_ text: String) {
        let words = text.split(separator: " ")
        if words.count == 3, words[0] == "enable", words[1] == "secret" {
            self.init(typed: String(words[2]), kept: "enable secret 5 ", hash: .md5)
            return
        }
        guard words.count >= 6, words[0] == "username", words[2] == "privilege" else { return nil }
        let user = "username \(words[1]) privilege \(words[3]) secret "
        let rest: ArraySlice<Substring>
        let hash: Hash
        if words[4] == "secret" {
            (rest, hash) = (words.dropFirst(5), .md5)
        } else if words.count >= 8, words[4] == "algorithm-type", words[5] == "scrypt", words[6] == "secret" {
            (rest, hash) = (words.dropFirst(7), .scrypt)
        } else {
            return nil
        }
        // `secret 0 P` is P in clear; `secret 5 …`, `8 …` or `9 …` is a hash given as is.
        guard let first = rest.first else { return nil }
        if rest.count >= 2 && ["4", "5", "8", "9"].contains(first) { return nil }
        let clear = rest.count >= 2 && first == "0" ? rest.dropFirst() : rest
        self.init(typed: clear.joined(separator: " "), kept: user + hash.rawValue + " ", hash: hash)
    }

    init(typed: String, kept: String, hash: Hash) {
        self.typed = typed
        self.kept = kept
        self.hash = hash
    }

    /// Whether the running line `text` holds this secret (the typed value hashed with its salt).
    public func isHeld(by text: String) -> Bool {
        guard text.hasPrefix(kept) else { return false }
        let hashed = String(text.dropFirst(kept.count))
        switch hash {
        case .md5: return MD5Crypt.verify(typed, against: hashed)
        case .scrypt: return CiscoScrypt.verify(typed, against: hashed)
        }
    }

    /// The line IOS keeps, with a salt drawn from the secret (deterministic, as the lab needs);
    /// nil if scrypt is not available.
    public func stored() -> String? {
        switch hash {
        case .md5: return kept + MD5Crypt.hash(typed, salt: MD5Crypt.salt(seed: typed))
        case .scrypt: return CiscoScrypt.hash(typed, salt: CiscoScrypt.salt(seed: typed)).map { kept + $0 }
        }
    }
}
