public import Spec

/// Graph attributes to ARM bodies and back.
///
/// Each mapping inverts exactly, so a freshly applied spec plans clean; Azure's defaults and read-only fields are
/// dropped on the way back (no perpetual diffs).
public enum AzureMapping {
    static func id(_ value: Value?) -> Value { value.map { .map(["id": $0]) } ?? .null }

    static func idOf(_ value: Value?) -> Value {
        if case .map(let m)? = value, let id = m["id"] { return id }
        return .null
    }

    /// `{virtualNetwork: vnetId, name: "GatewaySubnet"}` → `{"id": "vnetId/subnets/GatewaySubnet"}`.
    static func subnetReference(_ value: Value) -> Value {
        guard case .map(let subnet) = value, case .string(let vnet)? = subnet["virtualNetwork"],
            case .string(let name)? = subnet["name"]
        else { return value }
        return .map(["id": .string("\(vnet)/subnets/\(name)")])
    }

    /// The inverse of `subnetReference`.
    static func subnetFromReference(_ value: Value) -> Value {
        guard case .string(let id) = idOf(value) else { return value }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        return .map([
            "virtualNetwork": .string(parts.dropLast(2).joined(separator: "/")),
            "name": .string(String(parts.last ?? "")),
        ])
    }

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

    /// The ARM request body for a resource.
    public static func arm(type: String, graph g: Attributes) -> Attributes {
        var body = common(g)
        var p: Attributes = [:]
        switch type {
        case AzureTypes.resourceGroup:
            return body
        case AzureTypes.virtualNetwork:
            p["addressSpace"] = .map(["addressPrefixes": g["addressPrefixes"] ?? .list([])])
            p["dhcpOptions"] = .map(["dnsServers": g["dnsServers"] ?? .list([])])
            if case .list(let subnets)? = g["subnets"] {
                p["subnets"] = .list(
                    subnets.map { subnet in
                        guard case .map(let s) = subnet else { return subnet }
                        var sp: Attributes = ["addressPrefix": s["addressPrefix"] ?? .null]
                        if let table = s["routeTable"], table != .null { sp["routeTable"] = id(table) }
                        return .map(["name": s["name"] ?? .null, "properties": .map(sp)])
                    }
                )
            }
        case AzureTypes.publicIP:
            body["sku"] = .map(["name": g["sku"] ?? "Standard"])
            p["publicIPAllocationMethod"] = g["allocationMethod"] ?? "Static"
            p["publicIPAddressVersion"] = g["version"] ?? "IPv4"
        case AzureTypes.gateway:
            p["gatewayType"] = g["gatewayType"] ?? "Vpn"
            p["vpnType"] = g["vpnType"] ?? "RouteBased"
            p["sku"] = .map(["name": g["sku"] ?? .null, "tier": g["sku"] ?? .null])
            p["activeActive"] = g["activeActive"] ?? false
            p["enableBgp"] = g["enableBgp"] ?? false
            if let bgp = g["bgpSettings"] { p["bgpSettings"] = bgp }
            if let site = g["gatewayDefaultSite"] { p["gatewayDefaultSite"] = id(site) }
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
                        if let subnet = c["subnet"] { cp["subnet"] = subnetReference(subnet) }
                        if let pip = c["publicIPAddress"] { cp["publicIPAddress"] = id(pip) }
                        return .map(["name": c["name"] ?? .null, "properties": .map(cp)])
                    }
                )
            }
        case AzureTypes.localNetworkGateway:
            p["localNetworkAddressSpace"] = .map(["addressPrefixes": g["addressPrefixes"] ?? .list([])])
            if let ip = g["gatewayIpAddress"] { p["gatewayIpAddress"] = ip }
            if let fqdn = g["fqdn"] { p["fqdn"] = fqdn }
            if let bgp = g["bgpSettings"] { p["bgpSettings"] = bgp }
        case AzureTypes.connection:
            for key in [
                "connectionType", "connectionProtocol", "enableBgp", "usePolicyBasedTrafficSelectors",
                "dpdTimeoutSeconds",
                "ipsecPolicies", "sharedKey", "routingWeight", "authorizationKey",
            ] {
                if let value = g[key], value != .null { p[key] = value }
            }
            for key in ["virtualNetworkGateway1", "localNetworkGateway2"] where g[key] != nil { p[key] = id(g[key]) }
            if let peer = g["peer"] { p["peer"] = id(peer) }
        default:
            // The other types are declared, not coded (ARMShape).
            return (ARMShape.byType[type] ?? ARMShape()).arm(g, child: type.split(separator: "/").count > 2)
        }
        body["properties"] = .map(p)
        return body
    }

    /// The graph attributes of what ARM returned.
    public static func graph(type: String, arm: Attributes, subscription: String, group: String) -> Attributes {
        var g = common(arm: arm)
        var p: Attributes = [:]
        if case .map(let properties)? = arm["properties"] { p = properties }
        switch type {
        case AzureTypes.resourceGroup:
            g["name"] = arm["name"] ?? .null
            g["subscriptionId"] = .string(subscription)
        case AzureTypes.virtualNetwork:
            if case .map(let space)? = p["addressSpace"] {
                g["addressPrefixes"] = space["addressPrefixes"] ?? .list([])
            }
            if case .map(let dhcp)? = p["dhcpOptions"] {
                g["dnsServers"] = dhcp["dnsServers"] ?? .list([])
            } else {
                g["dnsServers"] = .list([])
            }
            if case .list(let subnets)? = p["subnets"] {
                g["subnets"] = .list(
                    subnets.map { subnet in
                        guard case .map(let s) = subnet, case .map(let sp)? = s["properties"] else { return subnet }
                        return .map([
                            "name": s["name"] ?? .null, "addressPrefix": sp["addressPrefix"] ?? .null,
                            "routeTable": idOf(sp["routeTable"]),
                        ])
                    }
                )
            }
        case AzureTypes.publicIP:
            if case .map(let sku)? = arm["sku"] { g["sku"] = sku["name"] ?? .null }
            g["allocationMethod"] = p["publicIPAllocationMethod"] ?? .null
            g["version"] = p["publicIPAddressVersion"] ?? .null
        case AzureTypes.gateway:
            for key in ["gatewayType", "vpnType", "activeActive", "enableBgp"] { g[key] = p[key] ?? .null }
            if case .map(let sku)? = p["sku"] { g["sku"] = sku["name"] ?? .null }
            // Azure reports BGP settings (ASN 65515) even with BGP off: only compare them when on.
            if p["enableBgp"] == true, case .map(let bgp)? = p["bgpSettings"] {
                g["bgpSettings"] = .map([
                    "asn": bgp["asn"] ?? .null, "customBgpIpAddresses": bgp["customBgpIpAddresses"] ?? .list([]),
                ])
            }
            if let site = p["gatewayDefaultSite"], site != .null { g["gatewayDefaultSite"] = idOf(site) }
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
                        if let subnet = cp["subnet"] { config["subnet"] = subnetFromReference(subnet) }
                        if cp["publicIPAddress"] != nil { config["publicIPAddress"] = idOf(cp["publicIPAddress"]) }
                        return .map(config)
                    }
                )
            }
        case AzureTypes.localNetworkGateway:
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
        case AzureTypes.connection:
            for key in [
                "connectionType", "connectionProtocol", "enableBgp", "usePolicyBasedTrafficSelectors",
                "dpdTimeoutSeconds",
                "ipsecPolicies", "routingWeight",
            ] {
                if let value = p[key] { g[key] = value }
            }
            for key in ["virtualNetworkGateway1", "localNetworkGateway2"] where p[key] != nil { g[key] = idOf(p[key]) }
            if p["peer"] != nil { g["peer"] = idOf(p["peer"]) }
            g["sharedKey"] = .null  // not readable in a list: compared with the last applied fingerprint
        case "Microsoft.Network/vpnGateways":
            // Azure fills in the instances' addresses; of the BGP settings, the ASN is the spec's.
            // The connections listed inline are the gateway's vpnConnections, each a resource of its own.
            g = (ARMShape.byType[type] ?? ARMShape()).graph(arm, child: false)
            g["ipConfigurations"] = nil
            g["connections"] = nil
            if case .map(let bgp)? = g["bgpSettings"] { g["bgpSettings"] = .map(["asn": bgp["asn"] ?? .null]) }
        default:
            return (ARMShape.byType[type] ?? ARMShape()).graph(arm, child: type.split(separator: "/").count > 2)
        }
        return g
    }

    /// Outputs dependants may reference.
    public static func outputs(type: String, arm: Attributes) -> Attributes {
        var outputs: Attributes = ["id": arm["id"] ?? .null]
        guard case .map(let p)? = arm["properties"] else { return outputs }
        if let ip = p["ipAddress"] { outputs["ipAddress"] = ip }
        if case .map(let bgp)? = p["bgpSettings"], let address = bgp["bgpPeeringAddress"] {
            outputs["bgpPeeringAddress"] = address
        }
        if let status = p["connectionStatus"] { outputs["connectionStatus"] = status }
        // A hub VPN gateway's two instances: `publicIpAddress0`, `bgpPeeringAddress0`, ...
        if case .list(let configurations)? = p["ipConfigurations"] {
            for (index, item) in configurations.enumerated() {
                if case .map(let m) = item, let ip = m["publicIpAddress"] { outputs["publicIpAddress\(index)"] = ip }
            }
        }
        if case .map(let bgp)? = p["bgpSettings"], case .list(let peerings)? = bgp["bgpPeeringAddresses"] {
            for (index, item) in peerings.enumerated() {
                if case .map(let m) = item, case .list(let addresses)? = m["defaultBgpIpAddresses"],
                    let first = addresses.first
                {
                    outputs["bgpPeeringAddress\(index)"] = first
                }
            }
        }
        return outputs
    }
}
