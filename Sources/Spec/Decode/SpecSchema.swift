/// The declared schema of every kind, plus the fields this tool adds.
///
/// Additions beyond the original spec language are marked "(addition)" in their summary and documented in
/// `docs/spec-additions.md`.
public enum SpecSchema {
    private static func enumeration<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> FieldType
    where E.RawValue == String {
        .enumeration(E.allCases.map(\.rawValue))
    }

    static let asn = FieldType.integer(1...4_294_967_295)
    static let prefixes = FieldType.list(.prefix)

    /// Costs a Site or CiscoRouter declares by hand (`reconcile cost`, docs/cost.md).
    static let costs = FieldSchema(
        "costs",
        .list(
            .object(
                ObjectSchema(
                    "CostItem",
                    "A recurring or one-time cost Azure's price list cannot know.",
                    exactlyOne: [["monthly", "yearly", "once"]],
                    [
                        FieldSchema(
                            "item",
                            .string(.any),
                            required: true,
                            "What it is (\"InterLink VPN + fixed IP\")."
                        ),
                        FieldSchema("monthly", .amount, "Paid every month."),
                        FieldSchema("yearly", .amount, "Paid every year (a maintenance contract)."),
                        FieldSchema("once", .amount, "Paid once (hardware); counted in the first year."),
                        FieldSchema("currency", .string(.currency), required: true, "ISO 4217 code: JPY, USD, EUR."),
                    ]
                )
            )
        ),
        "(addition) Costs beyond Azure's prices, for `reconcile cost`."
    )

    /// The object envelope shared by every document.
    public static let metadata = ObjectSchema(
        "Metadata",
        "Identity of an object; names are unique per kind.",
        [
            FieldSchema("name", .string(.name), required: true, "Unique per kind: [A-Za-z0-9][A-Za-z0-9._-]{0,62}."),
            FieldSchema("labels", .stringMap, "Free-form labels, usable by drift ignore rules."),
        ]
    )

    public static let ipsecPolicy = ObjectSchema(
        "IpsecPolicy",
        "A custom IKE/IPsec policy; when given, both ends are rendered with exactly this.",
        [
            FieldSchema("ikeEncryption", enumeration(IkeEncryption.self), required: true, "Phase 1 encryption."),
            FieldSchema("ikeIntegrity", enumeration(IkeIntegrity.self), required: true, "Phase 1 integrity."),
            FieldSchema("dhGroup", enumeration(DhGroup.self), required: true, "Phase 1 Diffie-Hellman group."),
            FieldSchema("ipsecEncryption", enumeration(IpsecEncryption.self), required: true, "Phase 2 encryption."),
            FieldSchema("ipsecIntegrity", enumeration(IpsecIntegrity.self), required: true, "Phase 2 integrity."),
            FieldSchema(
                "pfsGroup",
                enumeration(PfsGroup.self),
                required: true,
                "Phase 2 perfect forward secrecy group."
            ),
            FieldSchema("saLifetimeSeconds", .integer(300...172_799), required: true, "Phase 2 SA lifetime."),
            FieldSchema(
                "saDataSizeKilobytes",
                .integer(1024...2_147_483_647),
                required: true,
                "Phase 2 SA data size."
            ),
        ]
    )

    public static let specs: [Kind: ObjectSchema] = [
        .azureScope: ObjectSchema(
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
        ),
        .virtualNetwork: ObjectSchema(
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
        ),
        .virtualNetworkGateway: ObjectSchema(
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
        ),
        .site: ObjectSchema(
            "SiteSpec",
            "An on-premises location (Azure: a local network gateway).",
            exactlyOne: [["publicIp", "fqdn"]],
            [
                FieldSchema("publicIp", .address, "The VPN device's public address."),
                FieldSchema("fqdn", .string(.any), "Or its DNS name."),
                FieldSchema("addressSpace", prefixes, "On-prem prefixes Azure may reach."),
                FieldSchema(
                    "bgp",
                    .object(
                        ObjectSchema(
                            "SiteBgp",
                            "BGP on the on-prem device.",
                            [
                                FieldSchema("asn", asn, required: true, "The on-prem ASN."),
                                FieldSchema(
                                    "peeringAddress",
                                    .address,
                                    required: true,
                                    "The on-prem BGP speaker's address."
                                ),
                            ]
                        )
                    ),
                    "BGP settings."
                ),
                FieldSchema(
                    "behindNat",
                    .boolean,
                    "true is reported: a NAT in front of the VPN device is unsupported."
                ),
                FieldSchema("device", .reference([.ciscoRouter]), "The CiscoRouter that terminates the tunnel."),
                costs,
            ]
        ),
        .vpnConnection: ObjectSchema(
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
        ),
        .expressRouteConnection: ObjectSchema(
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
        ),
        .virtualWan: ObjectSchema(
            "VirtualWanSpec",
            "A Virtual WAN.",
            [
                FieldSchema("type", enumeration(VirtualWanType.self), "Standard (default) or Basic."),
                FieldSchema("allowBranchToBranchTraffic", .boolean, "Branch-to-branch (default true)."),
            ]
        ),
        .virtualHub: ObjectSchema(
            "VirtualHubSpec",
            "A Virtual WAN hub.",
            [
                FieldSchema("virtualWan", .reference([.virtualWan]), required: true, "The Virtual WAN."),
                FieldSchema("addressPrefix", .prefix, required: true, "Hub prefix (/24 or larger; /23 recommended)."),
                FieldSchema(
                    "hubRoutingPreference",
                    enumeration(HubRoutingPreference.self),
                    "(addition) ExpressRoute (default), VpnGateway or ASPath."
                ),
                FieldSchema(
                    "firewall",
                    .object(
                        ObjectSchema(
                            "HubFirewall",
                            "Azure Firewall in the hub.",
                            [
                                FieldSchema("name", .string(.name), required: true, "Firewall name."),
                                FieldSchema(
                                    "sku",
                                    enumeration(FirewallSku.self),
                                    "Standard (default), Basic or Premium."
                                ),
                            ]
                        )
                    ),
                    "An Azure Firewall in the hub."
                ),
                FieldSchema(
                    "routingIntent",
                    .object(
                        ObjectSchema(
                            "RoutingIntent",
                            "Next hops by name.",
                            [
                                FieldSchema("internet", .string(.name), "Next hop for internet traffic."),
                                FieldSchema("privateTraffic", .string(.name), "Next hop for private traffic."),
                            ]
                        )
                    ),
                    "Routing intent."
                ),
                FieldSchema(
                    "vpnGateway",
                    .object(
                        ObjectSchema(
                            "HubVpnGateway",
                            "The hub's site-to-site VPN gateway.",
                            [
                                FieldSchema("scaleUnits", .integer(1...20), "Scale units (default 1)."),
                                FieldSchema(
                                    "bgp",
                                    .object(
                                        ObjectSchema(
                                            "HubGatewayBgp",
                                            "BGP of the hub gateway.",
                                            [FieldSchema("asn", asn, required: true, "65515 in Virtual WAN.")]
                                        )
                                    ),
                                    "BGP settings."
                                ),
                            ]
                        )
                    ),
                    "A VPN gateway in the hub."
                ),
                FieldSchema(
                    "virtualNetworkConnections",
                    .list(
                        .object(
                            ObjectSchema(
                                "HubVirtualNetworkConnection",
                                "A spoke VNet attached to the hub.",
                                [
                                    FieldSchema(
                                        "virtualNetwork",
                                        .reference([.virtualNetwork]),
                                        required: true,
                                        "The spoke VNet."
                                    ),
                                    FieldSchema(
                                        "propagateDefaultRoute",
                                        .boolean,
                                        "Send the hub's 0.0.0.0/0 (default false)."
                                    ),
                                ]
                            )
                        )
                    ),
                    "Spoke VNets."
                ),
                FieldSchema(
                    "expressRouteGateway",
                    .object(
                        ObjectSchema(
                            "HubExpressRouteGateway",
                            "The hub's ExpressRoute gateway.",
                            [FieldSchema("scaleUnits", .integer(1...10), "Scale units (default 1).")]
                        )
                    ),
                    "An ExpressRoute gateway in the hub."
                ),
            ]
        ),
        .hubVpnConnection: ObjectSchema(
            "HubVpnConnectionSpec",
            "A site attached to a Virtual WAN hub.",
            [
                FieldSchema("hub", .reference([.virtualHub]), required: true, "The hub."),
                FieldSchema("site", .reference([.site]), required: true, "The site."),
                FieldSchema("sharedKey", .secret, required: true, "The pre-shared key."),
                FieldSchema("bgp", .boolean, "BGP over the tunnel (default false)."),
                FieldSchema("propagateDefaultRoute", .boolean, "Send the hub's 0.0.0.0/0 to the site (default false)."),
                FieldSchema("protocol", enumeration(ConnectionProtocol.self), "(addition) IKEv2 (default) or IKEv1."),
                FieldSchema("ipsecPolicy", .object(ipsecPolicy), "(addition) Custom IKE/IPsec policy."),
            ]
        ),
        .routeServer: ObjectSchema(
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
        ),
        .routeTable: ObjectSchema(
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
        ),
        .ciscoRouter: ciscoRouter,
        .intent: ObjectSchema(
            "IntentSpec",
            "What must be true of the network as a whole.",
            [
                FieldSchema(
                    "internetEgress",
                    .list(
                        .object(
                            ObjectSchema(
                                "EgressIntent",
                                "Which way a place's internet traffic leaves.",
                                [
                                    FieldSchema("from", .string(.any), required: true, "A site or VNet."),
                                    FieldSchema("via", enumeration(EgressVia.self), required: true, "azure or onprem."),
                                ]
                            )
                        )
                    ),
                    "Internet egress intents."
                ),
                FieldSchema(
                    "reachability",
                    .list(
                        .object(
                            ObjectSchema(
                                "ReachabilityIntent",
                                "Whether one place reaches another.",
                                [
                                    FieldSchema("from", .string(.any), required: true, "A site, VNet or VNet/subnet."),
                                    FieldSchema("to", .string(.any), required: true, "A site, VNet or VNet/subnet."),
                                    FieldSchema(
                                        "expect",
                                        enumeration(Expectation.self),
                                        required: true,
                                        "reachable or blocked."
                                    ),
                                ]
                            )
                        )
                    ),
                    "Reachability intents."
                ),
            ]
        ),
        .driftPolicy: ObjectSchema(
            "DriftPolicySpec",
            "How drift is watched and reported (at most one).",
            [
                FieldSchema(
                    "ignore",
                    .list(
                        .object(
                            ObjectSchema(
                                "IgnoreRule",
                                "A finding to ignore.",
                                [
                                    FieldSchema("resource", .string(.any), required: true, "Resource id glob."),
                                    FieldSchema("path", .string(.any), "Attribute path or config-line pattern."),
                                    FieldSchema(
                                        "kind",
                                        .string(.any),
                                        "(addition) Resource type glob (Microsoft.Network/*, ios.*)."
                                    ),
                                    FieldSchema(
                                        "label",
                                        .string(.any),
                                        "(addition) key=value: a label of the spec object."
                                    ),
                                ]
                            )
                        )
                    ),
                    "Ignore rules (plan and drift alike)."
                ),
                FieldSchema(
                    "acknowledge",
                    .list(
                        .object(
                            ObjectSchema(
                                "Acknowledgement",
                                "A drift finding accepted until a day: reported as acknowledged, not as drift.",
                                [
                                    FieldSchema("resource", .string(.any), required: true, "Resource id glob."),
                                    FieldSchema("path", .string(.any), "Attribute path or config-line pattern."),
                                    FieldSchema("reason", .string(.any), required: true, "Why it is accepted."),
                                    FieldSchema(
                                        "expires",
                                        .string(.date),
                                        required: true,
                                        "Last day (UTC), YYYY-MM-DD."
                                    ),
                                    FieldSchema("by", .string(.any), "Who accepted it."),
                                ]
                            )
                        )
                    ),
                    "(addition) Acknowledged drift findings."
                ),
                FieldSchema("reportUnmanaged", .boolean, "List what no spec owns (default false)."),
                FieldSchema(
                    "notify",
                    .object(
                        ObjectSchema(
                            "Notify",
                            "Notifications.",
                            [
                                FieldSchema(
                                    "webhook",
                                    .object(
                                        ObjectSchema(
                                            "Webhook",
                                            "A webhook receiver.",
                                            [
                                                FieldSchema("url", .string(.url), required: true, "Where to POST."),
                                                FieldSchema("secret", .secret, "HMAC signing secret."),
                                            ]
                                        )
                                    ),
                                    "Webhook."
                                )
                            ]
                        )
                    ),
                    "Notifications."
                ),
            ]
        ),
        .addressPool: ObjectSchema(
            "AddressPoolSpec",
            "(addition) Address space the spec hands out to VNets and subnets, or keeps for sites.",
            [
                FieldSchema("prefixes", prefixes, required: true, "The pool's prefixes."),
                FieldSchema(
                    "use",
                    .enumeration(AddressPool.Use.allCases.map(\.rawValue)),
                    "azure (default): VNets and subnets take from it; onPrem: kept for sites, nothing in Azure may overlap it."
                ),
            ]
        ),
        .plugin: ObjectSchema(
            "PluginSpec",
            "(addition) A provider plugin (docs/plugin-protocol.md); metadata.name is the provider's name. "
                + "Without path, reconcile-provider-NAME is looked up on PATH.",
            [
                FieldSchema(
                    "path",
                    .string(.any),
                    "The executable, relative to the spec's directory; requires sha256."
                ),
                FieldSchema(
                    "sha256",
                    .string(.sha256),
                    "The executable's SHA-256 (sha256sum prints it): a different program is refused before it runs."
                ),
            ]
        ),
        .stateBackend: ObjectSchema(
            "StateBackendSpec",
            "(addition) Where the state lives, shared by every runner (at most one; absent: .reconcile/ beside the spec).",
            exactlyOne: [["postgres", "azureBlob"]],
            [
                FieldSchema(
                    "postgres",
                    .object(
                        ObjectSchema(
                            "PostgresStateBackend",
                            "A PostgreSQL database.",
                            [
                                FieldSchema(
                                    "url",
                                    .secret,
                                    required: true,
                                    "postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=require|verify-full|disable."
                                ),
                                FieldSchema("schema", .string(.any), "The schema for its tables (default reconcile)."),
                            ]
                        )
                    ),
                    "State in PostgreSQL."
                ),
                FieldSchema(
                    "azureBlob",
                    .object(
                        ObjectSchema(
                            "AzureBlobStateBackend",
                            "A blob in Azure Blob Storage.",
                            [
                                FieldSchema("storageAccount", .string(.any), required: true, "The storage account."),
                                FieldSchema("container", .string(.any), required: true, "The container."),
                                FieldSchema("blob", .string(.any), required: true, "The blob's name."),
                                FieldSchema("endpoint", .string(.any), "public (default) or lab."),
                            ]
                        )
                    ),
                    "State in Azure Blob Storage."
                ),
            ]
        ),
    ]

    static let ciscoRouter = ObjectSchema(
        "CiscoRouterSpec",
        "An on-prem IOS / IOS-XE router the tool configures.",
        [
            FieldSchema("platform", enumeration(Platform.self), required: true, "ios or ios-xe."),
            FieldSchema("model", .string(.any), "Hardware model, e.g. C891FJ-K9."),
            FieldSchema("software", .string(.any), "Software version, e.g. \"15.4(1)T1\"."),
            FieldSchema(
                "management",
                .object(
                    ObjectSchema(
                        "Management",
                        "How the tool reaches the router.",
                        exactlyOne: [["host", "lab"]],
                        [
                            FieldSchema("host", .string(.any), "Address or name to SSH to."),
                            FieldSchema("lab", .boolean, "true: the local IOS simulator."),
                            FieldSchema("port", .integer(1...65535), "SSH port (default 22)."),
                            FieldSchema("username", .string(.any), required: true, "Login user."),
                            FieldSchema("password", .secret, required: true, "Login password."),
                            FieldSchema(
                                "passwordHash",
                                enumeration(PasswordHash.self),
                                "(addition) How the router stores it: scrypt (type 9, default) or md5 (type 5, IOS before 15.3(3)M)."
                            ),
                            FieldSchema("enableSecret", .secret, "enable secret."),
                            FieldSchema("hostKey", .string(.any), "Pinned SSH host key (\"ssh-rsa AAAA...\")."),
                            FieldSchema("knownHostsFile", .string(.any), "Or a known_hosts file."),
                        ]
                    )
                ),
                required: true,
                "Management access."
            ),
            FieldSchema(
                "system",
                .object(
                    ObjectSchema(
                        "RouterSystem",
                        "Base settings.",
                        [
                            FieldSchema("hostname", .string(.any), required: true, "hostname."),
                            FieldSchema("domainName", .string(.any), "ip domain name."),
                            FieldSchema(
                                "timezone",
                                .object(
                                    ObjectSchema(
                                        "Timezone",
                                        "clock timezone.",
                                        [
                                            FieldSchema("name", .string(.any), required: true, "Zone name, e.g. JST."),
                                            FieldSchema(
                                                "offsetHours",
                                                .integer(-23...23),
                                                required: true,
                                                "Hours from UTC."
                                            ),
                                            FieldSchema(
                                                "offsetMinutes",
                                                .integer(0...59),
                                                "(addition) Minutes (default 0)."
                                            ),
                                        ]
                                    )
                                ),
                                "Time zone."
                            ),
                            FieldSchema(
                                "ntpServers",
                                .list(
                                    .object(
                                        ObjectSchema(
                                            "NtpServer",
                                            "An NTP server.",
                                            [
                                                FieldSchema("address", .address, required: true, "Server address."),
                                                FieldSchema("prefer", .boolean, "prefer (default false)."),
                                            ]
                                        )
                                    )
                                ),
                                "NTP servers."
                            ),
                            FieldSchema("loggingBufferSize", .integer(4096...2_147_483_647), "logging buffered size."),
                            FieldSchema("sshAllowedFrom", prefixes, "Who may SSH in (vty access-class)."),
                        ]
                    )
                ),
                required: true,
                "Base system settings."
            ),
            FieldSchema(
                "wan",
                .object(
                    ObjectSchema(
                        "Wan",
                        "The internet-facing side.",
                        exactlyOne: [["pppoe", "address"]],
                        [
                            FieldSchema(
                                "interface",
                                .string(.any),
                                required: true,
                                "Physical interface, e.g. GigabitEthernet8."
                            ),
                            FieldSchema(
                                "pppoe",
                                .object(
                                    ObjectSchema(
                                        "Pppoe",
                                        "PPPoE dialer.",
                                        [
                                            FieldSchema("dialer", .integer(0...255), required: true, "Dialer number."),
                                            FieldSchema(
                                                "mtu",
                                                .integer(576...1500),
                                                required: true,
                                                "ip mtu (1454 for PPPoE)."
                                            ),
                                            FieldSchema(
                                                "chap",
                                                .object(
                                                    ObjectSchema(
                                                        "Chap",
                                                        "CHAP credentials.",
                                                        [
                                                            FieldSchema(
                                                                "hostname",
                                                                .string(.any),
                                                                required: true,
                                                                "CHAP user."
                                                            ),
                                                            FieldSchema(
                                                                "password",
                                                                .secret,
                                                                required: true,
                                                                "CHAP password."
                                                            ),
                                                        ]
                                                    )
                                                ),
                                                required: true,
                                                "CHAP."
                                            ),
                                        ]
                                    )
                                ),
                                "PPPoE (or address + gateway)."
                            ),
                            FieldSchema("address", .interfaceAddress, "Static address, e.g. 198.51.100.2/30."),
                            FieldSchema("gateway", .address, "Default gateway with a static address."),
                        ]
                    )
                ),
                required: true,
                "WAN."
            ),
            FieldSchema(
                "lan",
                .object(
                    ObjectSchema(
                        "Lan",
                        "The inside interface.",
                        [
                            FieldSchema("interface", .string(.any), required: true, "Interface, e.g. Vlan1."),
                            FieldSchema("address", .interfaceAddress, required: true, "Address, e.g. 192.168.10.1/24."),
                            FieldSchema(
                                "routes",
                                .list(
                                    .object(
                                        ObjectSchema(
                                            "LanRoute",
                                            "A static route to an on-prem prefix through a next hop on the LAN.",
                                            [
                                                FieldSchema(
                                                    "prefix",
                                                    .prefix,
                                                    required: true,
                                                    "On-prem prefix, e.g. 192.168.20.0/24."
                                                ),
                                                FieldSchema(
                                                    "nextHop",
                                                    .address,
                                                    required: true,
                                                    "Next hop on the LAN subnet, e.g. 192.168.10.254 (a core switch)."
                                                ),
                                            ]
                                        )
                                    )
                                ),
                                "(addition) On-prem prefixes behind a LAN next hop (ip route ... NEXT-HOP)."
                            ),
                        ]
                    )
                ),
                required: true,
                "LAN."
            ),
            FieldSchema(
                "nat",
                .object(
                    ObjectSchema(
                        "Nat",
                        "NAT overload.",
                        [FieldSchema("overload", prefixes, "Inside sources translated to the WAN address.")]
                    )
                ),
                "NAT."
            ),
            FieldSchema(
                "tunnel",
                .object(
                    ObjectSchema(
                        "TunnelSettings",
                        "VTI settings.",
                        [
                            FieldSchema("tcpAdjustMss", .integer(500...1460), "ip tcp adjust-mss (default 1350)."),
                            FieldSchema(
                                "interfaceNumber",
                                .integer(0...2_147_483_647),
                                "First Tunnel number (default 1)."
                            ),
                        ]
                    )
                ),
                "Tunnel interface settings."
            ),
            costs,
        ]
    )
}
