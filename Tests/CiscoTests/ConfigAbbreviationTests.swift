import Cisco
import IOSSimulator
import Testing

/// Configuration mode takes keywords by unique prefix, as IOS does, and stores them written
/// out: what an engineer types at a console (`int tu1`, `desc`, `ip add`, `no shut`) reads
/// back as IOS prints it.
@Suite("IOS simulator: abbreviated configuration keywords")
struct ConfigAbbreviationTests {
    static func session() throws -> IOSSession {
        IOSSession(
            device: IOSDevice(config: try IOSParser.parse("hostname R1\ninterface Vlan1\n shutdown\n")),
            privileged: true
        )
    }

    @Test func abbreviatedKeywordsAreStoredWrittenOut() throws {
        let s = try Self.session()
        let typed = [
            "conf t", "int vlan1", "desc LAN side", "ip add 192.168.10.1 255.255.255.0", "no shut",
            "int tu1", "ip unn vlan1", "tunnel sou vlan1", "tunnel dest 20.194.0.11", "tun mo ipsec ipv4", "exit",
            "ip route 10.10.0.0 255.255.0.0 Tunnel1", "ip domain name lab.example", "end",
        ]
        for line in typed {
            let answer = s.input(line)
            #expect(!answer.contains("%"), "\(line): \(answer)")
        }
        let config = s.device.runningConfig.render()
        let expected = """
            interface Vlan1
             description LAN side
             ip address 192.168.10.1 255.255.255.0
            """
        #expect(config.contains(expected), "\(config)")
        #expect(!config.contains("shutdown"), "\(config)")
        let tunnel = """
            interface Tunnel1
             ip unnumbered Vlan1
             tunnel source Vlan1
             tunnel destination 20.194.0.11
             tunnel mode ipsec ipv4
            """
        #expect(config.contains(tunnel), "\(config)")
        #expect(config.contains("\nip route 10.10.0.0 255.255.0.0 Tunnel1\n"), "\(config)")
        #expect(config.contains("\nip domain name lab.example\n"), "\(config)")
    }

    @Test func anAmbiguousKeywordIsRefusedAsIOSDoes() throws {
        let s = try Self.session()
        _ = s.input("configure terminal")
        // `ip ro`: route and routing; `d` under an interface: delay, description, dialer...
        #expect(
            s.input("ip ro 0.0.0.0 0.0.0.0 Dialer1")
                == "% Ambiguous command:  \"ip ro 0.0.0.0 0.0.0.0 Dialer1\"\r\nR1(config)#"
        )
        _ = s.input("interface Vlan1")
        #expect(s.input("d x") == "% Ambiguous command:  \"d x\"\r\nR1(config-if)#")
        #expect(s.input("no s") == "% Ambiguous command:  \"no s\"\r\nR1(config-if)#")
        // A word no keyword starts with gets the caret under it.
        #expect(s.input("bogus 1").hasPrefix(String(repeating: " ", count: "R1(config-if)#".count) + "^\r\n% Invalid"))
        let config = s.device.runningConfig.render()
        #expect(!config.contains("ip ro") && !config.contains(" d x"), "\(config)")
        #expect(config.contains("interface Vlan1\n shutdown\n"), "a refused line changes nothing: \(config)")
    }
}
