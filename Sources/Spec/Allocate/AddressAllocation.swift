/// One address the allocation pass chose for a `{fromPool, size}` request.
public struct AddressAllocation: Sendable, Hashable, Codable {
    /// Who asked, stable across edits: `VirtualNetwork/hub-vnet/addressSpace/azure/0` (the
    /// k-th request from that pool in that VNet) or `VirtualNetwork/hub-vnet/subnets/GatewaySubnet`.
    public var key: String
    public var prefix: IPv4Prefix
    public var virtualNetwork: String
    /// The subnet, for a subnet's prefix; nil for a VNet address-space item.
    public var subnet: String?
    /// The pool it came from; nil when a subnet took from its VNet alone.
    public var pool: String?
    /// Why this size, when the spec left it to the default.
    public var sizeReason: String?
    /// Reused from the state's pins (`State.allocations`) rather than chosen afresh.
    public var kept: Bool

    public init(
        key: String,
        prefix: IPv4Prefix,
        virtualNetwork: String,
        subnet: String? = nil,
        pool: String? = nil,
        sizeReason: String? = nil,
        kept: Bool = false
    ) {
        self.key = key
        self.prefix = prefix
        self.virtualNetwork = virtualNetwork
        self.subnet = subnet
        self.pool = pool
        self.sizeReason = sizeReason
        self.kept = kept
    }

    /// The one line plan and validate print for it.
    ///
    /// `address: hub-vnet/GatewaySubnet = 10.10.0.0/27 from the VNet (GatewaySubnet: /27 default, …)`
    public var line: String {
        var what = virtualNetwork
        if let subnet {
            what += "/" + subnet
        } else if let k = key.split(separator: "/").last.flatMap({ Int($0) }), k > 0 {
            what += " #\(k + 1)"
        }
        var source: String
        switch (subnet, pool) {
        case (nil, let pool?): source = "pool '\(pool)'"
        case (_?, let pool?): source = "the VNet, inside pool '\(pool)'"
        default: source = "the VNet"
        }
        if kept { source += ", kept from the last apply" }
        return "address: \(what) = \(prefix) from \(source)" + (sizeReason.map { " (\($0))" } ?? "")
    }

    enum CodingKeys: String, CodingKey {
        case key, prefix, virtualNetwork, subnet, pool, sizeReason, kept, note
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try c.decode(String.self, forKey: .key),
            prefix: try c.decode(IPv4Prefix.self, forKey: .prefix),
            virtualNetwork: try c.decode(String.self, forKey: .virtualNetwork),
            subnet: try c.decodeIfPresent(String.self, forKey: .subnet),
            pool: try c.decodeIfPresent(String.self, forKey: .pool),
            sizeReason: try c.decodeIfPresent(String.self, forKey: .sizeReason),
            kept: try c.decodeIfPresent(Bool.self, forKey: .kept) ?? false
        )
    }

    /// Every field, and `note`: the line people read.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(prefix, forKey: .prefix)
        try c.encode(virtualNetwork, forKey: .virtualNetwork)
        try c.encodeIfPresent(subnet, forKey: .subnet)
        try c.encodeIfPresent(pool, forKey: .pool)
        try c.encodeIfPresent(sizeReason, forKey: .sizeReason)
        try c.encode(kept, forKey: .kept)
        try c.encode(line, forKey: .note)
    }

    /// Key → CIDR, as the state keeps them (`State.allocations`).
    public static func pins(_ allocations: [AddressAllocation]) -> [String: String] {
        Dictionary(allocations.map { ($0.key, $0.prefix.description) }, uniquingKeysWith: { a, _ in a })
    }
}
