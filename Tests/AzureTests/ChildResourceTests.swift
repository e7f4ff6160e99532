import Azure
import AzureModel
import Foundation
import Spec
import Testing

/// Child resources as ARM serves them, over HTTP on loopback: one object, two views (inline in
/// the parent and at its child path), nested objects in ARM's shape, lists by subscription,
/// and a resource group's delete taking what it holds.
@Suite("the Azure model's child resources and ARM's shapes")
struct ChildResourceTests {
    static let sub = "/subscriptions/s"
    static let group = sub + "/resourceGroups/rg"
    static let network = group + "/providers/Microsoft.Network"
    static let version = "2024-05-01"

    static func served() async throws -> (AzureModelServer, ARMClient) {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        let client = ARMClient(baseURL: server.url, token: { "lab" }, maxAttempts: 1)
        _ = try await client.send("PUT", group, apiVersion: "2021-04-01", body: .map(["location": "japaneast"]))
        return (server, client)
    }

    static func subnet(_ name: String, _ prefix: String) -> Value {
        .map(["name": .string(name), "properties": .map(["addressPrefix": .string(prefix)])])
    }

    static func vnet(_ subnets: [Value]) -> Value {
        .map([
            "location": "japaneast",
            "properties": .map([
                "addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])]), "subnets": .list(subnets),
            ]),
        ])
    }

    /// The names of a list inside a body's properties.
    static func names(_ body: Value?, _ property: String) -> [String] {
        guard case .map(let b)? = body, case .map(let p)? = b["properties"], case .list(let items)? = p[property]
        else { return [] }
        return items.compactMap { if case .map(let m) = $0, case .string(let n)? = m["name"] { n } else { nil } }
    }

    static func field(_ body: Value?, _ path: String...) -> Value? {
        var current = body
        for key in path {
            guard case .map(let m)? = current else { return nil }
            current = m[key]
        }
        return current
    }

    @Test func aSubnetIsOneObjectWithTwoViews() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let vnet = Self.network + "/virtualNetworks/v"
        _ = try await client.send(
            "PUT",
            vnet,
            apiVersion: Self.version,
            body: Self.vnet([Self.subnet("app", "10.0.1.0/24")])
        )
        // Created inline, read at its child path (404 naming the VNet before).
        let inline = try await client.send("GET", vnet + "/subnets/app", apiVersion: Self.version)
        #expect(inline.status == 200)
        #expect(Self.field(inline.body, "id") == .string(vnet + "/subnets/app"))
        #expect(Self.field(inline.body, "properties", "addressPrefix") == "10.0.1.0/24")
        // Created at its child path, seen in the VNet and in the list.
        let put = try await client.send(
            "PUT",
            vnet + "/subnets/db",
            apiVersion: Self.version,
            body: .map(["properties": .map(["addressPrefix": "10.0.2.0/24"])])
        )
        #expect(put.status == 201)
        #expect(Self.field(put.body, "type") == "Microsoft.Network/virtualNetworks/subnets")
        let parent = try await client.send("GET", vnet, apiVersion: Self.version)
        #expect(Self.names(parent.body, "subnets") == ["app", "db"])
        let list = try await client.send("GET", vnet + "/subnets", apiVersion: Self.version)
        #expect(Self.field(list.body, "value").map { if case .list(let l) = $0 { l.count } else { 0 } } == 2)
        // The parent's rules judge a child-path write too.
        await #expect(throws: ARMError.self) {
            _ = try await client.send(
                "PUT",
                vnet + "/subnets/clash",
                apiVersion: Self.version,
                body: .map(["properties": .map(["addressPrefix": "10.0.2.128/25"])])
            )
        }
        // Deleted at its child path, gone from the VNet.
        _ = try await client.send("DELETE", vnet + "/subnets/app", apiVersion: Self.version)
        let after = try await client.send("GET", vnet, apiVersion: Self.version)
        #expect(Self.names(after.body, "subnets") == ["db"])
        #expect(try await client.send("GET", vnet + "/subnets/app", apiVersion: Self.version).status == 404)
        // A VNet PUT without a subnet removes it from the child view too.
        _ = try await client.send("PUT", vnet, apiVersion: Self.version, body: Self.vnet([]))
        #expect(try await client.send("GET", vnet + "/subnets/db", apiVersion: Self.version).status == 404)
    }

    @Test func nestedObjectsCarryIdEtagTypeAndState() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let table = Self.network + "/routeTables/t"
        let body: Value = .map([
            "location": "japaneast",
            "properties": .map([
                "routes": .list([
                    .map(["name": "r", "properties": .map(["addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"])])
                ])
            ]),
        ])
        let answer = try await client.send("PUT", table, apiVersion: Self.version, body: body)
        guard case .list(let routes)? = Self.field(answer.body, "properties", "routes"), let route = routes.first else {
            Issue.record("no routes in \(String(describing: answer.body))")
            return
        }
        #expect(Self.field(route, "id") == .string(table + "/routes/r"))
        #expect(Self.field(route, "type") == "Microsoft.Network/routeTables/routes")
        #expect(Self.field(route, "etag") != nil)
        #expect(Self.field(route, "properties", "provisioningState") == "Succeeded")
        // The same route at its child path; one added there shows in the table.
        #expect(try await client.send("GET", table + "/routes/r", apiVersion: Self.version).status == 200)
        _ = try await client.send(
            "PUT",
            table + "/routes/onprem",
            apiVersion: Self.version,
            body: .map([
                "properties": .map(["addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualNetworkGateway"])
            ])
        )
        let read = try await client.send("GET", table, apiVersion: Self.version)
        #expect(Self.names(read.body, "routes") == ["r", "onprem"])
    }

    static func vpnConnection(_ name: String, site: String) -> Value {
        .map([
            "name": .string(name),
            "properties": .map([
                "remoteVpnSite": .map(["id": .string(site)]),
                "vpnLinkConnections": .list([
                    .map(["name": "link0", "properties": .map(["sharedKey": "not-for-reading"])])
                ]),
            ]),
        ])
    }

    @Test func aHubVpnGatewaysConnectionsAreOneObjectWithTwoViews() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let gateway = Self.network + "/vpnGateways/g"
        let site = Self.network + "/vpnSites/s"
        // Created inline (the property is `connections`, the child segment `vpnConnections`).
        _ = try await client.put(
            gateway,
            apiVersion: Self.version,
            body: [
                "location": "japaneast",
                "properties": .map([
                    "virtualHub": .map(["id": .string(Self.network + "/virtualHubs/h")]),
                    "connections": .list([Self.vpnConnection("inline", site: site)]),
                ]),
            ]
        )
        let inline = try await client.send("GET", gateway + "/vpnConnections/inline", apiVersion: Self.version)
        #expect(inline.status == 200)
        #expect(Self.field(inline.body, "id") == .string(gateway + "/vpnConnections/inline"))
        #expect(Self.field(inline.body, "type") == "Microsoft.Network/vpnGateways/vpnConnections")
        #expect(Self.field(inline.body, "properties", "remoteVpnSite", "id") == .string(site))
        #expect(Self.field(inline.body, "properties", "provisioningState") == "Succeeded")
        guard case .list(let links)? = Self.field(inline.body, "properties", "vpnLinkConnections"),
            let link = links.first
        else {
            Issue.record("no link connections in \(String(describing: inline.body))")
            return
        }
        #expect(Self.field(link, "id") == .string(gateway + "/vpnConnections/inline/vpnLinkConnections/link0"))
        #expect(Self.field(link, "properties", "sharedKey") == nil)
        // Created at its child path, seen in the gateway's `connections` in ARM's shape.
        _ = try await client.put(
            gateway + "/vpnConnections/child",
            apiVersion: Self.version,
            body: ["properties": .map(["remoteVpnSite": .map(["id": .string(site)])])]
        )
        let parent = try await client.send("GET", gateway, apiVersion: Self.version)
        #expect(Self.names(parent.body, "connections") == ["inline", "child"])
        guard case .list(let items)? = Self.field(parent.body, "properties", "connections"), items.count == 2 else {
            Issue.record("no connections in \(String(describing: parent.body))")
            return
        }
        #expect(Self.field(items[1], "id") == .string(gateway + "/vpnConnections/child"))
        #expect(Self.field(items[1], "type") == "Microsoft.Network/vpnGateways/vpnConnections")
        #expect(Self.field(items[1], "etag") != nil)
        #expect(Self.field(items[1], "properties", "provisioningState") == "Succeeded")
        // A gateway PUT that leaves `connections` out (a client updating the gateway) keeps them.
        _ = try await client.put(
            gateway,
            apiVersion: Self.version,
            body: [
                "location": "japaneast",
                "properties": .map(["virtualHub": .map(["id": .string(Self.network + "/virtualHubs/h")])]),
            ]
        )
        let kept = try await client.send("GET", gateway, apiVersion: Self.version)
        #expect(Self.names(kept.body, "connections") == ["inline", "child"])
        // Deleted at its child path, gone from the gateway's list and its child path.
        _ = try await client.send("DELETE", gateway + "/vpnConnections/inline", apiVersion: Self.version)
        let after = try await client.send("GET", gateway, apiVersion: Self.version)
        #expect(Self.names(after.body, "connections") == ["child"])
        let gone = try await client.send("GET", gateway + "/vpnConnections/inline", apiVersion: Self.version)
        #expect(gone.status == 404)
    }

    @Test func aChildUnderAMissingParentIsRefused() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        do {
            _ = try await client.send(
                "PUT",
                Self.network + "/virtualHubs/none/bgpConnections/p",
                apiVersion: Self.version,
                body: .map(["properties": .map(["peerIp": "10.0.0.4", "peerAsn": 65010])])
            )
            Issue.record("a child of a missing hub was created")
        } catch let error as ARMError {
            #expect(error.status == 404)
            #expect(error.code == "ParentResourceNotFound")
        }
    }

    @Test func aHubListsItsBgpConnectionsByIdAsARMDoes() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let hub = Self.network + "/virtualHubs/rs"
        _ = try await client.send(
            "PUT",
            hub,
            apiVersion: Self.version,
            body: .map(["location": "japaneast", "properties": .map(["sku": "Standard"])])
        )
        _ = try await client.send(
            "PUT",
            hub + "/bgpConnections/nva",
            apiVersion: Self.version,
            body: .map(["properties": .map(["peerIp": "10.0.0.4", "peerAsn": 65010])])
        )
        let read = try await client.send("GET", hub, apiVersion: Self.version)
        #expect(
            Self.field(read.body, "properties", "bgpConnections")
                == .list([.map(["id": .string(hub + "/bgpConnections/nva")])])
        )
        _ = try await client.send("DELETE", hub + "/bgpConnections/nva", apiVersion: Self.version)
        let after = try await client.send("GET", hub, apiVersion: Self.version)
        #expect(Self.field(after.body, "properties", "bgpConnections") == .list([]))
    }

    @Test func listsBySubscriptionAndAGroupsDeleteTakesWhatItHolds() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        _ = try await client.send(
            "PUT",
            Self.sub + "/resourceGroups/other",
            apiVersion: "2021-04-01",
            body: .map(["location": "japaneast"])
        )
        for group in ["rg", "other"] {
            _ = try await client.send(
                "PUT",
                Self.sub + "/resourceGroups/\(group)/providers/Microsoft.Network/virtualNetworks/v-\(group)",
                apiVersion: Self.version,
                body: Self.vnet([Self.subnet("app", "10.0.1.0/24")])
            )
        }
        let all = try await client.send(
            "GET",
            Self.sub + "/providers/Microsoft.Network/virtualNetworks",
            apiVersion: Self.version
        )
        guard case .list(let items)? = Self.field(all.body, "value") else {
            Issue.record("no list: \(String(describing: all.body))")
            return
        }
        #expect(items.compactMap { Self.field($0, "name") } == ["v-other", "v-rg"])
        let groups = try await client.send("GET", Self.sub + "/resourcegroups", apiVersion: "2021-04-01")
        #expect(Self.field(groups.body, "value").map { if case .list(let l) = $0 { l.count } else { 0 } } == 2)
        // 202 and a Location to poll, as ARM answers; then 404 for the group and what it held.
        let deleted = try await client.send("DELETE", Self.sub + "/resourceGroups/other", apiVersion: "2021-04-01")
        #expect(deleted.status == 202)
        let location = try #require(deleted.headers["location"])
        #expect(try await client.send("GET", location, apiVersion: nil).status == 200)
        #expect(
            try await client.send("GET", Self.sub + "/resourceGroups/other", apiVersion: "2021-04-01").status == 404
        )
        let held = try await client.send(
            "GET",
            Self.sub + "/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/v-other",
            apiVersion: Self.version
        )
        #expect(held.status == 404)
    }
}
