import Foundation

/// One decoder per kind. Each reads every field its schema declares (a test checks this).
extension TopologyBuilder {
    static func azureScope(_ r: ObjectReader) -> AzureScope? {
        let subscriptionId = r.string("subscriptionId")
        let resourceGroup = r.string("resourceGroup")
        let location = r.string("location")
        let endpoint = r.string("endpoint").flatMap(Endpoint.init) ?? .lab
        let tags = r.stringMap("tags")
        let pricing = r.object("pricing").map { p in
            PricingSettings(
                currency: p.string("currency"),
                hoursPerMonth: p.int("hoursPerMonth") ?? PricingSettings.defaultHoursPerMonth,
                firewallDataProcessedGB: p.amount("firewallDataProcessedGB") ?? 0,
                hubDataProcessedGB: p.amount("hubDataProcessedGB") ?? 0,
                priceFile: p.string("priceFile")
            )
        }
        guard let subscriptionId, let resourceGroup, let location else { return nil }
        return AzureScope(
            subscriptionId: subscriptionId,
            resourceGroup: resourceGroup,
            location: location,
            endpoint: endpoint,
            tags: tags,
            pricing: pricing ?? PricingSettings()
        )
    }

    /// A `costs` list (Site, CiscoRouter): each item's one amount and its period.
    static func costs(_ r: ObjectReader) -> [CostItem] {
        r.objects("costs") { c, _ -> CostItem? in
            let item = c.string("item")
            let currency = c.string("currency")
            // Every period is read (each is checked); the reader reports more than one.
            let paid = CostItem.Period.allCases.compactMap { period in
                c.amount(period.rawValue).map { (period, $0) }
            }
            guard let item, let currency, let (period, amount) = paid.first else { return nil }
            return CostItem(item: item, amount: amount, period: period, currency: currency)
        }
    }

    static func virtualNetwork(_ r: ObjectReader) -> VirtualNetwork? {
        var requests: [AddressRequest] = []
        var addressSpace: [IPv4Prefix] = []
        for (index, value) in r.prefixValues("addressSpace") {
            addressSpace.append(
                placing(value, .addressSpace(addressSpace.count), ["spec", "addressSpace", .index(index)], &requests)
            )
        }
        let dns = r.addresses("dnsServers")
        let read = r.objects("subnets") { s, index -> (String, PrefixValue, String?, Int)? in
            let name = s.string("name")
            let prefix = s.prefixValue("prefix")
            let routeTable = s.string("routeTable")
            guard let name, let prefix else { return nil }
            return (name, prefix, routeTable, index)
        }
        var subnets: [VirtualNetwork.Subnet] = []
        for (name, value, routeTable, index) in read {
            let path: [PathComponent] = ["spec", "subnets", .index(index), "prefix"]
            let prefix = placing(value, .subnet(subnets.count), path, &requests)
            subnets.append(VirtualNetwork.Subnet(name: name, prefix: prefix, routeTable: routeTable))
        }
        guard r.has("addressSpace") else { return nil }
        var vnet = VirtualNetwork(addressSpace: addressSpace, dnsServers: dns, subnets: subnets)
        vnet.requests = requests
        return vnet
    }

    /// A literal prefix as is; a request noted, with a placeholder until it is allocated.
    private static func placing(
        _ value: PrefixValue,
        _ target: AddressRequest.Target,
        _ path: [PathComponent],
        _ requests: inout [AddressRequest]
    ) -> IPv4Prefix {
        switch value {
        case .literal(let prefix):
            return prefix
        case .request(let pool, let size):
            requests.append(AddressRequest(target: target, pool: pool, size: size, path: path))
            return AddressRequest.placeholder
        }
    }

    static func addressPool(_ r: ObjectReader) -> AddressPool? {
        let prefixes = r.prefixes("prefixes")
        let use: AddressPool.Use = r.enumeration("use") ?? .azure
        guard r.has("prefixes") else { return nil }
        return AddressPool(prefixes: prefixes, use: use)
    }

    static func gateway(_ r: ObjectReader) -> VirtualNetworkGateway? {
        let vnet = r.string("virtualNetwork")
        let type: GatewayType? = r.enumeration("gatewayType")
        let vpnType: VpnType = r.enumeration("vpnType") ?? .routeBased
        let sku = r.string("sku")
        let activeActive = r.bool("activeActive") ?? false
        let bgp = r.object("bgp").flatMap { b -> VirtualNetworkGateway.Bgp? in
            let asn = b.int("asn")
            let custom = b.addresses("customPeeringAddresses")
            return asn.map { VirtualNetworkGateway.Bgp(asn: ASN(UInt32($0)), customPeeringAddresses: custom) }
        }
        let defaultSite = r.object("forcedTunneling").flatMap { $0.string("defaultSite") }
        let p2s = r.object("pointToSite").map { p -> VirtualNetworkGateway.PointToSite in
            let pool = p.prefixes("addressPool")
            let types: [P2STunnelType] = p.enumerations("tunnelTypes")
            let roots = p.objects("rootCertificates") {
                c,
                _ -> VirtualNetworkGateway.PointToSite.RootCertificate? in
                let name = c.string("name")
                let data = c.secret("publicCertData")
                guard let name, let data else { return nil }
                return .init(name: name, publicCertData: data)
            }
            return VirtualNetworkGateway.PointToSite(addressPool: pool, tunnelTypes: types, rootCertificates: roots)
        }
        guard let vnet, let type, let sku else { return nil }
        return VirtualNetworkGateway(
            virtualNetwork: vnet,
            gatewayType: type,
            vpnType: vpnType,
            sku: sku,
            activeActive: activeActive,
            bgp: bgp,
            defaultSite: defaultSite,
            pointToSite: p2s
        )
    }

    static func site(_ r: ObjectReader) -> Site? {
        let publicIp = r.address("publicIp")
        let fqdn = r.string("fqdn")
        let addressSpace = r.prefixes("addressSpace")
        let bgp = r.object("bgp").flatMap { b -> Site.Bgp? in
            let asn = b.int("asn")
            let peering = b.address("peeringAddress")
            guard let asn, let peering else { return nil }
            return Site.Bgp(asn: ASN(UInt32(asn)), peeringAddress: peering)
        }
        let behindNat = r.bool("behindNat") ?? false
        let device = r.string("device")
        return Site(
            publicIp: publicIp,
            fqdn: fqdn,
            addressSpace: addressSpace,
            bgp: bgp,
            behindNat: behindNat,
            device: device,
            costs: costs(r)
        )
    }

    static func ipsecPolicy(_ p: ObjectReader) -> IpsecPolicy? {
        let ikeEncryption: IkeEncryption? = p.enumeration("ikeEncryption")
        let ikeIntegrity: IkeIntegrity? = p.enumeration("ikeIntegrity")
        let dhGroup: DhGroup? = p.enumeration("dhGroup")
        let ipsecEncryption: IpsecEncryption? = p.enumeration("ipsecEncryption")
        let ipsecIntegrity: IpsecIntegrity? = p.enumeration("ipsecIntegrity")
        let pfsGroup: PfsGroup? = p.enumeration("pfsGroup")
        let lifetime = p.int("saLifetimeSeconds")
        let dataSize = p.int("saDataSizeKilobytes")
        guard let ikeEncryption, let ikeIntegrity, let dhGroup, let ipsecEncryption, let ipsecIntegrity,
            let pfsGroup, let lifetime, let dataSize
        else { return nil }
        return IpsecPolicy(
            ikeEncryption: ikeEncryption,
            ikeIntegrity: ikeIntegrity,
            dhGroup: dhGroup,
            ipsecEncryption: ipsecEncryption,
            ipsecIntegrity: ipsecIntegrity,
            pfsGroup: pfsGroup,
            saLifetimeSeconds: lifetime,
            saDataSizeKilobytes: dataSize
        )
    }

    static func vpnConnection(_ r: ObjectReader) -> VpnConnection? {
        let gateway = r.string("gateway")
        let site = r.string("site")
        let proto: ConnectionProtocol = r.enumeration("protocol") ?? .ikev2
        let key = r.secret("sharedKey")
        let routing: RoutingMode = r.enumeration("routing") ?? .staticRoutes
        let policy = r.object("ipsecPolicy").flatMap(ipsecPolicy)
        let selectors = r.bool("usePolicyBasedTrafficSelectors") ?? false
        let dpd = r.int("dpdTimeoutSeconds")
        guard let gateway, let site, let key else { return nil }
        return VpnConnection(
            gateway: gateway,
            site: site,
            protocol: proto,
            sharedKey: key,
            routing: routing,
            ipsecPolicy: policy,
            usePolicyBasedTrafficSelectors: selectors,
            dpdTimeoutSeconds: dpd
        )
    }

    static func expressRouteConnection(_ r: ObjectReader) -> ExpressRouteConnection? {
        let gateway = r.string("gateway")
        let site = r.string("site")
        let circuit = r.string("circuitId")
        let key = r.secret("authorizationKey")
        let propagate = r.bool("propagateDefaultRoute")
        let weight = r.int("routingWeight")
        guard let gateway, let site, let circuit else { return nil }
        return ExpressRouteConnection(
            gateway: gateway,
            site: site,
            circuitId: circuit,
            authorizationKey: key,
            propagateDefaultRoute: propagate,
            routingWeight: weight
        )
    }

    static func virtualWan(_ r: ObjectReader) -> VirtualWan {
        VirtualWan(
            type: r.enumeration("type") ?? .standard,
            allowBranchToBranchTraffic: r.bool("allowBranchToBranchTraffic") ?? true
        )
    }

    static func virtualHub(_ r: ObjectReader) -> VirtualHub? {
        let wan = r.string("virtualWan")
        let prefix = r.prefix("addressPrefix")
        let preference: HubRoutingPreference? = r.enumeration("hubRoutingPreference")
        let firewall = r.object("firewall").flatMap { f -> VirtualHub.Firewall? in
            let name = f.string("name")
            let sku: FirewallSku = f.enumeration("sku") ?? .standard
            return name.map { VirtualHub.Firewall(name: $0, sku: sku) }
        }
        let intent = r.object("routingIntent").map {
            VirtualHub.RoutingIntent(internet: $0.string("internet"), privateTraffic: $0.string("privateTraffic"))
        }
        let vpn = r.object("vpnGateway").map { g in
            VirtualHub.VpnGateway(
                scaleUnits: g.int("scaleUnits") ?? 1,
                asn: g.object("bgp").flatMap { $0.int("asn") }.map { ASN(UInt32($0)) }
            )
        }
        let connections = r.objects("virtualNetworkConnections") { c, _ -> VirtualHub.NetworkConnection? in
            let vnet = c.string("virtualNetwork")
            let propagate = c.bool("propagateDefaultRoute") ?? false
            return vnet.map { VirtualHub.NetworkConnection(virtualNetwork: $0, propagateDefaultRoute: propagate) }
        }
        let er = r.object("expressRouteGateway").map { $0.int("scaleUnits") ?? 1 }
        guard let wan, let prefix else { return nil }
        return VirtualHub(
            virtualWan: wan,
            addressPrefix: prefix,
            hubRoutingPreference: preference,
            firewall: firewall,
            routingIntent: intent,
            vpnGateway: vpn,
            virtualNetworkConnections: connections,
            expressRouteGatewayScaleUnits: er
        )
    }

    static func hubVpnConnection(_ r: ObjectReader) -> HubVpnConnection? {
        let hub = r.string("hub")
        let site = r.string("site")
        let key = r.secret("sharedKey")
        let bgp = r.bool("bgp") ?? false
        let propagate = r.bool("propagateDefaultRoute") ?? false
        let proto: ConnectionProtocol = r.enumeration("protocol") ?? .ikev2
        let policy = r.object("ipsecPolicy").flatMap(ipsecPolicy)
        guard let hub, let site, let key else { return nil }
        return HubVpnConnection(
            hub: hub,
            site: site,
            sharedKey: key,
            bgp: bgp,
            propagateDefaultRoute: propagate,
            protocol: proto,
            ipsecPolicy: policy
        )
    }

    static func routeServer(_ r: ObjectReader) -> RouteServer? {
        let vnet = r.string("virtualNetwork")
        let b2b = r.bool("branchToBranch") ?? false
        let peers = r.objects("peers") { p, _ -> RouteServer.Peer? in
            let name = p.string("name")
            let ip = p.address("ip")
            let asn = p.int("asn")
            let advertises = p.prefixes("advertises")
            guard let name, let ip, let asn else { return nil }
            return RouteServer.Peer(name: name, ip: ip, asn: ASN(UInt32(asn)), advertises: advertises)
        }
        guard let vnet else { return nil }
        return RouteServer(virtualNetwork: vnet, branchToBranch: b2b, peers: peers)
    }

    static func routeTable(_ r: ObjectReader) -> RouteTable {
        let disable = r.bool("disableBgpRoutePropagation") ?? false
        let routes = r.objects("routes") { route, _ -> RouteTable.Route? in
            let name = route.string("name")
            let prefix = route.prefix("prefix")
            let type: NextHopType? = route.enumeration("nextHopType")
            let ip = route.address("nextHopIp")
            guard let name, let prefix, let type else { return nil }
            return RouteTable.Route(name: name, prefix: prefix, nextHopType: type, nextHopIp: ip)
        }
        return RouteTable(disableBgpRoutePropagation: disable, routes: routes)
    }

    static func intent(_ r: ObjectReader) -> Intent {
        let egress = r.objects("internetEgress") { e, _ -> Intent.Egress? in
            let from = e.string("from")
            let via: EgressVia? = e.enumeration("via")
            guard let from, let via else { return nil }
            return Intent.Egress(from: from, via: via)
        }
        let reach = r.objects("reachability") { e, _ -> Intent.Reachability? in
            let from = e.string("from")
            let to = e.string("to")
            let expect: Expectation? = e.enumeration("expect")
            guard let from, let to, let expect else { return nil }
            return Intent.Reachability(from: from, to: to, expect: expect)
        }
        return Intent(internetEgress: egress, reachability: reach)
    }

    static func driftPolicy(_ r: ObjectReader) -> DriftPolicy {
        let ignore = r.objects("ignore") { i, _ -> DriftPolicy.IgnoreRule? in
            let resource = i.string("resource")
            let path = i.string("path")
            return resource.map {
                DriftPolicy.IgnoreRule(resource: $0, path: path, kind: i.string("kind"), label: i.string("label"))
            }
        }
        let acknowledgements = r.objects("acknowledge") { a, _ -> DriftPolicy.Acknowledgement? in
            // Every field is read (and so checked) before any is required.
            let (resource, path, reason) = (a.string("resource"), a.string("path"), a.string("reason"))
            let (expires, by) = (a.string("expires").flatMap(CalendarDay.init), a.string("by"))
            guard let resource, let reason, let expires else { return nil }
            return DriftPolicy.Acknowledgement(
                resource: resource,
                path: path,
                reason: reason,
                expires: expires,
                by: by,
                location: a.location(a.node)
            )
        }
        let unmanaged = r.bool("reportUnmanaged") ?? false
        let webhook = r.object("notify").flatMap { $0.object("webhook") }
        return DriftPolicy(
            ignore: ignore,
            acknowledgements: acknowledgements,
            reportUnmanaged: unmanaged,
            webhookURL: webhook?.string("url"),
            webhookSecret: webhook?.secret("secret")?.forThisToolOnly
        )
    }
}

extension TopologyBuilder {
    static func stateBackend(_ r: ObjectReader) -> StateBackendSettings? {
        // Both are read (and so checked); the schema's exactlyOne reports having both or neither.
        let postgres = r.object("postgres").flatMap { p -> StateBackendSettings.Location? in
            let (url, schema) = (p.secret("url")?.forThisToolOnly, p.string("schema"))
            return url.map { .postgres(url: $0, schema: schema) }
        }
        let blob = r.object("azureBlob").flatMap { b -> StateBackendSettings.Location? in
            let (account, container, name) = (b.string("storageAccount"), b.string("container"), b.string("blob"))
            let endpoint = b.string("endpoint")
            guard let account, let container, let name else { return nil }
            return .azureBlob(storageAccount: account, container: container, blob: name, endpoint: endpoint)
        }
        return (postgres ?? blob).map(StateBackendSettings.init)
    }
}
