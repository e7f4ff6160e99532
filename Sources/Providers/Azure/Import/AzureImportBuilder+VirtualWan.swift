internal import Reconciler
internal import Spec

extension AzureImportBuilder {
    mutating func virtualWans() -> [ImportedDocument] {
        items("virtualWans").map { wan in
            use(wan)
            return ImportedDocument(
                document(
                    "VirtualWan",
                    wan.name,
                    file: Self.mainFile,
                    [
                        ("type", Self.string(wan.graph["type"]).map(SpecValue.string)),
                        // The spec's default is true.
                        (
                            "allowBranchToBranchTraffic",
                            wan.graph["allowBranchToBranchTraffic"] == false ? .bool(false) : nil
                        ),
                    ]
                )
            )
        }
    }

    /// Virtual WAN hubs with what the spec keeps inside one: firewall, routing intent, gateways,
    /// VNet connections. (A hub with no Virtual WAN is a Route Server's.)
    mutating func virtualHubs() -> [ImportedDocument] {
        var result: [ImportedDocument] = []
        for hub in items("virtualHubs") {
            guard let wan = Self.string(hub.graph["virtualWan"])?.armName else { continue }
            guard wrote("VirtualWan", wan) else {
                notes.append(
                    "azure: hub \(hub.name) is listed as unmanaged: its Virtual WAN \(wan) is not in the group"
                )
                continue
            }
            use(hub)
            if let sku = Self.string(hub.graph["sku"]), sku != "Standard" {
                notes.append("azure: hub \(hub.name) has SKU \(sku); the spec makes Standard hubs")
            }
            let name = hub.name.lowercased()
            func belongs(_ item: ARMItem) -> Bool {
                Self.string(item.graph["virtualHub"])?.armName.lowercased() == name
            }
            var firewall: SpecValue?
            var firewallName: String?
            if let fw = items("azureFirewalls").first(where: belongs) {
                use(fw)
                firewallName = fw.name
                let tier = Self.map(fw.graph["sku"]).flatMap { Self.string($0["tier"]) }
                firewall = .fields([("name", .string(fw.name)), ("sku", tier.map(SpecValue.string))])
            }
            var intent: SpecValue?
            if let ri = items("virtualHubs/routingIntent").first(where: {
                $0.parentName.lowercased() == name && $0.name == "\(hub.name)-routing-intent"
            }) {
                var internet: String?
                var privateTraffic: String?
                for policy in Self.maps(ri.graph["routingPolicies"]) {
                    let next = Self.string(policy["nextHop"])?.armName
                    switch Self.string(policy["name"]) {
                    case "InternetTraffic": internet = next
                    case "PrivateTrafficPolicy": privateTraffic = next
                    default: break
                    }
                }
                if firewallName != nil, [internet, privateTraffic].allSatisfy({ $0 == nil || $0 == firewallName }) {
                    use(ri)
                    intent = .fields([
                        ("internet", internet.map(SpecValue.string)),
                        ("privateTraffic", privateTraffic.map(SpecValue.string)),
                    ])
                }
            }
            var vpnGateway: SpecValue?
            var owns: Set<String> = []
            if let gw = item("vpnGateways", named: "\(hub.name)-vpngw"), belongs(gw) {
                use(gw)
                let asn = Self.map(gw.graph["bgpSettings"]).flatMap { Self.int($0["asn"]) }
                vpnGateway = .fields([
                    ("scaleUnits", Self.int(gw.graph["vpnGatewayScaleUnit"]).map(SpecValue.int)),
                    ("bgp", asn.flatMap { $0 == 65515 ? nil : .fields([("asn", .int($0))]) }),
                ])
                let outputs = AzureMapping.outputs(type: gw.type, arm: gw.body)
                let addresses = outputs.filter { $0.key.hasPrefix("publicIpAddress") }.compactMap {
                    Self.string($0.value)
                }
                gatewayAddresses[gw.name.lowercased()] = addresses
                owns = Set((addresses + Self.peeringAddresses(gw.properties)).map { "ip:\($0)" })
            }
            var erGateway: SpecValue?
            if let gw = item("expressRouteGateways", named: "\(hub.name)-ergw"), belongs(gw) {
                use(gw)
                erGateway = .fields([("scaleUnits", Self.int(gw.graph["autoScaleMinBounds"]).map(SpecValue.int))])
            }
            var vnetConnections: [SpecValue] = []
            for c in items("virtualHubs/hubVirtualNetworkConnections") where c.parentName.lowercased() == name {
                let vnet = Self.string(c.graph["remoteVirtualNetwork"])?.armName ?? ""
                // The lowering names a connection after its VNet.
                guard vnet == c.name, wrote("VirtualNetwork", vnet) else { continue }
                use(c)
                vnetConnections.append(
                    .fields([
                        ("virtualNetwork", .string(vnet)),
                        ("propagateDefaultRoute", Self.flag(c.graph["enableInternetSecurity"])),
                    ])
                )
            }
            let preference = Self.string(hub.graph["hubRoutingPreference"])
            result.append(
                ImportedDocument(
                    document(
                        "VirtualHub",
                        hub.name,
                        file: Self.mainFile,
                        [
                            ("virtualWan", .string(wan)),
                            ("addressPrefix", Self.string(hub.graph["addressPrefix"]).map(SpecValue.string)),
                            (
                                "hubRoutingPreference",
                                preference == "ExpressRoute" ? nil : preference.map(SpecValue.string)
                            ),
                            ("firewall", firewall),
                            ("routingIntent", intent),
                            ("vpnGateway", vpnGateway),
                            ("expressRouteGateway", erGateway),
                            ("virtualNetworkConnections", vnetConnections.isEmpty ? nil : .list(vnetConnections)),
                        ]
                    ),
                    owns: owns
                )
            )
        }
        return result
    }

    mutating func hubVpnConnections() -> [ImportedDocument] {
        var result: [ImportedDocument] = []
        for c in items("vpnGateways/vpnConnections") {
            guard let gw = item("vpnGateways", named: c.parentName), isUsed(gw),
                let hub = Self.string(gw.graph["virtualHub"])?.armName
            else { continue }
            let siteName = Self.string(c.graph["remoteVpnSite"])?.armName ?? ""
            let links = Self.maps(c.graph["vpnLinkConnections"])
            guard let site = item("vpnSites", named: siteName), links.count == 1,
                Self.string(links[0]["name"]) == "\(site.name)-link"
            else {
                notes.append("azure: hub connection \(c.name) is listed as unmanaged: not one link named SITE-link")
                continue
            }
            let siteLinks = Self.maps(site.graph["vpnSiteLinks"])
            guard siteLinks.count == 1, Self.string(siteLinks[0]["name"]) == "\(site.name)-link" else {
                notes.append(
                    "azure: VPN site \(site.name) is listed as unmanaged: not one link named \(site.name)-link"
                )
                continue
            }
            use(c)
            use(site)
            let link = links[0]
            let addresses = gatewayAddresses[gw.name.lowercased()] ?? []
            addSite(fromVpnSite: site, link: siteLinks[0], peers: addresses)
            let version = Self.string(link["vpnConnectionProtocolType"]) ?? ConnectionProtocol.ikev2.rawValue
            let ikev1 = version == ConnectionProtocol.ikev1.rawValue
            let variable = environmentName(c.name, "PSK")
            secrets.append(
                ImportedSecret(
                    name: variable,
                    reading: Self.string(link["sharedKey"]).map { .value($0) } ?? .unreadable,
                    origin: "azure: vpnGateways/\(gw.name)/vpnConnections/\(c.name) sharedKey",
                    meets: Set(addresses.map { "psk:\($0)" })
                )
            )
            result.append(
                ImportedDocument(
                    document(
                        "HubVpnConnection",
                        c.name,
                        file: Self.connectionsFile,
                        [
                            ("hub", .string(hub)),
                            ("site", .string(site.name)),
                            ("sharedKey", .fromEnv(variable)),
                            ("bgp", Self.flag(link["enableBgp"])),
                            ("propagateDefaultRoute", Self.flag(c.graph["enableInternetSecurity"])),
                            ("protocol", ikev1 ? .string(version) : nil),
                            (
                                "ipsecPolicy",
                                policy(
                                    link["ipsecPolicies"],
                                    unless: ikev1 ? .recommendedIKEv1 : .recommended,
                                    of: "hub connection \(c.name)"
                                )
                            ),
                        ]
                    ),
                    peers: Set(addresses.map { "ip:\($0)" })
                )
            )
        }
        return result
    }

    // MARK: - Route servers

    mutating func routeServers() -> [ImportedDocument] {
        var result: [ImportedDocument] = []
        for hub in items("virtualHubs") where Self.string(hub.graph["virtualWan"]) == nil {
            let name = hub.name.lowercased()
            let configurations = items("virtualHubs/ipConfigurations").filter { $0.parentName.lowercased() == name }
            let subnet = configurations.first.flatMap { Self.map($0.graph["subnet"]) } ?? [:]
            let vnet = Self.string(subnet["virtualNetwork"])?.armName ?? ""
            let pipName = configurations.first.flatMap { Self.string($0.graph["publicIPAddress"])?.armName }
            // What the lowering makes: `ipconfig1` in the RouteServerSubnet, with the public IP `NAME-pip`.
            guard configurations.count == 1, configurations[0].name == "ipconfig1",
                Self.string(subnet["name"]) == VirtualNetwork.routeServerSubnetName, wrote("VirtualNetwork", vnet),
                pipName?.lowercased() == "\(name)-pip", let pip = item("publicIPAddresses", named: "\(hub.name)-pip")
            else {
                notes.append(
                    "azure: hub \(hub.name) has no Virtual WAN and is not a Route Server as the spec makes one "
                        + "(ipconfig1 in a RouteServerSubnet with public IP \(hub.name)-pip): listed as unmanaged"
                )
                continue
            }
            use(hub)
            use(configurations[0])
            use(pip)
            var peers: [SpecValue] = []
            for peer in items("virtualHubs/bgpConnections") where peer.parentName.lowercased() == name {
                use(peer)
                peers.append(
                    .fields([
                        ("name", .string(peer.name)),
                        ("ip", Self.string(peer.graph["peerIp"]).map(SpecValue.string)),
                        ("asn", Self.int(peer.graph["peerAsn"]).map(SpecValue.int)),
                    ])
                )
            }
            var comments: [String] = []
            if !peers.isEmpty {
                comments.append("What each peer advertises cannot be read from Azure: add `advertises` to its peer")
                comments.append("for routing analysis (reconcile explain route).")
                notes.append("azure: route server \(hub.name): what its peers advertise cannot be read from Azure")
            }
            result.append(
                ImportedDocument(
                    document(
                        "RouteServer",
                        hub.name,
                        file: Self.routingFile,
                        comments: comments,
                        [
                            ("virtualNetwork", .string(vnet)),
                            ("branchToBranch", Self.flag(hub.graph["allowBranchToBranchTraffic"])),
                            ("peers", peers.isEmpty ? nil : .list(peers)),
                        ]
                    )
                )
            )
        }
        return result
    }

    // MARK: - Sites

    mutating func addSite(fromLocalGateway lng: ARMItem, peers: [String]) {
        let g = lng.graph
        var facts = sites[lng.name.lowercased()] ?? SiteFacts(name: lng.name)
        facts.circuit = nil
        facts.publicIp = facts.publicIp ?? Self.string(g["gatewayIpAddress"])
        facts.fqdn = facts.fqdn ?? Self.string(g["fqdn"])
        if facts.addressSpace.isEmpty { facts.addressSpace = Self.strings(g["addressPrefixes"]) }
        if facts.bgp == nil, let bgp = Self.map(g["bgpSettings"]), let asn = Self.int(bgp["asn"]), asn > 0,
            let address = Self.string(bgp["bgpPeeringAddress"])
        {
            facts.bgp = (asn, address)
        }
        facts.peers.formUnion(peers)
        sites[lng.name.lowercased()] = facts
    }

    mutating func addSite(fromVpnSite site: ARMItem, link: Attributes, peers: [String]) {
        var facts = sites[site.name.lowercased()] ?? SiteFacts(name: site.name)
        facts.circuit = nil
        facts.publicIp = facts.publicIp ?? Self.string(link["ipAddress"])
        facts.fqdn = facts.fqdn ?? Self.string(link["fqdn"])
        if facts.addressSpace.isEmpty { facts.addressSpace = Self.strings(site.graph["addressPrefixes"]) }
        if facts.bgp == nil, let bgp = Self.map(link["bgpProperties"]), let asn = Self.int(bgp["asn"]), asn > 0,
            let address = Self.string(bgp["bgpPeeringAddress"])
        {
            facts.bgp = (asn, address)
        }
        if let vendor = Self.string(site.graph["deviceVendor"]), vendor != "Cisco" {
            notes.append("azure: VPN site \(site.name) names device vendor \(vendor); the spec's lowering says Cisco")
        }
        facts.peers.formUnion(peers)
        sites[site.name.lowercased()] = facts
    }

    /// One file per site: `SITE.yaml`.
    mutating func siteDocuments() -> [ImportedDocument] {
        let taken = [Self.mainFile, Self.connectionsFile, Self.routingFile]
        return sites.values.sorted { $0.name < $1.name }.map { facts in
            var file = "\(facts.name).yaml"
            if taken.contains(file.lowercased()) { file = "site-\(file)" }
            var comments: [String] = []
            var fqdn = facts.fqdn
            if let circuit = facts.circuit {
                // Azure knows an ExpressRoute site only by its circuit; the spec wants an address.
                fqdn = "\(facts.name).expressroute.invalid"
                comments = [
                    "Reached over ExpressRoute circuit \(circuit.armName): Azure knows nothing else of this site.",
                    "Replace the placeholder fqdn with its publicIp or fqdn, and list its addressSpace.",
                ]
                notes.append("azure: site \(facts.name) is known only as ExpressRoute circuit \(circuit.armName)")
            }
            return ImportedDocument(
                document(
                    "Site",
                    facts.name,
                    file: file,
                    comments: comments,
                    [
                        ("publicIp", facts.publicIp.map(SpecValue.string)),
                        ("fqdn", facts.publicIp == nil ? fqdn.map(SpecValue.string) : nil),
                        ("addressSpace", Self.list(facts.addressSpace)),
                        (
                            "bgp",
                            facts.bgp.map {
                                .fields([("asn", .int($0.asn)), ("peeringAddress", .string($0.peeringAddress))])
                            }
                        ),
                    ]
                ),
                owns: Set(facts.publicIp.map { ["ip:\($0)"] } ?? []),
                peers: Set(facts.peers.map { "ip:\($0)" })
            )
        }
    }
}
