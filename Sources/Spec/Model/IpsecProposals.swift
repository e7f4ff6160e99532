/// The IKE and IPsec algorithms one end of a tunnel offers or accepts, in the spec's own words
/// (the values of `IpsecPolicy`).
///
/// Each provider maps its own words to these (the cloud end's policy, a router's proposals read
/// back), so `verify` compares two ends without speaking either's language. A list holds every
/// choice the end takes: an `IpsecPolicy` pins one of each, default proposals list several.
/// Integrity of an AES-GCM ESP transform is written as the spec writes it: the same GCM value as
/// its encryption (`GCMAES256`/`GCMAES256`).
public struct IpsecProposals: Sendable, Hashable {
    public var ikeEncryption: [IkeEncryption]
    /// With an AES-GCM IKE cipher, what the end uses as PRF.
    public var ikeIntegrity: [IkeIntegrity]
    /// Empty when IKE uses no DH group (`DhGroup.none`).
    public var dhGroups: [DhGroup]
    public var ipsecEncryption: [IpsecEncryption]
    public var ipsecIntegrity: [IpsecIntegrity]

    public init(
        ikeEncryption: [IkeEncryption],
        ikeIntegrity: [IkeIntegrity],
        dhGroups: [DhGroup],
        ipsecEncryption: [IpsecEncryption],
        ipsecIntegrity: [IpsecIntegrity]
    ) {
        self.ikeEncryption = ikeEncryption
        self.ikeIntegrity = ikeIntegrity
        self.dhGroups = dhGroups
        self.ipsecEncryption = ipsecEncryption
        self.ipsecIntegrity = ipsecIntegrity
    }

    /// What an end pinned to `policy` takes: exactly its choices.
    public init(_ policy: IpsecPolicy) {
        self.init(
            ikeEncryption: [policy.ikeEncryption],
            ikeIntegrity: [policy.ikeIntegrity],
            dhGroups: policy.dhGroup == .none ? [] : [policy.dhGroup],
            ipsecEncryption: [policy.ipsecEncryption],
            ipsecIntegrity: [policy.ipsecIntegrity]
        )
    }
}

extension IkeEncryption {
    /// AES-GCM: an AEAD cipher, which needs no separate integrity algorithm.
    public var isGCM: Bool { self == .gcmAES128 || self == .gcmAES256 }
}

extension IkeIntegrity {
    /// The integrity of an AES-GCM cipher: the cipher's own, with the same name.
    public var isGCM: Bool { self == .gcmAES128 || self == .gcmAES256 }
}

extension IpsecEncryption {
    /// AES-GCM: an AEAD cipher, which needs no separate integrity algorithm.
    public var isGCM: Bool { self == .gcmAES128 || self == .gcmAES192 || self == .gcmAES256 }
}

extension IpsecIntegrity {
    /// The integrity of an AES-GCM transform: the cipher's own, with the same name.
    public var isGCM: Bool { self == .gcmAES128 || self == .gcmAES192 || self == .gcmAES256 }
}

extension DhGroup {
    /// The group itself: `DHGroup2048` is another name for `DHGroup14` (the 2048-bit MODP group).
    public var canonical: DhGroup { self == .group2048 ? .group14 : self }
}
