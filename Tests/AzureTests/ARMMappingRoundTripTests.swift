import Azure
import Spec
import Testing

/// Every type the provider maps reads back what it wrote: attributes → ARM body → attributes is
/// the identity, so a type's two directions cannot disagree (which would plan a change forever).
@Suite("the Azure mapping's round trip")
struct ARMMappingRoundTripTests {
    static let network = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network"

    /// A resource's id as ARM gives it: each collection of the type followed by a name.
    static func id(of type: String) -> String {
        if type == AzureTypes.resourceGroup { return "/subscriptions/s/resourceGroups/rg" }
        let collections = type.split(separator: "/").dropFirst()
        let names = collections.indices.map { $0 == collections.indices.last ? "r" : "p" }
        return "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network"
            + zip(collections, names).map { "/\($0)/\($1)" }.joined()
    }

    /// The id of a child type's parent, which its parent field holds.
    static func parent(of type: String) -> Value {
        .string(id(of: type).split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/"))
    }

    static let top: Attributes = ["location": "japaneast", "tags": .map(["env": "lab"])]

    static func resource(_ fields: Attributes) -> Attributes {
        var attributes = top
        for entry in fields { attributes[entry.key] = entry.value }
        return attributes
    }

    /// A representative attribute set per type, as lowering makes them, and what Azure adds
    /// to the body on its own (read-only fields, which must not read back).
    static let samples: [String: (attributes: Attributes, azure: Attributes)] = [
        AzureTypes.resourceGroup: (resource(["name": "rg", "subscriptionId": "s"]), [:]),
        AzureTypes.virtualNetwork: (
            resource([
                "addressPrefixes": .list(["10.0.0.0/16"]), "dnsServers": .list([]),
                "subnets": .list([
                    .map(["name": "GatewaySubnet", "addressPrefix": "10.0.255.0/27", "routeTable": .null]),
                    .map([
                        "name": "app", "addressPrefix": "10.0.1.0/24",
                        "routeTable": .string(network + "/routeTables/t"),
                    ]),
                ]),
            ]),
            ["provisioningState": "Succeeded"]
        ),
        AzureTypes.publicIP: (
            resource(["sku": "Standard", "allocationMethod": "Static", "version": "IPv4"]),
            ["ipAddress": "20.1.2.3", "provisioningState": "Succeeded"]
        ),
        AzureTypes.gateway: (
            resource([
                "gatewayType": "Vpn", "vpnType": "RouteBased", "sku": "VpnGw1", "activeActive": false,
                "enableBgp": true,
                "bgpSettings": .map(["asn": 65515, "customBgpIpAddresses": .list([])]),
                "gatewayDefaultSite": .string(network + "/localNetworkGateways/site"),
                "vpnClientConfiguration": .map([
                    "addressPool": .list(["172.16.0.0/24"]), "protocols": .list(["OpenVPN"]),
                    "rootCertificates": .list([.map(["name": "root", "publicCertData": "MIIB"])]),
                ]),
                "ipConfigurations": .list([
                    .map([
                        "name": "ipconfig1",
                        "subnet": .map([
                            "virtualNetwork": .string(network + "/virtualNetworks/v"), "name": "GatewaySubnet",
                        ]),
                        "publicIPAddress": .string(network + "/publicIPAddresses/pip"),
                    ])
                ]),
            ]),
            ["provisioningState": "Succeeded"]
        ),
        AzureTypes.localNetworkGateway: (
            resource([
                "addressPrefixes": .list(["192.168.0.0/24"]), "gatewayIpAddress": "203.0.113.1",
                "bgpSettings": .map(["asn": 65010, "bgpPeeringAddress": "192.168.0.1"]),
            ]),
            ["provisioningState": "Succeeded"]
        ),
        AzureTypes.connection: (
            resource([
                "connectionType": "IPsec", "connectionProtocol": "IKEv2", "enableBgp": true,
                "usePolicyBasedTrafficSelectors": false, "dpdTimeoutSeconds": 45, "ipsecPolicies": .list([]),
                "virtualNetworkGateway1": .string(network + "/virtualNetworkGateways/gw"),
                "localNetworkGateway2": .string(network + "/localNetworkGateways/site"),
                // Not listed by Azure: it reads back unknown and is compared by fingerprint.
                "sharedKey": .null,
            ]),
            ["connectionStatus": "Connected"]
        ),
        "Microsoft.Network/routeTables": (
            resource([
                "disableBgpRoutePropagation": false,
                "routes": .list([
                    .map([
                        "name": "default", "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
                        "nextHopIpAddress": "10.0.2.4",
                    ])
                ]),
            ]),
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/virtualWans": (
            resource(["type": "Standard", "allowBranchToBranchTraffic": true]),
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/virtualHubs": (
            resource([
                "virtualWan": .string(network + "/virtualWans/wan"), "addressPrefix": "10.100.0.0/23",
                "sku": "Standard", "hubRoutingPreference": "ExpressRoute",
            ]),
            ["routingState": "Provisioned", "virtualRouterAsn": 65515]
        ),
        "Microsoft.Network/azureFirewalls": (
            resource([
                "sku": .map(["name": "AZFW_Hub", "tier": "Standard"]),
                "virtualHub": .string(network + "/virtualHubs/hub"), "publicIPCount": 1,
            ]),
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/virtualHubs/routingIntent": (
            [
                "routingPolicies": .list([
                    .map([
                        "name": "InternetTraffic", "destinations": .list(["Internet"]),
                        "nextHop": .string(network + "/azureFirewalls/fw"),
                    ])
                ]),
                "virtualHub": parent(of: "Microsoft.Network/virtualHubs/routingIntent"),
            ],
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/vpnGateways": (
            resource([
                "virtualHub": .string(network + "/virtualHubs/hub"), "vpnGatewayScaleUnit": 1,
                "bgpSettings": .map(["asn": 65515]),
            ]),
            // Azure's additions to the BGP settings are merged in by `roundTrip`.
            [
                "ipConfigurations": .list([.map(["id": "Instance0", "publicIpAddress": "20.0.0.1"])]),
                "connections": .list([]),
            ]
        ),
        "Microsoft.Network/expressRouteGateways": (
            resource(["virtualHub": .string(network + "/virtualHubs/hub"), "autoScaleMinBounds": 1]),
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/vpnSites": (
            resource([
                "virtualWan": .string(network + "/virtualWans/wan"), "addressPrefixes": .list(["192.168.0.0/24"]),
                "deviceVendor": "Cisco",
                "vpnSiteLinks": .list([
                    .map([
                        "name": "site-link", "ipAddress": "203.0.113.1",
                        "bgpProperties": .map(["asn": 65010, "bgpPeeringAddress": "192.168.0.1"]),
                    ])
                ]),
            ]),
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/vpnGateways/vpnConnections": (
            [
                "vpnGateway": parent(of: "Microsoft.Network/vpnGateways/vpnConnections"),
                "remoteVpnSite": .string(network + "/vpnSites/site"), "enableInternetSecurity": true,
                "vpnLinkConnections": .list([
                    .map([
                        "name": "site-link", "sharedKey": "k", "enableBgp": true,
                        "vpnConnectionProtocolType": "IKEv2", "ipsecPolicies": .list([]),
                    ])
                ]),
            ],
            ["connectionStatus": "Connected"]
        ),
        "Microsoft.Network/expressRouteGateways/expressRouteConnections": (
            [
                "expressRouteGateway": parent(of: "Microsoft.Network/expressRouteGateways/expressRouteConnections"),
                "expressRouteCircuitPeering": "/subscriptions/c/circuits/er/peerings/AzurePrivatePeering",
                "authorizationKey": .null, "enableInternetSecurity": false, "routingWeight": 0,
            ],
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections": (
            [
                "virtualHub": parent(of: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections"),
                "remoteVirtualNetwork": .string(network + "/virtualNetworks/v"), "enableInternetSecurity": true,
            ],
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/virtualHubs/ipConfigurations": (
            [
                "virtualHub": parent(of: "Microsoft.Network/virtualHubs/ipConfigurations"),
                "subnet": .map(["virtualNetwork": .string(network + "/virtualNetworks/v"), "name": "RouteServerSubnet"]
                ),
                "publicIPAddress": .string(network + "/publicIPAddresses/pip"),
            ],
            ["provisioningState": "Succeeded"]
        ),
        "Microsoft.Network/virtualHubs/bgpConnections": (
            [
                "virtualHub": parent(of: "Microsoft.Network/virtualHubs/bgpConnections"), "peerIp": "10.0.2.4",
                "peerAsn": 65020,
            ],
            ["provisioningState": "Succeeded"]
        ),
    ]

    @Test("every mapped type has a sample here, so a new type is round-tripped too")
    func everyTypeHasASample() {
        #expect(AzureMapping.types == Self.samples.keys.sorted())
    }

    @Test("attributes → ARM body → attributes is the identity", arguments: AzureMapping.types)
    func roundTrip(type: String) throws {
        let sample = try #require(Self.samples[type], "no sample for \(type)")
        var body = AzureMapping.arm(type: type, graph: sample.attributes)
        // What ARM answers: the body, its id and name, and the fields Azure sets.
        let id = Self.id(of: type)
        body["id"] = .string(id)
        body["name"] = .string(String(id.split(separator: "/").last ?? ""))
        if case .map(var properties)? = body["properties"] {
            for entry in sample.azure { properties[entry.key] = entry.value }
            if case .map(var bgp)? = properties["bgpSettings"] {
                bgp["bgpPeeringAddresses"] = .list([.map(["defaultBgpIpAddresses": .list(["10.100.0.12"])])])
                bgp["peerWeight"] = 0
                if type != AzureTypes.localNetworkGateway { bgp["bgpPeeringAddress"] = "10.100.0.12" }
                properties["bgpSettings"] = .map(bgp)
            }
            body["properties"] = .map(properties)
        }
        let back = AzureMapping.graph(type: type, arm: body, subscription: "s", group: "rg")
        #expect(back == sample.attributes)
    }
}
