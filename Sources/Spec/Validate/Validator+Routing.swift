extension Validator {
    /// Azure's custom APIPA range for BGP: 169.254.21.0 - 169.254.22.255 (not a CIDR block).
    static let apipaRange = IPv4Address(0xA9FE_1500)...IPv4Address(0xA9FE_16FF)

    mutating func checkBgp() {
        for gw in topology.gateways {
            guard let bgp = gw.spec.bgp else { continue }
            if bgp.asn != .azure, let why = bgp.asn.reservation {
                error(
                    .bgpAsnReserved,
                    "ASN \(bgp.asn) of gateway '\(gw.name)' is \(why)",
                    at: gw.at("bgp", "asn"),
                    hint: "use 65515 (Azure's default) or a private ASN in 64512-65514 or 65521-65534"
                )
            }
            for (i, address) in bgp.customPeeringAddresses.enumerated() where !Self.apipaRange.contains(address) {
                error(
                    .bgpApipa,
                    "custom BGP address \(address) is outside Azure's APIPA range 169.254.21.0-169.254.22.255",
                    at: gw.at("bgp", "customPeeringAddresses", .index(i))
                )
            }
        }
        for hub in topology.virtualHubs {
            if let asn = hub.spec.vpnGateway?.asn, asn != .azure {
                error(
                    .bgpAsnReserved,
                    "a Virtual WAN hub VPN gateway uses ASN 65515, not \(asn)",
                    at: hub.at("vpnGateway", "bgp", "asn"),
                    hint: "remove the asn or write 65515"
                )
            }
        }
        for site in topology.sites {
            guard let bgp = site.spec.bgp else { continue }
            if let why = bgp.asn.reservation {
                error(
                    .bgpAsnReserved,
                    "ASN \(bgp.asn) of site '\(site.name)' is \(why)",
                    at: site.at("bgp", "asn"),
                    hint: "use a private ASN in 64512-65514 or 65521-65534, or your public ASN"
                )
            }
            if bgp.peeringAddress == site.spec.publicIp {
                error(
                    .bgpPeeringAddress,
                    "the BGP peering address of site '\(site.name)' is its public IP",
                    at: site.at("bgp", "peeringAddress"),
                    hint: "peer from an inside address (a loopback or the LAN interface)"
                )
            }
            if let vnet = topology.virtualNetworks.first(where: {
                $0.spec.addressSpace.contains { $0.contains(bgp.peeringAddress) }
            }) {
                error(
                    .bgpPeeringAddress,
                    "the BGP peering address \(bgp.peeringAddress) of site '\(site.name)' lies inside VNet '\(vnet.name)'",
                    at: site.at("bgp", "peeringAddress")
                )
            }
            for (azureSide, asn, at) in azureAsns(facing: site.name) where asn == bgp.asn {
                error(
                    .bgpAsnConflict,
                    "site '\(site.name)' uses ASN \(asn), the same as \(azureSide)",
                    at: site.at("bgp", "asn"),
                    hint: "eBGP needs different ASNs on the two ends",
                    notes: [.init(azureSide, at: at)]
                )
            }
        }
    }

    /// The Azure-side ASNs a site peers with: its VPN gateways' and its hubs' (65515).
    private func azureAsns(facing site: String) -> [(String, ASN, SourceLocation)] {
        var result: [(String, ASN, SourceLocation)] = []
        for c in topology.vpnConnections(toSite: site) where c.spec.routing == .bgp {
            if let gw = topology.gateways[c.spec.gateway], let bgp = gw.spec.bgp {
                result.append(("gateway '\(gw.name)'", bgp.asn, gw.at("bgp", "asn")))
            }
        }
        for c in topology.hubVpnConnections(toSite: site) where c.spec.bgp {
            result.append(("hub '\(c.spec.hub)'", .azure, c.at("hub")))
        }
        return result
    }

    mutating func checkRouteServers() {
        var firstInVnet: [String: SpecObject<RouteServer>] = [:]
        for rs in topology.routeServers {
            let vnetName = rs.spec.virtualNetwork
            if let first = firstInVnet[vnetName] {
                error(
                    .routeServerPerVnet,
                    "VNet '\(vnetName)' already has Route Server '\(first.name)'",
                    at: rs.at("virtualNetwork"),
                    notes: [.init("'\(first.name)' is defined here", at: first.meta.location)]
                )
            } else {
                firstInVnet[vnetName] = rs
            }
            var peerNames: [String: Int] = [:]
            for (i, peer) in rs.spec.peers.enumerated() {
                if let first = peerNames[peer.name] {
                    error(
                        .routeServerPeer,
                        "Route Server '\(rs.name)' has two peers named '\(peer.name)'",
                        at: rs.at("peers", .index(i), "name"),
                        notes: [.init("first here", at: rs.at("peers", .index(first), "name"))]
                    )
                }
                peerNames[peer.name] = peerNames[peer.name] ?? i
                if let why = peer.asn.reservation {
                    error(
                        .bgpAsnReserved,
                        "ASN \(peer.asn) of peer '\(peer.name)' is \(why)",
                        at: rs.at("peers", .index(i), "asn"),
                        hint: "Route Server is 65515 itself; give the NVA a private ASN in 64512-65514 or 65521-65534"
                    )
                }
            }
            guard let vnet = topology.virtualNetworks[vnetName] else { continue }
            for (i, peer) in rs.spec.peers.enumerated()
            where !vnet.spec.addressSpace.contains(where: { $0.contains(peer.ip) }) {
                error(
                    .routeServerPeer,
                    "peer '\(peer.name)' (\(peer.ip)) is outside VNet '\(vnet.name)'",
                    at: rs.at("peers", .index(i), "ip"),
                    hint: "Route Server peers with NVAs in its own VNet (or peered VNets, not modelled here)"
                )
            }
            if let index = vnet.spec.subnets.firstIndex(where: { $0.name == VirtualNetwork.routeServerSubnetName }) {
                let subnet = vnet.spec.subnets[index]
                if subnet.prefix.length > 26 {
                    error(
                        .routeServerSubnetSize,
                        "RouteServerSubnet of '\(vnet.name)' is /\(subnet.prefix.length); Route Server needs /26 or larger",
                        at: vnet.at("subnets", .index(index), "prefix"),
                        hint: "older documents say /27; current Azure requires /26"
                    )
                }
            } else {
                error(
                    .routeServerSubnetMissing,
                    "VNet '\(vnet.name)' has no subnet named RouteServerSubnet for Route Server '\(rs.name)'",
                    at: rs.at("virtualNetwork"),
                    hint: "add {name: RouteServerSubnet, prefix: <a /26>} to the VNet's subnets"
                )
            }
            let gateways = topology.gateways(in: vnetName)
            for gw in gateways where gw.spec.gatewayType == .vpn {
                if !gw.spec.activeActive {
                    error(
                        .routeServerActiveActive,
                        "VPN gateway '\(gw.name)' shares VNet '\(vnetName)' with Route Server '\(rs.name)' and must be active-active",
                        at: gw.meta.location(["spec", "activeActive"]),
                        hint: "set activeActive: true"
                    )
                }
                if let asn = gw.spec.bgp?.asn, asn != .azure {
                    error(
                        .routeServerActiveActive,
                        "VPN gateway '\(gw.name)' beside a Route Server must keep ASN 65515, not \(asn)",
                        at: gw.at("bgp", "asn")
                    )
                }
            }
            checkRouteServerPropagation(rs, gateways: gateways)
        }
        checkNvaLoops()
    }

    /// The commonest Route Server trap, before any intent fails on it: an NVA whose own subnet
    /// learns its announcements back (no route table there sending them to the internet).
    private mutating func checkNvaLoops() {
        guard topology.routeServers.contains(where: { !$0.spec.peers.isEmpty }) else { return }
        let model = RouteModel(topology)
        for rs in topology.routeServers {
            for (i, peer) in rs.spec.peers.enumerated() {
                let looping = model.nvaLoops(peer)
                guard let first = looping.first else { continue }
                let prefixes = looping.map(\.prefix.description).joined(separator: ", ")
                warning(
                    .routeServerNvaLoop,
                    "NVA '\(peer.name)' would get back what it forwards to \(prefixes): a routing loop",
                    at: rs.at("peers", .index(i), "advertises"),
                    hint: first.why
                )
            }
        }
    }

    /// Branch-to-branch and the VPN default-route rule: what the NVAs announce and whether
    /// the gateways can pass it on.
    private mutating func checkRouteServerPropagation(
        _ rs: SpecObject<RouteServer>,
        gateways: [SpecObject<VirtualNetworkGateway>]
    ) {
        guard !gateways.isEmpty else { return }
        let gatewayNames = gateways.map { "'\($0.name)'" }.joined(separator: ", ")
        if !rs.spec.branchToBranch, let index = rs.spec.peers.firstIndex(where: { !$0.advertises.isEmpty }) {
            warning(
                .branchToBranch,
                "routes advertised by '\(rs.spec.peers[index].name)' will not reach gateway(s) \(gatewayNames): branchToBranch is off",
                at: rs.meta.location(["spec", "branchToBranch"]),
                hint: "set branchToBranch: true so Route Server exchanges routes with the gateways"
            )
        }
        let vpnSites = gateways.filter { $0.spec.gatewayType == .vpn }.flatMap {
            topology.vpnConnections(ofGateway: $0.name).map(\.spec.site)
        }
        guard !vpnSites.isEmpty else { return }
        let halves = ["0.0.0.0/1", "128.0.0.0/1"].compactMap(IPv4Prefix.init)
        for (i, peer) in rs.spec.peers.enumerated() {
            guard let index = peer.advertises.firstIndex(of: .defaultRoute) else { continue }
            if halves.allSatisfy(peer.advertises.contains) { continue }
            warning(
                .defaultRouteVpn,
                "'\(peer.name)' advertises 0.0.0.0/0, which a VPN gateway never advertises to on-prem: "
                    + "site(s) \(Set(vpnSites).sorted().joined(separator: ", ")) will not learn it",
                at: rs.at("peers", .index(i), "advertises", .index(index)),
                hint: "advertise 0.0.0.0/1 and 128.0.0.0/1 as well (ExpressRoute passes 0.0.0.0/0 on; VPN does not)"
            )
        }
    }

    mutating func checkRouteTables() {
        for table in topology.routeTables {
            for (i, route) in table.spec.routes.enumerated() {
                let hasIp = route.nextHopIp != nil
                if route.nextHopType == .virtualAppliance && !hasIp {
                    error(
                        .routeNextHop,
                        "route '\(route.name)' goes to a VirtualAppliance but has no nextHopIp",
                        at: table.at("routes", .index(i)),
                        hint: "add nextHopIp: <the NVA's address>"
                    )
                } else if route.nextHopType != .virtualAppliance && hasIp {
                    error(
                        .routeNextHop,
                        "route '\(route.name)' has nextHopIp, which only VirtualAppliance uses",
                        at: table.at("routes", .index(i), "nextHopIp"),
                        hint: "remove nextHopIp, or set nextHopType: VirtualAppliance"
                    )
                }
                guard route.nextHopType == .virtualNetworkGateway else { continue }
                for vnet in topology.virtualNetworks
                where vnet.spec.subnets.contains(where: { $0.routeTable == table.name }) {
                    let vpn = topology.gateways(in: vnet.name).first { $0.spec.gatewayType == .vpn }
                    if vpn == nil {
                        error(
                            .routeNextHop,
                            "route '\(route.name)' goes to VirtualNetworkGateway, but VNet '\(vnet.name)' has no VPN gateway",
                            at: table.at("routes", .index(i), "nextHopType"),
                            hint:
                                "next hop VirtualNetworkGateway means a VPN gateway; ExpressRoute gateways are not a UDR next hop"
                        )
                    } else if let vpn, route.prefix == .defaultRoute, vpn.spec.vpnType != .routeBased {
                        error(
                            .routeNextHop,
                            "a 0.0.0.0/0 route to VirtualNetworkGateway needs a RouteBased gateway; '\(vpn.name)' is PolicyBased",
                            at: table.at("routes", .index(i), "prefix")
                        )
                    }
                }
            }
        }
    }
}
