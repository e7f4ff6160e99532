import Cisco
import IOSSimulator
import Spec
import Testing

/// `management.passwordHash`: the management user as type 9 (scrypt, the default) or as type 5
/// (MD5-crypt) for IOS images before 15.3(3)M, rendered, kept by the simulator as IOS keeps
/// it, logged in against, and compared by re-hashing.
@Suite("Management user's password hash")
struct PasswordHashTests {
    static func rendered(_ hash: String?) -> [String] {
        var attributes: Attributes = [
            "hostname": .string("R1"), "username": .string("netops"),
            "password": .secret(.environment("RTR_PASSWORD")),
        ]
        if let hash { attributes["passwordHash"] = .string(hash) }
        let context = IOSRenderer.Context(output: { _ in nil }, secret: { _ in "lab login" })
        return IOSRenderer.section(type: "ios.system", attributes, platform: "ios", context: context).map(\.text)
            .filter { $0.hasPrefix("username ") }
    }

    @Test func scryptByDefaultAndMD5WhenAsked() {
        #expect(Self.rendered(nil) == ["username netops privilege 15 algorithm-type scrypt secret lab login"])
        #expect(Self.rendered("scrypt") == ["username netops privilege 15 algorithm-type scrypt secret lab login"])
        #expect(Self.rendered("md5") == ["username netops privilege 15 secret lab login"])
    }

    /// What each line types, and the lines that type no clear secret (a hash given as is).
    @Test func theLinesThatTypeAOneWaySecret() throws {
        let md5 = try #require(HashedSecretLine("username netops privilege 15 secret lab login"))
        #expect(md5.typed == "lab login")
        #expect(md5.kept == "username netops privilege 15 secret 5 ")
        #expect(md5.hash == .md5)
        let clear = try #require(HashedSecretLine("username netops privilege 15 secret 0 lab login"))
        #expect(clear.typed == "lab login")
        let scrypt = try #require(HashedSecretLine("username u privilege 15 algorithm-type scrypt secret p"))
        #expect(scrypt.kept == "username u privilege 15 secret 9 ")
        #expect(HashedSecretLine("enable secret p")?.kept == "enable secret 5 ")
        #expect(HashedSecretLine("username u privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0") == nil)
        #expect(HashedSecretLine("username u privilege 15 secret 9 $9$salt$hash") == nil)
        #expect(HashedSecretLine("username u privilege 15 password 7 0822455D0A16") == nil)
        let stored = try #require(md5.stored())
        #expect(stored.hasPrefix("username netops privilege 15 secret 5 $1$"))
        #expect(md5.isHeld(by: stored))
        #expect(!scrypt.isHeld(by: stored))
    }

    /// IOS keeps `username U privilege 15 secret P` as `secret 5 $1$salt$hash`: so does the
    /// simulator, which logs the user in against it; the remediation takes that hash as the
    /// intended secret and sees a changed password, or a change to scrypt, as a change.
    @Test func theSimulatorKeepsAType5UserAndLogsItIn() throws {
        let device = IOSDevice(config: try IOSParser.parse("hostname R1\nservice password-encryption\n"))
        let session = IOSSession(device: device, privileged: true)
        for line in ["configure terminal", "username netops privilege 15 secret lab login", "end"] {
            _ = session.answer(line)
        }
        let stored = try #require(device.runningConfig.lines.first { $0.text.hasPrefix("username netops ") })
        #expect(stored.text.hasPrefix("username netops privilege 15 secret 5 $1$"), "\(stored.text)")
        #expect(!stored.text.contains("lab login"))
        #expect(device.accepts(username: "netops", password: "lab login", fallback: nil))
        #expect(!device.accepts(username: "netops", password: "lab", fallback: nil))
        let same = try IOSParser.parse(
            "hostname R1\nservice password-encryption\nusername netops privilege 15 secret lab login\n"
        )
        #expect(Remediation.commands(running: device.runningConfig, intended: same).lines.isEmpty)
        let other = try IOSParser.parse(
            "hostname R1\nservice password-encryption\nusername netops privilege 15 secret other\n"
        )
        #expect(
            Remediation.commands(running: device.runningConfig, intended: other).lines.map(\.text) == [
                "username netops privilege 15 secret other"
            ]
        )
        let scrypt = try IOSParser.parse(
            "hostname R1\nusername netops privilege 15 algorithm-type scrypt secret lab login\n"
        )
        #expect(!Remediation.commands(running: device.runningConfig, intended: scrypt).lines.isEmpty)
        // The rollback types the running hash back as is, and the router keeps it unchanged.
        _ = session.answer("configure terminal")
        _ = session.answer(stored.text)
        _ = session.answer("end")
        #expect(device.runningConfig.lines.first { $0.text.hasPrefix("username netops ") } == stored)
    }

    /// An image before 15.3(3)M has no `algorithm-type` after a username: IOS refuses the line
    /// at that word and keeps nothing; 15.3(3)M and later take it.
    @Test(arguments: [("15.1(4)M12a", false), ("15.3(2)T4", false), ("15.3(3)M", true), ("15.4(1)T1", true)])
    func onlyImagesWithScryptTakeAlgorithmType(_ software: String, _ takes: Bool) throws {
        let device = IOSDevice(config: try IOSParser.parse("hostname R1\n"), software: software)
        let session = IOSSession(device: device, privileged: true)
        _ = session.answer("configure terminal")
        let answer = session.answer("username netops privilege 15 algorithm-type scrypt secret lab login").output
        _ = session.answer("end")
        let kept = device.runningConfig.lines.contains { $0.text.hasPrefix("username netops ") }
        #expect(kept == takes)
        #expect(answer.contains("% Invalid input detected at '^' marker.") == !takes, "\(answer)")
    }

    /// Read back, the line says how it is kept: as the spec names it, or as IOS prints it,
    /// never with the password.
    @Test func theRouterSaysHowItKeepsThePassword() throws {
        let identity: Attributes = [
            "hostname": .string("R1"), "username": .string("netops"),
            "password": .secret(.environment("RTR_PASSWORD")),
        ]
        let secrets = IOSSections.Secrets(fingerprint: { "fp:" + $0 }, value: { _ in "lab login" })
        let facts = IOSSections.Facts(platform: "ios", model: nil, software: "15.1(4)M12a")
        for (line, hash) in [
            ("username netops privilege 15 secret 5 \(MD5Crypt.hash("lab login", salt: "abcd"))", "md5"),
            ("username netops privilege 15 secret 9 $9$2MJBozw/9R3UsU$x", "scrypt"),
            ("username netops privilege 15 password 7 0822455D0A16", "password 7"),
            ("username netops privilege 15 password lab login", "password"),
        ] {
            let running = try IOSParser.parse("hostname R1\n\(line)\n")
            let read = try #require(
                IOSSections.read(
                    type: "ios.system",
                    identity: identity,
                    running: running,
                    facts: facts,
                    secrets: secrets
                )
            )
            #expect(read["passwordHash"] == .string(hash), "\(line)")
        }
    }
}
