import Cisco
import Foundation
import Spec
import TestSupport
import Testing
import Verify

/// The lab as a user meets it, through the real `reconcile` binary.
///
/// The Azure model over HTTP and a simulated router over SSH are linked so that a tunnel is
/// up only when both ends agree. Each way they can disagree makes `verify` fail with that
/// cause, and `apply` repairs it.
@Suite("The lab and reconcile verify", .serialized)
struct LabVerifyTests {
    typealias Workspace = LabWorkspace

    /// A resource's `properties` in the model's saved world, edited in place.
    static func editProperties(_ world: inout [String: Any], _ suffix: String, _ edit: (inout [String: Any]) -> Void) {
        guard var resources = world["resources"] as? [String: Any],
            let key = resources.keys.first(where: { $0.hasSuffix(suffix) }),
            var body = resources[key] as? [String: Any], var properties = body["properties"] as? [String: Any]
        else {
            Issue.record("no resource ending \(suffix)")
            return
        }
        edit(&properties)
        body["properties"] = properties
        resources[key] = body
        world["resources"] = resources
    }

    /// The examples with routers, and where each sends its site's internet traffic: the
    /// second seed's two designs through Azure, the others out of their own WAN.
    static let examples = [
        ("s2s-cisco891-pppoe", "out of the site's own WAN (0.0.0.0/0 via Dialer1)"),
        ("vwan-internet-via-azure", "through Azure (0.0.0.0/0 via 10.100.0.12)"),
        ("routeserver-nva-default-route", "through Azure (0.0.0.0/1 via 10.10.120.4)"),
        ("forced-tunneling", "out of the site's own WAN (0.0.0.0/0 via Dialer1)"),
        ("pools-and-costs", "out of the site's own WAN (0.0.0.0/0 via Dialer1)"),
    ]

    @Test(arguments: examples)
    func anExampleAppliesFromNothingAndVerifiesUp(_ example: String, _ egress: String) throws {
        let ws = try Workspace(example)
        defer { ws.remove() }
        let apply = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let verify = try ws.run(["verify", "spec"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("Connected  READY  ACTIVE ("), "\(verify.stdout)")
        #expect(verify.stdout.contains("All ") && verify.stdout.contains(" up.\n"), "\(verify.stdout)")
        if example.contains("vwan") || example.contains("routeserver") {
            #expect(verify.stdout.contains("Established, "), "BGP learned the gateway's prefixes")
        }
        // Where internet traffic goes, by the router's own table.
        #expect(verify.stdout.contains("goes \(egress)."), "\(verify.stdout)")
        let json = try ws.run(["verify", "spec", "--format", "json"])
        let report = try JSONDecoder().decode(VerifyReport.self, from: Data(json.stdout.utf8))
        #expect(report.up)
        #expect(report.tunnels.allSatisfy { $0.packetsEncrypted > 0 && $0.packetsDecrypted > 0 })
        // A gateway with two instances (active-active beside Route Server; every Virtual WAN hub)
        // gets a tunnel and a BGP session to each, both up.
        if example.contains("vwan") || example.contains("routeserver") {
            #expect(report.tunnels.compactMap(\.tunnel) == ["Tunnel1", "Tunnel2"], "\(verify.stdout)")
            #expect(report.tunnels.allSatisfy { $0.bgp?.hasPrefix("Established") == true }, "\(verify.stdout)")
        }
        // A converged lab: a second apply changes nothing.
        let again = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(again.stdout.contains("No changes"), "\(again.stdout)")
    }

    @Test func eachDisagreementIsNamedByVerifyAndRepairedByApply() throws {
        let ws = try Workspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        #expect(try ws.run(["verify", "spec"]).status == 0)

        let cases: [(cause: String, break: () throws -> Void)] = [
            (
                "pre-shared key: the router's and Azure's pre-shared keys differ",
                {
                    try ws.console(
                        "tokyo-rtr1",
                        [
                            "configure terminal", "crypto ikev2 keyring azure-keyring", "peer azure",
                            "pre-shared-key someone-else", "end",
                        ]
                    )
                }
            ),
            (
                "peer address: the router's tunnel destination is 198.51.100.99",
                {
                    try ws.console(
                        "tokyo-rtr1",
                        ["configure terminal", "interface Tunnel1", "tunnel destination 198.51.100.99", "end"]
                    )
                }
            ),
            (
                "IKE proposal: the router offers aes-cbc-256, sha1, group 14; Azure accepts aes-cbc-256, sha1, group 2",
                {
                    try ws.console(
                        "tokyo-rtr1",
                        ["configure terminal", "crypto ikev2 proposal azure-proposal", "no group 2", "group 14", "end"]
                    )
                }
            ),
            (
                "IPsec transform: the router offers esp-3des esp-sha-hmac",
                {
                    try ws.console(
                        "tokyo-rtr1",
                        [
                            "configure terminal",
                            "crypto ipsec transform-set azure-ipsec-proposal-set esp-3des esp-sha-hmac", "end",
                        ]
                    )
                }
            ),
            (
                // Recursive routing: the tunnel's destination routed into the tunnel.
                "resolves through Tunnel1 (0.0.0.0/1, a static route): recursive routing, IOS takes Tunnel1 down",
                {
                    try ws.console("tokyo-rtr1", ["configure terminal", "ip route 0.0.0.0 128.0.0.0 Tunnel1", "end"])
                }
            ),
            (
                "local address: Azure expects the site at 203.0.113.99",
                {
                    try ws.azure { world in
                        Self.editProperties(&world, "/localnetworkgateways/tokyo-hq") {
                            $0["gatewayIpAddress"] = "203.0.113.99"
                        }
                    }
                }
            ),
            (
                "IKE version: the connection uses IKEv1, the router IKEv2",
                {
                    try ws.azure { world in
                        Self.editProperties(&world, "/connections/azure") { $0["connectionProtocol"] = "IKEv1" }
                    }
                }
            ),
        ]
        for (cause, breakIt) in cases {
            try breakIt()
            let down = try ws.run(["verify", "spec"])
            #expect(down.status == 2, "\(cause): \(down.stdout)\(down.stderr)")
            #expect(down.stdout.contains(cause), "expected '\(cause)' in:\n\(down.stdout)")
            #expect(down.stdout.contains("NotConnected"))
            let diff = try ws.run(["diff", "spec"])
            #expect(diff.status == 2, "the drift shows in diff: \(diff.stdout)")
            let repair = try ws.run(["apply", "spec", "--auto-approve"])
            #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
            let up = try ws.run(["verify", "spec"])
            #expect(up.status == 0, "after repairing '\(cause)': \(up.stdout)")
        }
        // No secret in anything verify printed.
        let report = try ws.run(["verify", "spec", "--format", "markdown"])
        for secret in LabWorkspace.secrets.values + ["someone-else"] { #expect(!report.stdout.contains(secret)) }
    }
}

/// What a missing route on either side makes of a tunnel that is up.
@Suite("Verify verdicts")
struct VerifyVerdictTests {
    @Test func routesEachSideShouldHaveLearnedAreChecked() {
        let sa = IOSShow.ikev2SAs(
            "Tunnel-id Local                 Remote                fvrf/ivrf            Status \n"
                + "1         203.0.113.10/500      20.0.0.1/500          none/none            READY  \n"
        )
        var azure = TunnelCheckTests.azure
        azure.status = "Connected"
        let ipsec = IOSShow.ipsecSAs(
            "interface: Tunnel1\n   current_peer 20.0.0.1 port 500\n"
                + "    #pkts encaps: 5, #pkts encrypt: 5, #pkts digest: 5\n"
                + "    #pkts decaps: 5, #pkts decrypt: 5, #pkts verify: 5\n"
                + "     inbound esp sas:\n        Status: ACTIVE(ACTIVE)\n"
                + "     outbound esp sas:\n        Status: ACTIVE(ACTIVE)\n"
        )
        let table = IOSShow.routes("S        10.10.0.0/16 is directly connected, Tunnel1\n")
        func verdict(learned: [String], expected: [String]) -> TunnelStatus {
            TunnelStatus.assess(
                connection: "c",
                device: "r1",
                azure: azure,
                router: TunnelCheckTests.router,
                ikev2: sa,
                ipsec: ipsec,
                bgp: nil,
                routes: table,
                expectedRoutes: expected,
                azureLearned: learned,
                sitePrefixes: ["192.168.10.0/24"]
            )
        }
        #expect(verdict(learned: ["192.168.10.0/24"], expected: ["10.10.0.0/16"]).up)
        let notLearned = verdict(learned: [], expected: ["10.10.0.0/16"])
        #expect(!notLearned.up)
        #expect(notLearned.causes == ["Azure has not learned 192.168.10.0/24 from the site"])
        let noRoute = verdict(learned: ["192.168.10.0/24"], expected: ["10.20.0.0/16"])
        #expect(noRoute.causes == ["no route through Tunnel1 to 10.20.0.0/16"])
    }
}

/// The checks themselves, on facts given directly.
@Suite("Tunnel checks")
struct TunnelCheckTests {
    static let router = {
        var end = RouterEnd(
            device: "r1",
            tunnel: "Tunnel1",
            destination: "20.0.0.1",
            peerAddress: "20.0.0.1",
            identity: "20.0.0.1",
            sharedKey: "k",
            wanAddress: "203.0.113.10",
            ikeVersion: "IKEv2",
            offers: IpsecProposals(
                ikeEncryption: [.aes256],
                ikeIntegrity: [.sha1],
                dhGroups: [.group2],
                ipsecEncryption: [.aes256],
                ipsecIntegrity: [.sha1]
            ),
            bgpNeighbors: []
        )
        end.words = .ios
        end.staticRoutes = [.init(prefix: IPv4Prefix(network: IPv4Address(0), length: 0), via: "Dialer1")]
        return end
    }()
    static let azure = AzureEnd(
        connection: "c",
        gatewayAddresses: ["20.0.0.1"],
        localAddress: "203.0.113.10",
        sharedKey: "k",
        ikeVersion: "IKEv2",
        // Azure's default proposals.
        accepts: IpsecProposals(
            ikeEncryption: [.aes256, .aes128, .des3],
            ikeIntegrity: [.sha1],
            dhGroups: [.group2],
            ipsecEncryption: [.aes256],
            ipsecIntegrity: [.sha1]
        ),
        bgp: false
    )

    @Test func agreeingEndsPassEveryCheck() {
        let checks = TunnelChecks.evaluate(router: Self.router, azure: Self.azure)
        #expect(checks.map(\.name) == TunnelChecks.names)
        let failed = checks.filter { !$0.ok }
        #expect(failed.isEmpty, "\(failed)")
    }

    /// A tunnel whose destination a route through a tunnel covers is recursive routing: IOS
    /// takes it down (`%TUN-5-RECURDOWN`); a host route via the WAN keeps it up.
    @Test func aDestinationResolvingThroughTheTunnelFailsRouteToPeer() throws {
        func routeToPeer(_ r: RouterEnd, _ a: AzureEnd) -> Check? {
            TunnelChecks.evaluate(router: r, azure: a).first { $0.name == "route to peer" }
        }
        // The Route Server design: 0.0.0.0/1 and 128.0.0.0/1 learned over BGP from the gateway.
        var r = Self.router
        r.bgpNeighbors = ["10.10.120.4"]
        var a = Self.azure
        a.bgp = true
        a.gatewayBGPAddresses = ["10.10.120.4"]
        a.advertised = ["10.10.0.0/16", "0.0.0.0/1", "128.0.0.0/1"]
        let learned = try #require(routeToPeer(r, a))
        #expect(!learned.ok)
        #expect(learned.detail.contains("resolves through Tunnel1 (0.0.0.0/1, learned from the gateway over BGP)"))
        #expect(learned.detail.contains("%TUN-5-RECURDOWN"))
        // The host route the renderer writes wins: the longest prefix.
        r.staticRoutes?.append(.init(prefix: try #require(IPv4Prefix("20.0.0.1/32")), via: "Dialer1"))
        #expect(routeToPeer(r, a)?.ok == true)
        // A static route through the tunnel covers it just the same.
        r = Self.router
        r.staticRoutes?.append(.init(prefix: try #require(IPv4Prefix("0.0.0.0/1")), via: "Tunnel1"))
        #expect(routeToPeer(r, Self.azure)?.ok == false)
        // Without BGP on both ends, what the gateway would advertise is not learned.
        r = Self.router
        #expect(routeToPeer(r, a)?.ok == true)
        // No route at all: the tunnel cannot reach its peer.
        r.staticRoutes = []
        #expect(routeToPeer(r, Self.azure)?.detail == "the router has no route to the tunnel destination 20.0.0.1")
    }

    /// Proposals are compared as the spec's values and said in the words the router's provider
    /// gives (IOS's here, the spec's for a plugin's router).
    @Test func proposalsAreComparedAsValuesAndSaidInTheRoutersWords() {
        func check(_ name: String, _ r: RouterEnd, _ a: AzureEnd) -> Check? {
            TunnelChecks.evaluate(router: r, azure: a).first { $0.name == name }
        }
        var r = Self.router
        r.offers?.dhGroups = [.group14]
        #expect(
            check("IKE proposal", r, Self.azure)?.detail
                == "the router offers aes-cbc-256, sha1, group 14; Azure accepts aes-cbc-256/aes-cbc-128/3des, sha1, group 2"
        )
        r.words = .spec
        #expect(
            check("IKE proposal", r, Self.azure)?.detail
                == "the router offers AES256, SHA1, DHGroup14; Azure accepts AES256/AES128/DES3, SHA1, DHGroup2"
        )
        // DHGroup2048 is DHGroup14 under another name.
        var a = Self.azure
        a.accepts.dhGroups = [.group2048]
        #expect(check("IKE proposal", r, a)?.ok == true)
        // AES-GCM needs no integrity: what the ends give there (a PRF) is not held against each other.
        r = Self.router
        r.offers = IpsecProposals(
            ikeEncryption: [.gcmAES256],
            ikeIntegrity: [.sha256],
            dhGroups: [.ecp384],
            ipsecEncryption: [.gcmAES256],
            ipsecIntegrity: [.gcmAES256]
        )
        a.accepts = IpsecProposals(IpsecPolicy.recommended)
        #expect(check("IKE proposal", r, a)?.ok == true)
        #expect(check("IPsec transform", r, a)?.detail == "the router offers esp-gcm 256; Azure accepts esp-gcm 256")
        // A router whose provider does not report its proposals: not compared.
        r.offers = nil
        #expect(check("IKE proposal", r, a)?.ok == true)
        #expect(check("IPsec transform", r, a)?.detail.hasPrefix("not compared:") == true)
    }

    @Test func eachDisagreementFailsItsOwnCheckOnly() {
        func failing(_ router: RouterEnd, _ azure: AzureEnd) -> [String] {
            TunnelChecks.evaluate(router: router, azure: azure).filter { !$0.ok }.map(\.name)
        }
        var r = Self.router
        r.sharedKey = "other"
        #expect(failing(r, Self.azure) == ["pre-shared key"])
        r = Self.router
        r.peerAddress = "20.0.0.2"
        #expect(failing(r, Self.azure) == ["peer address"])
        r = Self.router
        r.offers?.dhGroups = [.group14]
        #expect(failing(r, Self.azure) == ["IKE proposal"])
        r = Self.router
        r.offers?.ipsecEncryption = [.gcmAES256]
        r.offers?.ipsecIntegrity = [.gcmAES256]
        #expect(failing(r, Self.azure) == ["IPsec transform"])
        var a = Self.azure
        a.ikeVersion = "IKEv1"
        #expect(failing(Self.router, a) == ["IKE version"])
        a = Self.azure
        a.localAddress = "198.51.100.7"
        #expect(failing(Self.router, a) == ["local address"])
        r = Self.router
        // Behind NAT (a private or shared source address) the tunnel still comes up: IKEv2 moves
        // to UDP 4500, and Azure sees the NAT's public address, which the router cannot know.
        r.wanAddress = "100.64.0.9"
        #expect(failing(r, Self.azure).isEmpty)
        let nat = TunnelChecks.evaluate(router: r, azure: Self.azure)
        #expect(nat.contains { $0.name == "NAT" && $0.detail.contains("UDP 4500 (NAT-T)") })
        #expect(nat.contains { $0.name == "local address" && $0.detail.contains("behind NAT") })
        // A key that cannot be read is not compared, and never printed either way.
        a = Self.azure
        a.sharedKey = nil
        #expect(failing(Self.router, a).isEmpty)
        r = Self.router
        r.sharedKey = "s3cret-value"
        #expect(!TunnelChecks.evaluate(router: r, azure: Self.azure).contains { $0.detail.contains("s3cret-value") })
    }
}

extension LabWorkspace {
    /// Changes the Azure model's world out of band (as someone in the portal would).
    func azure(_ edit: (inout [String: Any]) -> Void) throws {
        let url = spec.appendingPathComponent(".reconcile/lab/azure.json")
        var world = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&world)
        try JSONSerialization.data(withJSONObject: world, options: [.sortedKeys]).write(to: url)
    }
}
