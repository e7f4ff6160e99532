import Foundation
import TestSupport
import Testing

@testable import Spec

/// Each validation rule, both ways: a one-line change to a valid spec that breaks it, and one
/// that just passes it.
@Suite("Validation rules")
struct ValidationRuleTests {
    static let base = """
        apiVersion: reconcile/v1
        kind: AzureScope
        metadata: {name: lab}
        spec: {subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, location: japaneast}
        ---
        apiVersion: reconcile/v1
        kind: VirtualNetwork
        metadata: {name: hub-vnet}
        spec:
          addressSpace: [10.10.0.0/16]
          subnets:
            - {name: app, prefix: 10.10.1.0/24, routeTable: app-rt}
            - {name: nva, prefix: 10.10.2.0/24, routeTable: nva-rt}
            - {name: GatewaySubnet, prefix: 10.10.120.0/26}
            - {name: RouteServerSubnet, prefix: 10.10.121.0/26}
        ---
        apiVersion: reconcile/v1
        kind: RouteTable
        metadata: {name: app-rt}
        spec:
          routes:
            - {name: default-to-nva, prefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIp: 10.10.2.4}
        ---
        apiVersion: reconcile/v1
        kind: RouteTable
        metadata: {name: nva-rt}
        spec:
          routes:
            - {name: low-half-out, prefix: 0.0.0.0/1, nextHopType: Internet}
            - {name: high-half-out, prefix: 128.0.0.0/1, nextHopType: Internet}
            - {name: default-out, prefix: 0.0.0.0/0, nextHopType: Internet}
        ---
        apiVersion: reconcile/v1
        kind: VirtualNetworkGateway
        metadata: {name: hub-vpngw}
        spec:
          virtualNetwork: hub-vnet
          gatewayType: Vpn
          vpnType: RouteBased
          sku: VpnGw1AZ
          activeActive: true
          bgp: {asn: 65515}
          pointToSite: {addressPool: [172.16.201.0/24], tunnelTypes: [IkeV2]}
        ---
        apiVersion: reconcile/v1
        kind: VirtualNetworkGateway
        metadata: {name: hub-ergw}
        spec: {virtualNetwork: hub-vnet, gatewayType: ExpressRoute, sku: ErGw1AZ}
        ---
        apiVersion: reconcile/v1
        kind: RouteServer
        metadata: {name: hub-rs}
        spec:
          virtualNetwork: hub-vnet
          branchToBranch: true
          peers:
            - {name: fw, ip: 10.10.2.4, asn: 65100, advertises: [0.0.0.0/1, 128.0.0.0/1]}
        ---
        apiVersion: reconcile/v1
        kind: Site
        metadata: {name: tokyo}
        spec:
          publicIp: 203.0.113.10
          addressSpace: [192.168.10.0/24]
          bgp: {asn: 65010, peeringAddress: 192.168.10.1}
          device: tokyo-rtr1
        ---
        apiVersion: reconcile/v1
        kind: VpnConnection
        metadata: {name: hub-to-tokyo}
        spec: {gateway: hub-vpngw, site: tokyo, sharedKey: {fromEnv: PSK}, routing: Bgp}
        ---
        apiVersion: reconcile/v1
        kind: CiscoRouter
        metadata: {name: tokyo-rtr1}
        spec:
          platform: ios
          management: {lab: true, username: netops, password: {fromEnv: RTR}}
          system: {hostname: tokyo-rtr1}
          wan:
            interface: GigabitEthernet8
            pppoe: {dialer: 1, mtu: 1454, chap: {hostname: u@isp, password: {fromEnv: PPP}}}
          lan: {interface: Vlan1, address: 192.168.10.1/24}
          nat: {overload: [192.168.10.0/24]}
          tunnel: {tcpAdjustMss: 1350, interfaceNumber: 1}
        ---
        apiVersion: reconcile/v1
        kind: VirtualWan
        metadata: {name: corp-wan}
        spec: {type: Standard}
        ---
        apiVersion: reconcile/v1
        kind: VirtualHub
        metadata: {name: japan-hub}
        spec:
          virtualWan: corp-wan
          addressPrefix: 10.100.0.0/23
          firewall: {name: hub-fw}
          routingIntent: {internet: hub-fw}
          vpnGateway: {scaleUnits: 1}
          expressRouteGateway: {scaleUnits: 1}
          virtualNetworkConnections: [{virtualNetwork: spoke-vnet, propagateDefaultRoute: true}]
        ---
        apiVersion: reconcile/v1
        kind: VirtualNetwork
        metadata: {name: spoke-vnet}
        spec: {addressSpace: [10.20.0.0/16], subnets: [{name: app, prefix: 10.20.1.0/24}]}
        ---
        apiVersion: reconcile/v1
        kind: Site
        metadata: {name: osaka}
        spec: {publicIp: 198.51.100.2, addressSpace: [192.168.20.0/24]}
        ---
        apiVersion: reconcile/v1
        kind: HubVpnConnection
        metadata: {name: hub-to-osaka}
        spec: {hub: japan-hub, site: osaka, sharedKey: {fromEnv: OSAKA}, propagateDefaultRoute: true}
        ---
        apiVersion: reconcile/v1
        kind: Site
        metadata: {name: dc}
        spec: {publicIp: 203.0.113.30, addressSpace: [192.168.30.0/24]}
        ---
        apiVersion: reconcile/v1
        kind: ExpressRouteConnection
        metadata: {name: er-dc}
        spec: {gateway: japan-hub, site: dc, circuitId: /subscriptions/x/er-dc, propagateDefaultRoute: true}
        ---
        apiVersion: reconcile/v1
        kind: ExpressRouteConnection
        metadata: {name: er-vnet}
        spec: {gateway: hub-ergw, site: dc, circuitId: /subscriptions/x/er-vnet}
        ---
        apiVersion: reconcile/v1
        kind: Intent
        metadata: {name: intents}
        spec:
          internetEgress: [{from: spoke-vnet, via: azure}]
          reachability: [{from: tokyo, to: hub-vnet/app, expect: reachable}]
        # END
        """

    static let extraGateway = """
        ---
        apiVersion: reconcile/v1
        kind: VirtualNetworkGateway
        metadata: {name: second-vpngw}
        spec: {virtualNetwork: hub-vnet, gatewayType: Vpn, sku: VpnGw1AZ, activeActive: true}
        """

    /// One rule: the change that breaks it and, where the base does not already sit at the
    /// boundary, a change that just passes it.
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var severity: Severity
        var breaks: [(String, String)]
        var passes: [(String, String)]
        var testDescription: String { "\(severity.rawValue)[\(rule)]" }

        init(_ rule: String, _ severity: Severity = .error, breaks: [(String, String)], passes: [(String, String)] = [])
        {
            self.rule = rule
            self.severity = severity
            self.breaks = breaks
            self.passes = passes
        }
    }

    static let cases: [Case] = [
        Case("address-overlap", breaks: [("addressSpace: [192.168.10.0/24]", "addressSpace: [10.10.5.0/24]")]),
        Case(
            "address-overlap",
            breaks: [("addressPrefix: 10.100.0.0/23", "addressPrefix: 10.20.0.0/23")],
            passes: [("addressPrefix: 10.100.0.0/23", "addressPrefix: 10.21.0.0/23")]
        ),
        Case(
            "address-reserved",
            breaks: [
                (
                    "addressSpace: [10.20.0.0/16], subnets: [{name: app, prefix: 10.20.1.0/24}]",
                    "addressSpace: [169.254.0.0/16]"
                )
            ]
        ),
        Case(
            "subnet-outside-vnet",
            breaks: [("{name: app, prefix: 10.10.1.0/24", "{name: app, prefix: 10.11.1.0/24")],
            passes: [("{name: app, prefix: 10.10.1.0/24", "{name: app, prefix: 10.10.255.0/24")]
        ),
        Case(
            "subnet-overlap",
            breaks: [("{name: nva, prefix: 10.10.2.0/24,", "{name: nva, prefix: 10.10.1.128/25,")],
            passes: [("{name: nva, prefix: 10.10.2.0/24,", "{name: nva, prefix: 10.10.0.0/24,")]
        ),
        Case(
            "subnet-size",
            breaks: [("{name: nva, prefix: 10.10.2.0/24,", "{name: nva, prefix: 10.10.2.0/30,")],
            passes: [("{name: nva, prefix: 10.10.2.0/24,", "{name: nva, prefix: 10.10.2.0/29,")]
        ),
        Case("subnet-duplicate", breaks: [("{name: nva, prefix: 10.10.2.0/24,", "{name: app, prefix: 10.10.2.0/24,")]),
        Case(
            "p2s-pool-overlap",
            breaks: [("addressPool: [172.16.201.0/24]", "addressPool: [10.10.200.0/24]")],
            passes: [("addressPool: [172.16.201.0/24]", "addressPool: [10.11.0.0/24]")]
        ),
        Case("gateway-subnet-missing", breaks: [("{name: GatewaySubnet,", "{name: Gateway,")]),
        Case("gateway-subnet-name", .warning, breaks: [("{name: GatewaySubnet,", "{name: gatewaySubnet,")]),
        Case(
            "gateway-subnet-size",
            breaks: [("prefix: 10.10.120.0/26}", "prefix: 10.10.120.0/28}")]
        ),
        Case("gateway-subnet-size", .warning, breaks: [("prefix: 10.10.120.0/26}", "prefix: 10.10.120.0/27}")]),
        Case(
            "gateway-subnet-route-table",
            breaks: [
                (
                    "{name: GatewaySubnet, prefix: 10.10.120.0/26}",
                    "{name: GatewaySubnet, prefix: 10.10.120.0/26, routeTable: app-rt}"
                )
            ]
        ),
        Case("gateway-per-vnet", breaks: [("# END", extraGateway)]),
        Case(
            "gateway-sku",
            breaks: [("sku: VpnGw1AZ\n", "sku: VpnGw1\n")],
            passes: [("sku: VpnGw1AZ\n", "sku: VpnGw2AZ\n")]
        ),
        Case("gateway-sku", breaks: [("sku: ErGw1AZ", "sku: VpnGw1AZ")], passes: [("sku: ErGw1AZ", "sku: ErGwScale")]),
        Case("gateway-policy-based", breaks: [("vpnType: RouteBased", "vpnType: PolicyBased")]),
        Case("gateway-basic-sku", breaks: [("sku: VpnGw1AZ\n", "sku: Basic\n")]),
        Case(
            "gateway-bgp-route-based",
            breaks: [("vpnType: RouteBased\n  sku: VpnGw1AZ", "vpnType: PolicyBased\n  sku: Basic")]
        ),
        Case(
            "gateway-type",
            breaks: [("spec: {gateway: hub-vpngw, site: tokyo", "spec: {gateway: hub-ergw, site: tokyo")]
        ),
        Case(
            "forced-tunneling-site",
            breaks: [("  bgp: {asn: 65515}\n", "  bgp: {asn: 65515}\n  forcedTunneling: {defaultSite: osaka}\n")],
            passes: [("  bgp: {asn: 65515}\n", "  bgp: {asn: 65515}\n  forcedTunneling: {defaultSite: tokyo}\n")]
        ),
        Case("p2s-config", breaks: [("tunnelTypes: [IkeV2]", "tunnelTypes: []")]),
        Case("connection-bgp", breaks: [("  bgp: {asn: 65010, peeringAddress: 192.168.10.1}\n", "")]),
        Case(
            "ipsec-policy",
            breaks: [
                (
                    "sharedKey: {fromEnv: PSK}, routing: Bgp}",
                    "sharedKey: {fromEnv: PSK}, routing: Bgp, ipsecPolicy: {ikeEncryption: AES256, ikeIntegrity: SHA256, dhGroup: DHGroup14, ipsecEncryption: GCMAES256, ipsecIntegrity: SHA256, pfsGroup: None, saLifetimeSeconds: 27000, saDataSizeKilobytes: 102400000}}"
                )
            ],
            passes: [
                (
                    "sharedKey: {fromEnv: PSK}, routing: Bgp}",
                    "sharedKey: {fromEnv: PSK}, routing: Bgp, ipsecPolicy: {ikeEncryption: AES256, ikeIntegrity: SHA256, dhGroup: DHGroup14, ipsecEncryption: GCMAES256, ipsecIntegrity: GCMAES256, pfsGroup: ECP384, saLifetimeSeconds: 27000, saDataSizeKilobytes: 102400000}}"
                )
            ]
        ),
        Case(
            "bgp-asn-reserved",
            breaks: [("bgp: {asn: 65010,", "bgp: {asn: 65517,")],
            passes: [("bgp: {asn: 65010,", "bgp: {asn: 65514,")]
        ),
        Case(
            "bgp-asn-reserved",
            breaks: [("asn: 65100,", "asn: 64500,")],
            passes: [("asn: 65100,", "asn: 64512,")]
        ),
        Case("bgp-asn-conflict", breaks: [("bgp: {asn: 65010,", "bgp: {asn: 65515,")]),
        Case(
            "bgp-apipa",
            breaks: [("  bgp: {asn: 65515}\n", "  bgp: {asn: 65515, customPeeringAddresses: [169.254.30.1]}\n")],
            passes: [("  bgp: {asn: 65515}\n", "  bgp: {asn: 65515, customPeeringAddresses: [169.254.22.255]}\n")]
        ),
        Case("bgp-peering-address", breaks: [("peeringAddress: 192.168.10.1}", "peeringAddress: 203.0.113.10}")]),
        Case("bgp-peering-address", breaks: [("peeringAddress: 192.168.10.1}", "peeringAddress: 10.10.1.1}")]),
        Case("route-server-subnet-missing", breaks: [("{name: RouteServerSubnet,", "{name: rs,")]),
        Case("route-server-subnet-size", breaks: [("prefix: 10.10.121.0/26}", "prefix: 10.10.121.0/27}")]),
        Case(
            "route-server-per-vnet",
            breaks: [
                (
                    "# END",
                    "---\napiVersion: reconcile/v1\nkind: RouteServer\nmetadata: {name: rs2}\nspec: {virtualNetwork: hub-vnet}\n"
                )
            ]
        ),
        Case("route-server-active-active", breaks: [("activeActive: true", "activeActive: false")]),
        Case(
            "route-server-peer",
            breaks: [("ip: 10.10.2.4, asn: 65100", "ip: 10.99.2.4, asn: 65100")],
            passes: [("ip: 10.10.2.4, asn: 65100", "ip: 10.10.255.254, asn: 65100")]
        ),
        Case("branch-to-branch", .warning, breaks: [("branchToBranch: true", "branchToBranch: false")]),
        Case(
            "route-server-nva-loop",
            .warning,
            breaks: [("{name: nva, prefix: 10.10.2.0/24, routeTable: nva-rt}", "{name: nva, prefix: 10.10.2.0/24}")],
            // What an NVA announces of private space is behind it: no loop to warn of.
            passes: [("advertises: [0.0.0.0/1, 128.0.0.0/1]", "advertises: [0.0.0.0/1, 128.0.0.0/1, 10.50.0.0/16]")]
        ),
        Case(
            "default-route-vpn",
            .warning,
            breaks: [("advertises: [0.0.0.0/1, 128.0.0.0/1]", "advertises: [0.0.0.0/0]")],
            passes: [("advertises: [0.0.0.0/1, 128.0.0.0/1]", "advertises: [0.0.0.0/0, 0.0.0.0/1, 128.0.0.0/1]")]
        ),
        Case(
            "route-next-hop",
            breaks: [("nextHopType: VirtualAppliance, nextHopIp: 10.10.2.4", "nextHopType: VirtualAppliance")]
        ),
        Case(
            "route-next-hop",
            breaks: [
                ("nextHopType: VirtualAppliance, nextHopIp: 10.10.2.4", "nextHopType: Internet, nextHopIp: 10.10.2.4")
            ],
            passes: [("nextHopType: VirtualAppliance, nextHopIp: 10.10.2.4", "nextHopType: Internet")]
        ),
        Case(
            "vwan-hub-prefix",
            breaks: [("addressPrefix: 10.100.0.0/23", "addressPrefix: 10.100.0.0/25")],
            passes: [("addressPrefix: 10.100.0.0/23", "addressPrefix: 10.100.0.0/24")]
        ),
        Case("vwan-basic", breaks: [("spec: {type: Standard}", "spec: {type: Basic}")]),
        Case("vwan-default-route", .warning, breaks: [("  routingIntent: {internet: hub-fw}\n", "")]),
        Case("vwan-gateway-missing", breaks: [("  vpnGateway: {scaleUnits: 1}\n", "")]),
        Case("vwan-gateway-missing", breaks: [("  expressRouteGateway: {scaleUnits: 1}\n", "")]),
        Case(
            "routing-intent-firewall",
            breaks: [("routingIntent: {internet: hub-fw}", "routingIntent: {internet: other-fw}")]
        ),
        Case("routing-intent-firewall", breaks: [("  firewall: {name: hub-fw}\n", "")]),
        Case(
            "propagate-default-route-scope",
            breaks: [
                (
                    "circuitId: /subscriptions/x/er-vnet}",
                    "circuitId: /subscriptions/x/er-vnet, propagateDefaultRoute: false}"
                )
            ]
        ),
        Case(
            "site-behind-nat",
            .warning,
            breaks: [("device: tokyo-rtr1\n", "device: tokyo-rtr1\n  behindNat: true\n")]
        ),
        Case("site-address", breaks: [("addressSpace: [192.168.20.0/24]", "addressSpace: []")]),
        Case(
            "site-device",
            breaks: [
                (
                    "{publicIp: 198.51.100.2, addressSpace: [192.168.20.0/24]}",
                    "{publicIp: 198.51.100.2, addressSpace: [192.168.20.0/24], device: tokyo-rtr1}"
                )
            ]
        ),
        Case(
            "device-pppoe-mtu",
            .warning,
            breaks: [("mtu: 1454", "mtu: 1492")],
            passes: [("mtu: 1454", "mtu: 1400")]
        ),
        Case(
            "device-mss",
            .warning,
            breaks: [("tcpAdjustMss: 1350", "tcpAdjustMss: 1360")],
            passes: [("tcpAdjustMss: 1350", "tcpAdjustMss: 1300")]
        ),
        Case(
            "device-ipsec-unsupported",
            breaks: [
                (
                    "sharedKey: {fromEnv: PSK}, routing: Bgp}",
                    "sharedKey: {fromEnv: PSK}, routing: Bgp, ipsecPolicy: {ikeEncryption: AES256, ikeIntegrity: SHA256, dhGroup: None, ipsecEncryption: AES256, ipsecIntegrity: SHA256, pfsGroup: None, saLifetimeSeconds: 27000, saDataSizeKilobytes: 102400000}}"
                )
            ]
        ),
        Case(
            "device-management",
            breaks: [("management: {lab: true,", "management: {host: 192.0.2.1,")],
            passes: [("management: {lab: true,", "management: {host: 192.0.2.1, hostKey: \"ssh-rsa AAAAB3Nza\",")]
        ),
        Case(
            "device-interface",
            breaks: [("lan: {interface: Vlan1,", "lan: {interface: gi1,")],
            passes: [("lan: {interface: Vlan1,", "lan: {interface: GigabitEthernet0/1.10,")]
        ),
        // A port the model lacks validated clean, then the push failed.
        Case(
            "device-model-interface",
            breaks: [
                ("platform: ios\n", "platform: ios\n  model: C891FJ-K9\n"),
                ("interface: GigabitEthernet8", "interface: GigabitEthernet0/0/0"),
            ],
            passes: [("platform: ios\n", "platform: ios\n  model: C891FJ-K9\n")]
        ),
        Case(
            "device-model-interface",
            breaks: [("platform: ios\n", "platform: ios-xe\n")],
            passes: [
                ("platform: ios\n", "platform: ios-xe\n"),
                ("interface: GigabitEthernet8", "interface: GigabitEthernet0/0/0"),
            ]
        ),
        // A LAN outside sshAllowedFrom validated clean, then locked the push out.
        Case(
            "device-management-path",
            breaks: [
                ("system: {hostname: tokyo-rtr1}", "system: {hostname: tokyo-rtr1, sshAllowedFrom: [192.168.20.0/24]}")
            ],
            passes: [
                ("system: {hostname: tokyo-rtr1}", "system: {hostname: tokyo-rtr1, sshAllowedFrom: [192.168.0.0/16]}")
            ]
        ),
        // A site behind a core switch: the LAN route's next hop must be another host of the LAN.
        Case(
            "device-lan-route",
            breaks: [
                ("addressSpace: [192.168.10.0/24]", "addressSpace: [192.168.10.0/23]"),
                (Self.lan, Self.lan(routes: "{prefix: 192.168.11.0/24, nextHop: 192.168.12.254}")),
            ],
            passes: [
                ("addressSpace: [192.168.10.0/24]", "addressSpace: [192.168.10.0/23]"),
                (Self.lan, Self.lan(routes: "{prefix: 192.168.11.0/24, nextHop: 192.168.10.254}")),
            ]
        ),
        Case(
            "device-lan-route",
            breaks: [
                ("addressSpace: [192.168.10.0/24]", "addressSpace: [192.168.10.0/23]"),
                (Self.lan, Self.lan(routes: "{prefix: 192.168.11.0/24, nextHop: 192.168.10.1}")),
            ]
        ),
        Case(
            "device-lan-route",
            breaks: [
                ("addressSpace: [192.168.10.0/24]", "addressSpace: [192.168.10.0/23]"),
                (Self.lan, Self.lan(routes: "{prefix: 192.168.11.0/24, nextHop: 192.168.10.255}")),
            ]
        ),
        Case(
            "device-lan-route",
            breaks: [
                ("addressSpace: [192.168.10.0/24]", "addressSpace: [192.168.10.0/23]"),
                (
                    Self.lan,
                    Self.lan(
                        routes: "{prefix: 192.168.11.0/24, nextHop: 192.168.10.254}, "
                            + "{prefix: 192.168.11.0/24, nextHop: 192.168.10.253}"
                    )
                ),
            ]
        ),
        Case(
            "device-lan-route-outside-site",
            .warning,
            breaks: [(Self.lan, Self.lan(routes: "{prefix: 192.168.11.0/24, nextHop: 192.168.10.254}"))],
            passes: [
                ("addressSpace: [192.168.10.0/24]", "addressSpace: [192.168.10.0/24, 192.168.11.0/24]"),
                (Self.lan, Self.lan(routes: "{prefix: 192.168.11.0/24, nextHop: 192.168.10.254}")),
            ]
        ),
        // scrypt (the default) on an image that refuses `algorithm-type`; md5 on one that has it.
        Case(
            "device-password-hash",
            breaks: [("platform: ios\n", "platform: ios\n  software: \"15.1(4)M12a\"\n")],
            passes: [
                ("platform: ios\n", "platform: ios\n  software: \"15.1(4)M12a\"\n"),
                ("management: {lab: true,", "management: {lab: true, passwordHash: md5,"),
            ]
        ),
        Case(
            "device-password-weak",
            .warning,
            breaks: [
                ("platform: ios\n", "platform: ios\n  software: \"15.4(1)T1\"\n"),
                ("management: {lab: true,", "management: {lab: true, passwordHash: md5,"),
            ],
            passes: [("platform: ios\n", "platform: ios\n  software: \"15.4(1)T1\"\n")]
        ),
        Case(
            "device-password-weak",
            .warning,
            breaks: [("platform: ios\n", "platform: ios-xe\n"), ("{lab: true,", "{lab: true, passwordHash: md5,")]
        ),
        Case(
            "intent-endpoint",
            breaks: [("internetEgress: [{from: spoke-vnet,", "internetEgress: [{from: spoke-vent,")]
        ),
        Case(
            "intent-violated",
            breaks: [("{from: spoke-vnet, via: azure}", "{from: spoke-vnet, via: onprem}")],
            passes: [
                ("{from: tokyo, to: hub-vnet/app, expect: reachable}", "{from: tokyo, to: spoke-vnet, expect: blocked}")
            ]
        ),
        Case(
            "intent-endpoint",
            breaks: [("to: hub-vnet/app,", "to: hub-vnet/web,")],
            passes: [("to: hub-vnet/app,", "to: 10.10.1.4,")]
        ),
        Case(
            "ref-missing",
            breaks: [("spec: {gateway: hub-vpngw, site: tokyo", "spec: {gateway: hub-vpngw, site: tokio")]
        ),
        Case(
            "ref-kind",
            breaks: [("spec: {gateway: hub-vpngw, site: tokyo", "spec: {gateway: hub-vpngw, site: hub-vnet")]
        ),
        Case(
            "scope-count",
            breaks: [("metadata: {name: lab}\nspec: {subscriptionId", "metadata: {name: lab}\nspec: {subscriptionId")]
                .map { _ in
                    (
                        "# END",
                        "---\napiVersion: reconcile/v1\nkind: AzureScope\nmetadata: {name: lab2}\nspec: {subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg2, location: japaneast}\n"
                    )
                }
        ),
        Case(
            "drift-policy-count",
            breaks: [
                (
                    "# END",
                    "---\napiVersion: reconcile/v1\nkind: DriftPolicy\nmetadata: {name: a}\n---\napiVersion: reconcile/v1\nkind: DriftPolicy\nmetadata: {name: b}\n"
                )
            ],
            passes: [("# END", "---\napiVersion: reconcile/v1\nkind: DriftPolicy\nmetadata: {name: a}\n")]
        ),
        Case(
            "plugin-pin",
            breaks: [
                (
                    "# END",
                    "---\napiVersion: reconcile/v1\nkind: Plugin\nmetadata: {name: strongswan}\nspec: {path: plugins/reconcile-provider-strongswan}\n"
                        + "---\napiVersion: reconcile/v1\nkind: Plugin\nmetadata: {name: StrongSwan}\n"
                )
            ],
            passes: [("# END", "---\napiVersion: reconcile/v1\nkind: Plugin\nmetadata: {name: strongswan}\n")]
        ),
        Case(
            "state-backend-count",
            breaks: [
                (
                    "# END",
                    "---\napiVersion: reconcile/v1\nkind: StateBackend\nmetadata: {name: a}\nspec: {postgres: {url: {fromEnv: PG_A}}}\n---\napiVersion: reconcile/v1\nkind: StateBackend\nmetadata: {name: b}\nspec: {postgres: {url: {fromEnv: PG_B}}}\n"
                )
            ],
            passes: [
                (
                    "# END",
                    "---\napiVersion: reconcile/v1\nkind: StateBackend\nmetadata: {name: a}\nspec: {postgres: {url: {fromEnv: PG_A}, schema: team}}\n"
                )
            ]
        ),
        Case(
            "name-invalid",
            breaks: [("metadata: {name: dc}", "metadata: {name: -dc}")],
            passes: [("metadata: {name: intents}", "metadata: {name: intents_1.x}")]
        ),
        Case(
            "schema-exclusive",
            breaks: [("spec: {publicIp: 203.0.113.30,", "spec: {publicIp: 203.0.113.30, fqdn: dc.example.jp,")]
        ),
        Case("secret-plaintext", breaks: [("sharedKey: {fromEnv: OSAKA}", "sharedKey: s3cret")]),
        Case(
            "crypto-weak-cipher",
            .warning,
            breaks: [(Self.noPolicy, Self.policy("DES3 SHA256 ECP384 GCMAES256 GCMAES256 ECP384"))],
            passes: [(Self.noPolicy, Self.policy("GCMAES256 SHA384 ECP384 GCMAES256 GCMAES256 ECP384"))]
        ),
        Case(
            "crypto-weak-cipher",
            .warning,
            breaks: [(Self.noPolicy, Self.policy("AES256 SHA256 ECP384 DES3 SHA256 ECP384"))],
            passes: [(Self.noPolicy, Self.policy("GCMAES256 SHA384 ECP384 GCMAES256 GCMAES256 ECP384"))]
        ),
        Case(
            "crypto-weak-integrity",
            .warning,
            breaks: [(Self.noPolicy, Self.policy("AES256 SHA1 ECP384 GCMAES256 GCMAES256 ECP384"))],
            passes: [(Self.noPolicy, Self.policy("GCMAES256 SHA384 ECP384 GCMAES256 GCMAES256 ECP384"))]
        ),
        Case(
            "crypto-weak-integrity",
            .warning,
            breaks: [(Self.noPolicy, Self.policy("AES256 SHA256 ECP384 AES256 SHA1 ECP384"))],
            passes: [(Self.noPolicy, Self.policy("GCMAES256 SHA384 ECP384 GCMAES256 GCMAES256 ECP384"))]
        ),
        Case(
            "crypto-weak-dh-group",
            .warning,
            breaks: [(Self.noPolicy, Self.policy("AES256 SHA256 DHGroup2 GCMAES256 GCMAES256 ECP384"))],
            passes: [(Self.noPolicy, Self.policy("GCMAES256 SHA384 ECP384 GCMAES256 GCMAES256 ECP384"))]
        ),
        Case(
            "crypto-weak-dh-group",
            .warning,
            breaks: [(Self.noPolicy, Self.policy("AES256 SHA256 DHGroup14 GCMAES256 GCMAES256 PFS2"))],
            passes: [(Self.noPolicy, Self.policy("GCMAES256 SHA384 ECP384 GCMAES256 GCMAES256 ECP384"))]
        ),
        Case(
            "crypto-no-pfs",
            .warning,
            breaks: [(Self.noPolicy, Self.policy("AES256 SHA256 DHGroup14 GCMAES256 GCMAES256 None"))],
            passes: [(Self.noPolicy, Self.policy("GCMAES256 SHA384 ECP384 GCMAES256 GCMAES256 ECP384"))]
        ),
    ]

    static let noPolicy = "sharedKey: {fromEnv: PSK}, routing: Bgp}"

    /// The base connection with an ipsecPolicy of `"IKE-ENC IKE-INT DH ESP-ENC ESP-INT PFS"`.
    static func policy(_ words: String) -> String {
        let w = words.split(separator: " ")
        return "sharedKey: {fromEnv: PSK}, routing: Bgp, ipsecPolicy: {ikeEncryption: \(w[0]), ikeIntegrity: \(w[1]), "
            + "dhGroup: \(w[2]), ipsecEncryption: \(w[3]), ipsecIntegrity: \(w[4]), pfsGroup: \(w[5]), "
            + "saLifetimeSeconds: 27000, saDataSizeKilobytes: 102400000}}"
    }

    /// The base spec's LAN, and the same with `routes:`.
    static let lan = "lan: {interface: Vlan1, address: 192.168.10.1/24}"

    static func lan(routes: String) -> String {
        "lan: {interface: Vlan1, address: 192.168.10.1/24, routes: [\(routes)]}"
    }

    static func apply(_ changes: [(String, String)], sourceLocation: Testing.SourceLocation = #_sourceLocation)
        -> String?
    {
        var text = base
        for (old, new) in changes {
            guard text.contains(old) else {
                Issue.record("the change does not apply: \(old)", sourceLocation: sourceLocation)
                return nil
            }
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    @Test func theBaseSpecIsClean() {
        let result = Fixture.run(Self.base)
        #expect(result.diagnostics.map(\.summary) == [])
        #expect(result.graph != nil)
    }

    @Test(arguments: cases)
    func ruleBreaksAndPasses(_ c: Case) throws {
        let broken = try #require(Self.apply(c.breaks))
        let result = Fixture.run(broken)
        let found = result.diagnostics.filter { $0.rule.rawValue == c.rule && $0.severity == c.severity }
        #expect(!found.isEmpty, "expected \(c.severity.rawValue)[\(c.rule)], got \(result.codes)")
        for d in found {
            #expect(d.location.line > 0, "\(d.summary) has no line")
            #expect(d.location.file == "spec.yaml")
        }
        if c.severity == .error { #expect(result.graph == nil) }
        if !c.passes.isEmpty {
            let passing = try #require(Self.apply(c.passes))
            let clean = Fixture.run(passing)
            #expect(clean.diagnostics.map(\.summary) == [], "the passing variant of \(c.rule) is not clean")
        }
    }

    @Test func everyRuleInTheCatalogueIsExercised() {
        var covered = Set(Self.cases.map(\.rule))
        // Covered by the YAML, decoding and graph tests and by examples/invalid.
        covered.formUnion([
            "io-read", "io-no-spec", "yaml-syntax", "yaml-encoding", "yaml-duplicate-key", "yaml-alias",
            "yaml-alias-limit", "yaml-key", "schema-api-version", "schema-kind", "schema-unknown-field",
            "schema-required", "schema-type", "schema-value", "secret-source", "name-duplicate", "ref-cycle",
            // Reading a spec directory that links or sizes against us (HostileInputTests).
            "io-symlink", "io-size-limit",
            // Checked when a command reads the secrets (LabSecretsTests).
            "secret-missing", "secret-not-granted", "secret-outside-spec", "secret-value",
            // Address pools, each rule both ways (AddressPoolTests).
            "pool-exhausted", "pool-unknown", "pool-allocation-overlap", "pool-overlap", "pool-onprem", "pool-size",
            // Starting and talking to a plugin (PluginCommandTests).
            "plugin-run", "plugin-check",
        ])
        let missing = RuleID.catalogue.map(\.id.rawValue).filter { !covered.contains($0) }
        #expect(missing.isEmpty, "rules without a test: \(missing)")
    }
}
