internal import Spec

/// A resource type's mapping written as code, for what an `ARMShape` declaration cannot say.
///
/// `ARMShape` calls it in place of its converter, so `ARMShape.byType` still lists every
/// type's mapping. Each hook below states which part of its type is beyond the declaration;
/// a new type should be declared, and come here only for the same reasons.
struct ARMMappingCode: Sendable {
    /// The ARM request body of graph attributes.
    var arm: @Sendable (Attributes) -> Attributes
    /// The graph attributes of an ARM body; the subscription is the request's, not the body's.
    var graph: @Sendable (_ arm: Attributes, _ subscription: String) -> Attributes
}

extension ARMMappingCode {
    static func common(_ graph: Attributes) -> Attributes {
        var body: Attributes = [:]
        if let location = graph["location"] { body["location"] = location }
        if let tags = graph["tags"] { body["tags"] = tags }
        return body
    }

    static func common(arm: Attributes) -> Attributes {
        var graph: Attributes = [:]
        if let location = arm["location"] { graph["location"] = location }
        graph["tags"] = arm["tags"] ?? .map([:])
        return graph
    }

    static func properties(_ arm: Attributes) -> Attributes {
        if case .map(let properties)? = arm["properties"] { return properties }
        return [:]
    }

    /// A resource group's body has no `properties` at all, and its read-back takes `name`
    /// from the response's envelope and `subscriptionId` from the request, neither of which
    /// the converter reads.
    static let resourceGroup = ARMMappingCode(
        arm: { common($0) },
        graph: { arm, subscription in
            var g = common(arm: arm)
            g["name"] = arm["name"] ?? .null
            g["subscriptionId"] = .string(subscription)
            return g
        }
    )

    /// Defaults written when the spec omits a field (`Standard`, `Static`, `IPv4`), read back
    /// as null when Azure omits one, and of Azure's properties only these three read back
    /// (the address is an output): the declaration neither defaults nor reads a closed set.
    static let publicIP = ARMMappingCode(
        arm: { g in
            var body = common(g)
            body["sku"] = .map(["name": g["sku"] ?? "Standard"])
            body["properties"] = .map([
                "publicIPAllocationMethod": g["allocationMethod"] ?? "Static",
                "publicIPAddressVersion": g["version"] ?? "IPv4",
            ])
            return body
        },
        graph: { arm, _ in
            var g = common(arm: arm)
            let p = properties(arm)
            if case .map(let sku)? = arm["sku"] { g["sku"] = sku["name"] ?? .null }
            g["allocationMethod"] = p["publicIPAllocationMethod"] ?? .null
            g["version"] = p["publicIPAddressVersion"] ?? .null
            return g
        }
    )

    /// One graph field is written to two (`sku` as the SKU's name and tier), a constant is
    /// added (`privateIPAllocationMethod`), `bgpSettings` reads back only when `enableBgp`
    /// is on (Azure reports ASN 65515 even with BGP off), and the point-to-site settings
    /// rename fields inside a nested object: reads that depend on another field's value.
    static let gateway = ARMMappingCode(
        arm: { g in
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
        },
        graph: { arm, _ in
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
    )

    /// `addressPrefixes` is written as `[]` when the spec has none but reads back as `[]` only
    /// when Azure's address space is there, and of Azure's properties only the spec's four read
    /// back: a default that differs by direction, and a closed set the declaration cannot say.
    static let localNetworkGateway = ARMMappingCode(
        arm: { g in
            var body = common(g)
            var p: Attributes = [:]
            p["localNetworkAddressSpace"] = .map(["addressPrefixes": g["addressPrefixes"] ?? .list([])])
            if let ip = g["gatewayIpAddress"] { p["gatewayIpAddress"] = ip }
            if let fqdn = g["fqdn"] { p["fqdn"] = fqdn }
            if let bgp = g["bgpSettings"] { p["bgpSettings"] = bgp }
            body["properties"] = .map(p)
            return body
        },
        graph: { arm, _ in
            var g = common(arm: arm)
            let p = properties(arm)
            if case .map(let space)? = p["localNetworkAddressSpace"] {
                g["addressPrefixes"] = space["addressPrefixes"] ?? .list([])
            }
            if let ip = p["gatewayIpAddress"] { g["gatewayIpAddress"] = ip }
            if let fqdn = p["fqdn"] { g["fqdn"] = fqdn }
            if case .map(let bgp)? = p["bgpSettings"] {
                g["bgpSettings"] = .map([
                    "asn": bgp["asn"] ?? .null, "bgpPeeringAddress": bgp["bgpPeeringAddress"] ?? .null,
                ])
            }
            return g
        }
    )

    /// Write-only secrets: `sharedKey` is sent but reads back as null (Azure does not list it;
    /// it is compared with the last applied fingerprint) and `authorizationKey` is sent but
    /// never read, and null fields are left out of the body: each direction has fields the
    /// other lacks, where the declaration reads back exactly what it writes.
    static let connection = ARMMappingCode(
        arm: { g in
            var body = common(g)
            var p: Attributes = [:]
            for key in [
                "connectionType", "connectionProtocol", "enableBgp", "usePolicyBasedTrafficSelectors",
                "dpdTimeoutSeconds", "ipsecPolicies", "sharedKey", "routingWeight", "authorizationKey",
            ] {
                if let value = g[key], value != .null { p[key] = value }
            }
            for key in ["virtualNetworkGateway1", "localNetworkGateway2"] where g[key] != nil {
                p[key] = AzureMapping.id(g[key])
            }
            if let peer = g["peer"] { p["peer"] = AzureMapping.id(peer) }
            body["properties"] = .map(p)
            return body
        },
        graph: { arm, _ in
            var g = common(arm: arm)
            let p = properties(arm)
            for key in [
                "connectionType", "connectionProtocol", "enableBgp", "usePolicyBasedTrafficSelectors",
                "dpdTimeoutSeconds", "ipsecPolicies", "routingWeight",
            ] {
                if let value = p[key] { g[key] = value }
            }
            for key in ["virtualNetworkGateway1", "localNetworkGateway2"] where p[key] != nil {
                g[key] = AzureMapping.idOf(p[key])
            }
            if p["peer"] != nil { g["peer"] = AzureMapping.idOf(p["peer"]) }
            g["sharedKey"] = .null  // not readable in a list: compared with the last applied fingerprint
            return g
        }
    )
}
