internal import Reconciler
public import Spec
public import Verify

/// The routers' end of every tunnel for `reconcile verify`: one session per router, running
/// the `show` commands whose output the tunnel model needs.
extension CiscoProvider: SiteRouterFacts {
    static let verifyCommands = [
        "show running-config", "show ip interface brief", "show crypto ikev2 sa", "show crypto ipsec sa",
        "show ip bgp summary", "show ip route",
    ]

    public func routerFacts(_ devices: [String]) async throws -> [String: RouterFacts] {
        try await Bounded.map(devices, limit: maxConcurrency) { device in
            let out = try await self.show(device, Self.verifyCommands)
            let config: IOSConfig
            do {
                config = try IOSParser.parse(out[0])
            } catch {
                throw ProviderError("\(device): its running config does not parse: \(error)")
            }
            return RouterFacts(
                tunnels: RouterEnd.tunnels(
                    device: device,
                    config: config,
                    addresses: IOSShow.interfaceAddresses(out[1])
                ),
                ikev2: IOSShow.ikev2SAs(out[2]),
                ipsec: IOSShow.ipsecSAs(out[3]),
                bgp: IOSShow.bgpSummary(out[4]),
                routes: IOSShow.routes(out[5])
            )
        }
    }

    public func tunnelInterface(device: String, tunnel: String, in graph: DesiredGraph) -> String? {
        graph[.cisco(device, Lowering.CiscoSection.tunnel(tunnel))]?.attributes["interface"]?.scalarText
    }
}
