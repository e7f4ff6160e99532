extension Validator {
    mutating func checkConnections() {
        for c in topology.vpnConnections {
            let site = topology.sites[c.spec.site]
            if let gw = topology.gateways[c.spec.gateway] {
                if gw.spec.gatewayType != .vpn {
                    error(
                        .gatewayType,
                        "VpnConnection '\(c.name)' needs a Vpn gateway; '\(gw.name)' is \(gw.spec.gatewayType.rawValue)",
                        at: c.at("gateway")
                    )
                }
                if c.spec.routing == .bgp {
                    if gw.spec.vpnType == .policyBased {
                        error(
                            .gatewayBgpRouteBased,
                            "routing: Bgp needs a RouteBased gateway; '\(gw.name)' is PolicyBased",
                            at: c.at("routing")
                        )
                    } else if gw.spec.bgp == nil {
                        error(
                            .connectionBgp,
                            "routing: Bgp, but gateway '\(gw.name)' has no bgp settings",
                            at: c.at("routing"),
                            hint: "add bgp: {asn: 65515} to the gateway"
                        )
                    }
                }
            }
            if c.spec.routing == .bgp, let site, site.spec.bgp == nil {
                error(
                    .connectionBgp,
                    "routing: Bgp, but site '\(site.name)' has no bgp settings",
                    at: c.at("routing"),
                    hint: "add bgp: {asn: ..., peeringAddress: ...} to the site"
                )
            }
            if c.spec.routing == .staticRoutes, let site, site.spec.addressSpace.isEmpty {
                error(
                    .siteAddress,
                    "static routing needs the address space of site '\(site.name)', which is empty",
                    at: c.at("site"),
                    hint: "list the on-prem prefixes in the site's addressSpace, or use routing: Bgp"
                )
            }
            if c.spec.usePolicyBasedTrafficSelectors && c.spec.ipsecPolicy == nil {
                error(
                    .ipsecPolicy,
                    "usePolicyBasedTrafficSelectors needs an ipsecPolicy",
                    at: c.at("usePolicyBasedTrafficSelectors")
                )
            }
            if let policy = c.spec.ipsecPolicy {
                checkPolicy(policy, of: c.meta, connectionProtocol: c.spec.protocol)
            }
        }
        for c in topology.hubVpnConnections {
            if c.spec.bgp, let site = topology.sites[c.spec.site], site.spec.bgp == nil {
                error(
                    .connectionBgp,
                    "bgp: true, but site '\(site.name)' has no bgp settings",
                    at: c.at("bgp"),
                    hint: "add bgp: {asn: ..., peeringAddress: ...} to the site"
                )
            }
            if !c.spec.bgp, let site = topology.sites[c.spec.site], site.spec.addressSpace.isEmpty {
                error(
                    .siteAddress,
                    "a hub connection without BGP needs the address space of site '\(site.name)', which is empty",
                    at: c.at("site")
                )
            }
            if let policy = c.spec.ipsecPolicy {
                checkPolicy(policy, of: c.meta, connectionProtocol: c.spec.protocol)
            }
        }
        for c in topology.expressRouteConnections {
            if let gw = topology.gateways[c.spec.gateway] {
                if gw.spec.gatewayType != .expressRoute {
                    error(
                        .gatewayType,
                        "ExpressRouteConnection '\(c.name)' needs an ExpressRoute gateway; '\(gw.name)' is \(gw.spec.gatewayType.rawValue)",
                        at: c.at("gateway")
                    )
                }
                if c.spec.propagateDefaultRoute != nil {
                    error(
                        .propagateDefaultRouteScope,
                        "propagateDefaultRoute applies to Virtual WAN hubs only; '\(gw.name)' is a VNet gateway",
                        at: c.at("propagateDefaultRoute"),
                        hint:
                            "an ExpressRoute gateway in a VNet passes 0.0.0.0/0 learned from a Route Server as is; remove the field"
                    )
                }
            }
        }
    }

    /// Azure's rules for a custom IPsec policy, and what the router's IOS can do with it.
    private mutating func checkPolicy(_ p: IpsecPolicy, of meta: ObjectMeta, connectionProtocol: ConnectionProtocol) {
        func at(_ field: String) -> SourceLocation { meta.location(["spec", "ipsecPolicy", .key(field)]) }
        if p.ipsecEncryption.isGCM && p.ipsecEncryption.rawValue != p.ipsecIntegrity.rawValue {
            error(
                .ipsecPolicy,
                "ipsecEncryption \(p.ipsecEncryption.rawValue) needs ipsecIntegrity \(p.ipsecEncryption.rawValue), not \(p.ipsecIntegrity.rawValue)",
                at: at("ipsecIntegrity"),
                hint: "GCM both encrypts and authenticates: Azure requires the same GCMAES value for both"
            )
        }
        if p.ipsecIntegrity.isGCM && !p.ipsecEncryption.isGCM {
            error(
                .ipsecPolicy,
                "ipsecIntegrity \(p.ipsecIntegrity.rawValue) needs the same GCMAES ipsecEncryption",
                at: at("ipsecEncryption")
            )
        }
        if p.ikeIntegrity.isGCM && p.ikeEncryption.rawValue != p.ikeIntegrity.rawValue {
            error(
                .ipsecPolicy,
                "ikeIntegrity \(p.ikeIntegrity.rawValue) needs ikeEncryption \(p.ikeIntegrity.rawValue)",
                at: at("ikeEncryption")
            )
        }
        checkStrength(p, at: at)
        // What the on-prem router must also do: these need the device side too.
        guard let device = deviceOfConnection(meta) else { return }
        if p.dhGroup == .none {
            error(
                .deviceIpsecUnsupported,
                "dhGroup None: router '\(device)' needs a Diffie-Hellman group for IKE",
                at: at("dhGroup"),
                hint: "use DHGroup14 (or ECP256/ECP384)"
            )
        }
        if connectionProtocol == .ikev1 && p.ikeEncryption.isGCM {
            error(
                .deviceIpsecUnsupported,
                "router '\(device)' cannot use \(p.ikeEncryption.rawValue) with IKEv1 (ISAKMP has no AES-GCM)",
                at: at("ikeEncryption"),
                hint: "use protocol: IKEv2, or AES256 for IKEv1"
            )
        }
    }

    /// The CiscoRouter that terminates a connection, when its site names one.
    func deviceOfConnection(_ meta: ObjectMeta) -> String? {
        let siteName: String?
        switch meta.kind {
        case .vpnConnection: siteName = topology.vpnConnections[meta.name]?.spec.site
        case .hubVpnConnection: siteName = topology.hubVpnConnections[meta.name]?.spec.site
        default: siteName = nil
        }
        guard let siteName, let device = topology.sites[siteName]?.spec.device, topology.routers[device] != nil else {
            return nil
        }
        return device
    }
}
