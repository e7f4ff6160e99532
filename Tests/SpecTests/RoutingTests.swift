import BuiltInProviders
import Foundation
import TestSupport
import Testing

@testable import Spec

/// The route model, rule by rule (`docs/routing.md`), and the second seed's
/// scenarios: where on-prem internet traffic leaves, and whether Azure even advertises the
/// default route that would make it leave through Azure.
@Suite("Routing analysis")
struct RoutingTests {
    /// An example's files as one YAML text, with `edits` (old → new) applied.
    static func example(_ name: String, _ edits: [(String, String)] = []) throws -> String {
        try Fixture.exampleText(name, edits)
    }

    static func model(_ yaml: String) throws -> RouteModel {
        let spec = Fixture.run(yaml)
        let blocking = spec.diagnostics.filter { $0.severity == .error && $0.rule != .intentViolated }
        #expect(blocking.isEmpty, "\(spec.codes)")
        return RouteModel(spec.topology)
    }

    /// A literal address (0.0.0.0 for a typo, which no assertion expects).
    static func ip(_ text: String) -> IPv4Address { IPv4Address(text) ?? IPv4Address(0) }

    static func prefixes(_ routes: [Route]) -> Set<String> { Set(routes.map(\.prefix.description)) }

    /// Minimal hybrid spec: one VNet with a VPN gateway, one site over VPN, pieces to add.
    static func spec(
        routing: String = "Bgp",
        siteAsn: Int = 65010,
        subnets: String = "",
        extra: String = "",
        gateway: String = ""
    ) -> String {
        """
        apiVersion: reconcile/v1
        kind: AzureScope
        metadata: {name: lab}
        spec: {subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, location: japaneast}
        ---
        apiVersion: reconcile/v1
        kind: VirtualNetwork
        metadata: {name: hub-vnet}
        spec:
          addressSpace: [10.10.0.0/16]
          subnets:
            - {name: app, prefix: 10.10.1.0/24}
            - {name: nva, prefix: 10.10.2.0/24}
            - {name: GatewaySubnet, prefix: 10.10.120.0/26}
            - {name: RouteServerSubnet, prefix: 10.10.121.0/26}
        \(subnets)
        ---
        apiVersion: reconcile/v1
        kind: VirtualNetworkGateway
        metadata: {name: hub-vpngw}
        spec: {virtualNetwork: hub-vnet, gatewayType: Vpn, vpnType: RouteBased, sku: VpnGw1AZ, activeActive: true, bgp: {asn: 65515}\(gateway)}
        ---
        apiVersion: reconcile/v1
        kind: Site
        metadata: {name: tokyo-hq}
        spec: {publicIp: 203.0.113.10, addressSpace: [192.168.10.0/24], bgp: {asn: \(siteAsn), peeringAddress: 192.168.10.1}}
        ---
        apiVersion: reconcile/v1
        kind: VpnConnection
        metadata: {name: hub-to-tokyo}
        spec: {gateway: hub-vpngw, site: tokyo-hq, protocol: IKEv2, sharedKey: {fromEnv: TOKYO_PSK}, routing: \(routing)}
        \(extra)
        """
    }

    static func routeServer(advertises: String, branchToBranch: Bool = true) -> String {
        """
        ---
        apiVersion: reconcile/v1
        kind: RouteServer
        metadata: {name: hub-rs}
        spec:
          virtualNetwork: hub-vnet
          branchToBranch: \(branchToBranch)
          peers:
            - {name: fw-nva, ip: 10.10.2.4, asn: 65100, advertises: [\(advertises)]}
        """
    }

    // MARK: Table tests, one rule each

    @Test func systemRoutesVNetSpaceInternetAndNoneForPrivateSpace() throws {
        let model = try Self.model(Self.spec())
        let app = Place.subnet("hub-vnet", "app")
        #expect(model.lookup(Self.ip("10.10.2.9"), at: app)?.nextHop == .vnet("hub-vnet"))
        #expect(model.lookup(Self.ip("8.8.8.8"), at: app)?.nextHop == .internet)
        #expect(model.lookup(Self.ip("172.16.0.1"), at: app)?.nextHop == .drop)
        #expect(model.trace(from: app, to: Self.ip("10.10.2.9")).outcome == .delivered(.subnet("hub-vnet", "nva")))
    }

    @Test func longestPrefixThenUserRouteOverBgpOverSystem() throws {
        let table = """
            ---
            apiVersion: reconcile/v1
            kind: RouteTable
            metadata: {name: app-rt}
            spec:
              routes:
                - {name: onprem-to-nva, prefix: 192.168.10.0/24, nextHopType: VirtualAppliance, nextHopIp: 10.10.2.4}
                - {name: half, prefix: 192.168.10.0/25, nextHopType: None}
            """
        let yaml = Self.spec(extra: table).replacingOccurrences(
            of: "{name: app, prefix: 10.10.1.0/24}",
            with: "{name: app, prefix: 10.10.1.0/24, routeTable: app-rt}"
        )
        let model = try Self.model(yaml)
        let app = Place.subnet("hub-vnet", "app")
        // The gateway's BGP route to the site loses to the user-defined one of the same length.
        let route = try #require(model.lookup(Self.ip("192.168.10.200"), at: app))
        #expect(route.origin == .udr && route.nextHop == .place(.appliance(Self.ip("10.10.2.4"))))
        #expect(model.candidates(Self.ip("192.168.10.200"), at: app).contains { $0.origin == .bgp })
        // A longer prefix wins whatever its origin.
        #expect(model.lookup(Self.ip("192.168.10.5"), at: app)?.nextHop == .drop)
    }

    @Test func disableBgpRoutePropagationKeepsGatewayRoutesOffTheSubnet() throws {
        let table = """
            ---
            apiVersion: reconcile/v1
            kind: RouteTable
            metadata: {name: app-rt}
            spec: {disableBgpRoutePropagation: true, routes: []}
            """
        let yaml = Self.spec(extra: table).replacingOccurrences(
            of: "{name: app, prefix: 10.10.1.0/24}",
            with: "{name: app, prefix: 10.10.1.0/24, routeTable: app-rt}"
        )
        let model = try Self.model(yaml)
        let path = model.trace(from: .subnet("hub-vnet", "app"), to: Self.ip("192.168.10.4"))
        #expect(
            path.outcome
                == .dropped(.subnet("hub-vnet", "app"), "system route: private space outside the VNet goes nowhere")
        )
        #expect(path.withheld.contains { $0.contains("disables gateway route propagation") })
        // The neighbouring subnet, without the table, reaches the site.
        #expect(
            model.trace(from: .subnet("hub-vnet", "nva"), to: Self.ip("192.168.10.4")).outcome
                == .delivered(.site("tokyo-hq"))
        )
    }

    @Test func staticRoutingPutsTheVNetSpaceOverTheTunnelAndNothingElse() throws {
        let model = try Self.model(
            Self.spec(routing: "Static", extra: Self.routeServer(advertises: "0.0.0.0/1, 128.0.0.0/1"))
        )
        let site = model.table(.site("tokyo-hq"))
        #expect(
            site.contains {
                $0.prefix.description == "10.10.0.0/16" && $0.origin == .static
                    && $0.nextHop == .place(.gateway("hub-vpngw"))
            }
        )
        #expect(!site.contains { $0.prefix.description == "0.0.0.0/1" })
        #expect(model.withheld[.site("tokyo-hq")]?.contains { $0.contains("uses static routing") } == true)
        // The gateway learns the site's space from its local network gateway.
        #expect(
            model.table(.gateway("hub-vpngw")).contains {
                $0.prefix.description == "192.168.10.0/24" && $0.origin == .static
            }
        )
    }

    @Test func aVpnGatewayNeverAdvertisesTheDefaultRouteNorPrefixesInsideItsVNet() throws {
        let model = try Self.model(Self.spec(extra: Self.routeServer(advertises: "0.0.0.0/0, 0.0.0.0/1, 10.10.5.0/24")))
        let learned = Self.prefixes(model.table(.site("tokyo-hq")).filter { $0.origin == .bgp })
        #expect(learned == ["10.10.0.0/16", "0.0.0.0/1"])
        #expect(
            model.withheld[.site("tokyo-hq")]?.contains { $0.contains("never advertises the default route") } == true
        )
        // The gateway itself learns all three from the NVA.
        #expect(
            Self.prefixes(model.table(.gateway("hub-vpngw")).filter { $0.origin == .bgp }).isSuperset(of: [
                "0.0.0.0/0", "10.10.5.0/24",
            ])
        )
    }

    @Test func anExpressRouteGatewayAdvertisesTheDefaultRoute() throws {
        let er = """
            ---
            apiVersion: reconcile/v1
            kind: VirtualNetworkGateway
            metadata: {name: hub-ergw}
            spec: {virtualNetwork: hub-vnet, gatewayType: ExpressRoute, sku: ErGw1AZ}
            ---
            apiVersion: reconcile/v1
            kind: Site
            metadata: {name: osaka-dc}
            spec: {publicIp: 203.0.113.30, addressSpace: [192.168.30.0/24]}
            ---
            apiVersion: reconcile/v1
            kind: ExpressRouteConnection
            metadata: {name: er-osaka}
            spec: {gateway: hub-ergw, site: osaka-dc, circuitId: /subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/expressRouteCircuits/er}
            """
        let model = try Self.model(Self.spec(extra: Self.routeServer(advertises: "0.0.0.0/0") + "\n" + er))
        let osaka = model.lookup(Self.ip("8.8.8.8"), at: .site("osaka-dc"))
        #expect(osaka?.prefix == .defaultRoute && osaka?.nextHop == .place(.gateway("hub-ergw")))
        #expect(model.trace(from: .site("osaka-dc"), to: Self.ip("8.8.8.8")).last == .appliance(Self.ip("10.10.2.4")))
        // The same 0/0 does not reach the VPN site.
        #expect(model.lookup(Self.ip("8.8.8.8"), at: .site("tokyo-hq"))?.nextHop != .place(.gateway("hub-vpngw")))
    }

    @Test func routeServerPassesNvaRoutesToGatewaysOnlyWithBranchToBranch() throws {
        let off = try Self.model(
            Self.spec(extra: Self.routeServer(advertises: "0.0.0.0/1, 128.0.0.0/1", branchToBranch: false))
        )
        #expect(!off.table(.gateway("hub-vpngw")).contains { $0.prefix.description == "0.0.0.0/1" })
        #expect(off.withheld[.gateway("hub-vpngw")]?.contains { $0.contains("branchToBranch is off") } == true)
        // The VNet's own subnets learn them anyway: Route Server programs them directly.
        #expect(
            off.lookup(Self.ip("8.8.8.8"), at: .subnet("hub-vnet", "app"))?.nextHop
                == .place(.appliance(Self.ip("10.10.2.4")))
        )
        let on = try Self.model(Self.spec(extra: Self.routeServer(advertises: "0.0.0.0/1, 128.0.0.0/1")))
        #expect(on.table(.gateway("hub-vpngw")).contains { $0.prefix.description == "0.0.0.0/1" })
    }

    @Test func anNvaWhoseSubnetLearnsItsOwnRoutesLoops() throws {
        let model = try Self.model(Self.spec(extra: Self.routeServer(advertises: "0.0.0.0/1, 128.0.0.0/1")))
        let path = model.trace(from: .site("tokyo-hq"), to: Self.ip("8.8.8.8"))
        #expect(path.outcome == .loop(.appliance(Self.ip("10.10.2.4"))))
    }

    @Test func asPathLoopsAreRejected() throws {
        let second = """
            ---
            apiVersion: reconcile/v1
            kind: Site
            metadata: {name: nagoya}
            spec: {publicIp: 203.0.113.40, addressSpace: [192.168.40.0/24], bgp: {asn: 65010, peeringAddress: 192.168.40.1}}
            ---
            apiVersion: reconcile/v1
            kind: VpnConnection
            metadata: {name: hub-to-nagoya}
            spec: {gateway: hub-vpngw, site: nagoya, protocol: IKEv2, sharedKey: {fromEnv: NAGOYA_PSK}, routing: Bgp}
            """
        let model = try Self.model(Self.spec(extra: second))
        // Both sites are AS 65010: each drops the other's prefix (AS path 65515 65010).
        #expect(!Self.prefixes(model.table(.site("nagoya"))).contains("192.168.10.0/24"))
        #expect(model.withheld[.site("nagoya")]?.contains { $0.contains("holds the site's own AS 65010") } == true)
        let other = try Self.model(Self.spec(extra: second.replacingOccurrences(of: "asn: 65010", with: "asn: 65040")))
        #expect(Self.prefixes(other.table(.site("nagoya"))).contains("192.168.10.0/24"))
    }

    @Test func azureDropsRoutesThatComeBackWithItsOwnAS() throws {
        let hub = """
            ---
            apiVersion: reconcile/v1
            kind: VirtualWan
            metadata: {name: corp-wan}
            spec: {type: Standard, allowBranchToBranchTraffic: true}
            ---
            apiVersion: reconcile/v1
            kind: VirtualHub
            metadata: {name: japan-hub}
            spec:
              virtualWan: corp-wan
              addressPrefix: 10.100.0.0/23
              vpnGateway: {scaleUnits: 1}
              virtualNetworkConnections: [{virtualNetwork: spoke-vnet, propagateDefaultRoute: false}]
            ---
            apiVersion: reconcile/v1
            kind: VirtualNetwork
            metadata: {name: spoke-vnet}
            spec: {addressSpace: [10.20.0.0/16], subnets: [{name: app, prefix: 10.20.1.0/24}]}
            ---
            apiVersion: reconcile/v1
            kind: HubVpnConnection
            metadata: {name: hub-to-tokyo}
            spec: {hub: japan-hub, site: tokyo-hq, sharedKey: {fromEnv: HUB_PSK}, bgp: true}
            """
        let model = try Self.model(Self.spec(extra: hub))
        // The site learns both Azure ends' prefixes; neither end learns the other's through it.
        #expect(Self.prefixes(model.table(.site("tokyo-hq"))).isSuperset(of: ["10.10.0.0/16", "10.20.0.0/16"]))
        #expect(!Self.prefixes(model.table(.gateway("hub-vpngw"))).contains("10.20.0.0/16"))
        #expect(
            model.withheld[.gateway("hub-vpngw")]?.contains {
                $0.contains("drops 10.20.0.0/16 re-advertised by site tokyo-hq: its AS path 65010 65515 holds 65515")
            } == true
        )
        #expect(
            model.trace(from: .subnet("hub-vnet", "app"), to: Self.ip("10.20.1.4")).outcome
                == .dropped(
                    .subnet("hub-vnet", "app"),
                    "system route: private space outside the VNet goes nowhere"
                )
        )
    }

    @Test func privateRoutingIntentSendsBranchToSpokeTrafficThroughTheFirewall() throws {
        let model = try Self.model(try Self.example("vwan-internet-via-azure"))
        let path = model.trace(from: .site("osaka-branch"), to: Self.ip("10.20.1.4"))
        #expect(path.hops.map(\.place) == [.site("osaka-branch"), .hub("japan-hub"), .firewall("japan-hub")])
        #expect(path.outcome == .delivered(.subnet("app-vnet", "app")))
        let without = try Self.model(
            try Self.example(
                "vwan-internet-via-azure",
                [("routingIntent: {internet: hub-fw, privateTraffic: hub-fw}", "routingIntent: {internet: hub-fw}")]
            )
        )
        #expect(
            without.trace(from: .site("osaka-branch"), to: Self.ip("10.20.1.4")).hops.map(\.place) == [
                .site("osaka-branch"), .hub("japan-hub"),
            ]
        )
    }

    @Test func forcedTunnelingSendsAzureInternetTrafficToTheDefaultSite() throws {
        let yaml = try Self.example("forced-tunneling")
        let model = try Self.model(yaml)
        let path = model.trace(from: .subnet("hub-vnet", "app"), to: Self.ip("8.8.8.8"))
        #expect(path.hops.map(\.place) == [.subnet("hub-vnet", "app"), .gateway("hub-vpngw"), .site("tokyo-hq")])
        #expect(path.outcome == .internet(.site("tokyo-hq")))
        let without = try Self.model(
            try Self.example("forced-tunneling", [("  forcedTunneling: {defaultSite: tokyo-hq}\n", "")])
        )
        #expect(
            without.trace(from: .subnet("hub-vnet", "app"), to: Self.ip("8.8.8.8")).outcome
                == .internet(.subnet("hub-vnet", "app"))
        )
    }

    @Test func aSitesOwnDefaultFloatsBehindTheHubsOnlyWithAStaticWan() throws {
        let model = try Self.model(try Self.example("vwan-internet-via-azure"))
        let osaka = try #require(model.lookup(Self.ip("8.8.8.8"), at: .site("osaka-branch")))
        #expect(osaka.nextHop == .place(.hub("japan-hub")))
        #expect(model.candidates(Self.ip("8.8.8.8"), at: .site("osaka-branch")).contains { $0.preference == 250 })
    }

    // MARK: The second seed

    @Test func virtualWanRoutingIntentAndPropagateDefaultRouteSendEgressThroughTheHubFirewall() throws {
        let spec = Fixture.run(try Self.example("vwan-internet-via-azure"))
        #expect(spec.errorRules.isEmpty, "\(spec.codes)")
        let model = RouteModel(spec.topology)
        for from in ["osaka-branch", "tokyo-dc", "app-vnet"] {
            for path in model.sources(from).map({ model.trace(from: $0, to: RouteModel.internetProbes[0]) }) {
                #expect(path.outcome == .internet(.firewall("japan-hub")), "\(from): \(path.outcomeText)")
            }
        }
        // Without propagate default route on the branch, it breaks out locally.
        let off = Fixture.run(
            try Self.example(
                "vwan-internet-via-azure",
                [("  bgp: true\n  propagateDefaultRoute: true", "  bgp: true\n  propagateDefaultRoute: false")]
            )
        )
        let error = try #require(off.diagnostics.first { $0.rule == .intentViolated })
        #expect(error.message.contains("internetEgress from osaka-branch via azure does not hold"))
        #expect(error.message.contains("leaves for the internet from site osaka-branch (on-prem)"))
        #expect(error.hint?.contains("propagateDefaultRoute is false") == true)
    }

    @Test func routeServerNvaOverExpressRouteAdvertisingTheDefaultRouteWorks() throws {
        let spec = Fixture.run(
            try Self.example(
                "routeserver-nva-default-route",
                [("advertises: [0.0.0.0/1, 128.0.0.0/1, 0.0.0.0/0]", "advertises: [0.0.0.0/0]")]
            )
        )
        let results = RouteModel(spec.topology).checkIntents()
        #expect(results.first { $0.statement == "internetEgress from osaka-dc via azure" }?.holds == true)
    }

    @Test func theSameOverVpnDoesNotReachOnPremAndTheIntentSaysWhy() throws {
        let spec = Fixture.run(
            try Self.example(
                "routeserver-nva-default-route",
                [("advertises: [0.0.0.0/1, 128.0.0.0/1, 0.0.0.0/0]", "advertises: [0.0.0.0/0]")]
            )
        )
        let error = try #require(spec.diagnostics.first { $0.rule == .intentViolated })
        #expect(error.message.contains("internetEgress from tokyo-hq via azure does not hold"))
        #expect(error.message.contains("leaves for the internet from site tokyo-hq (on-prem)"))
        #expect(
            error.hint?.contains(
                "a VPN gateway never advertises the default route; advertise 0.0.0.0/1 and 128.0.0.0/1"
            ) == true
        )
        #expect(error.notes.first?.message.contains("site tokyo-hq: 0.0.0.0/0 → the internet") == true)
    }

    @Test func advertisingBothHalvesOverVpnWorks() throws {
        let spec = Fixture.run(try Self.example("routeserver-nva-default-route"))
        #expect(!spec.errorRules.contains("intent-violated"), "\(spec.codes)")
        let path = RouteModel(spec.topology).trace(from: .site("tokyo-hq"), to: RouteModel.internetProbes[1])
        #expect(path.hops.first?.route?.prefix.description == "128.0.0.0/1")
        #expect(path.outcome == .internet(.appliance(Self.ip("10.10.2.4"))))
    }

    @Test func branchToBranchOffBreaksBothSites() throws {
        let spec = Fixture.run(
            try Self.example("routeserver-nva-default-route", [("branchToBranch: true", "branchToBranch: false")])
        )
        let failing = spec.diagnostics.filter { $0.rule == .intentViolated }.map(\.message)
        #expect(failing.count == 2)
        #expect(failing.allSatisfy { $0.contains("(on-prem)") || $0.contains("never leaves") })
    }

    @Test func forcedTunnelingIntentHoldsAndBreaksWithoutTheDefaultSite() throws {
        #expect(Fixture.run(try Self.example("forced-tunneling")).errorRules.isEmpty)
        let broken = Fixture.run(
            try Self.example("forced-tunneling", [("  forcedTunneling: {defaultSite: tokyo-hq}\n", "")])
        )
        let error = try #require(broken.diagnostics.first { $0.rule == .intentViolated })
        #expect(error.message.contains("internetEgress from hub-vnet via onprem does not hold"))
        #expect(error.message.contains("(Azure)"))
    }

    // MARK: The examples' intents

    @Test(arguments: Fixture.examples)
    func everyExamplesIntentsHold(_ name: String) throws {
        let spec = Fixture.run(try Self.example(name))
        let results = RouteModel(spec.topology).checkIntents()
        for result in results { #expect(result.holds, "\(name): \(result.statement): \(result.reason ?? "")") }
    }

    struct Breakage: Sendable, CustomTestStringConvertible {
        var example: String
        var edits: [[String]]
        var statement: String
        var testDescription: String { "\(example): \(statement)" }
    }

    static let breakages = [
        Breakage(
            example: "s2s-cisco891-pppoe",
            edits: [
                [
                    "    - {name: app, prefix: 10.10.1.0/24}\n",
                    "    - {name: app, prefix: 10.10.1.0/24, routeTable: app-rt}\n",
                ],
                [
                    "kind: VirtualNetwork\n",
                    "kind: RouteTable\nmetadata: {name: app-rt}\nspec: {disableBgpRoutePropagation: true, routes: []}\n"
                        + "---\napiVersion: reconcile/v1\nkind: VirtualNetwork\n",
                ],
            ],
            statement: "reachability from tokyo-hq to hub-vnet/app: reachable"
        ),
        Breakage(
            example: "routeserver-nva-default-route",
            edits: [["advertises: [0.0.0.0/1, 128.0.0.0/1, 0.0.0.0/0]", "advertises: [0.0.0.0/0]"]],
            statement: "internetEgress from tokyo-hq via azure"
        ),
        Breakage(
            example: "routeserver-nva-default-route",
            edits: [["branchToBranch: true", "branchToBranch: false"]],
            statement: "internetEgress from osaka-dc via azure"
        ),
        Breakage(
            example: "vwan-internet-via-azure",
            edits: [
                [
                    "routingIntent: {internet: hub-fw, privateTraffic: hub-fw}",
                    "routingIntent: {privateTraffic: hub-fw}",
                ]
            ],
            statement: "internetEgress from osaka-branch via azure"
        ),
        Breakage(
            example: "vwan-internet-via-azure",
            edits: [["  propagateDefaultRoute: true\n", "  propagateDefaultRoute: false\n"]],
            statement: "internetEgress from tokyo-dc via azure"
        ),
        Breakage(
            example: "vwan-internet-via-azure",
            edits: [
                [
                    "  virtualNetworkConnections:\n    - {virtualNetwork: app-vnet, propagateDefaultRoute: true}",
                    "  virtualNetworkConnections: []",
                ]
            ],
            statement: "reachability from osaka-branch to app-vnet/app: reachable"
        ),
        Breakage(
            example: "vwan-internet-via-azure",
            edits: [
                [
                    "    - {name: app, prefix: 10.20.1.0/24}",
                    "    - {name: app, prefix: 10.20.1.0/24, routeTable: app-rt}",
                ],
                [
                    "kind: VirtualNetwork\n",
                    "kind: RouteTable\nmetadata: {name: app-rt}\nspec: {routes: [{name: blackhole, prefix: 0.0.0.0/0, nextHopType: None}]}\n"
                        + "---\napiVersion: reconcile/v1\nkind: VirtualNetwork\n",
                ],
            ],
            statement: "internetEgress from app-vnet via azure"
        ),
        Breakage(
            example: "forced-tunneling",
            edits: [["  forcedTunneling: {defaultSite: tokyo-hq}\n", ""]],
            statement: "internetEgress from hub-vnet via onprem"
        ),
    ]

    /// Each example's intents, broken by an edit, fail with the path that breaks them.
    @Test(arguments: breakages)
    func breakingAnExamplesIntentIsAnError(_ breakage: Breakage) throws {
        let text = try Self.example(breakage.example, breakage.edits.map { ($0[0], $0[1]) })
        let spec = Fixture.run(text)
        let errors = spec.diagnostics.filter { $0.rule == .intentViolated }
        let error = try #require(
            errors.first { $0.message.hasPrefix(breakage.statement + " does not hold") },
            "\(spec.codes)"
        )
        // Reported at the statement itself, with the path hop by hop.
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)[error.location.line - 1]
        let from = try #require(breakage.statement.split(separator: " ").dropFirst(2).first)
        #expect(line.contains("from: \(from)"), "\(line)")
        #expect(!error.notes.isEmpty)
    }
}

/// What the routing analysis prints: `explain route` and `graph --routes`, as golden files,
/// and the CLI's exit codes.
@Suite("Routing analysis output")
struct RoutingOutputTests {
    static let examples = ["routeserver-nva-default-route", "vwan-internet-via-azure", "forced-tunneling"]

    static func model(_ name: String) -> RouteModel {
        RouteModel(SpecPipeline.run(Fixture.path("examples/\(name)"), lowering: BuiltIn.lowering).topology)
    }

    @Test(arguments: examples)
    func pictures(_ name: String) {
        let model = Self.model(name)
        Fixture.assertGolden(RouteDiagram.svg(model), "Tests/SpecTests/Golden/routes/\(name).svg")
        Fixture.assertGolden(RouteDiagram.mermaid(model), "Tests/SpecTests/Golden/routes/\(name).mmd")
        Fixture.assertGolden(RouteDiagram.dot(model), "Tests/SpecTests/Golden/routes/\(name).dot")
        #expect(RouteDiagram.svg(model) == RouteDiagram.svg(Self.model(name)), "same spec, same bytes")
    }

    @Test func explainTextAndJSON() throws {
        let model = Self.model("routeserver-nva-default-route")
        let paths = [model.trace(from: .site("tokyo-hq"), to: RouteModel.internetProbes[0])]
        Fixture.assertGolden(
            paths.map(RouteExplain.text).joined(),
            "Tests/SpecTests/Golden/routes/explain-tokyo-internet.txt"
        )
        let json = RouteExplain.json(paths)
        Fixture.assertGolden(json, "Tests/SpecTests/Golden/routes/explain-tokyo-internet.json")
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let first = try #require((decoded?["paths"] as? [[String: Any]])?.first)
        #expect(first["exit"] as? String == "azure")
        #expect((first["hops"] as? [Any])?.count == 3)
    }

    @Test func explainRouteFromTheCommandLine() throws {
        let root = Fixture.path("examples/routeserver-nva-default-route")
        let ok = try Fixture.reconcile(["explain", "route", root, "--from", "tokyo-hq", "--to", "internet"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Result: leaves for the internet from NVA 10.10.2.4 (Azure)"))
        // Nowhere to go: exit 2, with the reason.
        let dropped = try Fixture.reconcile(["explain", "route", root, "--from", "hub-vnet/app", "--to", "172.16.0.1"])
        #expect(dropped.status == 2)
        #expect(dropped.stdout.contains("Result: dropped at subnet hub-vnet/app"))
        // A name that is not in the spec: exit 1, nothing printed on stdout.
        let bad = try Fixture.reconcile(["explain", "route", root, "--from", "tokio-hq", "--to", "internet"])
        #expect(bad.status == 1 && bad.stdout.isEmpty && bad.stderr.contains("--from 'tokio-hq'"))
        // graph --routes needs a picture format.
        let json = try Fixture.reconcile(["graph", root, "--routes"])
        #expect(json.status != 0 && json.stderr.contains("--routes draws svg, mermaid or dot"))
    }
}

/// The commonest Route Server trap: the NVA's own subnet learns its announcements back.
@Suite("Route Server NVA loop")
struct NvaLoopTests {
    @Test func anNvaSubnetWithoutInternetRoutesIsWarnedAndExplained() throws {
        let clean = Fixture.run(try RoutingTests.example("routeserver-nva-default-route"))
        #expect(!clean.diagnostics.contains { $0.rule == .routeServerNvaLoop }, "\(clean.codes)")
        let yaml = try RoutingTests.example(
            "routeserver-nva-default-route",
            [("- {name: nva, prefix: 10.10.2.0/24, routeTable: nva-rt}", "- {name: nva, prefix: 10.10.2.0/24}")]
        )
        let spec = Fixture.run(yaml)
        let warning = try #require(spec.diagnostics.first { $0.rule == .routeServerNvaLoop })
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("0.0.0.0/1, 128.0.0.0/1, 0.0.0.0/0"), "\(warning.message)")
        #expect(warning.hint?.contains("learns 0.0.0.0/1 back from Route Server hub-rs") == true)
        #expect(warning.hint?.contains("route table sending 0.0.0.0/1") == true)
        // `explain route` says the same where the path loops.
        let path = RouteModel(spec.topology).trace(from: .site("tokyo-hq"), to: RoutingTests.ip("8.8.8.8"))
        #expect(path.outcome == .loop(.appliance(RoutingTests.ip("10.10.2.4"))))
        #expect(path.withheld.first?.contains("own subnet hub-vnet/nva learns 0.0.0.0/1 back") == true)
    }
}
