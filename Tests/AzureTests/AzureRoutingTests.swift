import Azure
import AzureModel
import Reconciler
import Spec
import Testing

/// Routing in the Azure model, read through the provider over HTTP: the default-route
/// rules of `docs/routing.md` that the second seed's designs depend on.
@Suite("Routes in the Azure model", .serialized)
struct AzureRoutingTests {
    typealias Lab = AzureProviderTests.Lab

    static func prefixes(_ routes: [AzureRoute], state: String = "Active") -> Set<String> {
        Set(routes.filter { $0.state == state }.map(\.prefix))
    }

    @Test func aVpnGatewayNeverPassesTheDefaultRouteButAnExpressRouteGatewayDoes() async throws {
        let lab = try await Lab("routes-rs", group: "rg-rs-hub")
        defer { lab.stop() }
        let graph = try lab.azureGraph("routeserver-nva-default-route")
        let report = try await lab.apply(graph, environment: AzureProviderTests.environment)
        #expect(report.ok, "\(report.failed)")
        let model = lab.server.model
        // The NVA announces both halves and 0/0; Tokyo (BGP over VPN) and Osaka (ER) their LANs.
        await model.announce(from: "10.10.2.4", prefixes: ["0.0.0.0/1", "128.0.0.0/1", "0.0.0.0/0"])
        await model.announce(from: "192.168.10.1", prefixes: ["192.168.10.0/24"])
        let circuit =
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-er/providers/Microsoft.Network/expressRouteCircuits/er-osaka"
        await model.announce(from: circuit, prefixes: ["192.168.30.0/24"])
        let provider = lab.provider

        let toTokyo = try await provider.routes(.advertised(gateway: "hub-vpngw", peer: "192.168.10.1"))
        #expect(Self.prefixes(toTokyo) == ["10.10.0.0/16", "0.0.0.0/1", "128.0.0.0/1", "192.168.30.0/24"])
        #expect(toTokyo.allSatisfy { $0.asPath.hasPrefix("65515") })
        let toOsaka = try await provider.routes(.advertised(gateway: "hub-ergw", peer: circuit))
        #expect(Self.prefixes(toOsaka) == ["10.10.0.0/16", "0.0.0.0/1", "128.0.0.0/1", "0.0.0.0/0", "192.168.10.0/24"])

        let learned = try await provider.routes(.learned(gateway: "hub-vpngw"))
        #expect(learned.contains { $0.prefix == "192.168.10.0/24" && $0.origin == "EBgp" && $0.asPath == "65010" })
        #expect(learned.contains { $0.prefix == "0.0.0.0/0" && $0.origin == "IBgp" && $0.nextHop == "10.10.2.4" })

        let fromNva = try await provider.routes(.routeServer("hub-rs", peer: "fw-nva", learned: true))
        #expect(Self.prefixes(fromNva) == ["0.0.0.0/1", "128.0.0.0/1", "0.0.0.0/0"])
        let toNva = try await provider.routes(.routeServer("hub-rs", peer: "fw-nva", learned: false))
        #expect(Self.prefixes(toNva) == ["10.10.0.0/16", "192.168.10.0/24", "192.168.30.0/24"])

        // The app subnet: the UDR to the NVA wins 0/0; on-prem prefixes come from the gateways.
        let app = try await provider.routes(.subnet(virtualNetwork: "hub-vnet", subnet: "app"))
        let defaults = app.filter { $0.prefix == "0.0.0.0/0" }
        #expect(defaults.first { $0.state == "Active" }?.origin == "User")
        #expect(defaults.first { $0.state == "Active" }?.nextHop == "10.10.2.4")
        #expect(Set(defaults.filter { $0.state == "Invalid" }.map(\.origin)) == ["Default", "VirtualNetworkGateway"])
        #expect(
            app.contains {
                $0.prefix == "192.168.10.0/24" && $0.state == "Active" && $0.nextHopType == "VirtualNetworkGateway"
            }
        )

        // Without branch-to-branch the Route Server keeps the NVA's routes from the gateways.
        let hub = lab.provider.path(.azure("virtualHubs/hub-rs"))
        var body = try #require(try await provider.client.get(hub, apiVersion: "2024-05-01"))
        if case .map(var p)? = body["properties"] {
            p["allowBranchToBranchTraffic"] = false
            body["properties"] = .map(p)
        }
        _ = try await provider.client.put(hub, apiVersion: "2024-05-01", body: body)
        let isolated = try await provider.routes(.advertised(gateway: "hub-vpngw", peer: "192.168.10.1"))
        #expect(Self.prefixes(isolated) == ["10.10.0.0/16"])
        // The Route Server's router addresses survive a PUT of the hub and are not a diff.
        let after = try #require(try await provider.client.get(hub, apiVersion: "2024-05-01"))
        #expect(JSONOutput.encode(Value.map(after)).contains("10.10.121.4"))
    }

    @Test func virtualWanSendsADefaultRouteOnlyWhenTheHubHasOneAndTheConnectionAsks() async throws {
        let lab = try await Lab("routes-vwan", group: "rg-vwan-japan")
        defer { lab.stop() }
        var graph = try lab.azureGraph("vwan-internet-via-azure")
        // First without routing intent: the hub has no 0/0 to give, whatever the flags say.
        let intent = ResourceAddress.azure("virtualHubs/japan-hub/routingIntent/japan-hub-routing-intent")
        let withoutIntent = DesiredGraph(graph.resources.filter { $0.address != intent })
        #expect(try await lab.apply(withoutIntent, environment: AzureProviderTests.environment).ok)
        await lab.server.model.announce(from: "192.168.20.1", prefixes: ["192.168.20.0/24"])
        let osaka = lab.provider.path(.azure("vpnGateways/japan-hub-vpngw/vpnConnections/hub-to-osaka"))
        let app = lab.provider.path(.azure("virtualHubs/japan-hub/hubVirtualNetworkConnections/app-vnet"))
        let bare = try await lab.provider.routes(.hub("japan-hub", connection: osaka))
        #expect(Self.prefixes(bare) == ["10.20.0.0/16"])

        graph = try lab.azureGraph("vwan-internet-via-azure")
        #expect(try await lab.apply(graph, environment: AzureProviderTests.environment).ok)
        let all = try await lab.provider.routes(.hub("japan-hub", connection: nil))
        let internet = try #require(all.first { $0.prefix == "0.0.0.0/0" })
        #expect(internet.nextHop.hasSuffix("/azureFirewalls/hub-fw") && internet.nextHopType == "Azure Firewall")
        #expect(all.contains { $0.prefix == "192.168.20.0/24" && $0.nextHopType == "VPN_S2S_Gateway" })
        #expect(all.contains { $0.prefix == "10.0.0.0/8" && $0.origin == "_policy_PrivateTraffic" })
        let toOsaka = try await lab.provider.routes(.hub("japan-hub", connection: osaka))
        #expect(toOsaka.contains { $0.prefix == "0.0.0.0/0" })
        #expect(!toOsaka.contains { $0.prefix == "192.168.20.0/24" })  // not its own routes back

        // Turn "propagate default route" off on the VNet connection: it loses 0/0 only.
        var body = try #require(try await lab.provider.client.get(app, apiVersion: "2024-05-01"))
        if case .map(var p)? = body["properties"] {
            p["enableInternetSecurity"] = false
            body["properties"] = .map(p)
        }
        _ = try await lab.provider.client.put(app, apiVersion: "2024-05-01", body: body)
        let toApp = try await lab.provider.routes(.hub("japan-hub", connection: app))
        #expect(!toApp.contains { $0.prefix == "0.0.0.0/0" })
        #expect(toApp.contains { $0.prefix == "192.168.20.0/24" })
    }

    @Test func forcedTunnelingPutsTheDefaultSiteAheadOfTheInternet() async throws {
        let lab = try await Lab("routes-ft", group: "rg-forced-tunnel")
        defer { lab.stop() }
        let graph = try lab.azureGraph("forced-tunneling")
        #expect(try await lab.apply(graph, environment: AzureProviderTests.environment).ok)
        let vnet = try #require(graph.resources.first { $0.type == AzureTypes.virtualNetwork })
        let name = String(vnet.address.path.split(separator: "/").last ?? "")
        let subnets = try await lab.provider.routes(.subnet(virtualNetwork: name, subnet: "GatewaySubnet"))
        let active = try #require(subnets.first { $0.prefix == "0.0.0.0/0" && $0.state == "Active" })
        #expect(active.nextHopType == "VirtualNetworkGateway")
        #expect(subnets.contains { $0.prefix == "0.0.0.0/0" && $0.nextHopType == "Internet" && $0.state == "Invalid" })
        // The site's prefixes arrive statically, without BGP.
        #expect(subnets.contains { $0.prefix.hasPrefix("192.168.") && $0.origin == "VirtualNetworkGateway" })
        // Even with a default site, a VPN gateway advertises no 0.0.0.0/0.
        let advertised = try await lab.provider.routes(.advertised(gateway: "hub-vpngw", peer: "192.0.2.1"))
        #expect(!advertised.contains { $0.prefix == "0.0.0.0/0" })
    }
}
