import Cisco
import Foundation
import IOSSimulator
import Lab
import Testing
import Verify

/// The lab router's `show ip route`, typed at its CLI: connected subnets of interfaces whose
/// addresses have host bits, and static routes via a next hop installed only while the next
/// hop is on a connected, up interface, as IOS does.
@Suite("Lab router routing table")
struct LabShowRouteTests {
    static let config = """
        hostname R1
        interface GigabitEthernet8
         ip address 198.51.100.2 255.255.255.252
        interface Vlan1
         ip address 192.168.10.1 255.255.255.0
        ip route 0.0.0.0 0.0.0.0 198.51.100.1
        ip route 192.168.20.0 255.255.255.0 192.168.10.254
        ip route 192.168.30.0 255.255.255.0 192.168.99.254
        ip route 10.10.0.0 255.255.0.0 Vlan1

        """

    /// A router on the lab's links, and its CLI; the links answer `show` while kept alive.
    static func router() throws -> (links: LabLinks, session: IOSSession) {
        let links = LabLinks()
        let device = IOSDevice(config: try IOSParser.parse(config), status: links.status(for: "r1"))
        links.add("r1", device: device, negotiatedAddress: nil)
        return (links, IOSSession(device: device, privileged: true))
    }

    @Test func connectedSubnetsAndLanRoutesAreInstalled() throws {
        let (links, session) = try Self.router()
        let table = withExtendedLifetime(links) { session.input("show ip route") }
        // IOS's layout: sorted by prefix, a classful network's subnets under its header (without
        // their mask when they share one), a supernet or a lone classful network at column 6.
        let expected = """
            Gateway of last resort is 198.51.100.1 to network 0.0.0.0

            S*    0.0.0.0/0 [1/0] via 198.51.100.1
                  10.0.0.0/16 is subnetted, 1 subnets
            S        10.10.0.0 is directly connected, Vlan1
                  192.168.10.0/24 is variably subnetted, 2 subnets, 2 masks
            C        192.168.10.0/24 is directly connected, Vlan1
            L        192.168.10.1/32 is directly connected, Vlan1
            S     192.168.20.0/24 [1/0] via 192.168.10.254
                  198.51.100.0/24 is variably subnetted, 2 subnets, 2 masks
            C        198.51.100.0/30 is directly connected, GigabitEthernet8
            L        198.51.100.2/32 is directly connected, GigabitEthernet8

            """
        #expect(table.contains(expected.replacingOccurrences(of: "\n", with: "\r\n")), "\(table)")
        // IOS 15's codes legend, eight lines.
        #expect(table.hasPrefix("Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP\r\n"))
        #expect(table.contains("\r\n       + - replicated route, % - next hop override\r\n\r\nGateway"), "\(table)")
        // A next hop on no connected subnet: IOS keeps the line but installs no route.
        #expect(!table.contains("192.168.30.0/24"), "\(table)")
        // What the verifier reads of it.
        let parsed = IOSShow.routes(table)
        #expect(parsed.route("192.168.20.0/24")?.nextHop == "192.168.10.254")
        #expect(parsed.route("192.168.10.0/24")?.interface == "Vlan1")
        #expect(parsed.route("10.10.0.0/16")?.interface == "Vlan1")
        #expect(parsed.route("0.0.0.0/0")?.code == "S*" && parsed.routes.count == 7)
    }

    @Test func aLanRouteGoesWithItsInterface() throws {
        let (links, session) = try Self.router()
        for line in ["configure terminal", "interface Vlan1", "shutdown", "end"] {
            #expect(!session.input(line).contains("% "), "\(line)")
        }
        let table = withExtendedLifetime(links) { session.input("show ip route") }
        #expect(!table.contains("192.168.10.0/24"), "\(table)")
        #expect(!table.contains("192.168.20.0/24"), "\(table)")
        #expect(table.contains("S*    0.0.0.0/0 [1/0] via 198.51.100.1\r\n"), "\(table)")
    }
}
