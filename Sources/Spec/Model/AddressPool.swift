/// Address space the spec hands out (`kind: AddressPool`, docs/addresses.md).
public struct AddressPool: Sendable {
    /// Who may take from a pool.
    public enum Use: String, Sendable, CaseIterable {
        /// VNets and subnets may take from it (`fromPool`).
        case azure
        /// Kept for sites: nothing in Azure may take from it or overlap it.
        case onPrem
    }

    public var prefixes: [IPv4Prefix]
    public var use: Use
}

/// A VNet address-space item or a subnet prefix written as `{fromPool: NAME, size: N}` (or, for
/// a subnet, `{size: N}`): the allocation pass (`AddressAllocator`) replaces it with a literal
/// prefix before any rule or the lowering sees it.
public struct AddressRequest: Sendable, Hashable {
    /// What the request fills in.
    public enum Target: Sendable, Hashable {
        /// The item at this position of the VNet's decoded `addressSpace`.
        case addressSpace(Int)
        /// The subnet at this position of the VNet's decoded `subnets`.
        case subnet(Int)
    }

    public var target: Target
    /// The AddressPool to take from; nil for a subnet taking from its own VNet.
    public var pool: String?
    /// The prefix length asked; nil for a subnet whose size Azure dictates (the default applies).
    public var size: Int?
    /// Key path of the value in the document, for diagnostics (`["spec", "subnets", 2, "prefix"]`).
    public var path: [PathComponent]

    /// What a decoded list holds at a request's position until it is allocated.
    static let placeholder = IPv4Prefix(network: IPv4Address(0), length: 32)
}
