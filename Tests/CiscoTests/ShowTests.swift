import Cisco
import Foundation
import TestSupport
import Testing
import Verify

/// `show` outputs read into the values `verify` checks (the sample outputs, plus the states a
/// tunnel or session that is down shows).
@Suite("IOS show commands")
struct ShowTests {
    static func sample(_ name: String) -> String {
        String(
            decoding: FileManager.default.contents(atPath: Fixture.path("Tests/CiscoTests/Show/\(name)")) ?? Data(),
            as: UTF8.self
        )
    }

    @Test func anIKEv2SAThatIsReady() throws {
        let sas = IOSShow.ikev2SAs(Self.sample("ikev2-sa.txt"))
        let sa = try #require(sas.first)
        #expect(sas.count == 1)
        #expect(sa.tunnelID == 1 && sa.local == "203.0.113.45/500" && sa.remoteAddress == "198.51.100.20")
        #expect(sa.isUp && sa.encryption == "AES-CBC-256" && sa.dhGroup == "2")
        #expect(sa.lifetimeSeconds == 86400 && sa.activeSeconds == 1375)
        // No SA at all (the tunnel never came up), or one still negotiating.
        #expect(IOSShow.ikev2SAs(" IPv4 Crypto IKEv2  SA \n\n IPv6 Crypto IKEv2  SA \n").isEmpty)
        let negotiating = IOSShow.ikev2SAs(
            "Tunnel-id Local                 Remote                fvrf/ivrf            Status \n"
                + "1         203.0.113.45/500      198.51.100.20/500     none/none            IN-NEG  \n"
        )
        #expect(negotiating.first?.isUp == false && negotiating.first?.status == "IN-NEG")
    }

    @Test func anIPsecSAThatIsActiveInBothDirections() throws {
        let sa = try #require(IOSShow.ipsecSAs(Self.sample("ipsec-sa.txt")).first)
        #expect(sa.interface == "Tunnel1" && sa.localAddress == "203.0.113.45" && sa.peer == "198.51.100.20")
        #expect(sa.packetsEncrypted == 1520 && sa.packetsDecrypted == 1498)
        #expect(sa.inboundStatus == ["ACTIVE(ACTIVE)"] && sa.outboundStatus == ["ACTIVE(ACTIVE)"] && sa.isUp)
        // Phase 1 without phase 2: no ESP SAs, nothing counted.
        let down = try #require(
            IOSShow.ipsecSAs(
                "interface: Tunnel1\n    Crypto map tag: Tunnel1-head-0, local addr 203.0.113.45\n"
                    + "    #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0\n     inbound esp sas:\n     outbound esp sas:\n"
            ).first
        )
        #expect(!down.isUp && down.packetsEncrypted == 0)
    }

    @Test func theRoutingTableWithSubnettedHeadersAndTheDefault() throws {
        let table = IOSShow.routes(Self.sample("ip-route.txt"))
        #expect(table.gatewayOfLastResort == "0.0.0.0")
        #expect(table.route("0.0.0.0/0")?.code == "S*" && table.route("0.0.0.0/0")?.interface == "Dialer1")
        #expect(table.route("10.10.0.0/16")?.interface == "Tunnel1")
        #expect(table.route("192.168.1.0/24")?.code == "C" && table.route("192.168.1.1/32")?.code == "L")
        #expect(table.route("203.0.113.45/32")?.code == "L")
        #expect(table.routes.count == 6)
        // The BGP variant: a route learned from the gateway's peering address.
        let bgp = IOSShow.routes(
            "      10.0.0.0/8 is variably subnetted, 2 subnets, 2 masks\n"
                + "S        10.10.255.254/32 is directly connected, Tunnel1\n"
                + "B        10.10.0.0/16 [20/0] via 10.10.255.254, 00:37:58\n"
        )
        let learned = try #require(bgp.route("10.10.0.0/16"))
        #expect(
            learned.code == "B" && learned.nextHop == "10.10.255.254" && learned.distance == 20 && learned.metric == 0
        )
        #expect(IOSShow.routes("Gateway of last resort is not set\n").gatewayOfLastResort == nil)
    }

    @Test func bgpNeighboursEstablishedOrNot() throws {
        let summary = IOSShow.bgpSummary(Self.sample("ip-bgp-summary.txt"))
        #expect(summary.routerID == "192.168.1.1" && summary.localAS == "65010")
        let neighbor = try #require(summary.neighbors.first)
        #expect(neighbor.address == "10.10.255.254" && neighbor.remoteAS == "65515")
        #expect(neighbor.isEstablished && neighbor.prefixesReceived == 2 && neighbor.upDown == "00:38:12")
        let down = IOSShow.bgpSummary(
            "Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n"
                + "10.10.255.254   4        65515       0       0        1    0    0 never    Idle (Admin)\n"
                + "10.10.255.253   4        65515       0       0        1    0    0 00:00:12 Active\n"
        )
        #expect(down.neighbors.map(\.state) == ["Idle (Admin)", "Active"])
        #expect(down.neighbors.allSatisfy { !$0.isEstablished })
    }

    @Test func theVersionNamesSoftwareModelAndSerial() {
        let version = IOSShow.version(Self.sample("version.txt"))
        #expect(version.software == "15.4(1)T1" && version.hostname == "R891")
        #expect(version.model == "C891FJ-K9" && version.serial == "FGL0000XXXX")
        #expect(version.image == "flash:c800-universalk9-mz.SPA.154-1.T1.bin" && version.configRegister == "0x2102")
        #expect(version.uptime == "3 weeks, 2 days, 4 hours, 17 minutes")
    }
}
