import Cisco
import Foundation
import TestSupport
import Testing

/// The remediation engine, one rule at a time: running and intended configs in, the exact
/// commands out.
@Suite("IOS remediation rules")
struct RemediationTests {
    static func remediate(_ running: String, _ intended: String, scope: (@Sendable (String) -> Bool)? = nil) throws
        -> String
    {
        Remediation.commands(
            running: try IOSParser.parse(running),
            intended: try IOSParser.parse(intended),
            scope: scope
        ).render()
    }

    @Test func singleValuedLinesAreReplacedInPlaceNeverNegatedFirst() throws {
        let out = try Self.remediate(
            "hostname r1\ninterface Tunnel1\n description old\n tunnel destination 198.51.100.20\n ip tcp adjust-mss 1360\n",
            "hostname r2\ninterface Tunnel1\n description new\n tunnel destination 198.51.100.21\n ip tcp adjust-mss 1350\n"
        )
        #expect(
            out
                == "interface Tunnel1\n description new\n tunnel destination 198.51.100.21\n ip tcp adjust-mss 1350\nhostname r2\n"
        )
    }

    @Test func additiveLinesAreDiffedOneByOne() throws {
        let out = try Self.remediate(
            "ntp server 192.0.2.1 prefer\nntp server 192.0.2.2\ninterface Vlan1\n ip address 192.168.1.1 255.255.255.0\n",
            "ntp server 192.0.2.1 prefer\nntp server 192.0.2.3\ninterface Vlan1\n ip address 192.168.1.1 255.255.255.0\n ip address 192.168.9.1 255.255.255.0 secondary\n"
        )
        #expect(
            out
                == "no ntp server 192.0.2.2\nntp server 192.0.2.3\ninterface Vlan1\n ip address 192.168.9.1 255.255.255.0 secondary\n"
        )
    }

    @Test func aNumberedAccessListIsRewrittenWhole() throws {
        // `no access-list 11 permit …` would delete all of list 11: one `no`, then every entry.
        let out = try Self.remediate(
            "access-list 11 permit 192.168.1.0 0.0.0.255\naccess-list 11 permit 192.168.3.0 0.0.0.255\naccess-list 12 permit any\n",
            "access-list 11 permit 192.168.1.0 0.0.0.255\naccess-list 11 permit 192.168.2.0 0.0.0.255\naccess-list 12 permit any\n"
        )
        #expect(
            out
                == "no access-list 11\naccess-list 11 permit 192.168.1.0 0.0.0.255\naccess-list 11 permit 192.168.2.0 0.0.0.255\n"
        )
        let dropped = try Self.remediate("access-list 11 permit any\naccess-list 11 deny any\n", "")
        #expect(dropped == "no access-list 11\n")
    }

    @Test func anAddressReplacesNoIPAddressWithoutABareIPAddress() throws {
        // `no ip address` was negated as a bare `ip address` (`% Incomplete command.`).
        let set = try Self.remediate(
            "interface Vlan1\n no ip address\n",
            "interface Vlan1\n ip address 192.168.10.1 255.255.255.0\n"
        )
        #expect(set == "interface Vlan1\n ip address 192.168.10.1 255.255.255.0\n")
        let cleared = try Self.remediate(
            "interface Vlan1\n ip address 192.168.10.1 255.255.255.0\n",
            "interface Vlan1\n no ip address\n"
        )
        #expect(cleared == "interface Vlan1\n no ip address\n")
        let dropped = try Self.remediate("interface Vlan1\n no ip address\n shutdown\n", "interface Vlan1\n")
        #expect(dropped == "interface Vlan1\n no shutdown\n")
    }

    @Test func aNumberedAccessListThatOnlyGrowsIsAppendedTo() throws {
        // `no access-list 11` first left NAT matching nothing until the rebuild.
        let out = try Self.remediate(
            "access-list 11 permit 192.168.10.0 0.0.0.255\nip nat inside source list 11 interface Dialer1 overload\n",
            "access-list 11 permit 192.168.10.0 0.0.0.255\naccess-list 11 permit 192.168.20.0 0.0.0.255\n"
                + "ip nat inside source list 11 interface Dialer1 overload\n"
        )
        #expect(out == "access-list 11 permit 192.168.20.0 0.0.0.255\n")
    }

    @Test func negationsTakeEachCommandsOwnForm() throws {
        let out = try Self.remediate(
            """
            username old privilege 15 secret 5 $1$abcd$0123456789abcdefghijkl
            crypto ipsec transform-set OLD esp-aes 256 esp-sha-hmac
             mode tunnel
            crypto ikev2 keyring K
             peer azure
              address 198.51.100.20
              pre-shared-key S3cr3t-psk
            interface GigabitEthernet7
             description spare
            interface GigabitEthernet8.10
             encapsulation dot1Q 10
            no ip domain lookup
            """,
            "crypto ikev2 keyring K\n peer azure\n  address 198.51.100.20\n"
        )
        #expect(
            out == """
                crypto ikev2 keyring K
                 peer azure
                  no pre-shared-key
                default interface GigabitEthernet7
                no interface GigabitEthernet8.10
                ip domain lookup
                no crypto ipsec transform-set OLD
                no username old

                """
        )
        #expect(!out.contains("S3cr3t-psk") && !out.contains("$1$abcd"))
    }

    @Test func objectsAreCreatedBeforeUseAndRemovedAfter() throws {
        let build = try Self.remediate(
            "",
            """
            interface Tunnel1
             tunnel protection ipsec profile P
             ip address 169.254.0.1 255.255.255.252
            crypto ipsec profile P
             set transform-set T
             set ikev2-profile PR
            crypto ikev2 profile PR
             keyring local K
            crypto ikev2 keyring K
             peer azure
            crypto ipsec transform-set T esp-gcm 256
            crypto ikev2 policy POL
             proposal PROP
            crypto ikev2 proposal PROP
             encryption aes-cbc-256
            ip route 10.10.0.0 255.255.0.0 Tunnel1
            """
        )
        let order = build.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(
            order == [
                "crypto ikev2 proposal PROP", "crypto ikev2 policy POL", "crypto ikev2 keyring K",
                "crypto ipsec transform-set T esp-gcm 256", "crypto ikev2 profile PR", "crypto ipsec profile P",
                "interface Tunnel1", "ip route 10.10.0.0 255.255.0.0 Tunnel1",
            ]
        )
        // Inside the tunnel, protection comes after the address it needs.
        #expect(build.contains(" ip address 169.254.0.1 255.255.255.252\n tunnel protection ipsec profile P\n"))
        // Teardown runs the other way: routes, tunnel, then crypto from profile to proposal.
        let teardown = try Self.remediate(build, "").split(separator: "\n")
        #expect(
            teardown == [
                "no ip route 10.10.0.0 255.255.0.0 Tunnel1", "no interface Tunnel1", "no crypto ipsec profile P",
                "no crypto ipsec transform-set T", "no crypto ikev2 profile PR", "no crypto ikev2 keyring K",
                "no crypto ikev2 policy POL", "no crypto ikev2 proposal PROP",
            ]
        )
    }

    @Test func aRouteIsMadeBeforeItIsBroken() throws {
        let out = try Self.remediate(
            "ip route 10.10.0.0 255.255.0.0 Tunnel1\n",
            "ip route 10.10.0.0 255.255.0.0 Tunnel2\n"
        )
        #expect(out == "ip route 10.10.0.0 255.255.0.0 Tunnel2\nno ip route 10.10.0.0 255.255.0.0 Tunnel1\n")
    }

    @Test func whatCanCutTheSessionGoesLast() throws {
        let out = try Self.remediate(
            "ip route 0.0.0.0 0.0.0.0 Dialer1\nhostname r1\n",
            "hostname r2\nip nat inside source list 11 interface Dialer1 overload\nip route 0.0.0.0 0.0.0.0 Dialer2\nntp server 192.0.2.1\n"
        )
        #expect(
            out.split(separator: "\n") == [
                "ntp server 192.0.2.1", "ip nat inside source list 11 interface Dialer1 overload",
                "ip route 0.0.0.0 0.0.0.0 Dialer2", "no ip route 0.0.0.0 0.0.0.0 Dialer1", "hostname r2",
            ]
        )
    }

    @Test func secretsAreMaskedWhereverALineIsShown() {
        #expect(IOSRules.masked("  pre-shared-key S3cr3t") == "  pre-shared-key <sensitive>")
        #expect(
            IOSRules.masked("username admin privilege 15 password 7 0822455D0A16")
                == "username admin privilege 15 password 7 <sensitive>"
        )
        #expect(IOSRules.masked("enable secret 5 $1$abcd$xyz") == "enable secret 5 <sensitive>")
        #expect(IOSRules.masked("ppp chap password 0 pw") == "ppp chap password 0 <sensitive>")
        #expect(IOSRules.masked("interface Tunnel1") == "interface Tunnel1")
    }

    @Test func type7PasswordsAreComparedDecrypted() throws {
        #expect(Type7.decode("0822455D0A16") == "cisco")
        #expect(Type7.decode(Type7.encode("az-ure!9", seed: 11)) == "az-ure!9")
        // IOS re-encrypts with a random offset: another encoding, or the clear text, is no change.
        let same = try Self.remediate(
            "username admin privilege 15 password 7 0822455D0A16\n",
            "username admin privilege 15 password 7 \(Type7.encode("cisco", seed: 9))\n"
        )
        #expect(same.isEmpty)
        #expect(
            try Self.remediate("username admin password 7 0822455D0A16\n", "username admin password cisco\n").isEmpty
        )
        let changed = try Self.remediate("username admin password 7 0822455D0A16\n", "username admin password n3w\n")
        #expect(changed == "username admin password n3w\n")
    }

    @Test func anEnableSecretIsComparedByRehashingWithTheRunningSalt() throws {
        // A known pair: `enable secret cisco` prints as this MD5-crypt hash.
        #expect(MD5Crypt.hash("cisco", salt: "mERr") == "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0")
        #expect(MD5Crypt.verify("cisco", against: "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0"))
        #expect(!MD5Crypt.verify("Cisco", against: "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0"))
        let running = "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n"
        #expect(try Self.remediate(running, "enable secret cisco\n").isEmpty)
        // A different secret replaces it in place; the hash is never negated first.
        #expect(try Self.remediate(running, "enable secret n3w-secret\n") == "enable secret n3w-secret\n")
    }

    @Test func linesTheRouterAddsItselfAreNeverNegated() throws {
        let out = try Self.remediate(
            "interface GigabitEthernet8\n no ip address\n duplex auto\n speed auto\n shutdown\n",
            "interface GigabitEthernet8\n no ip address\n pppoe enable group global\n"
        )
        #expect(out == "interface GigabitEthernet8\n no shutdown\n pppoe enable group global\n")
    }

    @Test func onlyManagedSectionsAreTouched() throws {
        let out = try Self.remediate(
            "snmp-server community public RO\ncrypto ikev2 proposal OLD\n encryption aes-cbc-128\n",
            "crypto ikev2 proposal NEW\n encryption aes-cbc-256\n",
            scope: { $0.hasPrefix("crypto ") }
        )
        #expect(out == "crypto ikev2 proposal NEW\n encryption aes-cbc-256\nno crypto ikev2 proposal OLD\n")
    }

    @Test func theScriptClosesEachSectionItEnters() throws {
        let commands = Remediation.commands(
            running: try IOSParser.parse(""),
            intended: try IOSParser.parse(
                "crypto ikev2 keyring K\n peer azure\n  address 198.51.100.20\nrouter bgp 65010\n address-family ipv4\n  neighbor 169.254.21.1 activate\n"
            )
        )
        #expect(
            Remediation.script(commands) == [
                "crypto ikev2 keyring K", " peer azure", "  address 198.51.100.20", "  exit", " exit",
                "router bgp 65010", " address-family ipv4", "  neighbor 169.254.21.1 activate", "  exit-address-family",
                " exit",
            ]
        )
    }

    @Test func theCommandPrintsTheChangeAndItsUndo() throws {
        let directory = try Fixture.temporaryDirectory("ios-remediate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let running = directory.appendingPathComponent("running.cfg")
        let intended = directory.appendingPathComponent("intended.cfg")
        try Data("interface Tunnel1\n tunnel destination 198.51.100.20\n".utf8).write(to: running)
        try Data("interface Tunnel1\n tunnel destination 198.51.100.21\n".utf8).write(to: intended)
        let result = try Fixture.run(
            "reconcile",
            ["ios", "remediate", "--running", running.path, "--intended", intended.path, "--rollback", "--script"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout
                == "interface Tunnel1\n tunnel destination 198.51.100.21\n exit\n! rollback\ninterface Tunnel1\n tunnel destination 198.51.100.20\n exit\n"
        )
    }
}
