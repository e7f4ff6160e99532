internal import Reconciler
internal import Spec

/// A VNet's VPN or ExpressRoute gateway (`Microsoft.Network/virtualNetworkGateways`).
enum VirtualNetworkGatewayType: ARMResourceType {
    static let type = "Microsoft.Network/virtualNetworkGateways"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("location", forcesReplacement: true), .init("gatewayType", forcesReplacement: true),
            .init("vpnType", forcesReplacement: true),
        ],
        // An active-active gateway's instances: `bgpPeeringAddress0`, `bgpPeeringAddress1`.
        outputs: ["id", "bgpPeeringAddress", "bgpPeeringAddress0", "bgpPeeringAddress1"]
    )

    // Code, not a shape: one graph field is written to two (`sku` as the SKU's name and tier), a
    // constant is added (`privateIPAllocationMethod`), `bgpSettings` reads back only when `enableBgp`
    // is on (Azure reports ASN 65515 even with BGP off), and the point-to-site settings rename fields
    // inside a nested object: reads that depend on another field's value.

    static func arm(_ g: Attributes) -> Attributes {
        var body = common(g)
        var p: Attributes = [:]
        p["gatewayType"] = g["gatewayType"] ?? "Vpn"
        p["vpnType"] = g["vpnType"] ?? "RouteBased"
        p["sku"] = .map(["name": g["sku"] ?? .null, "tier": g["sku"] ?? .null])
        p["activeActive"] = g["activeActive"] ?? false
        p["enableBgp"] = g["enableBgp"] ?? false
        if let bgp = g["bgpSettings"] { p["bgpSettings"] = bgp }
        if let site = g["gatewayDefaultSite"] { p["gatewayDefaultSite"] = AzureMapping.id(site) }
        if case .map(let vpn)? = g["vpnClientConfiguration"] {
            var roots: [Value] = []
            if case .list(let certificates)? = vpn["rootCertificates"] {
                roots = certificates.map { certificate in
                    guard case .map(let c) = certificate else { return certificate }
                    return .map([
                        "name": c["name"] ?? .null,
                        "properties": .map(["publicCertData": c["publicCertData"] ?? .null]),
                    ])
                }
            }
            p["vpnClientConfiguration"] = .map([
                "vpnClientAddressPool": .map(["addressPrefixes": vpn["addressPool"] ?? .list([])]),
                "vpnClientProtocols": vpn["protocols"] ?? .list([]),
                "vpnClientRootCertificates": .list(roots),
            ])
        }
        if case .list(let configurations)? = g["ipConfigurations"] {
            p["ipConfigurations"] = .list(
                configurations.map { item in
                    guard case .map(let c) = item else { return item }
                    var cp: Attributes = ["privateIPAllocationMethod": "Dynamic"]
                    if let subnet = c["subnet"] { cp["subnet"] = AzureMapping.subnetReference(subnet) }
                    if let pip = c["publicIPAddress"] { cp["publicIPAddress"] = AzureMapping.id(pip) }
                    return .map(["name": c["name"] ?? .null, "properties": .map(cp)])
                }
            )
        }
        body["properties"] = .map(p)
        return body
    }

    static func graph(_ arm: Attributes, subscription: String) -> Attributes {
        var g = common(arm: arm)
        let p = properties(arm)
        for key in ["gatewayType", "vpnType", "activeActive", "enableBgp"] { g[key] = p[key] ?? .null }
        if case .map(let sku)? = p["sku"] { g["sku"] = sku["name"] ?? .null }
        if p["enableBgp"] == true, case .map(let bgp)? = p["bgpSettings"] {
            g["bgpSettings"] = .map([
                "asn": bgp["asn"] ?? .null, "customBgpIpAddresses": bgp["customBgpIpAddresses"] ?? .list([]),
            ])
        }
        if let site = p["gatewayDefaultSite"], site != .null { g["gatewayDefaultSite"] = AzureMapping.idOf(site) }
        if case .map(let vpn)? = p["vpnClientConfiguration"] {
            var pool: Value = .list([])
            if case .map(let addressPool)? = vpn["vpnClientAddressPool"] {
                pool = addressPool["addressPrefixes"] ?? .list([])
            }
            var roots: [Value] = []
            if case .list(let certificates)? = vpn["vpnClientRootCertificates"] {
                roots = certificates.map { certificate in
                    guard case .map(let c) = certificate, case .map(let cp)? = c["properties"] else {
                        return certificate
                    }
                    return .map(["name": c["name"] ?? .null, "publicCertData": cp["publicCertData"] ?? .null])
                }
            }
            g["vpnClientConfiguration"] = .map([
                "addressPool": pool, "protocols": vpn["vpnClientProtocols"] ?? .list([]),
                "rootCertificates": .list(roots),
            ])
        }
        if case .list(let configurations)? = p["ipConfigurations"] {
            g["ipConfigurations"] = .list(
                configurations.map { item in
                    guard case .map(let c) = item, case .map(let cp)? = c["properties"] else { return item }
                    var config: Attributes = ["name": c["name"] ?? .null]
                    if let subnet = cp["subnet"] { config["subnet"] = AzureMapping.subnetFromReference(subnet) }
                    if cp["publicIPAddress"] != nil {
                        config["publicIPAddress"] = AzureMapping.idOf(cp["publicIPAddress"])
                    }
                    return .map(config)
                }
            )
        }
        return g
    }
}
