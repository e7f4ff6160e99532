internal import Crypto

/// The `$1$` MD5-crypt hash IOS prints for `enable secret 5` and `username … secret 5`
/// (Poul-Henning Kamp's algorithm): one-way, so a secret is compared by hashing the intended
/// value with the running hash's salt.
public enum MD5Crypt {
    static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `$1$salt$hash` for `password` (the salt is cut to 8 characters, as the algorithm does).
    public static func hash(_ password: String, salt: String) -> String {
        let pw = Array(password.utf8)
        let salt = Array(salt.utf8.prefix(8))
        let magic = Array("$1$".utf8)

        var alternate = Insecure.MD5()
        alternate.update(data: pw + salt + pw)
        let altDigest = Array(alternate.finalize())

        var context = Insecure.MD5()
        context.update(data: pw + magic + salt)
        var remaining = pw.count
        while remaining > 0 {
            context.update(data: altDigest.prefix(min(16, remaining)))
            remaining -= 16
        }
        var bits = pw.count
        while bits > 0 {
            context.update(data: bits & 1 == 1 ? [0] : [pw.first ?? 0])
            bits >>= 1
        }
        var digest = Array(context.finalize())
        for round in 0..<1000 {
            var step = Insecure.MD5()
            step.update(data: round & 1 == 1 ? pw : digest)
            if round % 3 != 0 { step.update(data: salt) }
            if round % 7 != 0 { step.update(data: pw) }
            step.update(data: round & 1 == 1 ? digest : pw)
            digest = Array(step.finalize())
        }
        var encoded: [UInt8] = []
        func emit(_ a: Int, _ b: Int, _ c: Int, _ count: Int) {
            var value = (Int(digest[a]) << 16) | (Int(digest[b]) << 8) | Int(digest[c])
            for _ in 0..<count {
                encoded.append(alphabet[value & 0x3F])
                value >>= 6
            }
        }
        emit(0, 6, 12, 4)
        emit(1, 7, 13, 4)
        emit(2, 8, 14, 4)
        emit(3, 9, 15, 4)
        emit(4, 10, 5, 4)
        var last = Int(digest[11])
        for _ in 0..<2 {
            encoded.append(alphabet[last & 0x3F])
            last >>= 6
        }
        return "$1$" + String(decoding: salt, as: UTF8.self) + "$" + String(decoding: encoded, as: UTF8.self)
    }

    /// Whether `password` hashes to `hashed` (`$1$salt$…`).
    public static func verify(_ password: String, against hashed: String) -> Bool {
        let parts = hashed.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "1" else { return false }
        return hash(password, salt: String(parts[2])) == hashed
    }

    /// A salt of four characters drawn from `seed` (deterministic where output must be).
    public static func salt(seed: String) -> String {
        let digest = Array(SHA256.hash(data: Array(seed.utf8)))
        return String(decoding: digest.prefix(4).map { alphabet[Int($0) & 0x3F] }, as: UTF8.self)
    }
}
