/// Gateway SKUs by type (Azure VPN/ER gateway SKU pages, as `docs/rules.md` lists them).
public enum GatewaySkus {
    public static let vpn = ["Basic", "VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"]
    /// Non-AZ SKUs that can no longer be created (since 2025-01-01), with their replacement.
    public static let vpnRetired: [String: String] = [
        "VpnGw1": "VpnGw1AZ", "VpnGw2": "VpnGw2AZ", "VpnGw3": "VpnGw3AZ", "VpnGw4": "VpnGw4AZ", "VpnGw5": "VpnGw5AZ",
        "Standard": "VpnGw1AZ", "HighPerformance": "VpnGw2AZ",
    ]
    public static let expressRoute = [
        "Standard", "HighPerformance", "UltraPerformance", "ErGw1AZ", "ErGw2AZ", "ErGw3AZ", "ErGwScale",
    ]
}

extension Validator {
    mutating func checkGateways() {
        var firstOfType: [String: SpecObject<VirtualNetworkGateway>] = [:]
        for gw in topology.gateways {
            let spec = gw.spec
            let key = "\(spec.virtualNetwork)/\(spec.gatewayType.rawValue)"
            if let first = firstOfType[key] {
                error(
                    .gatewayPerVnet,
                    "VNet '\(spec.virtualNetwork)' already has the \(spec.gatewayType.rawValue) gateway '\(first.name)'",
                    at: gw.at("virtualNetwork"),
                    hint: "a VNet holds at most one VPN and one ExpressRoute gateway",
                    notes: [.init("'\(first.name)' is defined here", at: first.meta.location)]
                )
            } else {
                firstOfType[key] = gw
            }
            checkSku(gw)
            checkGatewaySubnet(gw)
            if spec.gatewayType == .vpn {
                checkVpnFeatures(gw)
            } else if spec.pointToSite != nil {
                error(.p2sConfig, "point-to-site needs a Vpn gateway", at: gw.at("pointToSite"))
            }
            checkPointToSite(gw)
            checkForcedTunneling(gw)
        }
    }

    private mutating func checkSku(_ gw: SpecObject<VirtualNetworkGateway>) {
        let sku = gw.spec.sku
        switch gw.spec.gatewayType {
        case .vpn:
            if GatewaySkus.vpn.contains(sku) { return }
            if let replacement = GatewaySkus.vpnRetired[sku] {
                error(
                    .gatewaySku,
                    "VPN gateway SKU '\(sku)' can no longer be created",
                    at: gw.at("sku"),
                    hint: "use '\(replacement)' (zone-redundant SKUs replace the retired ones)"
                )
                return
            }
            error(
                .gatewaySku,
                "'\(sku)' is not a VPN gateway SKU",
                at: gw.at("sku"),
                hint: Suggest.didYouMean(sku, in: GatewaySkus.vpn) ?? "use one of "
                    + GatewaySkus.vpn.joined(separator: ", ")
            )
        case .expressRoute:
            if GatewaySkus.expressRoute.contains(sku) { return }
            error(
                .gatewaySku,
                "'\(sku)' is not an ExpressRoute gateway SKU",
                at: gw.at("sku"),
                hint: Suggest.didYouMean(sku, in: GatewaySkus.expressRoute)
                    ?? "use one of " + GatewaySkus.expressRoute.joined(separator: ", ")
            )
        }
    }

    private mutating func checkGatewaySubnet(_ gw: SpecObject<VirtualNetworkGateway>) {
        guard let vnet = topology.virtualNetworks[gw.spec.virtualNetwork] else { return }
        guard let index = vnet.spec.subnets.firstIndex(where: { $0.name == VirtualNetwork.gatewaySubnetName }) else {
            error(
                .gatewaySubnetMissing,
                "VNet '\(vnet.name)' has no subnet named GatewaySubnet for gateway '\(gw.name)'",
                at: gw.at("virtualNetwork"),
                hint: "add {name: GatewaySubnet, prefix: <a /27 or larger>} to the VNet's subnets",
                notes: [.init("VNet '\(vnet.name)' is defined here", at: vnet.meta.location)]
            )
            return
        }
        let subnet = vnet.spec.subnets[index]
        let at = vnet.at("subnets", .index(index), "prefix")
        let basic = gw.spec.sku == "Basic"
        if subnet.prefix.length > 29 || (!basic && subnet.prefix.length > 27) {
            error(
                .gatewaySubnetSize,
                "GatewaySubnet of '\(vnet.name)' is /\(subnet.prefix.length); gateway '\(gw.name)' (\(gw.spec.sku)) needs /\(basic ? 29 : 27) or larger",
                at: at,
                hint: "only the Basic SKU fits in a /29; use a /27 (or /26 with ExpressRoute)",
                notes: [.init("gateway '\(gw.name)'", at: gw.meta.location)]
            )
        } else if gw.spec.gatewayType == .expressRoute && subnet.prefix.length > 26 {
            warning(
                .gatewaySubnetSize,
                "GatewaySubnet of '\(vnet.name)' is /\(subnet.prefix.length); /26 or larger is recommended with ExpressRoute",
                at: at,
                hint: "a /27 cannot grow to many circuits or coexistence later without re-creating the gateways"
            )
        }
        if let tableName = subnet.routeTable, let table = topology.routeTables[tableName] {
            let at = vnet.at("subnets", .index(index), "routeTable")
            if let route = table.spec.routes.first(where: { $0.prefix == .defaultRoute }) {
                error(
                    .gatewaySubnetRouteTable,
                    "GatewaySubnet uses route table '\(table.name)', whose route '\(route.name)' sends 0.0.0.0/0 elsewhere",
                    at: at,
                    hint: "a default route on GatewaySubnet breaks the gateway; remove it or use another table"
                )
            }
            if table.spec.disableBgpRoutePropagation {
                error(
                    .gatewaySubnetRouteTable,
                    "GatewaySubnet uses route table '\(table.name)', which disables BGP route propagation",
                    at: at,
                    hint: "GatewaySubnet must keep BGP propagation on"
                )
            }
        }
    }

    private mutating func checkVpnFeatures(_ gw: SpecObject<VirtualNetworkGateway>) {
        let spec = gw.spec
        let connections = topology.vpnConnections(ofGateway: gw.name)
        if spec.vpnType == .policyBased {
            if spec.sku != "Basic" {
                error(
                    .gatewayPolicyBased,
                    "a PolicyBased gateway must use the Basic SKU, not '\(spec.sku)'",
                    at: gw.at("sku"),
                    hint: "use vpnType: RouteBased with \(spec.sku), or sku: Basic"
                )
            }
            if spec.activeActive {
                error(.gatewayPolicyBased, "a PolicyBased gateway cannot be active-active", at: gw.at("activeActive"))
            }
            if spec.bgp != nil {
                error(
                    .gatewayBgpRouteBased,
                    "BGP needs a RouteBased gateway; '\(gw.name)' is PolicyBased",
                    at: gw.at("bgp"),
                    hint: "use vpnType: RouteBased"
                )
            }
            if spec.pointToSite != nil {
                error(.p2sConfig, "point-to-site needs a RouteBased gateway", at: gw.at("pointToSite"))
            }
            for extra in connections.dropFirst() {
                error(
                    .gatewayPolicyBased,
                    "PolicyBased gateway '\(gw.name)' supports one site-to-site tunnel; '\(extra.name)' is a second",
                    at: extra.at("gateway"),
                    notes: [.init("the first connection", at: connections[0].meta.location)]
                )
            }
            for c in connections where c.spec.protocol != .ikev1 {
                error(
                    .gatewayPolicyBased,
                    "PolicyBased gateway '\(gw.name)' speaks IKEv1 only; connection '\(c.name)' uses \(c.spec.protocol.rawValue)",
                    at: c.at("protocol"),
                    hint: "set protocol: IKEv1, or make the gateway RouteBased"
                )
            }
        }
        guard spec.sku == "Basic" else { return }
        if spec.vpnType == .routeBased {
            if spec.bgp != nil {
                error(
                    .gatewayBasicSku,
                    "the Basic SKU does not support BGP",
                    at: gw.at("bgp"),
                    hint: "use VpnGw1AZ or larger"
                )
            }
            if spec.activeActive {
                error(.gatewayBasicSku, "the Basic SKU cannot be active-active", at: gw.at("activeActive"))
            }
            for c in connections where c.spec.protocol == .ikev1 {
                error(
                    .gatewayBasicSku,
                    "a RouteBased Basic gateway does not speak IKEv1 (connection '\(c.name)')",
                    at: c.at("protocol")
                )
            }
        }
        for c in connections where c.spec.ipsecPolicy != nil {
            error(
                .gatewayBasicSku,
                "the Basic SKU does not accept a custom IPsec policy (connection '\(c.name)')",
                at: c.at("ipsecPolicy"),
                hint: "use VpnGw1AZ or larger, or drop ipsecPolicy"
            )
        }
        if connections.count > 10 {
            error(
                .gatewayBasicSku,
                "the Basic SKU carries at most 10 site-to-site tunnels; '\(gw.name)' has \(connections.count)",
                at: gw.at("sku")
            )
        }
        if let p2s = spec.pointToSite, p2s.tunnelTypes.contains(where: { $0 != .sstp }) {
            error(
                .gatewayBasicSku,
                "the Basic SKU supports SSTP only for point-to-site",
                at: gw.at("pointToSite", "tunnelTypes"),
                hint: "use VpnGw1AZ or larger for IKEv2 and OpenVPN"
            )
        }
    }

    private mutating func checkPointToSite(_ gw: SpecObject<VirtualNetworkGateway>) {
        guard let p2s = gw.spec.pointToSite else { return }
        if p2s.addressPool.isEmpty {
            error(
                .p2sConfig,
                "point-to-site needs at least one addressPool prefix",
                at: gw.at("pointToSite", "addressPool")
            )
        }
        if p2s.tunnelTypes.isEmpty {
            error(.p2sConfig, "point-to-site needs at least one tunnel type", at: gw.at("pointToSite", "tunnelTypes"))
        }
        if p2s.rootCertificates.count > 20 {
            error(
                .p2sConfig,
                "point-to-site accepts at most 20 root certificates, not \(p2s.rootCertificates.count)",
                at: gw.at("pointToSite", "rootCertificates", .index(20))
            )
        }
    }

    private mutating func checkForcedTunneling(_ gw: SpecObject<VirtualNetworkGateway>) {
        guard let site = gw.spec.defaultSite, topology.sites[site] != nil else { return }
        let at = gw.at("forcedTunneling", "defaultSite")
        if gw.spec.gatewayType != .vpn || gw.spec.vpnType != .routeBased {
            error(.forcedTunnelingSite, "forced tunneling needs a RouteBased VPN gateway", at: at)
        }
        if !topology.vpnConnections(ofGateway: gw.name).contains(where: { $0.spec.site == site }) {
            error(
                .forcedTunnelingSite,
                "forced tunneling names site '\(site)', but no VpnConnection joins it to gateway '\(gw.name)'",
                at: at,
                hint: "add a VpnConnection between '\(gw.name)' and '\(site)'"
            )
        }
    }
}
