extension RouteModel {
    mutating func buildHub(_ hub: SpecObject<VirtualHub>) {
        var routes = [
            Route(hub.spec.addressPrefix, .local, .connected, preference: 0, why: "hub \(hub.name)'s address prefix")
        ]
        routes += hubReach(hub, includeBranches: true)
        if let wan = topology.virtualWans[hub.spec.virtualWan] {
            for other in topology.virtualHubs where other.name != hub.name && other.spec.virtualWan == wan.name {
                routes.append(
                    Route(
                        other.spec.addressPrefix,
                        .place(.hub(other.name)),
                        .bgp,
                        preference: 1,
                        why: "hub \(other.name)"
                    )
                )
                routes += hubReach(other, includeBranches: true).filter { $0.prefix != .defaultRoute }.map {
                    var r = $0
                    r.nextHop = .place(.hub(other.name))
                    r.why = "via hub \(other.name): " + $0.why
                    return r
                }
            }
        }
        var firewall = routes
        if let intent = hub.spec.routingIntent, let name = hub.spec.firewall?.name {
            if intent.internet != nil {
                routes.append(
                    Route(
                        .defaultRoute,
                        .place(.firewall(hub.name)),
                        .intent,
                        preference: 0,
                        why: "routing intent: internet traffic goes through \(name)"
                    )
                )
            }
            firewall.append(
                Route(
                    .defaultRoute,
                    .internet,
                    .system,
                    preference: 0,
                    why: "Azure Firewall \(name) sends it to the internet"
                )
            )
        }
        tables[.hub(hub.name)] = routes
        if hub.spec.firewall != nil { tables[.firewall(hub.name)] = firewall }
    }

    /// What a hub reaches directly: its spoke VNets and (optionally) its branches.
    func hubReach(_ hub: SpecObject<VirtualHub>, includeBranches: Bool) -> [Route] {
        var routes: [Route] = []
        for spoke in hub.spec.virtualNetworkConnections {
            routes += vnetSpace(spoke.virtualNetwork).map {
                Route(
                    $0,
                    .vnet(spoke.virtualNetwork),
                    .connected,
                    preference: 0,
                    why: "spoke VNet \(spoke.virtualNetwork)"
                )
            }
        }
        guard includeBranches else { return routes }
        for c in topology.hubVpnConnections where c.spec.hub == hub.name {
            guard let site = topology.sites[c.spec.site] else { continue }
            let bgp = c.spec.bgp ? site.spec.bgp : nil
            routes += site.spec.addressSpace.map {
                Route(
                    $0,
                    .place(.site(site.name)),
                    bgp == nil ? .static : .bgp,
                    preference: 1,
                    asPath: bgp.map { [$0.asn.value] } ?? [],
                    why: "branch \(site.name) over \(c.name)"
                )
            }
        }
        for c in topology.expressRouteConnections where c.spec.gateway == hub.name {
            guard let site = topology.sites[c.spec.site] else { continue }
            routes += site.spec.addressSpace.map {
                Route($0, .place(.site(site.name)), .bgp, preference: 1, asPath: [12076], why: "ExpressRoute \(c.name)")
            }
        }
        return routes
    }

    /// What a hub sends one connection: everything it knows but what came from there, other
    /// branches only with branch-to-branch, the private aggregates with a private intent, and
    /// 0.0.0.0/0 only when it has one and the connection propagates it.
    mutating func hubAdvertisement(
        _ hub: SpecObject<VirtualHub>,
        to receiver: Place,
        site: String?,
        connection: String,
        propagateDefault: Bool
    ) -> [Route] {
        let branchToBranch = topology.virtualWans[hub.spec.virtualWan]?.spec.allowBranchToBranchTraffic ?? true
        let table = tables[.hub(hub.name)] ?? []
        var result: [Route] = []
        var seen: Set<IPv4Prefix> = []
        for route in table {
            // The hub's own prefix is not advertised: its gateways' peers are reached by host routes.
            if route.nextHop == .local { continue }
            if let site, route.nextHop == .place(.site(site)) { continue }
            if case .vnet(let v) = route.nextHop, case .subnet(let own, _) = receiver, v == own { continue }
            if case .place(.site(let other)) = route.nextHop, site != nil, !branchToBranch {
                note(
                    receiver,
                    "hub \(hub.name) does not pass branch \(other)'s routes to other branches: allowBranchToBranchTraffic is off"
                )
                continue
            }
            if route.prefix == .defaultRoute && !propagateDefault {
                note(
                    receiver,
                    "\(connection) does not take hub \(hub.name)'s default route: propagateDefaultRoute is false"
                )
                continue
            }
            guard seen.insert(route.prefix).inserted else { continue }
            result.append(route)
        }
        if propagateDefault && !table.contains(where: { $0.prefix == .defaultRoute }) {
            note(
                receiver,
                "hub \(hub.name) has no default route for \(connection) to propagate: a hub never originates 0.0.0.0/0; "
                    + "give it routingIntent.internet to its firewall"
            )
        }
        if hub.spec.routingIntent?.privateTraffic != nil {
            result += Self.privateRanges.map {
                Route($0, .local, .intent, preference: 0, why: "routing intent: private traffic aggregate")
            }
        }
        return result.map {
            var r = $0
            r.nextHop = .place(.hub(hub.name))
            r.origin = .bgp
            r.asPath = [Self.azureASN] + $0.asPath
            r.why = "from hub \(hub.name) over \(connection) (\($0.why))"
            return r
        }
    }
}
