public import Spec

extension Lowering {
    mutating func lowerAzure() {
        guard let scope = topology.scope else { return }
        let common: Attributes = [
            "location": .string(scope.spec.location),
            "tags": .map(Attributes(scope.spec.tags.mapValues(Value.string))),
        ]
        func body(_ extra: Attributes) -> Attributes {
            common.merging(extra)
        }
        add(
            AzureAddress.resourceGroup,
            type: AzureTypes.resourceGroup,
            from: scope.meta,
            body([
                "name": .string(scope.spec.resourceGroup),
                "subscriptionId": .string(scope.spec.subscriptionId),
            ])
        )
        let rg = [AzureAddress.resourceGroup]
        for table in topology.routeTables {
            add(
                AzureAddress.routeTable(table.name),
                type: AzureTypes.routeTable,
                from: table.meta,
                body([
                    "disableBgpRoutePropagation": .bool(table.spec.disableBgpRoutePropagation),
                    "routes": .list(
                        table.spec.routes.map { route in
                            .map([
                                "name": .string(route.name),
                                "addressPrefix": .string(route.prefix.description),
                                "nextHopType": .string(route.nextHopType.rawValue),
                                "nextHopIpAddress": .optional(route.nextHopIp?.description),
                            ])
                        }
                    ),
                ]),
                after: rg
            )
        }
        for vnet in topology.virtualNetworks {
            add(
                AzureAddress.virtualNetwork(vnet.name),
                type: AzureTypes.virtualNetwork,
                from: vnet.meta,
                body([
                    "addressPrefixes": .strings(vnet.spec.addressSpace),
                    "dnsServers": .strings(vnet.spec.dnsServers),
                    "subnets": .list(
                        vnet.spec.subnets.map { subnet in
                            .map([
                                "name": .string(subnet.name),
                                "addressPrefix": .string(subnet.prefix.description),
                                "routeTable": subnet.routeTable.map { .id(AzureAddress.routeTable($0)) } ?? .null,
                            ])
                        }
                    ),
                ]),
                after: rg
            )
        }
        lowerGateways(body: body)
        lowerVirtualWan(body: body)
        lowerRouteServers(body: body)
    }

    private func subnetRef(_ vnet: String, _ subnet: String) -> Value {
        .map(["virtualNetwork": .id(AzureAddress.virtualNetwork(vnet)), "name": .string(subnet)])
    }

    private func standardPublicIP(_ body: (Attributes) -> Attributes) -> Attributes {
        body(["sku": "Standard", "allocationMethod": "Static", "version": "IPv4"])
    }

    private mutating func lowerGateways(body: (Attributes) -> Attributes) {
        let rg = [AzureAddress.resourceGroup]
        for gw in topology.gateways {
            let spec = gw.spec
            let pips =
                spec.gatewayType == .vpn ? AzureAddress.gatewayPublicIPs(gw.name, activeActive: spec.activeActive) : []
            for pip in pips {
                add(pip, type: AzureTypes.publicIP, from: gw.meta, standardPublicIP(body), after: rg)
            }
            var ipConfigurations: [Value] = []
            for (i, pip) in pips.enumerated() {
                ipConfigurations.append(
                    .map([
                        "name": .string("ipconfig\(i + 1)"),
                        "subnet": subnetRef(spec.virtualNetwork, VirtualNetwork.gatewaySubnetName),
                        "publicIPAddress": .id(pip),
                    ])
                )
            }
            if pips.isEmpty {
                ipConfigurations.append(
                    .map([
                        "name": "ipconfig1", "subnet": subnetRef(spec.virtualNetwork, VirtualNetwork.gatewaySubnetName),
                    ])
                )
            }
            var attributes = body([
                "gatewayType": .string(spec.gatewayType.rawValue),
                "sku": .string(spec.sku),
                "ipConfigurations": .list(ipConfigurations),
            ])
            if spec.gatewayType == .vpn {
                attributes["vpnType"] = .string(spec.vpnType.rawValue)
                attributes["activeActive"] = .bool(spec.activeActive)
                attributes["enableBgp"] = .bool(spec.bgp != nil)
            }
            if let bgp = spec.bgp {
                attributes["bgpSettings"] = .map([
                    "asn": .int(Int(bgp.asn.value)),
                    "customBgpIpAddresses": .strings(bgp.customPeeringAddresses),
                ])
            }
            if let site = spec.defaultSite {
                attributes["gatewayDefaultSite"] = .id(AzureAddress.localNetworkGateway(site))
            }
            if let p2s = spec.pointToSite {
                attributes["vpnClientConfiguration"] = .map([
                    "addressPool": .strings(p2s.addressPool),
                    "protocols": .list(p2s.tunnelTypes.map { .string($0.rawValue) }),
                    "rootCertificates": .list(
                        p2s.rootCertificates.map {
                            .map(["name": .string($0.name), "publicCertData": .secret($0.publicCertData.source)])
                        }
                    ),
                ])
            }
            add(
                AzureAddress.gateway(gw.name),
                type: AzureTypes.gateway,
                from: gw.meta,
                attributes,
                after: rg
            )
        }
        // One local network gateway per site that a VNet gateway connects to.
        let lngSites = Set(topology.vpnConnections.map(\.spec.site))
        for site in topology.sites where lngSites.contains(site.name) {
            var attributes = body(["addressPrefixes": .strings(site.spec.addressSpace)])
            if let ip = site.spec.publicIp { attributes["gatewayIpAddress"] = .string(ip.description) }
            if let fqdn = site.spec.fqdn { attributes["fqdn"] = .string(fqdn) }
            if let bgp = site.spec.bgp {
                attributes["bgpSettings"] = .map([
                    "asn": .int(Int(bgp.asn.value)),
                    "bgpPeeringAddress": .string(bgp.peeringAddress.description),
                ])
            }
            add(
                AzureAddress.localNetworkGateway(site.name),
                type: AzureTypes.localNetworkGateway,
                from: site.meta,
                attributes,
                after: rg
            )
        }
        for c in topology.vpnConnections {
            add(
                AzureAddress.connection(c.name),
                type: AzureTypes.connection,
                from: c.meta,
                body([
                    "connectionType": "IPsec",
                    "virtualNetworkGateway1": .id(AzureAddress.gateway(c.spec.gateway)),
                    "localNetworkGateway2": .id(AzureAddress.localNetworkGateway(c.spec.site)),
                    "sharedKey": .secret(c.spec.sharedKey.source),
                    "connectionProtocol": .string(c.spec.protocol.rawValue),
                    "enableBgp": .bool(c.spec.routing == .bgp),
                    "usePolicyBasedTrafficSelectors": .bool(c.spec.usePolicyBasedTrafficSelectors),
                    "dpdTimeoutSeconds": .int(c.spec.dpdTimeoutSeconds ?? 45),
                    "ipsecPolicies": .list(effectivePolicy(c).map { [Self.policyValue($0)] } ?? []),
                ])
            )
        }
        for c in topology.expressRouteConnections where topology.gateways[c.spec.gateway] != nil {
            add(
                AzureAddress.connection(c.name),
                type: AzureTypes.connection,
                from: c.meta,
                body([
                    "connectionType": "ExpressRoute",
                    "virtualNetworkGateway1": .id(AzureAddress.gateway(c.spec.gateway)),
                    "peer": .string(c.spec.circuitId),
                    "authorizationKey": c.spec.authorizationKey.map { .secret($0.source) } ?? .null,
                    "routingWeight": .int(c.spec.routingWeight ?? 0),
                ])
            )
        }
    }

    /// The policy as ARM spells it: the spec's fields, with `saLifeTimeSeconds`.
    static func policyValue(_ p: IpsecPolicy) -> Value {
        p.value(lifetimeKey: "saLifeTimeSeconds")
    }

    private mutating func lowerVirtualWan(body: (Attributes) -> Attributes) {
        let rg = [AzureAddress.resourceGroup]
        for wan in topology.virtualWans {
            add(
                AzureAddress.virtualWan(wan.name),
                type: AzureTypes.virtualWan,
                from: wan.meta,
                body([
                    "type": .string(wan.spec.type.rawValue),
                    "allowBranchToBranchTraffic": .bool(wan.spec.allowBranchToBranchTraffic),
                ]),
                after: rg
            )
        }
        for hub in topology.virtualHubs {
            let spec = hub.spec
            let hubAddress = AzureAddress.virtualHub(hub.name)
            add(
                hubAddress,
                type: AzureTypes.virtualHub,
                from: hub.meta,
                body([
                    "virtualWan": .id(AzureAddress.virtualWan(spec.virtualWan)),
                    "addressPrefix": .string(spec.addressPrefix.description),
                    "sku": "Standard",
                    "hubRoutingPreference": .string((spec.hubRoutingPreference ?? .expressRoute).rawValue),
                ])
            )
            if let fw = spec.firewall {
                add(
                    AzureAddress.firewall(fw.name),
                    type: AzureTypes.azureFirewall,
                    from: hub.meta,
                    body([
                        "sku": .map(["name": "AZFW_Hub", "tier": .string(fw.sku.rawValue)]),
                        "virtualHub": .id(hubAddress),
                        "publicIPCount": 1,
                    ])
                )
            }
            if let intent = spec.routingIntent {
                var policies: [Value] = []
                if let next = intent.internet {
                    policies.append(
                        .map([
                            "name": "InternetTraffic", "destinations": .list(["Internet"]),
                            "nextHop": .id(AzureAddress.firewall(next)),
                        ])
                    )
                }
                if let next = intent.privateTraffic {
                    policies.append(
                        .map([
                            "name": "PrivateTrafficPolicy", "destinations": .list(["PrivateTraffic"]),
                            "nextHop": .id(AzureAddress.firewall(next)),
                        ])
                    )
                }
                add(
                    .azure("virtualHubs/\(hub.name)/routingIntent/\(hub.name)-routing-intent"),
                    type: AzureTypes.virtualHubRoutingIntent,
                    from: hub.meta,
                    ["routingPolicies": .list(policies), "virtualHub": .id(hubAddress)]
                )
            }
            if let vpn = spec.vpnGateway {
                add(
                    AzureAddress.hubVpnGateway(hub.name),
                    type: AzureTypes.vpnGateway,
                    from: hub.meta,
                    body([
                        "virtualHub": .id(hubAddress),
                        "vpnGatewayScaleUnit": .int(vpn.scaleUnits),
                        "bgpSettings": .map(["asn": .int(Int((vpn.asn ?? .azure).value))]),
                    ])
                )
            }
            if let units = spec.expressRouteGatewayScaleUnits {
                add(
                    AzureAddress.hubErGateway(hub.name),
                    type: AzureTypes.expressRouteGateway,
                    from: hub.meta,
                    body(["virtualHub": .id(hubAddress), "autoScaleMinBounds": .int(units)])
                )
            }
            for c in spec.virtualNetworkConnections {
                add(
                    .azure("virtualHubs/\(hub.name)/hubVirtualNetworkConnections/\(c.virtualNetwork)"),
                    type: AzureTypes.hubVirtualNetworkConnection,
                    from: hub.meta,
                    [
                        "virtualHub": .id(hubAddress),
                        "remoteVirtualNetwork": .id(AzureAddress.virtualNetwork(c.virtualNetwork)),
                        "enableInternetSecurity": .bool(c.propagateDefaultRoute),
                    ]
                )
            }
        }
        let hubSites = Set(topology.hubVpnConnections.map(\.spec.site))
        for site in topology.sites where hubSites.contains(site.name) {
            guard let hub = topology.hubVpnConnections.first(where: { $0.spec.site == site.name }),
                let wan = topology.virtualHubs[hub.spec.hub]?.spec.virtualWan
            else { continue }
            var link: Attributes = ["name": .string("\(site.name)-link")]
            if let ip = site.spec.publicIp { link["ipAddress"] = .string(ip.description) }
            if let fqdn = site.spec.fqdn { link["fqdn"] = .string(fqdn) }
            if let bgp = site.spec.bgp {
                link["bgpProperties"] = .map([
                    "asn": .int(Int(bgp.asn.value)), "bgpPeeringAddress": .string(bgp.peeringAddress.description),
                ])
            }
            add(
                AzureAddress.vpnSite(site.name),
                type: AzureTypes.vpnSite,
                from: site.meta,
                body([
                    "virtualWan": .id(AzureAddress.virtualWan(wan)),
                    "addressPrefixes": .strings(site.spec.addressSpace),
                    "deviceVendor": "Cisco",
                    "vpnSiteLinks": .list([.map(link)]),
                ])
            )
        }
        for c in topology.hubVpnConnections {
            add(
                .azure("vpnGateways/\(c.spec.hub)-vpngw/vpnConnections/\(c.name)"),
                type: AzureTypes.vpnConnection,
                from: c.meta,
                [
                    "vpnGateway": .id(AzureAddress.hubVpnGateway(c.spec.hub)),
                    "remoteVpnSite": .id(AzureAddress.vpnSite(c.spec.site)),
                    "enableInternetSecurity": .bool(c.spec.propagateDefaultRoute),
                    "vpnLinkConnections": .list([
                        .map([
                            "name": .string("\(c.spec.site)-link"),
                            "sharedKey": .secret(c.spec.sharedKey.source),
                            "enableBgp": .bool(c.spec.bgp),
                            "vpnConnectionProtocolType": .string(c.spec.protocol.rawValue),
                            "ipsecPolicies": .list([Self.policyValue(effectivePolicy(c))]),
                        ])
                    ]),
                ]
            )
        }
        for c in topology.expressRouteConnections where topology.virtualHubs[c.spec.gateway] != nil {
            add(
                .azure("expressRouteGateways/\(c.spec.gateway)-ergw/expressRouteConnections/\(c.name)"),
                type: AzureTypes.expressRouteConnection,
                from: c.meta,
                [
                    "expressRouteGateway": .id(AzureAddress.hubErGateway(c.spec.gateway)),
                    "expressRouteCircuitPeering": .string(c.spec.circuitId + "/peerings/AzurePrivatePeering"),
                    "authorizationKey": c.spec.authorizationKey.map { .secret($0.source) } ?? .null,
                    "enableInternetSecurity": .bool(c.spec.propagateDefaultRoute ?? false),
                    "routingWeight": .int(c.spec.routingWeight ?? 0),
                ]
            )
        }
    }

    private mutating func lowerRouteServers(body: (Attributes) -> Attributes) {
        let rg = [AzureAddress.resourceGroup]
        for rs in topology.routeServers {
            let hub = AzureAddress.virtualHub(rs.name)
            let pip = AzureAddress.publicIP("\(rs.name)-pip")
            add(pip, type: AzureTypes.publicIP, from: rs.meta, standardPublicIP(body), after: rg)
            add(
                hub,
                type: AzureTypes.virtualHub,
                from: rs.meta,
                body(["sku": "Standard", "allowBranchToBranchTraffic": .bool(rs.spec.branchToBranch)]),
                after: rg
            )
            let ipConfig = ResourceAddress.azure("virtualHubs/\(rs.name)/ipConfigurations/ipconfig1")
            add(
                ipConfig,
                type: AzureTypes.virtualHubIPConfiguration,
                from: rs.meta,
                [
                    "virtualHub": .id(hub),
                    "subnet": subnetRef(rs.spec.virtualNetwork, VirtualNetwork.routeServerSubnetName),
                    "publicIPAddress": .id(pip),
                ]
            )
            for peer in rs.spec.peers {
                add(
                    .azure("virtualHubs/\(rs.name)/bgpConnections/\(peer.name)"),
                    type: AzureTypes.virtualHubBGPConnection,
                    from: rs.meta,
                    [
                        "virtualHub": .id(hub), "peerIp": .string(peer.ip.description),
                        "peerAsn": .int(Int(peer.asn.value)),
                    ],
                    after: [ipConfig]
                )
            }
        }
    }
}
