public import Cisco
public import Spec

/// The Azure end of one IPsec tunnel, as ARM reports it: what the gateway will accept from
/// the site, and whether Azure says it is up.
public struct AzureEnd: Sendable, Hashable {
    /// The connection's name (a VpnConnection's, or a hub connection's link).
    public var connection: String
    /// The gateway's public addresses, one per instance.
    public var gatewayAddresses: [String]
    /// The gateway's BGP addresses, one per instance.
    public var gatewayBGPAddresses: [String]
    /// Where Azure expects the site's tunnel to come from (the local network gateway's or the
    /// VPN site link's address).
    public var localAddress: String?
    /// The connection's pre-shared key; nil when it cannot be read.
    public var sharedKey: String?
    /// `IKEv2` or `IKEv1`.
    public var ikeVersion: String
    /// What the gateway accepts, in IOS's words (the connection's ipsecPolicy, or Azure's
    /// defaults for a route-based gateway).
    public var accepts: IOSCrypto
    public var bgp: Bool
    /// `connectionStatus` (`Connected`, `NotConnected`, `Connecting`, `Unknown`).
    public var status: String?
    /// The gateway's ASN and the prefixes it advertises over BGP (its VNet's address space,
    /// or the hub's prefix).
    public var asn: Int = 65515
    public var advertised: [String] = []
    /// The on-prem BGP peering address Azure has for the site (what it learns routes from).
    public var siteBGPAddress: String?

    public init(
        connection: String,
        gatewayAddresses: [String],
        gatewayBGPAddresses: [String] = [],
        localAddress: String?,
        sharedKey: String?,
        ikeVersion: String,
        accepts: IOSCrypto,
        bgp: Bool,
        status: String? = nil
    ) {
        self.connection = connection
        self.gatewayAddresses = gatewayAddresses
        self.gatewayBGPAddresses = gatewayBGPAddresses
        self.localAddress = localAddress
        self.sharedKey = sharedKey
        self.ikeVersion = ikeVersion
        self.accepts = accepts
        self.bgp = bgp
        self.status = status
    }

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
    static func peeringAddresses(_ gateway: Attributes) -> [String] {
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

    /// The connection's first ipsecPolicy in IOS's words, or Azure's defaults.
    static func crypto(_ value: Value?) -> IOSCrypto {
        guard case .list(let policies)? = value, case .map(let first)? = policies.first else { return .azureDefault }
        var fields: [String: String] = [:]
        for entry in first { if let text = entry.value.scalarText { fields[entry.key] = text } }
        let seconds = Int(fields["saLifeTimeSeconds"] ?? "") ?? 27000
        let kilobytes = Int(fields["saDataSizeKilobytes"] ?? "") ?? 102_400_000
        return IpsecPolicy(arm: fields, lifetimeSeconds: seconds, kilobytes: kilobytes).map(IOSCrypto.init)
            ?? .azureDefault
    }
}

/// The router end of one tunnel, from its running config and its interfaces' addresses
/// (`show ip interface brief`: a PPPoE dialer's address is negotiated, not configured).
public struct RouterEnd: Sendable, Hashable {
    public var device: String
    /// The tunnel interface (`Tunnel1`).
    public var tunnel: String
    public var destination: String?
    /// The keyring peer's address, and the profile's remote identity.
    public var peerAddress: String?
    public var identity: String?
    public var sharedKey: String?
    /// The address the tunnel is sourced from (its `tunnel source` interface's).
    public var wanAddress: String?
    public var ikeVersion: String
    public var encryption: [String]
    public var integrity: [String]
    public var groups: [String]
    public var transforms: [String]
    /// BGP neighbours configured on the router.
    public var bgpNeighbors: [String]
    /// Whether the tunnel interface is administratively down (`shutdown` under it).
    public var shutdown: Bool = false
    /// The `tunnel source` interface (`Dialer1`).
    public var source: String?
    /// Why the tunnel source has no address, in the engineer's words (`Dialer1 has no address:
    /// the PPPoE session is down`); nil while it has one.
    public var sourceDown: String?
    /// The router's static routes (`ip route`), each by prefix, where it leads (an interface or
    /// a next hop) and its distance; nil when not known (an end built by hand).
    public var staticRoutes: [StaticRoute]?

    /// One `ip route` line.
    public struct StaticRoute: Sendable, Hashable {
        public var prefix: IPv4Prefix
        /// The interface (`Tunnel1`, `Dialer1`) or next-hop address the route names.
        public var via: String
        public var distance: Int

        public init(prefix: IPv4Prefix, via: String, distance: Int = 1) {
            self.prefix = prefix
            self.via = via
            self.distance = distance
        }

        /// The static routes of a running config.
        static func all(in config: IOSConfig) -> [StaticRoute] {
            config.lines.compactMap { line in
                let w = line.text.split(separator: " ").map(String.init)
                guard w.count >= 5, w[0] == "ip", w[1] == "route", let network = IPv4Address(w[2]),
                    let mask = IPv4Address(w[3])
                else { return nil }
                let length = mask.value.nonzeroBitCount
                guard let prefix = IPv4Prefix("\(network)/\(length)") else { return nil }
                return StaticRoute(prefix: prefix, via: w[4], distance: w.count > 5 ? Int(w[5]) ?? 1 : 1)
            }
        }
    }

    public init(
        device: String,
        tunnel: String,
        destination: String?,
        peerAddress: String?,
        identity: String?,
        sharedKey: String?,
        wanAddress: String?,
        ikeVersion: String,
        encryption: [String],
        integrity: [String],
        groups: [String],
        transforms: [String],
        bgpNeighbors: [String]
    ) {
        self.device = device
        self.tunnel = tunnel
        self.destination = destination
        self.peerAddress = peerAddress
        self.identity = identity
        self.sharedKey = sharedKey
        self.wanAddress = wanAddress
        self.ikeVersion = ikeVersion
        self.encryption = encryption
        self.integrity = integrity
        self.groups = groups
        self.transforms = transforms
        self.bgpNeighbors = bgpNeighbors
    }

    /// Every IPsec tunnel interface of `config`.
    public static func tunnels(device: String, config: IOSConfig, addresses: [String: String]) -> [RouterEnd] {
        func section(_ text: String) -> IOSLine? { config.lines.first { $0.text == text } }
        func value(_ line: IOSLine?, _ prefix: String) -> String? {
            line?.children.first { $0.text.hasPrefix(prefix) }.map { String($0.text.dropFirst(prefix.count)) }
        }
        let proposals = config.lines.filter { $0.text.hasPrefix("crypto ikev2 policy ") }.flatMap(\.children).filter {
            $0.text.hasPrefix("proposal ")
        }.flatMap { $0.text.split(separator: " ").dropFirst().map(String.init) }
        let offered = proposals.compactMap { section("crypto ikev2 proposal \($0)") }
        func words(_ prefix: String) -> [String] {
            offered.compactMap { value($0, prefix) }.flatMap { $0.split(separator: " ").map(String.init) }
        }
        let bgp = config.lines.first { $0.text.hasPrefix("router bgp ") }?.children.compactMap { line -> String? in
            let w = line.text.split(separator: " ")
            return w.count >= 4 && w[0] == "neighbor" && w[2] == "remote-as" ? String(w[1]) : nil
        }
        let statics = StaticRoute.all(in: config)
        return config.lines.filter { $0.text.hasPrefix("interface Tunnel") }.compactMap { tunnel in
            guard let protection = value(tunnel, "tunnel protection ipsec profile ") else { return nil }
            let destination = value(tunnel, "tunnel destination ")
            let ipsec = section("crypto ipsec profile \(protection)")
            let profile = value(ipsec, "set ikev2-profile ").flatMap { section("crypto ikev2 profile \($0)") }
            let transformPrefix = value(ipsec, "set transform-set ").map { "crypto ipsec transform-set \($0) " }
            let transformLine = transformPrefix.flatMap { p in config.lines.first { $0.text.hasPrefix(p) } }
            let transforms = IOSSections.transforms(transformLine?.text.dropFirst(transformPrefix?.count ?? 0) ?? "")
            let keyring = value(profile, "keyring local ").flatMap { section("crypto ikev2 keyring \($0)") }
            let peers = keyring?.children.filter { $0.text.hasPrefix("peer ") } ?? []
            let peer =
                peers.first { value($0, "address ")?.split(separator: " ").first.map(String.init) == destination }
                ?? peers.first
            let key = value(peer, "pre-shared-key ").map { text -> String in
                let parts = text.split(separator: " ").map(String.init)
                if parts.count == 2, parts[0] == "7" { return Type7.decode(parts[1]) ?? parts[1] }
                return parts.count == 2 && parts[0] == "0" ? parts[1] : text
            }
            let source = value(tunnel, "tunnel source ")
            var end = RouterEnd(
                device: device,
                tunnel: String(tunnel.text.dropFirst("interface ".count)),
                destination: destination,
                peerAddress: value(peer, "address ")?.split(separator: " ").first.map(String.init),
                identity: value(profile, "match identity remote address ")?.split(separator: " ").first.map(
                    String.init
                ),
                sharedKey: key,
                wanAddress: source.flatMap { addresses[$0] },
                ikeVersion: profile == nil ? "IKEv1" : "IKEv2",
                encryption: words("encryption "),
                integrity: words("integrity "),
                groups: words("group "),
                transforms: transforms,
                bgpNeighbors: bgp ?? []
            )
            end.shutdown = tunnel.children.contains { $0.text == "shutdown" }
            end.source = source
            end.staticRoutes = statics
            if end.wanAddress == nil { end.sourceDown = sourceDown(source, config: config) }
            return end
        }
    }

    /// Why a tunnel source has no address: shut itself, or a PPPoE dialer whose session is down
    /// (its Ethernet shut, or no address from the ISP).
    static func sourceDown(_ source: String?, config: IOSConfig) -> String {
        guard let source else { return "the tunnel has no tunnel source" }
        guard let interface = config.lines.first(where: { $0.text == "interface \(source)" }) else {
            return "\(source), the tunnel source, does not exist"
        }
        func shut(_ line: IOSLine) -> Bool { line.children.contains { $0.text == "shutdown" } }
        if shut(interface) { return "\(source) is administratively down (shutdown)" }
        guard interface.children.contains(where: { $0.text == "ip address negotiated" }) else {
            return "\(source) has no address"
        }
        let session = "\(source) has no address: the PPPoE session is down"
        // The Ethernet port that carries the dialer's pool.
        let pool = interface.children.first { $0.text.hasPrefix("dialer pool ") }.map { $0.text.dropFirst(12) }
        let port = pool.flatMap { pool in
            config.lines.first { line in
                line.text.hasPrefix("interface ")
                    && line.children.contains { $0.text == "pppoe-client dial-pool-number \(pool)" }
            }
        }
        if let port, shut(port) {
            return session + " (\(port.text.dropFirst("interface ".count)) is administratively down)"
        }
        return session
    }
}
