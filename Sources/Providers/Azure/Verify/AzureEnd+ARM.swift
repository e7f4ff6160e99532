public import Spec
public import Verify

/// Azure's end of a tunnel read from ARM bodies: the Azure provider's facts for verify, and
/// the lab's (which links its routers to the Azure model through the same reading).
extension AzureEnd {
    /// A VNet gateway's connection from ARM bodies: the connection (`properties` as ARM
    /// returns them), its shared key, and `lookup` for the resources it refers to by id.
    public static func vnetConnection(
        name: String,
        _ connection: Attributes,
        sharedKey: String?,
        lookup: (String) -> Attributes?
    ) -> AzureEnd {
        let p = properties(connection)
        let gateway = reference(p["virtualNetworkGateway1"]).flatMap(lookup).map(properties) ?? [:]
        var addresses: [String] = []
        if case .list(let configurations)? = gateway["ipConfigurations"] {
            for item in configurations {
                guard case .map(let configuration) = item,
                    let pip = reference(properties(configuration)["publicIPAddress"]).flatMap(lookup),
                    case .string(let ip)? = properties(pip)["ipAddress"]
                else { continue }
                addresses.append(ip)
            }
        }
        let bgpAddresses = peeringAddresses(gateway)
        let local = reference(p["localNetworkGateway2"]).flatMap(lookup).map(properties)
        var advertised: [String] = []
        if case .list(let configurations)? = gateway["ipConfigurations"], case .map(let first)? = configurations.first,
            let subnet = reference(properties(first)["subnet"])
        {
            let vnet = "/" + subnet.split(separator: "/").dropLast(2).joined(separator: "/")
            if let body = lookup(vnet), case .map(let space)? = properties(body)["addressSpace"],
                case .list(let prefixes)? = space["addressPrefixes"]
            {
                advertised = prefixes.compactMap(\.scalarText)
            }
        }
        var end = AzureEnd(
            connection: name,
            gatewayAddresses: addresses,
            gatewayBGPAddresses: bgpAddresses,
            localAddress: local?["gatewayIpAddress"]?.scalarText,
            sharedKey: sharedKey,
            ikeVersion: p["connectionProtocol"]?.scalarText ?? "IKEv2",
            accepts: crypto(p["ipsecPolicies"]),
            bgp: p["enableBgp"] == true,
            status: p["connectionStatus"]?.scalarText
        )
        end.advertised = advertised
        if case .map(let bgp)? = gateway["bgpSettings"], case .int(let asn)? = bgp["asn"] { end.asn = asn }
        if case .map(let bgp)? = local?["bgpSettings"] { end.siteBGPAddress = bgp["bgpPeeringAddress"]?.scalarText }
        return end
    }

    /// A Virtual WAN hub connection's first link, from ARM bodies (the hub gateway's
    /// instances, the VPN site link's address).
    public static func hubConnection(
        name: String,
        _ connection: Attributes,
        gateway: Attributes?,
        lookup: (String) -> Attributes?
    ) -> AzureEnd {
        let p = properties(connection)
        var link: Attributes = [:]
        if case .list(let links)? = p["vpnLinkConnections"], case .map(let first)? = links.first {
            link = properties(first)
        }
        let g = gateway.map(properties) ?? [:]
        var addresses: [String] = []
        if case .list(let configurations)? = g["ipConfigurations"] {
            addresses = configurations.compactMap { item in
                if case .map(let m) = item { m["publicIpAddress"]?.scalarText } else { nil }
            }
        }
        let bgpAddresses = peeringAddresses(g)
        var local: String?
        var siteBGP: String?
        if let site = reference(p["remoteVpnSite"]).flatMap(lookup).map(properties),
            case .list(let siteLinks)? = site["vpnSiteLinks"], case .map(let first)? = siteLinks.first
        {
            local = properties(first)["ipAddress"]?.scalarText
            if case .map(let bgp)? = properties(first)["bgpProperties"] {
                siteBGP = bgp["bgpPeeringAddress"]?.scalarText
            }
        }
        let hub = reference(g["virtualHub"]).flatMap(lookup).map(properties)
        var end = AzureEnd(
            connection: name,
            gatewayAddresses: addresses,
            gatewayBGPAddresses: bgpAddresses,
            localAddress: local,
            sharedKey: link["sharedKey"]?.scalarText,
            ikeVersion: link["vpnConnectionProtocolType"]?.scalarText ?? "IKEv2",
            accepts: crypto(link["ipsecPolicies"]),
            bgp: link["enableBgp"] == true,
            status: (link["connectionStatus"] ?? p["connectionStatus"])?.scalarText
        )
        end.advertised = hub?["addressPrefix"]?.scalarText.map { [$0] } ?? []
        end.siteBGPAddress = siteBGP
        return end
    }

    /// A gateway's BGP addresses (`bgpSettings.bgpPeeringAddress`, comma-separated per instance).
    public static func peeringAddresses(_ gateway: Attributes) -> [String] {
        guard case .map(let bgp)? = gateway["bgpSettings"], case .string(let text)? = bgp["bgpPeeringAddress"] else {
            return []
        }
        return text.split(separator: ",").map(String.init)
    }

    static func properties(_ body: Attributes) -> Attributes {
        if case .map(let p)? = body["properties"] { return p }
        return body
    }

    static func reference(_ value: Value?) -> String? {
        if case .map(let m)? = value { return m["id"]?.scalarText }
        return value?.scalarText
    }

    /// What the connection accepts: its first ipsecPolicy, or the gateway's default proposals.
    static func crypto(_ value: Value?) -> IpsecProposals {
        guard case .list(let policies)? = value, case .map(let first)? = policies.first else { return .azureDefault }
        var fields: [String: String] = [:]
        for entry in first { if let text = entry.value.scalarText { fields[entry.key] = text } }
        let seconds = Int(fields["saLifeTimeSeconds"] ?? "") ?? IpsecPolicy.azureSALifetimeSeconds
        let kilobytes = Int(fields["saDataSizeKilobytes"] ?? "") ?? IpsecPolicy.azureSADataSizeKilobytes
        return IpsecPolicy(arm: fields, lifetimeSeconds: seconds, kilobytes: kilobytes).map(IpsecProposals.init)
            ?? .azureDefault
    }
}

extension IpsecProposals {
    /// What Azure's default proposals accept ("Default IPsec/IKE parameters"), which is also what
    /// the seed's 891FJ used: IKEv2 AES-CBC 256/128 + 3DES, SHA1, DH group 2; ESP AES-256 +
    /// SHA1-HMAC, no PFS.
    ///
    /// A connection with no ipsecPolicy (on a Basic gateway, which takes no custom one) gets
    /// these: verify compares a router against them, and a router's lowering offers them
    /// (`AzureLowering.defaultProposals`).
    public static let azureDefault = IpsecProposals(
        ikeEncryption: [.aes256, .aes128, .des3],
        ikeIntegrity: [.sha1],
        dhGroups: [.group2],
        ipsecEncryption: [.aes256],
        ipsecIntegrity: [.sha1]
    )
}
