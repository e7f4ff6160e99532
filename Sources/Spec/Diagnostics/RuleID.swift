internal import Foundation

/// A stable identifier for a validation rule, printed as `error[RULE-ID]`.
///
/// IDs never change once released; wording may. Every ID is listed in `RuleID.catalogue`
/// and documented in `docs/rules.md` (a test keeps the two in step).
public struct RuleID: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension RuleID {
    // MARK: Reading files and YAML
    public static let ioRead = RuleID(rawValue: "io-read")
    public static let ioNoSpec = RuleID(rawValue: "io-no-spec")
    public static let ioSymlink = RuleID(rawValue: "io-symlink")
    public static let ioSizeLimit = RuleID(rawValue: "io-size-limit")
    public static let yamlSyntax = RuleID(rawValue: "yaml-syntax")
    public static let yamlEncoding = RuleID(rawValue: "yaml-encoding")
    public static let yamlDuplicateKey = RuleID(rawValue: "yaml-duplicate-key")
    public static let yamlAlias = RuleID(rawValue: "yaml-alias")
    public static let yamlAliasLimit = RuleID(rawValue: "yaml-alias-limit")
    public static let yamlKey = RuleID(rawValue: "yaml-key")

    // MARK: Objects and schema
    public static let schemaApiVersion = RuleID(rawValue: "schema-api-version")
    public static let schemaKind = RuleID(rawValue: "schema-kind")
    public static let schemaUnknownField = RuleID(rawValue: "schema-unknown-field")
    public static let schemaRequired = RuleID(rawValue: "schema-required")
    public static let schemaType = RuleID(rawValue: "schema-type")
    public static let schemaValue = RuleID(rawValue: "schema-value")
    public static let schemaExclusive = RuleID(rawValue: "schema-exclusive")
    public static let nameInvalid = RuleID(rawValue: "name-invalid")
    public static let nameDuplicate = RuleID(rawValue: "name-duplicate")
    public static let scopeCount = RuleID(rawValue: "scope-count")
    public static let driftPolicyCount = RuleID(rawValue: "drift-policy-count")
    public static let stateBackendCount = RuleID(rawValue: "state-backend-count")
    public static let pluginPin = RuleID(rawValue: "plugin-pin")
    public static let pluginRun = RuleID(rawValue: "plugin-run")
    public static let pluginCheck = RuleID(rawValue: "plugin-check")

    // MARK: References and secrets
    public static let refMissing = RuleID(rawValue: "ref-missing")
    public static let refKind = RuleID(rawValue: "ref-kind")
    public static let refCycle = RuleID(rawValue: "ref-cycle")
    public static let secretPlaintext = RuleID(rawValue: "secret-plaintext")
    public static let secretSource = RuleID(rawValue: "secret-source")
    public static let secretMissing = RuleID(rawValue: "secret-missing")
    public static let secretNotGranted = RuleID(rawValue: "secret-not-granted")
    public static let secretOutsideSpec = RuleID(rawValue: "secret-outside-spec")
    public static let secretValue = RuleID(rawValue: "secret-value")

    // MARK: Address plan
    public static let addressOverlap = RuleID(rawValue: "address-overlap")
    public static let addressReserved = RuleID(rawValue: "address-reserved")
    public static let subnetOutsideVnet = RuleID(rawValue: "subnet-outside-vnet")
    public static let subnetOverlap = RuleID(rawValue: "subnet-overlap")
    public static let subnetSize = RuleID(rawValue: "subnet-size")
    public static let subnetDuplicate = RuleID(rawValue: "subnet-duplicate")
    public static let p2sPoolOverlap = RuleID(rawValue: "p2s-pool-overlap")
    public static let poolExhausted = RuleID(rawValue: "pool-exhausted")
    public static let poolUnknown = RuleID(rawValue: "pool-unknown")
    public static let poolAllocationOverlap = RuleID(rawValue: "pool-allocation-overlap")
    public static let poolOverlap = RuleID(rawValue: "pool-overlap")
    public static let poolOnPrem = RuleID(rawValue: "pool-onprem")
    public static let poolSize = RuleID(rawValue: "pool-size")

    // MARK: Gateways
    public static let gatewaySubnetMissing = RuleID(rawValue: "gateway-subnet-missing")
    public static let gatewaySubnetName = RuleID(rawValue: "gateway-subnet-name")
    public static let gatewaySubnetSize = RuleID(rawValue: "gateway-subnet-size")
    public static let gatewaySubnetRouteTable = RuleID(rawValue: "gateway-subnet-route-table")
    public static let gatewayPerVnet = RuleID(rawValue: "gateway-per-vnet")
    public static let gatewaySku = RuleID(rawValue: "gateway-sku")
    public static let gatewayPolicyBased = RuleID(rawValue: "gateway-policy-based")
    public static let gatewayBasicSku = RuleID(rawValue: "gateway-basic-sku")
    public static let gatewayBgpRouteBased = RuleID(rawValue: "gateway-bgp-route-based")
    public static let gatewayType = RuleID(rawValue: "gateway-type")
    public static let forcedTunnelingSite = RuleID(rawValue: "forced-tunneling-site")
    public static let p2sConfig = RuleID(rawValue: "p2s-config")
    public static let connectionBgp = RuleID(rawValue: "connection-bgp")
    public static let ipsecPolicy = RuleID(rawValue: "ipsec-policy")
    public static let cryptoWeakCipher = RuleID(rawValue: "crypto-weak-cipher")
    public static let cryptoWeakIntegrity = RuleID(rawValue: "crypto-weak-integrity")
    public static let cryptoWeakDhGroup = RuleID(rawValue: "crypto-weak-dh-group")
    public static let cryptoNoPfs = RuleID(rawValue: "crypto-no-pfs")

    // MARK: BGP
    public static let bgpAsnReserved = RuleID(rawValue: "bgp-asn-reserved")
    public static let bgpAsnConflict = RuleID(rawValue: "bgp-asn-conflict")
    public static let bgpApipa = RuleID(rawValue: "bgp-apipa")
    public static let bgpPeeringAddress = RuleID(rawValue: "bgp-peering-address")

    // MARK: Route Server, route tables, default routes
    public static let routeServerSubnetMissing = RuleID(rawValue: "route-server-subnet-missing")
    public static let routeServerSubnetSize = RuleID(rawValue: "route-server-subnet-size")
    public static let routeServerNvaLoop = RuleID(rawValue: "route-server-nva-loop")
    public static let routeServerPerVnet = RuleID(rawValue: "route-server-per-vnet")
    public static let routeServerActiveActive = RuleID(rawValue: "route-server-active-active")
    public static let routeServerPeer = RuleID(rawValue: "route-server-peer")
    public static let branchToBranch = RuleID(rawValue: "branch-to-branch")
    public static let defaultRouteVpn = RuleID(rawValue: "default-route-vpn")
    public static let routeNextHop = RuleID(rawValue: "route-next-hop")

    // MARK: Virtual WAN
    public static let vwanHubPrefix = RuleID(rawValue: "vwan-hub-prefix")
    public static let vwanBasic = RuleID(rawValue: "vwan-basic")
    public static let vwanDefaultRoute = RuleID(rawValue: "vwan-default-route")
    public static let vwanGatewayMissing = RuleID(rawValue: "vwan-gateway-missing")
    public static let routingIntentFirewall = RuleID(rawValue: "routing-intent-firewall")
    public static let propagateDefaultRouteScope = RuleID(rawValue: "propagate-default-route-scope")

    // MARK: Sites and devices
    public static let siteBehindNat = RuleID(rawValue: "site-behind-nat")
    public static let siteAddress = RuleID(rawValue: "site-address")
    public static let siteDevice = RuleID(rawValue: "site-device")
    public static let devicePppoeMtu = RuleID(rawValue: "device-pppoe-mtu")
    public static let deviceMss = RuleID(rawValue: "device-mss")
    public static let deviceIpsecUnsupported = RuleID(rawValue: "device-ipsec-unsupported")
    public static let deviceManagement = RuleID(rawValue: "device-management")
    public static let deviceInterface = RuleID(rawValue: "device-interface")
    public static let devicePasswordHash = RuleID(rawValue: "device-password-hash")
    public static let devicePasswordWeak = RuleID(rawValue: "device-password-weak")
    public static let deviceModelInterface = RuleID(rawValue: "device-model-interface")
    public static let deviceManagementPath = RuleID(rawValue: "device-management-path")
    public static let deviceLanRoute = RuleID(rawValue: "device-lan-route")
    public static let deviceLanRouteOutsideSite = RuleID(rawValue: "device-lan-route-outside-site")

    // MARK: Intents
    public static let intentEndpoint = RuleID(rawValue: "intent-endpoint")
    public static let intentViolated = RuleID(rawValue: "intent-violated")
}

/// What a rule checks, for `docs/rules.md` and `reconcile validate --explain`.
public struct RuleInfo: Sendable {
    public var id: RuleID
    public var severity: Severity
    public var summary: String
}

extension RuleID {
    /// Every rule the tool can report, with its default severity and a one-line summary.
    public static let catalogue: [RuleInfo] = [
        RuleInfo(id: .ioRead, severity: .error, summary: "A spec file or directory cannot be read."),
        RuleInfo(id: .ioNoSpec, severity: .error, summary: "The path holds no *.yaml or *.yml file."),
        RuleInfo(
            id: .ioSymlink,
            severity: .warning,
            summary: "A symbolic link was skipped: links to directories are not followed; a link that leads nowhere."
        ),
        RuleInfo(
            id: .ioSizeLimit,
            severity: .error,
            summary: "A file, a line or a value is larger than the reader takes (8 MiB, 16 KiB, 64 KiB)."
        ),
        RuleInfo(
            id: .yamlSyntax,
            severity: .error,
            summary: "libyaml rejected the text (tabs, bad indentation, unclosed quotes...)."
        ),
        RuleInfo(id: .yamlEncoding, severity: .error, summary: "The file is not valid UTF-8."),
        RuleInfo(id: .yamlDuplicateKey, severity: .error, summary: "A mapping repeats a key."),
        RuleInfo(id: .yamlAlias, severity: .error, summary: "An alias names an anchor that is not defined before it."),
        RuleInfo(
            id: .yamlAliasLimit,
            severity: .error,
            summary: "Alias expansion grows past the limit (\"billion laughs\")."
        ),
        RuleInfo(id: .yamlKey, severity: .error, summary: "A mapping key is not a plain string."),
        RuleInfo(id: .schemaApiVersion, severity: .error, summary: "apiVersion is missing or not reconcile/v1."),
        RuleInfo(
            id: .schemaKind,
            severity: .error,
            summary: "kind is missing or not one of the kinds `reconcile schema` lists."
        ),
        RuleInfo(
            id: .schemaUnknownField,
            severity: .error,
            summary: "A field the schema does not know (typos get a suggestion)."
        ),
        RuleInfo(id: .schemaRequired, severity: .error, summary: "A required field is missing."),
        RuleInfo(
            id: .schemaType,
            severity: .error,
            summary: "A value has the wrong type for its field (no YAML 1.1 guessing)."
        ),
        RuleInfo(id: .schemaValue, severity: .error, summary: "A value is malformed or out of range for its field."),
        RuleInfo(
            id: .schemaExclusive,
            severity: .error,
            summary: "Fields that exclude each other are both set, or neither of a required pair."
        ),
        RuleInfo(
            id: .nameInvalid,
            severity: .error,
            summary: "metadata.name does not match [A-Za-z0-9][A-Za-z0-9._-]{0,62}."
        ),
        RuleInfo(id: .nameDuplicate, severity: .error, summary: "Two objects of one kind share a name."),
        RuleInfo(id: .scopeCount, severity: .error, summary: "A spec needs exactly one AzureScope."),
        RuleInfo(id: .driftPolicyCount, severity: .error, summary: "A spec has at most one DriftPolicy."),
        RuleInfo(id: .stateBackendCount, severity: .error, summary: "A spec has at most one StateBackend."),
        RuleInfo(
            id: .pluginPin,
            severity: .error,
            summary:
                "A Plugin's name is a provider name, and one named by path gives the executable's SHA-256, which must match."
        ),
        RuleInfo(
            id: .pluginRun,
            severity: .error,
            summary:
                "A plugin is found, starts, speaks protocol 1 and answers with what it declared; its kinds are not built in."
        ),
        RuleInfo(
            id: .pluginCheck,
            severity: .error,
            summary: "A plugin's own check of a document of its kind (an error or a warning, at the field it names)."
        ),
        RuleInfo(id: .refMissing, severity: .error, summary: "A reference names no object."),
        RuleInfo(id: .refKind, severity: .error, summary: "A reference names an object of the wrong kind."),
        RuleInfo(id: .refCycle, severity: .error, summary: "References form a cycle."),
        RuleInfo(
            id: .secretPlaintext,
            severity: .error,
            summary: "A secret field holds a literal (allowed only with --allow-plaintext-secrets)."
        ),
        RuleInfo(id: .secretSource, severity: .error, summary: "A secret's fromEnv/fromFile is malformed."),
        RuleInfo(
            id: .secretMissing,
            severity: .error,
            summary: "A secret's variable is not set or its file cannot be read (checked before plan, apply, drift)."
        ),
        RuleInfo(
            id: .secretNotGranted,
            severity: .error,
            summary: "fromEnv names a variable not granted by --allow-secret or RECONCILE_ALLOWED_SECRETS."
        ),
        RuleInfo(
            id: .secretOutsideSpec,
            severity: .error,
            summary: "fromFile leads outside the spec directory (after symlinks and ..)."
        ),
        RuleInfo(
            id: .secretValue,
            severity: .error,
            summary: "A secret is empty or holds what IOS cannot take: a line break, '?', non-ASCII, edge spaces."
        ),
        RuleInfo(id: .addressOverlap, severity: .error, summary: "On-prem, VNet, hub and P2S address spaces overlap."),
        RuleInfo(
            id: .addressReserved,
            severity: .error,
            summary: "An address space uses a range Azure forbids (127/8, 169.254/16, 224/4...)."
        ),
        RuleInfo(
            id: .subnetOutsideVnet,
            severity: .error,
            summary: "A subnet lies outside its VNet's address space (Azure: NetcfgSubnetRangeOutsideVnet)."
        ),
        RuleInfo(
            id: .subnetOverlap,
            severity: .error,
            summary: "Subnets of one VNet overlap (Azure: NetcfgSubnetRangesOverlap)."
        ),
        RuleInfo(
            id: .subnetSize,
            severity: .error,
            summary: "A subnet is smaller than /29 or larger than /2 (Azure: NetcfgInvalidSubnet)."
        ),
        RuleInfo(id: .subnetDuplicate, severity: .error, summary: "Two subnets of one VNet share a name."),
        RuleInfo(
            id: .p2sPoolOverlap,
            severity: .error,
            summary: "A point-to-site pool overlaps a VNet, a site or another pool."
        ),
        RuleInfo(
            id: .poolExhausted,
            severity: .error,
            summary: "An AddressPool (or a VNet, for {size: N}) has no free block of the size asked."
        ),
        RuleInfo(
            id: .poolUnknown,
            severity: .error,
            summary: "fromPool names no AddressPool, or a VNet's request names none."
        ),
        RuleInfo(
            id: .poolAllocationOverlap,
            severity: .error,
            summary: "A literal prefix overlaps an allocation kept from the last apply."
        ),
        RuleInfo(
            id: .poolOverlap,
            severity: .error,
            summary: "An azure AddressPool overlaps a site's addressSpace, an onPrem pool or another pool."
        ),
        RuleInfo(
            id: .poolOnPrem,
            severity: .error,
            summary: "A VNet, hub or P2S pool uses an onPrem pool's space, or fromPool names an onPrem pool."
        ),
        RuleInfo(
            id: .poolSize,
            severity: .error,
            summary: "A request's size is outside /8 to /29, or missing where Azure dictates no default."
        ),
        RuleInfo(
            id: .gatewaySubnetMissing,
            severity: .error,
            summary: "A VNet with a gateway has no subnet named GatewaySubnet."
        ),
        RuleInfo(
            id: .gatewaySubnetName,
            severity: .warning,
            summary: "A subnet is named like GatewaySubnet/RouteServerSubnet with the wrong case."
        ),
        RuleInfo(
            id: .gatewaySubnetSize,
            severity: .error,
            summary:
                "GatewaySubnet is /29-/28 for a non-Basic SKU (needs /27 or larger; /26 recommended with ExpressRoute)."
        ),
        RuleInfo(
            id: .gatewaySubnetRouteTable,
            severity: .error,
            summary: "GatewaySubnet's route table has a 0.0.0.0/0 route or disables BGP propagation."
        ),
        RuleInfo(id: .gatewayPerVnet, severity: .error, summary: "More than one gateway of one type in a VNet."),
        RuleInfo(id: .gatewaySku, severity: .error, summary: "The SKU is not valid (or retired) for the gateway type."),
        RuleInfo(
            id: .gatewayPolicyBased,
            severity: .error,
            summary: "PolicyBased needs Basic SKU, IKEv1, one site-to-site tunnel, no BGP/P2S/active-active."
        ),
        RuleInfo(
            id: .gatewayBasicSku,
            severity: .error,
            summary: "A feature the Basic SKU does not have (BGP, active-active, custom IPsec policy, IKEv2 P2S)."
        ),
        RuleInfo(id: .gatewayBgpRouteBased, severity: .error, summary: "BGP needs a RouteBased gateway."),
        RuleInfo(
            id: .gatewayType,
            severity: .error,
            summary: "A connection uses a gateway of the wrong type (VPN vs ExpressRoute)."
        ),
        RuleInfo(
            id: .forcedTunnelingSite,
            severity: .error,
            summary:
                "forcedTunneling.defaultSite is not a site connected to this gateway, or the gateway is not RouteBased."
        ),
        RuleInfo(
            id: .p2sConfig,
            severity: .error,
            summary: "Point-to-site settings Azure refuses (PolicyBased, >20 root certificates, empty pool)."
        ),
        RuleInfo(
            id: .connectionBgp,
            severity: .error,
            summary: "routing: Bgp needs BGP on the gateway and on the site."
        ),
        RuleInfo(
            id: .ipsecPolicy,
            severity: .error,
            summary: "An IPsec policy Azure refuses (GCM mismatch, lifetimes out of range)."
        ),
        RuleInfo(
            id: .cryptoWeakCipher,
            severity: .warning,
            summary: "An ipsecPolicy pins DES or 3DES (allowed for old devices; use GCMAES256 or AES256)."
        ),
        RuleInfo(
            id: .cryptoWeakIntegrity,
            severity: .warning,
            summary: "An ipsecPolicy pins SHA1 or MD5 integrity (allowed for old devices; use SHA256 or above)."
        ),
        RuleInfo(
            id: .cryptoWeakDhGroup,
            severity: .warning,
            summary: "An ipsecPolicy pins DH or PFS group 1 or 2 (allowed for old devices; use ECP384, ECP256, 14)."
        ),
        RuleInfo(
            id: .cryptoNoPfs,
            severity: .warning,
            summary: "An ipsecPolicy has pfsGroup None: no perfect forward secrecy for the IPsec SAs."
        ),
        RuleInfo(
            id: .bgpAsnReserved,
            severity: .error,
            summary:
                "An ASN Azure or IANA reserves (8074, 8075, 12076, 65515-65520, 23456, 64496-64511, 65535-65551...)."
        ),
        RuleInfo(id: .bgpAsnConflict, severity: .error, summary: "The on-prem ASN equals the Azure side's ASN."),
        RuleInfo(
            id: .bgpApipa,
            severity: .error,
            summary: "A custom Azure BGP address outside 169.254.21.0-169.254.22.255."
        ),
        RuleInfo(
            id: .bgpPeeringAddress,
            severity: .error,
            summary: "The on-prem BGP address is the device's public IP or inside a VNet."
        ),
        RuleInfo(
            id: .routeServerSubnetMissing,
            severity: .error,
            summary: "A Route Server's VNet has no RouteServerSubnet."
        ),
        RuleInfo(id: .routeServerSubnetSize, severity: .error, summary: "RouteServerSubnet is smaller than /26."),
        RuleInfo(id: .routeServerPerVnet, severity: .error, summary: "More than one Route Server in a VNet."),
        RuleInfo(
            id: .routeServerNvaLoop,
            severity: .warning,
            summary: "An NVA's subnet learns the NVA's own announcements back from Route Server (a routing loop)."
        ),
        RuleInfo(
            id: .routeServerActiveActive,
            severity: .error,
            summary: "A VPN gateway beside a Route Server is not active-active."
        ),
        RuleInfo(
            id: .routeServerPeer,
            severity: .error,
            summary: "A Route Server peer is outside the VNet, duplicated, or uses ASN 65515."
        ),
        RuleInfo(
            id: .branchToBranch,
            severity: .warning,
            summary: "NVA routes will not reach the gateways without branchToBranch: true."
        ),
        RuleInfo(
            id: .defaultRouteVpn,
            severity: .warning,
            summary: "A 0.0.0.0/0 that a VPN gateway will never advertise to on-prem (use 0.0.0.0/1 + 128.0.0.0/1)."
        ),
        RuleInfo(
            id: .routeNextHop,
            severity: .error,
            summary:
                "A user-defined route's next hop is inconsistent (nextHopIp iff VirtualAppliance, VirtualNetworkGateway only toward a RouteBased VPN gateway)."
        ),
        RuleInfo(id: .vwanHubPrefix, severity: .error, summary: "A hub prefix smaller than /24."),
        RuleInfo(
            id: .vwanBasic,
            severity: .error,
            summary: "A Basic Virtual WAN with ExpressRoute, P2S, firewall or several hubs."
        ),
        RuleInfo(
            id: .vwanDefaultRoute,
            severity: .warning,
            summary: "propagateDefaultRoute on a hub that has no default route to propagate."
        ),
        RuleInfo(
            id: .vwanGatewayMissing,
            severity: .error,
            summary: "A hub connection needs a hub VPN or ExpressRoute gateway that the hub lacks."
        ),
        RuleInfo(
            id: .routingIntentFirewall,
            severity: .error,
            summary: "Routing intent names a next hop that is not the hub's firewall."
        ),
        RuleInfo(
            id: .propagateDefaultRouteScope,
            severity: .error,
            summary: "propagateDefaultRoute is set on a connection to a VNet gateway (only Virtual WAN hubs have it)."
        ),
        RuleInfo(
            id: .siteBehindNat,
            severity: .warning,
            summary: "The site's VPN device is behind NAT: Azure takes NAT-T only when the device initiates."
        ),
        RuleInfo(
            id: .siteAddress,
            severity: .error,
            summary: "A site needs exactly one of publicIp/fqdn, and address space unless BGP is used."
        ),
        RuleInfo(
            id: .siteDevice,
            severity: .error,
            summary: "A device is claimed by several sites, or its WAN address differs from the site's public IP."
        ),
        RuleInfo(
            id: .devicePppoeMtu,
            severity: .warning,
            summary: "A PPPoE ip mtu above 1454 will fragment tunnelled traffic."
        ),
        RuleInfo(
            id: .deviceMss,
            severity: .warning,
            summary: "A tunnel TCP MSS above what the WAN MTU carries (1350 for PPPoE)."
        ),
        RuleInfo(
            id: .deviceIpsecUnsupported,
            severity: .error,
            summary: "An IKE/IPsec choice the device's platform cannot do."
        ),
        RuleInfo(
            id: .deviceManagement,
            severity: .error,
            summary: "management needs exactly one of host/lab, and a pinned host key for a real host."
        ),
        RuleInfo(
            id: .deviceInterface,
            severity: .error,
            summary: "Interface names or addresses that IOS would refuse or that collide."
        ),
        RuleInfo(
            id: .devicePasswordHash,
            severity: .error,
            summary: "passwordHash: scrypt on software that lacks it (IOS before 15.3(3)M, IOS-XE before 3.10S)."
        ),
        RuleInfo(
            id: .devicePasswordWeak,
            severity: .warning,
            summary: "passwordHash: md5 (type 5, fast to brute-force) on software that has scrypt."
        ),
        RuleInfo(
            id: .deviceModelInterface,
            severity: .error,
            summary: "The WAN or LAN port is one the router's model does not have (GigabitEthernet0/0/0 on an 891FJ)."
        ),
        RuleInfo(
            id: .deviceManagementPath,
            severity: .error,
            summary:
                "The LAN the tool manages the router from is outside sshAllowedFrom: the push would lock itself out."
        ),
        RuleInfo(
            id: .deviceLanRoute,
            severity: .error,
            summary:
                "A lan.routes entry IOS would not use: next hop off the LAN subnet or the router's own address, or a prefix given twice."
        ),
        RuleInfo(
            id: .deviceLanRouteOutsideSite,
            severity: .warning,
            summary: "A lan.routes prefix outside the site's addressSpace: Azure sends nothing there."
        ),
        RuleInfo(
            id: .intentEndpoint,
            severity: .error,
            summary: "An intent names a place that is not a site, VNet or VNet/subnet."
        ),
        RuleInfo(
            id: .intentViolated,
            severity: .error,
            summary: "An intent does not hold in the routing analysis of the spec (the path that breaks it is shown)."
        ),
    ]
}

extension RuleID {
    /// The catalogue as the Markdown of `docs/rules.md` (printed by `reconcile rules`).
    public static func markdownCatalogue() -> String {
        var out = """
            # Validation rules

            Every diagnostic carries one of these stable IDs: `file:line:col: error[ID]: message`.
            IDs never change once released; messages may. Errors stop `plan` and `apply`;
            warnings are printed and do not. Generated by `reconcile rules`; a test keeps this
            page equal to the code.

            | ID | Severity | What it checks |
            |---|---|---|

            """
        for rule in catalogue {
            out +=
                "| `\(rule.id.rawValue)` | \(rule.severity.rawValue) | \(rule.summary.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }
}
