extension RouteModel {
    mutating func buildSite(_ site: SpecObject<Site>, learned: [String: [Route]]) {
        let place = Place.site(site.name)
        var routes = Self.onPremRoutes(site, topology: topology)
        if let name = site.spec.device, let router = topology.routers[name] {
            let floats = Self.defaultRouteFloats(router, topology: topology)
            routes.append(
                Route(
                    .defaultRoute,
                    .internet,
                    .static,
                    preference: floats ? 250 : 1,
                    why: "\(name)'s static default route via \(router.spec.wan.outsideInterface) (local breakout"
                        + (floats ? ", floating at distance 250 behind the hub's)" : ", distance 1)")
                )
            )
        }
        for c in topology.vpnConnections(toSite: site.name) {
            guard let gateway = topology.gateways[c.spec.gateway] else { continue }
            if c.spec.routing == .staticRoutes || site.spec.bgp == nil {
                routes += vnetSpace(gateway.spec.virtualNetwork).map {
                    Route(
                        $0,
                        .place(.gateway(gateway.name)),
                        .static,
                        preference: 1,
                        why: "static route over the tunnel of \(c.name) to gateway \(gateway.name)"
                    )
                }
                if (learned[gateway.name] ?? []).contains(where: { $0.origin == .bgp }) {
                    note(
                        place,
                        "\(c.name) uses static routing: \(site.name) routes only VNet \(gateway.spec.virtualNetwork)'s "
                            + "address space to Azure, none of what gateway \(gateway.name) learns over BGP"
                    )
                }
            } else {
                routes += advertisement(gateway, to: site, over: c.name, learned: learned[gateway.name] ?? [])
            }
        }
        for c in topology.expressRouteConnections where c.spec.site == site.name {
            if let gateway = topology.gateways[c.spec.gateway] {
                routes += advertisement(gateway, to: site, over: c.name, learned: learned[gateway.name] ?? [])
            } else if let hub = topology.virtualHubs[c.spec.gateway] {
                routes += hubAdvertisement(
                    hub,
                    to: place,
                    site: site.name,
                    connection: c.name,
                    propagateDefault: c.spec.propagateDefaultRoute ?? false
                ).map {
                    var r = $0
                    r.preference = 20
                    return r
                }
            }
        }
        for c in topology.hubVpnConnections(toSite: site.name) {
            guard let hub = topology.virtualHubs[c.spec.hub] else { continue }
            if c.spec.bgp && site.spec.bgp != nil {
                routes += hubAdvertisement(
                    hub,
                    to: place,
                    site: site.name,
                    connection: c.name,
                    propagateDefault: c.spec.propagateDefaultRoute
                ).compactMap { route in
                    var r = route
                    r.preference = 20
                    if let own = site.spec.bgp?.asn.value, r.asPath.contains(own) {
                        note(
                            place,
                            "site \(site.name) rejects \(r.prefix) from hub \(hub.name): its AS path holds the site's own AS \(own)"
                        )
                        return nil
                    }
                    return r
                }
            } else {
                let spokes = hub.spec.virtualNetworkConnections.flatMap { vnetSpace($0.virtualNetwork) }
                routes += ([hub.spec.addressPrefix] + spokes).map {
                    Route(
                        $0,
                        .place(.hub(hub.name)),
                        .static,
                        preference: 1,
                        why: "static route over the tunnel of \(c.name) to hub \(hub.name)"
                    )
                }
            }
        }
        tables[place] = routes
    }

    /// What a site holds itself: with a router that declares LAN routes, the router's own
    /// table (its connected LAN and each LAN route); otherwise the whole address space, as if
    /// it were all on the LAN (nothing says otherwise).
    ///
    /// With LAN routes, an address of the site's space that none of them covers is not the
    /// site's: the router sends it where its other routes say (the default route, or a tunnel),
    /// as IOS would.
    static func onPremRoutes(_ site: SpecObject<Site>, topology: Topology) -> [Route] {
        guard let name = site.spec.device, let router = topology.routers[name], !router.spec.lan.routes.isEmpty else {
            return site.spec.addressSpace.map {
                Route($0, .local, .connected, preference: 0, why: "site \(site.name)'s own address space")
            }
        }
        let lan = router.spec.lan
        return [
            Route(
                lan.address.prefix,
                .local,
                .connected,
                preference: 0,
                why: "connected to \(lan.interface) on \(name)"
            )
        ]
            + lan.routes.map {
                Route($0.prefix, .local, .static, preference: 1, why: "via \($0.nextHop), static on \(name)")
            }
    }

    /// Whether a router's own default route floats behind a hub's (as the lowering renders it):
    /// a static WAN next hop, and a hub connection that propagates its default route over BGP.
    static func defaultRouteFloats(_ router: SpecObject<CiscoRouter>, topology: Topology) -> Bool {
        guard router.spec.wan.pppoe == nil, router.spec.wan.gateway != nil,
            let site = topology.site(forDevice: router.name)
        else { return false }
        return !topology.hubDefaultRouteConnections(toSite: site.name).isEmpty
    }
}
