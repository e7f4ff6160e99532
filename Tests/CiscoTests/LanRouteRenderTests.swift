import BuiltInProviders
import Cisco
import Foundation
import Spec
import TestSupport
import Testing

/// A router's LAN routes (`lan.routes`) in its static-routes section: rendered to their next
/// hop, read back, and owned, with or without tunnels.
@Suite("LAN routes on the router")
struct LanRouteRenderTests {
    static let lan = "    address: 192.168.10.1/24\n"
    static let route = "ip route 192.168.20.0 255.255.255.0 192.168.10.254"

    /// The seed's router, with `routes` under its LAN and optionally without its VPN connection.
    static func sections(routes: [String], tunnel: Bool = true) throws -> [Resource] {
        let directory = Fixture.path("examples/s2s-cisco891-pppoe")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".yaml") && (tunnel || $0 != "connection.yaml") }.sorted()
        var text = try files.map { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
            .joined(separator: "\n---\n")
        #expect(text.contains(lan) && text.contains("addressSpace: [192.168.10.0/24]"))
        text = text.replacingOccurrences(of: "addressSpace: [192.168.10.0/24]", with: "addressSpace: [192.168.0.0/16]")
        if !tunnel {
            // Without the tunnel the site does not reach Azure, as the example's intent expects.
            text = text.replacingOccurrences(
                of: "reachability:\n    - {from: tokyo-hq, to: hub-vnet/app, expect: reachable}",
                with: "reachability: []"
            )
        }
        if !routes.isEmpty {
            let entries = routes.map { "      - {prefix: \($0), nextHop: 192.168.10.254}\n" }.joined()
            text = text.replacingOccurrences(of: lan, with: lan + "    routes:\n" + entries)
        }
        let spec = SpecPipeline.process(SpecLoader.load(text: text, file: "spec.yaml"), lowering: BuiltIn.lowering)
        let problems = spec.diagnostics.filter { $0.severity == .error }.map(\.summary)
        let graph = spec.graph
        #expect(problems.isEmpty, "\(problems)")
        return try #require(graph).resources.filter { $0.provider == "cisco" }
    }

    static func render(_ sections: [Resource]) -> String {
        IOSRenderer.device(sections).render()
    }

    @Test func aLanRouteRendersToItsNextHopBesideTheTunnelsRoutes() throws {
        let text = Self.render(try Self.sections(routes: ["192.168.20.0/24"]))
        #expect(text.contains(Self.route + "\n"), "\(text)")
        #expect(text.contains("ip route 10.10.0.0 255.255.0.0 Tunnel1\n"), "\(text)")
    }

    /// Issue: the section was made only with tunnels, so a router without any lost its LAN routes.
    @Test func aRouterWithoutTunnelsStillHasItsLanRoutes() throws {
        let sections = try Self.sections(routes: ["192.168.20.0/24", "192.168.30.0/24"], tunnel: false)
        let routes = try #require(sections.first { $0.type == "ios.static-routes" })
        #expect(!sections.contains { $0.type == "ios.tunnel" })
        let text = Self.render(sections)
        #expect(text.contains(Self.route + "\nip route 192.168.30.0 255.255.255.0 192.168.10.254\n"), "\(text)")
        // What the router runs reads back as the section, and its lines are the section's.
        let running = try IOSParser.parse(text)
        let read = IOSSections.read(
            type: routes.type,
            identity: routes.attributes,
            running: running,
            facts: .init(platform: "ios", model: nil, software: nil),
            secrets: .init(fingerprint: { $0 })
        )
        #expect(read == routes.attributes)
        #expect(IOSSections.owns(type: routes.type, identity: routes.attributes, line: Self.route))
        #expect(
            !IOSSections.owns(type: routes.type, identity: routes.attributes, line: "ip route 0.0.0.0 0.0.0.0 Dialer1")
        )
    }

    /// A route someone took off the router is missing from what is read; one added by hand to
    /// the same next hop is the section's (so a plan removes it).
    @Test func aRemovedOrForeignLanRouteIsADifference() throws {
        let sections = try Self.sections(routes: ["192.168.20.0/24"])
        let routes = try #require(sections.first { $0.type == "ios.static-routes" })
        let full = Self.render(sections)
        let removed = try IOSParser.parse(full.replacingOccurrences(of: Self.route + "\n", with: ""))
        let facts = IOSSections.Facts(platform: "ios", model: nil, software: nil)
        let read = IOSSections.read(
            type: routes.type,
            identity: routes.attributes,
            running: removed,
            facts: facts,
            secrets: .init(fingerprint: { $0 })
        )
        #expect(read != nil && read != routes.attributes)
        #expect(!(read.map { "\($0)" } ?? "").contains("192.168.10.254"))
        let foreign = "ip route 192.168.99.0 255.255.255.0 192.168.10.254"
        #expect(IOSSections.owns(type: routes.type, identity: routes.attributes, line: foreign))
        // Remediation puts the removed route back, and only it.
        let intended = IOSRenderer.device(sections)
        let commands = Remediation.commands(running: removed, intended: intended).lines.map(\.text)
        #expect(commands == [Self.route], "\(commands)")
    }

    /// Routers that declare no LAN route keep their sections as they were.
    @Test func withoutLanRoutesTheSectionIsUnchanged() throws {
        #expect(try Self.sections(routes: [], tunnel: false).allSatisfy { $0.type != "ios.static-routes" })
        let routes = try #require(try Self.sections(routes: []).first { $0.type == "ios.static-routes" })
        #expect(!"\(routes.attributes)".contains("nextHop"))
    }
}
