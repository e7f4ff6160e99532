/// Where a routing decision is made: an on-prem site's router, a subnet (its effective
/// routes), a VNet gateway, a Virtual WAN hub, a hub's firewall, or an NVA.
public enum Place: Hashable, Comparable, Sendable, CustomStringConvertible {
    case site(String)
    case subnet(String, String)
    case gateway(String)
    case hub(String)
    /// A hub's Azure Firewall, by the hub's name.
    case firewall(String)
    /// A network virtual appliance, by its address.
    case appliance(IPv4Address)

    public var description: String {
        switch self {
        case .site(let name): "site \(name)"
        case .subnet(let vnet, let subnet): "subnet \(vnet)/\(subnet)"
        case .gateway(let name): "gateway \(name)"
        case .hub(let name): "hub \(name)"
        case .firewall(let hub): "firewall of hub \(hub)"
        case .appliance(let address): "NVA \(address)"
        }
    }

    /// Everything but an on-prem site is in Azure.
    public var isAzure: Bool {
        if case .site = self { return false }
        return true
    }

    public static func < (lhs: Place, rhs: Place) -> Bool { lhs.description < rhs.description }
}

/// Where a route sends traffic.
public enum NextHop: Hashable, Sendable, CustomStringConvertible {
    /// The address is here (a site's own prefixes, a hub's).
    case local
    case place(Place)
    /// Into a VNet: the subnet that holds the address.
    case vnet(String)
    case internet
    /// Azure's next hop `None`, or a route to nowhere.
    case drop

    public var description: String {
        switch self {
        case .local: "local"
        case .place(let place): place.description
        case .vnet(let vnet): "VNet \(vnet)"
        case .internet: "the internet"
        case .drop: "nowhere (dropped)"
        }
    }
}

/// One route in a place's table, with where it came from.
public struct Route: Hashable, Sendable {
    public enum Origin: String, Sendable, Hashable {
        case connected, system, udr, `static`, bgp, intent
    }

    public var prefix: IPv4Prefix
    public var nextHop: NextHop
    public var origin: Origin
    /// Among matching routes of the same length the lowest wins: a router's administrative
    /// distance; in a subnet Azure's order: user-defined 0, BGP 1 (ExpressRoute) or 2, system 3.
    public var preference: Int
    public var asPath: [UInt32]
    /// Why the route is there, in the user's names.
    public var why: String

    public init(
        _ prefix: IPv4Prefix,
        _ nextHop: NextHop,
        _ origin: Origin,
        preference: Int,
        asPath: [UInt32] = [],
        why: String
    ) {
        self.prefix = prefix
        self.nextHop = nextHop
        self.origin = origin
        self.preference = preference
        self.asPath = asPath
        self.why = why
    }
}

/// The routing table of every place of a spec, computed from the desired state by Azure's
/// and IOS's rules (`docs/routing.md`): system routes, address spaces, user-defined
/// routes and `disableBgpRoutePropagation`, static routes over tunnels, what VPN and
/// ExpressRoute gateways learn and advertise (never 0.0.0.0/0 from a VPN gateway), Route
/// Server with branch-to-branch, Virtual WAN routing intent and propagate default route,
/// forced tunneling, AS-path loop rejection.
///
/// It reads only the spec: it answers before anything is applied.
public struct RouteModel: Sendable {
    public let topology: Topology
    /// Each place's routes.
    public internal(set) var tables: [Place: [Route]] = [:]
    /// Routes a place does not get, and why ("a VPN gateway never advertises 0.0.0.0/0").
    public internal(set) var withheld: [Place: [String]] = [:]

    static let azureASN: UInt32 = ASN.azure.value
    static let privateRanges = IPv4Prefix.rfc1918
    /// Azure's system routes with next hop None (a VNet's more specific space still wins).
    static let noneRanges = IPv4Prefix.privateOrShared

    public init(_ topology: Topology) {
        self.topology = topology
        build()
    }
}
