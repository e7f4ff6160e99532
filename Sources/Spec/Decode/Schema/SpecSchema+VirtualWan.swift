/// The Virtual WAN kinds: the WAN, its hubs and their VPN connections.
extension SpecSchema {
    static let virtualWan = ObjectSchema(
        "VirtualWanSpec",
        "A Virtual WAN.",
        [
            FieldSchema("type", enumeration(VirtualWanType.self), "Standard (default) or Basic."),
            FieldSchema("allowBranchToBranchTraffic", .boolean, "Branch-to-branch (default true)."),
        ]
    )

    static let virtualHub = ObjectSchema(
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
    )

    static let hubVpnConnection = ObjectSchema(
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
    )
}
