/// Typed values of each kind's `spec`, as `SpecSchema` declares them.
///
/// Values carry no positions: a rule reports a key path, and `ObjectMeta.location(_:)` maps
/// it to the line and column of the YAML that holds it.

public struct AzureScope: Sendable {
    public var subscriptionId: String
    public var resourceGroup: String
    public var location: String
    public var endpoint: Endpoint
    public var tags: [String: String]
    /// How costs are estimated (`reconcile cost`); defaults when absent.
    public var pricing = PricingSettings()
}

public struct VirtualNetwork: Sendable {
    public struct Subnet: Sendable {
        public var name: String
        public var prefix: IPv4Prefix
        public var routeTable: String?
    }

    public var addressSpace: [IPv4Prefix]
    public var dnsServers: [IPv4Address]
    public var subnets: [Subnet]
    /// The `{fromPool, size}` values still to allocate; empty once `AddressAllocator` ran.
    public var requests: [AddressRequest] = []

    public func subnet(named name: String) -> Subnet? {
        subnets.first { $0.name == name }
    }

    public static let gatewaySubnetName = "GatewaySubnet"
    public static let routeServerSubnetName = "RouteServerSubnet"
    /// Subnets Azure reserves for its own services: no workload lives in them.
    public static let reservedSubnetNames: Set<String> = [
        gatewaySubnetName, routeServerSubnetName, "AzureFirewallSubnet", "AzureBastionSubnet",
    ]
}

public struct VirtualNetworkGateway: Sendable {
    public struct Bgp: Sendable {
        public var asn: ASN
        /// Custom APIPA addresses (169.254.21.0 - 169.254.22.255) for the gateway's BGP speaker.
        public var customPeeringAddresses: [IPv4Address]
    }

    public struct PointToSite: Sendable {
        public struct RootCertificate: Sendable {
            public var name: String
            public var publicCertData: SecretRef
        }

        public var addressPool: [IPv4Prefix]
        public var tunnelTypes: [P2STunnelType]
        public var rootCertificates: [RootCertificate]
    }

    public var virtualNetwork: String
    public var gatewayType: GatewayType
    public var vpnType: VpnType
    public var sku: String
    public var activeActive: Bool
    public var bgp: Bgp?
    /// The site Azure sends internet traffic to (forced tunneling), if any.
    public var defaultSite: String?
    public var pointToSite: PointToSite?
}

public struct Site: Sendable {
    public struct Bgp: Sendable {
        public var asn: ASN
        public var peeringAddress: IPv4Address
    }

    public var publicIp: IPv4Address?
    public var fqdn: String?
    public var addressSpace: [IPv4Prefix]
    public var bgp: Bgp?
    public var behindNat: Bool
    public var device: String?
    /// What the site costs beyond Azure's prices (its lines, its contracts).
    public var costs: [CostItem] = []
}

public struct IpsecPolicy: Sendable, Hashable {
    public var ikeEncryption: IkeEncryption
    public var ikeIntegrity: IkeIntegrity
    public var dhGroup: DhGroup
    public var ipsecEncryption: IpsecEncryption
    public var ipsecIntegrity: IpsecIntegrity
    public var pfsGroup: PfsGroup
    public var saLifetimeSeconds: Int
    public var saDataSizeKilobytes: Int
}

extension IpsecPolicy {
    /// A policy as ARM returns it in a connection's `ipsecPolicies` (the same names the spec
    /// uses); nil when a field is missing or unknown.
    public init?(arm fields: [String: String], lifetimeSeconds: Int, kilobytes: Int) {
        guard let ikeEncryption = fields["ikeEncryption"].flatMap(IkeEncryption.init(rawValue:)),
            let ikeIntegrity = fields["ikeIntegrity"].flatMap(IkeIntegrity.init(rawValue:)),
            let dhGroup = fields["dhGroup"].flatMap(DhGroup.init(rawValue:)),
            let ipsecEncryption = fields["ipsecEncryption"].flatMap(IpsecEncryption.init(rawValue:)),
            let ipsecIntegrity = fields["ipsecIntegrity"].flatMap(IpsecIntegrity.init(rawValue:)),
            let pfsGroup = fields["pfsGroup"].flatMap(PfsGroup.init(rawValue:))
        else { return nil }
        self.init(
            ikeEncryption: ikeEncryption,
            ikeIntegrity: ikeIntegrity,
            dhGroup: dhGroup,
            ipsecEncryption: ipsecEncryption,
            ipsecIntegrity: ipsecIntegrity,
            pfsGroup: pfsGroup,
            saLifetimeSeconds: lifetimeSeconds,
            saDataSizeKilobytes: kilobytes
        )
    }
}

public struct VpnConnection: Sendable {
    public var gateway: String
    public var site: String
    public var `protocol`: ConnectionProtocol
    public var sharedKey: SecretRef
    public var routing: RoutingMode
    public var ipsecPolicy: IpsecPolicy?
    public var usePolicyBasedTrafficSelectors: Bool
    public var dpdTimeoutSeconds: Int?
}

public struct ExpressRouteConnection: Sendable {
    public var gateway: String
    public var site: String
    public var circuitId: String
    public var authorizationKey: SecretRef?
    public var propagateDefaultRoute: Bool?
    public var routingWeight: Int?
}

public struct VirtualWan: Sendable {
    public var type: VirtualWanType
    public var allowBranchToBranchTraffic: Bool
}

public struct VirtualHub: Sendable {
    public struct Firewall: Sendable {
        public var name: String
        public var sku: FirewallSku
    }

    public struct RoutingIntent: Sendable {
        public var internet: String?
        public var privateTraffic: String?
    }

    public struct VpnGateway: Sendable {
        public var scaleUnits: Int
        public var asn: ASN?
    }

    public struct NetworkConnection: Sendable {
        public var virtualNetwork: String
        public var propagateDefaultRoute: Bool
    }

    public var virtualWan: String
    public var addressPrefix: IPv4Prefix
    public var hubRoutingPreference: HubRoutingPreference?
    public var firewall: Firewall?
    public var routingIntent: RoutingIntent?
    public var vpnGateway: VpnGateway?
    public var virtualNetworkConnections: [NetworkConnection]
    public var expressRouteGatewayScaleUnits: Int?
}

public struct HubVpnConnection: Sendable {
    public var hub: String
    public var site: String
    public var sharedKey: SecretRef
    public var bgp: Bool
    public var propagateDefaultRoute: Bool
    public var `protocol`: ConnectionProtocol
    public var ipsecPolicy: IpsecPolicy?
}

public struct RouteServer: Sendable {
    public struct Peer: Sendable {
        public var name: String
        public var ip: IPv4Address
        public var asn: ASN
        public var advertises: [IPv4Prefix]
    }

    public var virtualNetwork: String
    public var branchToBranch: Bool
    public var peers: [Peer]
}

public struct RouteTable: Sendable {
    public struct Route: Sendable {
        public var name: String
        public var prefix: IPv4Prefix
        public var nextHopType: NextHopType
        public var nextHopIp: IPv4Address?
    }

    public var disableBgpRoutePropagation: Bool
    public var routes: [Route]
}

public struct CiscoRouter: Sendable {
    public struct Management: Sendable {
        public var host: String?
        public var lab: Bool
        public var port: Int
        public var username: String
        public var password: SecretRef
        /// How the router stores `password` (`username … secret`): scrypt unless the spec says md5.
        public var passwordHash: PasswordHash
        public var enableSecret: SecretRef?
        public var hostKey: String?
        public var knownHostsFile: String?
    }

    public struct NtpServer: Sendable {
        public var address: IPv4Address
        public var prefer: Bool
    }

    public struct Timezone: Sendable {
        public var name: String
        public var offsetHours: Int
        public var offsetMinutes: Int
    }

    public struct System: Sendable {
        public var hostname: String
        public var domainName: String?
        public var timezone: Timezone?
        public var ntpServers: [NtpServer]
        public var loggingBufferSize: Int?
        public var sshAllowedFrom: [IPv4Prefix]
    }

    public struct Pppoe: Sendable {
        public var dialer: Int
        public var mtu: Int
        public var chapHostname: String
        public var chapPassword: SecretRef
    }

    public struct Wan: Sendable {
        public var interface: String
        public var pppoe: Pppoe?
        public var address: InterfaceAddress?
        public var gateway: IPv4Address?

        /// The interface that carries the public address: the dialer for PPPoE.
        public var outsideInterface: String {
            pppoe.map { "Dialer\($0.dialer)" } ?? interface
        }
    }

    public struct Lan: Sendable {
        /// An on-prem prefix the router reaches through a next hop on its LAN (a core switch).
        public struct Route: Sendable, Hashable {
            public var prefix: IPv4Prefix
            public var nextHop: IPv4Address

            public init(prefix: IPv4Prefix, nextHop: IPv4Address) {
                self.prefix = prefix
                self.nextHop = nextHop
            }
        }

        public var interface: String
        public var address: InterfaceAddress
        /// Static routes via the LAN, in the spec's order; empty when the site is the LAN alone.
        public var routes: [Route] = []
    }

    public struct Tunnel: Sendable {
        public var tcpAdjustMss: Int
        public var interfaceNumber: Int
    }

    public var platform: Platform
    public var model: String?
    public var software: String?
    public var management: Management
    public var system: System
    public var wan: Wan
    public var lan: Lan
    public var natOverload: [IPv4Prefix]
    public var tunnel: Tunnel
    /// What the router costs (bought once, maintained yearly).
    public var costs: [CostItem] = []
}

public struct Intent: Sendable {
    public struct Egress: Sendable {
        public var from: String
        public var via: EgressVia
    }

    public struct Reachability: Sendable {
        public var from: String
        public var to: String
        public var expect: Expectation
    }

    public var internetEgress: [Egress]
    public var reachability: [Reachability]
}

public struct DriftPolicy: Sendable {
    /// A finding to leave alone; every field given must match.
    public struct IgnoreRule: Sendable {
        /// Resource id glob (`azure:*`, `cisco:tokyo-rtr1/*`).
        public var resource: String
        /// Attribute path glob, or for a router a config-line pattern (`ntp server *`).
        public var path: String?
        /// Resource type glob (`Microsoft.Network/*`, `ios.*`).
        public var kind: String? = nil
        /// `key=value`: a label of the spec object the resource comes from.
        public var label: String? = nil
    }

    /// A finding someone has seen and accepted for a while: reported as acknowledged, not
    /// as drift, until the end of `expires` (UTC).
    public struct Acknowledgement: Sendable {
        public var resource: String
        public var path: String?
        public var reason: String
        public var expires: CalendarDay
        public var by: String?
        /// Where it is written, for reports.
        public var location: SourceLocation
    }

    public var ignore: [IgnoreRule]
    public var acknowledgements: [Acknowledgement] = []
    public var reportUnmanaged: Bool
    public var webhookURL: String?
    public var webhookSecret: SecretRef?
}

/// Where the state lives: a StateBackend object (docs/state.md).
public struct StateBackendSettings: Sendable {
    public enum Location: Sendable {
        /// A PostgreSQL database; the URL is a secret (it may hold a password).
        case postgres(url: SecretRef, schema: String?)
        case azureBlob(storageAccount: String, container: String, blob: String, endpoint: String?)
    }

    public var location: Location

    public init(location: Location) {
        self.location = location
    }

    /// The PostgreSQL URL's secret, for the secrets a run reads first.
    public var postgresURL: SecretRef? {
        if case .postgres(let url, _) = location { return url }
        return nil
    }
}

/// A provider plugin the spec uses (docs/plugin-protocol.md): an executable found on PATH as
/// `reconcile-provider-NAME`, or one in the repository pinned by its SHA-256.
public struct PluginSettings: Sendable {
    /// The executable, relative to the spec's directory or absolute; nil: looked up on PATH.
    public var path: String?
    /// Its SHA-256, required with `path`: a different program is refused before it runs.
    public var sha256: String?

    public init(path: String?, sha256: String?) {
        self.path = path
        self.sha256 = sha256
    }

    /// A provider's name: `^[a-z][a-z0-9-]{0,39}$` (its resources' address prefix).
    public static func isProviderName(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, (97...122).contains(first), bytes.count <= 40 else { return false }
        return bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }
}

/// A document of a kind a plugin brings (`StrongSwanRouter`): kept as written, checked against
/// the plugin's JSON Schema, and lowered by the plugin.
public struct PluginObject: Sendable {
    /// The kind as written, and the plugin that brings it.
    public var kind: String
    public var plugin: String
    public var name: String
    public var labels: [String: String]
    public var file: String
    /// The document's root node, for positions of its values.
    public var document: YAMLNode
    /// Where `metadata.name` is written.
    public var location: SourceLocation

    /// The position of the value at a key path inside the document (`spec.configDir`).
    public func location(_ path: [PathComponent]) -> SourceLocation {
        document.locate(path, in: file)
    }

    /// `Kind 'name'`, as messages print an object.
    public var reference: String { "\(kind) '\(name)'" }
}

/// A kind a plugin brings, for loading a spec: which plugin, and the JSON Schema its documents'
/// `spec` must meet (the subset `JSONSchemaCheck` reads).
public struct PluginKind: Sendable {
    public var plugin: String
    public var schema: Value

    public init(plugin: String, schema: Value) {
        self.plugin = plugin
        self.schema = schema
    }
}
