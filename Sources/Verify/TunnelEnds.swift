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
    /// What the gateway accepts (the connection's ipsecPolicy, or the gateway's default
    /// proposals when it has none).
    public var accepts: IpsecProposals
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
        accepts: IpsecProposals,
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
    /// The pre-shared key as a fingerprint, from a provider that does not hand the key over in
    /// clear (a plugin's); compared with the cloud end's key when `sharedKey` is nil.
    public var sharedKeyFingerprint: KeyFingerprint?
    /// The address the tunnel is sourced from (its `tunnel source` interface's).
    public var wanAddress: String?
    public var ikeVersion: String
    /// What the router offers, in the spec's vocabulary; nil when its provider does not report
    /// its proposals, which are then not compared.
    public var offers: IpsecProposals?
    /// How the router's provider writes proposals: what the proposal checks' messages say both
    /// ends take in (the spec's own words unless its provider says otherwise).
    public var words: ProposalWords = .spec
    /// BGP neighbours configured on the router.
    public var bgpNeighbors: [String]
    /// Why the tunnel's SA state cannot be seen (its provider has no way to read it); nil when
    /// the router's facts hold its SAs, or their absence.
    public var stateUnseen: String?
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
        offers: IpsecProposals?,
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
        self.offers = offers
        self.bgpNeighbors = bgpNeighbors
    }
}
