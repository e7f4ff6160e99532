import BuiltInProviders
import Cisco
import Foundation
import IOSSimulator
import Spec
import TestSupport
import Testing

/// The simulator's CLI, transport-free: prompts and modes, IOS's errors, and configuration
/// pushed by the remediation engine landing in a running config that then reads back clean.
@Suite("IOS simulator CLI")
struct SimulatorSessionTests {
    static func session(_ config: String = "hostname R1\n", privileged: Bool = true) throws -> IOSSession {
        IOSSession(
            device: IOSDevice(config: try IOSParser.parse(config)),
            privileged: privileged,
            enableSecret: "s3cret"
        )
    }

    /// Sends lines as a terminal would, in configuration mode, and fails on any IOS error.
    static func push(_ lines: [String], to session: IOSSession) {
        for line in ["configure terminal"] + lines + ["end"] {
            let answer = session.input(line)
            #expect(!answer.contains("% "), "\(line): \(answer)")
        }
    }

    /// `show running-config` as a client reads it: the answer up to the prompt.
    static func running(_ session: IOSSession) throws -> IOSConfig {
        let answer = session.input("show running-config")
        #expect(answer.hasSuffix("\r\n" + session.prompt))
        return try IOSParser.parse(
            String(answer.dropLast(session.prompt.count)).replacingOccurrences(of: "\r\n", with: "\n")
        )
    }

    @Test func promptsFollowTheModesAndEnableAsksForItsSecret() throws {
        let s = try Self.session(privileged: false)
        #expect(s.prompt == "R1>")
        #expect(s.input("configure terminal").hasPrefix(String(repeating: " ", count: 3) + "^\r\n% Invalid input"))
        #expect(s.input("enable") == "Password: ")
        #expect(s.input("wrong") == "Password: ")
        #expect(s.input("s3cret") == "R1#")
        #expect(s.input("show privilege") == "Current privilege level is 15\r\nR1#")
        #expect(s.input("conf t") == "Enter configuration commands, one per line.  End with CNTL/Z.\r\nR1(config)#")
        #expect(s.input("int tun 1") == "R1(config-if)#")
        // A command of the parent mode moves the session there.
        #expect(s.input("crypto ikev2 keyring K") == "R1(config-ikev2-keyring)#")
        #expect(s.input("peer azure") == "R1(config-ikev2-keyring-peer)#")
        #expect(s.input("exit") == "R1(config-ikev2-keyring)#")
        #expect(s.input("router bgp 65010") == "R1(config-router)#")
        #expect(s.input("address-family ipv4") == "R1(config-router-af)#")
        #expect(s.input("end") == "R1#")
        #expect(s.input("exit").isEmpty && s.closed)
    }

    @Test func aTypoIsMarkedWhereParsingFailed() throws {
        let s = try Self.session()
        _ = s.input("configure terminal")
        #expect(
            s.input("interfce Tunnel1") == "           ^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1(config)#"
        )
        #expect(s.input("no").hasPrefix("% Incomplete command."))
    }

    /// What automation libraries match to call a command failed (netmiko, scrapli's
    /// `FAILED_WHEN_CONTAINS`, NAPALM's `% Invalid`), byte for byte as IOS prints it.
    @Test func errorsReadAsIOSPrintsThem() throws {
        let s = try Self.session()
        let invalid = "^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1#"
        #expect(s.input("show ip bogus-command") == String(repeating: " ", count: "R1#show ip ".count) + invalid)
        #expect(s.input("sh i") == "% Ambiguous command:  \"sh i\"\r\nR1#")
        #expect(s.input("co") == "% Ambiguous command:  \"co\"\r\nR1#")
        #expect(
            s.input("bogus")
                == "Translating \"bogus\"...domain server (255.255.255.255)\r\n"
                + "% Unknown command or computer name, or unable to find computer address\r\nR1#"
        )
        #expect(s.input("show") == "% Type \"show ?\" for a list of subcommands\r\nR1#")
        #expect(s.input("show ip") == "% Incomplete command.\r\nR1#")
        #expect(s.input("terminal length") == "% Incomplete command.\r\nR1#")
        _ = s.input("conf t")
        let config = "^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1(config)#"
        #expect(
            s.input("do show ip bogus-command")
                == String(repeating: " ", count: "R1(config)#do show ip ".count) + config
        )
        // Configuration mode has no `show` of its own (only `do show`).
        #expect(s.input("show ip route") == String(repeating: " ", count: "R1(config)#".count) + config)
        #expect(s.input("do sh i") == "% Ambiguous command:  \"sh i\"\r\nR1(config)#")
        _ = s.input("end")
        // At `>`, a privileged command with arguments is marked; alone, it is taken for a host.
        let user = try Self.session("hostname R1\nno ip domain lookup\n", privileged: false)
        #expect(user.input("conf t") == "   ^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1>")
        #expect(
            user.input("configure")
                == "Translating \"configure\"\r\n"
                + "% Unknown command or computer name, or unable to find computer address\r\nR1>"
        )
    }

    @Test func keywordsTakeAnyUniquePrefix() throws {
        let s = try Self.session(
            "hostname R1\ninterface Tunnel1\n ip address 10.0.0.1 255.255.255.252\ninterface Vlan1\n shutdown\n"
        )
        #expect(s.input("sh ver").contains("R1 uptime is "))
        #expect(
            s.input("sh run int tu1").contains("!\r\ninterface Tunnel1\r\n ip address 10.0.0.1 255.255.255.252\r\nend")
        )
        #expect(!s.input("sh run int tu1").contains("Vlan1"))
        #expect(s.input("sh run interface").hasPrefix("% Incomplete command."))
        #expect(s.input("wr") == "Building configuration...\r\n[OK]\r\nR1#")
        #expect(
            s.input("sh ip int br | i Tunnel").hasPrefix("Tunnel1                    10.0.0.1        YES manual up")
        )
        #expect(s.input("sh ip int br | i Vlan1").contains("administratively down down"))
        #expect(s.input("term len 0") == "R1#" && s.pageLength == 0)
        #expect(s.input("conf t").hasSuffix("R1(config)#"))
        #expect(s.input("int tu1") == "R1(config-if)#")
    }

    @Test func aBareIPAddressIsIncompleteAndKeepsNothing() throws {
        // The simulator took a bare `ip address` and kept a stray line.
        let s = try Self.session("hostname R1\ninterface Vlan1\n ip address 192.168.10.1 255.255.255.0\n")
        _ = s.input("configure terminal")
        _ = s.input("interface Vlan1")
        #expect(s.input("ip address") == "% Incomplete command.\r\n\r\nR1(config-if)#")
        #expect(s.input("ip address 192.168.20.1").hasPrefix("% Incomplete command."))
        #expect(
            s.input("ip address 192.168.20.1 mask")
                == String(repeating: " ", count: "R1(config-if)#ip address 192.168.20.1 ".count)
                + "^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1(config-if)#"
        )
        _ = s.input("end")
        let vlan = try #require(try Self.running(s).lines.first { $0.text == "interface Vlan1" })
        #expect(vlan.children.map(\.text) == ["ip address 192.168.10.1 255.255.255.0"])
    }

    @Test func theRenderedSeedConfigPushedToABlankRouterReadsBackClean() throws {
        let graph = try #require(
            SpecPipeline.run(Fixture.path("examples/s2s-cisco891-pppoe"), lowering: BuiltIn.lowering).graph
        )
        let sections = graph.resources.filter { $0.provider == "cisco" }
        let context = IOSRenderer.Context(
            output: { _ in .string("198.51.100.20") },
            secret: { _ in "Sup3rS3cretPsk" }
        )
        let intended = IOSRenderer.device(sections, context: context)
        let s = try Self.session("")
        let build = Remediation.commands(running: try Self.running(s), intended: intended)
        Self.push(Remediation.script(build), to: s)
        let left = Remediation.commands(running: try Self.running(s), intended: intended)
        #expect(left.lines.isEmpty, "\(left.render())")
        #expect(s.prompt == "tokyo-rtr1#")

        // Then a change: a new gateway address, pushed as remediation, lands and reads clean.
        let moved = IOSRenderer.device(
            sections,
            context: IOSRenderer.Context(output: { _ in .string("198.51.100.21") }, secret: { _ in "Sup3rS3cretPsk" })
        )
        let change = Remediation.commands(running: try Self.running(s), intended: moved)
        #expect(
            change.render() == """
                crypto ikev2 keyring azure-keyring
                 peer azure
                  address 198.51.100.21
                crypto ikev2 profile azure-profile
                 no match identity remote address 198.51.100.20 255.255.255.255
                 match identity remote address 198.51.100.21 255.255.255.255
                interface Tunnel1
                 tunnel destination 198.51.100.21

                """
        )
        Self.push(Remediation.script(change), to: s)
        #expect(Remediation.commands(running: try Self.running(s), intended: moved).lines.isEmpty)
    }

    @Test func negationsAndDefaultsChangeTheTreeAsIOSDoes() throws {
        let s = try Self.session(
            """
            hostname R1
            crypto ipsec transform-set OLD esp-aes 256 esp-sha-hmac
             mode tunnel
            crypto ikev2 keyring K
             peer azure
              address 198.51.100.20
              pre-shared-key S3cr3t
            interface GigabitEthernet7
             description spare
            ntp server 192.0.2.1 prefer
            access-list 11 permit 192.168.1.0 0.0.0.255
            access-list 11 permit 192.168.2.0 0.0.0.255
            """
        )
        Self.push(
            [
                "no crypto ipsec transform-set OLD", "crypto ikev2 keyring K", " peer azure", "  no pre-shared-key",
                "default interface GigabitEthernet7", "no ntp server 192.0.2.1", "no access-list 11",
            ],
            to: s
        )
        #expect(
            try Self.running(s).render() == """
                hostname R1
                crypto ikev2 keyring K
                 peer azure
                  address 198.51.100.20
                interface GigabitEthernet7

                """
        )
    }

    @Test func showFiltersAndWriteMemory() throws {
        let s = try Self.session(
            "hostname R1\ncrypto ikev2 proposal P\n encryption aes-cbc-256\ninterface Tunnel1\n ip mtu 1400\n"
        )
        #expect(
            s.input("show running-config | section crypto")
                == "crypto ikev2 proposal P\r\n encryption aes-cbc-256\r\nR1#"
        )
        #expect(s.input("sh run | i mtu|hostname") == "hostname R1\r\n ip mtu 1400\r\nR1#")
        #expect(s.input("write memory") == "Building configuration...\r\n[OK]\r\nR1#")
        #expect(s.device.startupConfig == s.device.runningConfig)
        _ = s.input("configure terminal")
        #expect(s.input("do show run | i hostname") == "hostname R1\r\nR1(config)#")
    }
}

/// The simulator's behaviours that clients must cope with: encrypted passwords, questions
/// before acting, and a config kept between runs.
@Suite("IOS simulator behaviours")
struct SimulatorBehaviourTests {
    @Test func servicePasswordEncryptionStoresType7() throws {
        let s = IOSSession(
            device: IOSDevice(config: try IOSParser.parse("hostname R1\nusername old password 0 early\n")),
            privileged: true
        )
        SimulatorSessionTests.push(
            ["service password-encryption", "username admin privilege 15 password cisco"],
            to: s
        )
        let users = s.device.runningConfig.lines.filter { $0.text.hasPrefix("username ") }.map(\.text)
        #expect(users.count == 2 && users.allSatisfy { $0.contains(" password 7 ") })
        let secrets = users.compactMap { $0.split(separator: " ").last.flatMap { Type7.decode(String($0)) } }
        #expect(secrets == ["early", "cisco"])
    }

    @Test func removingANATRuleInUseAsksFirst() throws {
        let nat = "ip nat inside source list 11 interface Dialer1 overload"
        let s = IOSSession(device: IOSDevice(config: try IOSParser.parse("hostname R1\n\(nat)\n")), privileged: true)
        _ = s.input("configure terminal")
        #expect(s.input("no \(nat)") == "Dynamic mapping in use, do you want to delete all entries? [no]: ")
        #expect(s.input("") == "R1(config)#")  // the default answer keeps it
        #expect(s.device.runningConfig.lines.contains { $0.text == nat })
        _ = s.input("no \(nat)")
        #expect(s.input("yes") == "R1(config)#")
        #expect(!s.device.runningConfig.lines.contains { $0.text == nat })
    }

    @Test func aPersistedDeviceKeepsItsConfigAndRefusesABrokenFile() throws {
        let directory = try Fixture.temporaryDirectory("device")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("devices/tokyo-rtr1.cfg").path
        let first = try IOSDevice.persisted(at: path)
        SimulatorSessionTests.push(
            ["hostname tokyo-rtr1", "interface Tunnel1", " ip mtu 1400"],
            to: IOSSession(device: first, privileged: true)
        )
        let again = try IOSDevice.persisted(at: path)
        #expect(again.runningConfig.render() == first.runningConfig.render() && again.hostname == "tokyo-rtr1")
        #expect(again.runningConfig.render() == "hostname tokyo-rtr1\ninterface Tunnel1\n ip mtu 1400\n")
        try Data("hostname x\nbanner motd ^C\nnever closed\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: IOSParseError.self) { _ = try IOSDevice.persisted(at: path) }
    }
}
