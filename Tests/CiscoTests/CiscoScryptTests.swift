import Cisco
import IOSSimulator
import Testing

/// IOS type 9 secrets: scrypt in Cisco's encoding, checked against a published hash.
@Suite("Type 9 secrets")
struct CiscoScryptTests {
    /// hashcat's example hash for mode 9300 (Cisco-IOS $9$), password `hashcat`.
    @Test func aPublishedType9HashVerifies() {
        let published = "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6"
        #expect(CiscoScrypt.hash("hashcat", salt: "2MJBozw/9R3UsU") == published)
        #expect(CiscoScrypt.verify("hashcat", against: published))
        #expect(!CiscoScrypt.verify("hashcat2", against: published))
        #expect(CiscoScrypt.salt(seed: "x").count == 14)
    }

    /// The simulator keeps what IOS keeps for the rendered username line, a type 9 hash, and
    /// logs the user in against it; the remediation takes the hash as the intended secret.
    @Test func theSimulatorHashesAScryptUsernameAndLogsItIn() throws {
        let device = IOSDevice(config: try IOSParser.parse("hostname R1\n"))
        let session = IOSSession(device: device, privileged: true)
        for line in [
            "configure terminal", "username netops privilege 15 algorithm-type scrypt secret lab login", "end",
        ] {
            _ = session.answer(line)
        }
        let stored = try #require(device.runningConfig.lines.first { $0.text.hasPrefix("username netops ") })
        #expect(stored.text.hasPrefix("username netops privilege 15 secret 9 $9$"), "\(stored.text)")
        #expect(!stored.text.contains("lab login"))
        #expect(device.accepts(username: "netops", password: "lab login", fallback: nil))
        #expect(!device.accepts(username: "netops", password: "lab", fallback: nil))
        let intended = try IOSParser.parse(
            "hostname R1\nusername netops privilege 15 algorithm-type scrypt secret lab login\n"
        )
        #expect(Remediation.commands(running: device.runningConfig, intended: intended).lines.isEmpty)
        let changed = try IOSParser.parse(
            "hostname R1\nusername netops privilege 15 algorithm-type scrypt secret other\n"
        )
        #expect(!Remediation.commands(running: device.runningConfig, intended: changed).lines.isEmpty)
    }
}
