import Foundation
import TestSupport
import Testing

@testable import Spec

/// A router's LAN routes (`lan.routes`): on-prem prefixes behind a next hop on the LAN, how
/// they are read, and how the routing analysis uses the router's real table at the site.
@Suite("LAN routes")
struct LanRouteTests {
    static let example = "routeserver-nva-default-route"
    static let lan = "    address: 192.168.10.1/24\n"
    static let space = "addressSpace: [192.168.10.0/24]"

    /// The example with tokyo-hq's space widened to `space` and its router given `routes`.
    static func spec(space: String, routes: [String]) throws -> String {
        let declared =
            routes.isEmpty
            ? lan : lan + "    routes:\n" + routes.map { "      - {prefix: \($0), nextHop: 192.168.10.254}\n" }.joined()
        return try RoutingTests.example(example, [(Self.space, "addressSpace: [\(space)]"), (lan, declared)])
    }

    @Test func routesAreReadWithTheirPositions() throws {
        let spec = Fixture.run(try Self.spec(space: "192.168.10.0/24, 192.168.20.0/24", routes: ["192.168.20.0/24"]))
        #expect(spec.diagnostics.filter { $0.severity == .error }.isEmpty, "\(spec.codes)")
        let router = try #require(spec.topology.routers["tokyo-rtr1"])
        #expect(router.spec.lan.routes == [.init(prefix: .init("192.168.20.0/24")!, nextHop: .init("192.168.10.254")!)])
        let at = router.at("lan", "routes", 0, "nextHop")
        #expect(at.line > 0 && at.column > 0)
    }

    @Test func aPrefixWithHostBitsIsRefusedAtItsColumn() throws {
        let text = try Self.spec(space: "192.168.10.0/24, 192.168.20.0/24", routes: ["192.168.20.1/24"])
        let spec = Fixture.run(text)
        let error = try #require(spec.diagnostics.first { $0.rule == .schemaValue })
        #expect(error.message.contains("'192.168.20.1/24' has host bits set (in 'prefix')"), "\(error.message)")
        #expect(error.hint == "did you mean 192.168.20.0/24?")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)[error.location.line - 1]
        #expect(line.dropFirst(error.location.column - 1).hasPrefix("192.168.20.1/24"), "\(line)")
        #expect(spec.graph == nil)
    }

    /// 192.168.20.5 is in the site's address space; only the router's table says whether the
    /// site really holds it.
    @Test func anAddressNoLanRouteCoversIsNotDeliveredToTheSite() throws {
        // The router routes 192.168.21.0/24 but not 192.168.20.0/24: IOS sends 192.168.20.5 by
        // its other routes, here the NVA's 128.0.0.0/1 back to Azure, which sends it back.
        let model = try RoutingTests.model(
            try Self.spec(space: "192.168.10.0/24, 192.168.20.0/23", routes: ["192.168.21.0/24"])
        )
        let path = model.trace(from: .subnet("hub-vnet", "app"), to: RoutingTests.ip("192.168.20.5"))
        #expect(path.outcome == .loop(.gateway("hub-vpngw")), "\(RouteExplain.text(path))")
        let site = try #require(path.hops.first { $0.place == .site("tokyo-hq") }?.route)
        #expect(site.prefix.description == "128.0.0.0/1")
        // The connected LAN and the declared route are still the site's.
        let lan = model.trace(from: .subnet("hub-vnet", "app"), to: RoutingTests.ip("192.168.10.5"))
        #expect(lan.outcome == .delivered(.site("tokyo-hq")))
        #expect(lan.hops.last?.route?.why == "connected to Vlan1 on tokyo-rtr1")
        let routed = model.trace(from: .subnet("hub-vnet", "app"), to: RoutingTests.ip("192.168.21.5"))
        #expect(routed.outcome == .delivered(.site("tokyo-hq")))
    }

    @Test func aDeclaredLanRouteDeliversViaItsNextHop() throws {
        let model = try RoutingTests.model(
            try Self.spec(space: "192.168.10.0/24, 192.168.20.0/24", routes: ["192.168.20.0/24"])
        )
        let path = model.trace(from: .subnet("hub-vnet", "app"), to: RoutingTests.ip("192.168.20.5"))
        #expect(path.outcome == .delivered(.site("tokyo-hq")))
        let text = RouteExplain.text(path)
        #expect(
            text.contains("site tokyo-hq: 192.168.20.0/24 → local (via 192.168.10.254, static on tokyo-rtr1)"),
            "\(text)"
        )
    }

    /// A site's traffic comes from an address the site holds: with LAN routes, not the first
    /// host of a summary address space that none of them covers.
    @Test func aSitesSourceAddressIsOneItsRouterHolds() throws {
        let model = try RoutingTests.model(try Self.spec(space: "192.168.0.0/16", routes: ["192.168.20.0/24"]))
        #expect(model.address(of: .site("tokyo-hq")) == RoutingTests.ip("192.168.10.4"))
        let path = model.trace(from: .site("tokyo-hq"), to: RoutingTests.ip("10.10.1.4"))
        let back = model.trace(from: .subnet("hub-vnet", "app"), to: RoutingTests.ip("192.168.10.4"))
        #expect(path.outcome == .delivered(.subnet("hub-vnet", "app")), "\(RouteExplain.text(path))")
        #expect(back.outcome == .delivered(.site("tokyo-hq")), "\(RouteExplain.text(back))")
        // Without LAN routes, the first host of the first prefix, as before.
        let plain = try RoutingTests.model(try Self.spec(space: "192.168.0.0/16", routes: []))
        #expect(plain.address(of: .site("tokyo-hq")) == RoutingTests.ip("192.168.0.4"))
    }

    /// A router that declares no LAN route keeps the model of before: the site's whole
    /// address space is on-prem.
    @Test func aRouterWithoutLanRoutesHoldsTheWholeAddressSpace() throws {
        let model = try RoutingTests.model(try Self.spec(space: "192.168.10.0/24, 192.168.20.0/24", routes: []))
        let path = model.trace(from: .subnet("hub-vnet", "app"), to: RoutingTests.ip("192.168.20.5"))
        #expect(path.outcome == .delivered(.site("tokyo-hq")))
        #expect(path.hops.last?.route?.why == "site tokyo-hq's own address space")
    }

    /// `reconcile explain route` on a spec directory, as a user runs it.
    @Test func explainRouteSaysWhichRouterRouteDelivers() throws {
        let directory = try Fixture.temporaryDirectory("lan-routes")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("spec.yaml")
        let arguments = ["explain", "route", directory.path, "--from", "hub-vnet/app", "--to", "192.168.20.5"]

        try Data(try Self.spec(space: "192.168.10.0/24, 192.168.20.0/23", routes: ["192.168.21.0/24"]).utf8)
            .write(to: file)
        let undeclared = try Fixture.reconcile(arguments)
        #expect(!undeclared.stdout.contains("delivered"), "\(undeclared.stdout)")
        #expect(undeclared.stdout.contains("Result: routing loop"), "\(undeclared.stdout)\(undeclared.stderr)")

        try Data(try Self.spec(space: "192.168.10.0/24, 192.168.20.0/24", routes: ["192.168.20.0/24"]).utf8)
            .write(to: file)
        let declared = try Fixture.reconcile(arguments)
        #expect(declared.status == 0, "\(declared.stderr)")
        #expect(declared.stdout.contains("(via 192.168.10.254, static on tokyo-rtr1)"), "\(declared.stdout)")
        #expect(declared.stdout.contains("Result: delivered to site tokyo-hq"), "\(declared.stdout)")
    }
}
