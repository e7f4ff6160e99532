internal import Reconciler
internal import Spec

/// An on-premises VPN device as Azure knows it (`Microsoft.Network/localNetworkGateways`): its
/// public address, its prefixes and its BGP peer.
enum LocalNetworkGatewayType: ARMResourceType {
    static let type = "Microsoft.Network/localNetworkGateways"

    static let schema = ResourceTypeSchema(type: type, attributes: [.init("location", forcesReplacement: true)])

    // Code, not a shape: `addressPrefixes` is written as `[]` when the spec has none but reads back as
    // `[]` only when Azure's address space is there, and of Azure's properties only the spec's four
    // read back: a default that differs by direction, and a closed set the declaration cannot say.

    static func arm(_ g: Attributes) -> Attributes {
        var body = common(g)
        var p: Attributes = [:]
        p["localNetworkAddressSpace"] = .map(["addressPrefixes": g["addressPrefixes"] ?? .list([])])
        if let ip = g["gatewayIpAddress"] { p["gatewayIpAddress"] = ip }
        if let fqdn = g["fqdn"] { p["fqdn"] = fqdn }
        if let bgp = g["bgpSettings"] { p["bgpSettings"] = bgp }
        body["properties"] = .map(p)
        return body
    }

    static func graph(_ arm: Attributes, subscription: String) -> Attributes {
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
}
