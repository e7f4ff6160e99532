internal import Foundation
internal import Reconciler
internal import Spec

/// What each router ran before reconcile first changed it, kept so that `destroy` can give the
/// router back as it was found (docs/ios.md, "Tearing down").
///
/// One file per router, `<directory>/NAME.cfg` (`.reconcile/cisco-baseline/`), written once, at
/// the first push, and never rewritten: a later apply must not move the point destroy returns
/// to. The folder is 0700 and the files 0600, like the rest of the state directory.
///
/// State holds fingerprints of secrets, never their values (docs/security.md). IOS prints a
/// one-way secret as its hash (`secret 5/8/9`), which is kept so a restored user or enable
/// secret logs in as before; a line holding a reversible secret (a clear or type 7 password, a
/// clear pre-shared key or `key`) is left out, so destroy cannot put that one line back.
struct RouterBaseline: Sendable {
    /// Where the files are; nil keeps no baseline (destroy then removes what it manages).
    let directory: String?

    func path(_ device: String) -> String? {
        directory.map { "\($0)/\(device).cfg" }
    }

    /// The config the router ran before its first push, if one was kept.
    func load(_ device: String) throws -> IOSConfig? {
        guard let path = path(device), let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try IOSParser.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw ProviderError(
                "\(device): the config it ran before reconcile first changed it (\(path)) does not parse: \(error); "
                    + "restore the file, or delete it to keep the router's present config as its baseline"
            )
        }
    }

    /// Keeps `running` as the router's baseline unless one is already kept.
    func keep(_ running: IOSConfig, for device: String) throws {
        guard let directory, let path = path(device), !FileManager.default.fileExists(atPath: path) else { return }
        let text = Data(Self.storable(running).render().utf8)
        do {
            try PrivateDirectory.create(directory)
        } catch {
            throw ProviderError("\(device): cannot create \(directory) for its baseline config: \(error)")
        }
        let temporary = path + ".tmp.\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: text, attributes: [.posixPermissions: 0o600])
        else { throw ProviderError("\(device): cannot write its baseline config to \(temporary)") }
        // Linked, not renamed: two runs racing to adopt one router keep the first read.
        defer { unlink(temporary) }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw ProviderError("\(device): cannot write its baseline config to \(path)")
        }
    }

    /// The config without the lines that hold a reversible secret.
    static func storable(_ config: IOSConfig) -> IOSConfig {
        func keep(_ lines: [IOSLine]) -> [IOSLine] {
            lines.filter { !holdsReversibleSecret($0.text) }.map { line in
                var line = line
                line.children = keep(line.children)
                return line
            }
        }
        return IOSConfig(lines: keep(config.lines))
    }

    /// Whether a line holds a secret that can be read back from it: any secret `masked`
    /// hides, unless the word before it marks a one-way hash (5 MD5, 8 PBKDF2, 9 scrypt).
    static func holdsReversibleSecret(_ text: String) -> Bool {
        guard IOSRules.masked(text) != text else { return false }
        let words = text.split(separator: " ")
        return !zip(words, words.dropFirst()).contains { keyword, marker in
            ["secret", "password"].contains(keyword) && ["5", "8", "9"].contains(marker)
        }
    }
}
