import Foundation
import TestSupport
import Testing

/// `management.passwordHash` through the real `reconcile` binary against the lab: an image
/// before 15.3(3)M keeps its user as type 5, applies converge, and the user logs in against
/// that hash; moving to scrypt after an upgrade is a change that converges too.
@Suite("The management user's hash against the lab", .serialized)
struct LabPasswordHashTests {
    static func oldImage(_ text: String) -> String {
        text.replacingOccurrences(of: "software: \"15.4(1)T1\"", with: "software: \"15.1(4)M12a\"")
    }
    static func md5(_ text: String) -> String {
        text.replacingOccurrences(
            of: "    password: {fromEnv: RTR_PASSWORD}\n",
            with: "    password: {fromEnv: RTR_PASSWORD}\n    passwordHash: md5\n"
        )
    }

    /// The user's line as the lab router keeps it (`lab cli` masks what follows `secret`).
    static func user(_ ws: LabWorkspace) throws -> String {
        let file = ws.spec.appendingPathComponent(".reconcile/lab/devices/tokyo-rtr1.cfg")
        let config = try String(contentsOf: file, encoding: .utf8)
        #expect(!config.contains(LabWorkspace.secrets["RTR_PASSWORD"] ?? "?"))
        return config.split(separator: "\n").filter { $0.hasPrefix("username ") }.joined(separator: "\n")
    }

    @Test func anOldImageKeepsTheUserAsType5AndConverges() throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        try ws.edit("onprem.yaml", Self.oldImage)
        // scrypt, the default, is refused before anything is read or sent: that IOS would stop
        // the push at the username line.
        let refused = try ws.run(["plan", "spec"])
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("[device-password-hash]"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.spec.appendingPathComponent(".reconcile/lab").path))

        try ws.edit("onprem.yaml", Self.md5)
        let apply = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(!apply.stderr.contains("device-password"), "no warning where md5 is all there is: \(apply.stderr)")
        #expect(try Self.user(ws).contains("username netops privilege 15 secret 5 $1$"))
        // diff logs in as netops, against the type 5 hash, and finds nothing to do.
        let diff = try ws.run(["diff", "spec"])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        // The hash refuses another password.
        let wrong = try ws.run(["diff", "spec"], environment: ["RTR_PASSWORD": "not-the-login"])
        #expect(wrong.status == 1, "\(wrong.stdout)\(wrong.stderr)")
    }

    /// A router upgraded to an image with scrypt: md5 is warned about, and leaving it out
    /// (scrypt) moves the user to type 9 in one apply.
    @Test func movingFromMD5ToScryptIsAChangeThatConverges() throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        try ws.edit("onprem.yaml", Self.md5)
        let apply = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stderr.contains("[device-password-weak]"), "\(apply.stderr)")
        #expect(try Self.user(ws).contains("secret 5 $1$"))

        try ws.edit("onprem.yaml") { $0.replacingOccurrences(of: "    passwordHash: md5\n", with: "") }
        let diff = try ws.run(["diff", "spec"])
        #expect(diff.status == 2, "\(diff.stdout)\(diff.stderr)")
        #expect(diff.stdout.contains("passwordHash"), "\(diff.stdout)")
        #expect(diff.stdout.contains("algorithm-type scrypt secret"), "\(diff.stdout)")
        let upgrade = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(upgrade.status == 0, "\(upgrade.stdout)\(upgrade.stderr)")
        #expect(try Self.user(ws).contains("username netops privilege 15 secret 9 $9$"))
        let after = try ws.run(["diff", "spec"])
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    }
}
