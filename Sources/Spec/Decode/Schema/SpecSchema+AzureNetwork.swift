/// The Azure network kinds: the scope, VNets, gateways, their connections, Route Server and route tables.
extension SpecSchema {
    static let azureScope = ObjectSchema(
        "AzureScopeSpec",
        "Where Azure resources live (exactly one per spec).",
        [
            FieldSchema("subscriptionId", .string(.uuid), required: true, "The subscription (a GUID)."),
            FieldSchema(
                "resourceGroup",
                .string(.any),
                required: true,
                "The resource group every resource goes in."
            ),
            FieldSchema("location", .string(.any), required: true, "The Azure region, e.g. japaneast."),
            FieldSchema(
                "endpoint",
                .string(.endpoint),
                "lab (the local Azure model, default), public, or https://URL."
            ),
            FieldSchema("tags", .stringMap, "Tags applied to every Azure resource the tool manages."),
            FieldSchema(
                "pricing",
                .object(
                    ObjectSchema(
                        "PricingSettings",
                        "How `reconcile cost` and `plan` estimate the monthly cost.",
                        [
                            FieldSchema("currency", .string(.currency), "Currency to show (default USD)."),
                            FieldSchema(
                                "hoursPerMonth",
                                .integer(672...744),
                                "Hours billed per month (default 744, a 31-day month)."
                            ),
                            FieldSchema(
                                "firewallDataProcessedGB",
                                .amount,
                                "Assumed GB each Azure Firewall processes a month (default 0)."
                            ),
                            FieldSchema(
                                "hubDataProcessedGB",
                                .amount,
                                "Assumed GB each Virtual WAN hub processes a month (default 0)."
                            ),
                            FieldSchema(
                                "priceFile",
                                .string(.any),
                                "A price file to use instead of the built-in one, relative to the spec."
                            ),
                        ]
                    )
                ),
                "(addition) Cost estimate settings."
            ),
        ]
    )

    static let virtualNetwork = ObjectSchema(
        "VirtualNetworkSpec",
        "An Azure virtual network and its subnets.",
        [
            FieldSchema(
                "addressSpace",
                .list(.allocatedPrefix),
                required: true,
                "The VNet's address prefixes: literal, or {fromPool: NAME, size: N}."
            ),
            FieldSchema("dnsServers", .list(.address), "Custom DNS servers; empty means Azure DNS."),
            FieldSchema(
                "subnets",
                .list(
                    .object(
                        ObjectSchema(
                            "Subnet",
                            "A subnet; GatewaySubnet and RouteServerSubnet are reserved names.",
                            [
                                FieldSchema("name", .string(.any), required: true, "Subnet name."),
                                FieldSchema(
                                    "prefix",
                                    .allocatedPrefix,
                                    required: true,
                                    "Subnet prefix inside the VNet: literal, {size: N} or {fromPool: NAME, size: N}."
                                ),
                                FieldSchema("routeTable", .reference([.routeTable]), "A RouteTable to associate."),
                            ]
                        )
                    )
                ),
                "The subnets the spec owns."
            ),
        ]
    )

    static let virtualNetworkGateway = ObjectSchema(
        "VirtualNetworkGatewaySpec",
        "An Azure VPN or ExpressRoute gateway in a VNet's GatewaySubnet.",
        [
            FieldSchema(
                "virtualNetwork",
                .reference([.virtualNetwork]),
                required: true,
                "The VNet (needs a GatewaySubnet)."
            ),
            FieldSchema("gatewayType", enumeration(GatewayType.self), required: true, "Vpn or ExpressRoute."),
            FieldSchema(
                "vpnType",
                enumeration(VpnType.self),
                "RouteBased (default, \"dynamic routing\") or PolicyBased."
            ),
            FieldSchema("sku", .string(.any), required: true, "Gateway SKU, e.g. VpnGw1AZ or ErGw1AZ."),
            FieldSchema("activeActive", .boolean, "Two instances, two public IPs (default false)."),
            FieldSchema(
                "bgp",
                .object(
                    ObjectSchema(
                        "GatewayBgp",
                        "Enables BGP on the gateway.",
                        [
                            FieldSchema(
                                "asn",
                                asn,
                                required: true,
                                "The gateway's ASN (Azure's default is 65515)."
                            ),
                            FieldSchema(
                                "customPeeringAddresses",
                                .list(.address),
                                "(addition) APIPA addresses 169.254.21.0-169.254.22.255 for the gateway's BGP."
                            ),
                        ]
                    )
                ),
                "BGP settings."
            ),
            FieldSchema(
                "forcedTunneling",
                .object(
                    ObjectSchema(
                        "ForcedTunneling",
                        "Azure -> internet via on-prem.",
                        [
                            FieldSchema(
                                "defaultSite",
                                .reference([.site]),
                                required: true,
                                "The site that receives it."
                            )
                        ]
                    )
                ),
                "Forced tunneling to a default site."
            ),
            FieldSchema(
                "pointToSite",
                .object(
                    ObjectSchema(
                        "PointToSite",
                        "Point-to-site VPN for clients.",
                        [
                            FieldSchema("addressPool", prefixes, required: true, "Client address pool."),
                            FieldSchema(
                                "tunnelTypes",
                                .list(enumeration(P2STunnelType.self)),
                                required: true,
                                "Client tunnel types."
                            ),
                            FieldSchema(
                                "rootCertificates",
                                .list(
                                    .object(
                                        ObjectSchema(
                                            "RootCertificate",
                                            "A trusted client root certificate.",
                                            [
                                                FieldSchema(
                                                    "name",
                                                    .string(.any),
                                                    required: true,
                                                    "Certificate name."
                                                ),
                                                FieldSchema(
                                                    "publicCertData",
                                                    .secret,
                                                    required: true,
                                                    "Base64 certificate body (no PEM header)."
                                                ),
                                            ]
                                        )
                                    )
                                ),
                                "Root certificates (at most 20)."
                            ),
                        ]
                    )
                ),
                "Point-to-site settings."
            ),
        ]
    )

    static let vpnConnection = ObjectSchema(
        "VpnConnectionSpec",
        "Site-to-site IPsec between a gateway and a site.",
        [
            FieldSchema("gateway", .reference([.virtualNetworkGateway]), required: true, "A VPN gateway."),
            FieldSchema("site", .reference([.site]), required: true, "The on-prem site."),
            FieldSchema("protocol", enumeration(ConnectionProtocol.self), "IKEv2 (default) or IKEv1."),
            FieldSchema("sharedKey", .secret, required: true, "The pre-shared key."),
            FieldSchema("routing", enumeration(RoutingMode.self), "Static (default) or Bgp."),
            FieldSchema("ipsecPolicy", .object(ipsecPolicy), "Custom IKE/IPsec policy."),
            FieldSchema(
                "usePolicyBasedTrafficSelectors",
                .boolean,
                "Policy-based traffic selectors (default false)."
            ),
            FieldSchema(
                "dpdTimeoutSeconds",
                .integer(9...3600),
                "(addition) Dead peer detection timeout (default 45)."
            ),
        ]
    )

    static let expressRouteConnection = ObjectSchema(
        "ExpressRouteConnectionSpec",
        "An ExpressRoute circuit connected to a gateway or a Virtual WAN hub.",
        [
            FieldSchema(
                "gateway",
                .reference([.virtualNetworkGateway, .virtualHub]),
                required: true,
                "An ExpressRoute gateway or a VirtualHub."
            ),
            FieldSchema("site", .reference([.site]), required: true, "The on-prem site the circuit reaches."),
            FieldSchema("circuitId", .string(.any), required: true, "The circuit's resource id."),
            FieldSchema("authorizationKey", .secret, "Circuit authorization key."),
            FieldSchema("propagateDefaultRoute", .boolean, "Virtual WAN hubs only."),
            FieldSchema("routingWeight", .integer(0...32000), "(addition) Routing weight."),
        ]
    )

    static let routeServer = ObjectSchema(
        "RouteServerSpec",
        "Azure Route Server with its BGP peers (NVAs).",
        [
            FieldSchema(
                "virtualNetwork",
                .reference([.virtualNetwork]),
                required: true,
                "The VNet (needs a RouteServerSubnet)."
            ),
            FieldSchema("branchToBranch", .boolean, "Exchange routes with gateways (default false)."),
            FieldSchema(
                "peers",
                .list(
                    .object(
                        ObjectSchema(
                            "RouteServerPeer",
                            "An NVA peering with the Route Server.",
                            [
                                FieldSchema("name", .string(.name), required: true, "Peer name."),
                                FieldSchema("ip", .address, required: true, "The NVA's address."),
                                FieldSchema("asn", asn, required: true, "The NVA's ASN."),
                                FieldSchema("advertises", prefixes, "What the NVA announces (routing analysis)."),
                            ]
                        )
                    )
                ),
                "BGP peers."
            ),
        ]
    )

    static let routeTable = ObjectSchema(
        "RouteTableSpec",
        "User-defined routes.",
        [
            FieldSchema(
                "disableBgpRoutePropagation",
                .boolean,
                "Keep gateway routes off the subnets (default false)."
            ),
            FieldSchema(
                "routes",
                .list(
                    .object(
                        ObjectSchema(
                            "Route",
                            "A user-defined route.",
                            [
                                FieldSchema("name", .string(.any), required: true, "Route name."),
                                FieldSchema("prefix", .prefix, required: true, "Destination."),
                                FieldSchema(
                                    "nextHopType",
                                    enumeration(NextHopType.self),
                                    required: true,
                                    "Next hop type."
                                ),
                                FieldSchema("nextHopIp", .address, "Only with VirtualAppliance."),
                            ]
                        )
                    )
                ),
                "Routes."
            ),
        ]
    )
}
