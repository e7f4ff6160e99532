extension RouteModel {
    mutating func buildSubnet(
        _ vnet: SpecObject<VirtualNetwork>,
        _ subnet: VirtualNetwork.Subnet,
        learned: [String: [Route]]
    ) {
        let place = Place.subnet(vnet.name, subnet.name)
        let space = vnet.spec.addressSpace
        var routes = space.map {
            Route($0, .vnet(vnet.name), .system, preference: 3, why: "system route: VNet address space")
        }
        routes.append(
            Route(.defaultRoute, .internet, .system, preference: 3, why: "system route: 0.0.0.0/0 to the internet")
        )
        // Kept unless the VNet's space covers the whole range (then VnetLocal replaces it).
        routes += Self.noneRanges.filter { range in !space.contains { $0.contains(range) } }.map {
            Route($0, .drop, .system, preference: 3, why: "system route: private space outside the VNet goes nowhere")
        }
        let table = subnet.routeTable.flatMap { topology.routeTables[$0] }
        var propagated: [Route] = []
        for gateway in topology.gateways(in: vnet.name) {
            let preference = gateway.spec.gatewayType == .expressRoute ? 1 : 2
            for route in learned[gateway.name] ?? [] {
                if case .vnet = route.nextHop { continue }
                if case .place(.appliance) = route.nextHop { continue }
                propagated.append(
                    Route(
                        route.prefix,
                        .place(.gateway(gateway.name)),
                        .bgp,
                        preference: preference,
                        asPath: route.asPath,
                        why: "from gateway \(gateway.name): \(route.why)"
                    )
                )
            }
        }
        if let server = topology.routeServers.first(where: { $0.spec.virtualNetwork == vnet.name }) {
            for peer in server.spec.peers {
                propagated += peer.advertises.map {
                    Route(
                        $0,
                        .place(.appliance(peer.ip)),
                        .bgp,
                        preference: 1,
                        asPath: [peer.asn.value],
                        why: "from NVA \(peer.name) via Route Server \(server.name)"
                    )
                }
            }
        }
        for hub in topology.virtualHubs {
            guard let spoke = hub.spec.virtualNetworkConnections.first(where: { $0.virtualNetwork == vnet.name }) else {
                continue
            }
            propagated += hubAdvertisement(
                hub,
                to: place,
                site: nil,
                connection: "the connection of \(vnet.name) to hub \(hub.name)",
                propagateDefault: spoke.propagateDefaultRoute
            ).map {
                var r = $0
                r.preference = 1
                return r
            }
        }
        // Routes to the VNet's own space never come from BGP (the system route wins).
        propagated.removeAll { route in space.contains { $0.contains(route.prefix) } }
        if let table, table.spec.disableBgpRoutePropagation {
            if !propagated.isEmpty {
                note(
                    place,
                    "route table \(table.name) disables gateway route propagation: subnet \(vnet.name)/\(subnet.name) "
                        + "learns none of \(propagated.prefix(3).map(\.prefix.description).joined(separator: ", "))"
                        + (propagated.count > 3 ? " …" : "")
                )
            }
        } else {
            routes += propagated
        }
        if let table { routes += userRoutes(table, vnet: vnet.name) }
        tables[place] = routes
    }
}
