internal import Reconciler
internal import Spec

/// A VNet gateway's connection (`Microsoft.Network/connections`): site-to-site to a local network
/// gateway, or ExpressRoute to a circuit's peering.
enum GatewayConnectionType: ARMResourceType {
    static let type = "Microsoft.Network/connections"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("location", forcesReplacement: true), .init("connectionType", forcesReplacement: true),
            .init("connectionProtocol", forcesReplacement: true),
            .init("virtualNetworkGateway1", forcesReplacement: true), .init("sharedKey", sensitive: true),
        ],
        outputs: ["id", "connectionStatus"]
    )

    // Code, not a shape, for write-only secrets: `sharedKey` is sent but reads back as null (Azure does
    // not list it; it is compared with the last applied fingerprint) and `authorizationKey` is sent
    // but never read, and null fields are left out of the body: each direction has fields the other
    // lacks, where the declaration reads back exactly what it writes.

    static func arm(_ g: Attributes) -> Attributes {
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
    }

    static func graph(_ arm: Attributes, subscription: String) -> Attributes {
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
}
