internal import Crypto
internal import Foundation
internal import _CryptoExtras

/// IOS's type 9 secret, `$9$salt$hash`: scrypt (N 16384, r 1, p 1) of the password with a
/// 14-character salt, 32 bytes written in base64 over Cisco's alphabet (`./0-9A-Za-z`).
///
/// One-way, so a running `secret 9` is compared by hashing the intended value with its salt.
public enum CiscoScrypt {
    static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `$9$salt$hash` for `password`; nil if scrypt is not available.
    public static func hash(_ password: String, salt: String) -> String? {
        guard
            let key = try? KDF.Scrypt.deriveKey(
                from: Array(password.utf8),
                salt: Array(salt.utf8),
                outputByteCount: 32,
                rounds: 16_384,
                blockSize: 1,
                parallelism: 1
            )
        else { return nil }
        let bytes = key.withUnsafeBytes { Array($0) }
        return "$9$" + salt + "$" + encode(bytes)
    }

    /// Whether `password` hashes to `hashed` (`$9$salt$…`).
    public static func verify(_ password: String, against hashed: String) -> Bool {
        let parts = hashed.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "9" else { return false }
        return hash(password, salt: String(parts[2])) == hashed
    }

    /// A 14-character salt drawn from `seed` (deterministic where output must be).
    public static func salt(seed: String) -> String {
        let digest = Array(SHA256.hash(data: Array(seed.utf8)))
        return String(decoding: digest.prefix(14).map { alphabet[Int($0) & 0x3F] }, as: UTF8.self)
    }

    /// Base64 bit order over Cisco's alphabet, without padding.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0...chunk.count { out.append(alphabet[(value >> (18 - 6 * position)) & 0x3F]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
