public import Spec

/// IKE/IPsec choices in IOS's own words, from a connection's ipsecPolicy or the cloud end's
/// default proposals.
///
/// Only a connection on a gateway that takes no custom policy (a Basic one) gets the defaults,
/// as the cloud end's provider states them (`LoweringContext.defaultProposals`); others get
/// `IpsecPolicy.recommended` on both ends. The tables here are the one mapping between the
/// spec's words and IOS's: lowering writes with them, verify reads a router's proposals back
/// with them (`IpsecProposals(ios:)`).
public struct IOSCrypto: Sendable, Hashable {
    public var ikeEncryption: [String]
    public var ikeIntegrity: [String]
    public var ikePrf: String?
    public var dhGroups: [String]
    public var transforms: [String]
    public var pfsGroup: String?
    public var saLifetimeSeconds: Int?
    public var saLifetimeKilobytes: Int?

    public init(
        ikeEncryption: [String],
        ikeIntegrity: [String],
        ikePrf: String?,
        dhGroups: [String],
        transforms: [String],
        pfsGroup: String?,
        saLifetimeSeconds: Int?,
        saLifetimeKilobytes: Int?
    ) {
        self.ikeEncryption = ikeEncryption
        self.ikeIntegrity = ikeIntegrity
        self.ikePrf = ikePrf
        self.dhGroups = dhGroups
        self.transforms = transforms
        self.pfsGroup = pfsGroup
        self.saLifetimeSeconds = saLifetimeSeconds
        self.saLifetimeKilobytes = saLifetimeKilobytes
    }

    /// What a router pinned to `p` offers: its choices, with its PFS group and lifetimes.
    public init(_ p: IpsecPolicy) {
        self.init(IpsecProposals(p))
        switch p.pfsGroup {
        case .none: pfsGroup = nil
        case .pfsMM: pfsGroup = dhGroups.first.map { "group\($0)" }
        default: pfsGroup = Self.pfs[p.pfsGroup]
        }
        saLifetimeSeconds = p.saLifetimeSeconds
        saLifetimeKilobytes = p.saDataSizeKilobytes
    }

    /// What a router offers to an end that takes `proposals` (the cloud's default proposals):
    /// all of its choices, no PFS, IOS's own lifetimes.
    public init(_ proposals: IpsecProposals) {
        let gcmIke = proposals.ikeEncryption.first?.isGCM ?? false
        ikeEncryption = proposals.ikeEncryption.compactMap { Self.ikeEncryption[$0] }
        ikeIntegrity = gcmIke ? [] : proposals.ikeIntegrity.compactMap { Self.ikeIntegrity[$0] }
        ikePrf = gcmIke ? (proposals.ikeEncryption.first == .gcmAES128 ? "sha256" : "sha384") : nil
        var groups: [String] = []
        for group in proposals.dhGroups.compactMap({ Self.dhGroup[$0] }) where !groups.contains(group) {
            groups.append(group)
        }
        dhGroups = groups
        transforms = Self.transforms(encryption: proposals.ipsecEncryption, integrity: proposals.ipsecIntegrity)
        pfsGroup = nil
        saLifetimeSeconds = nil
        saLifetimeKilobytes = nil
    }

    /// A transform set's words: the encryptions, then the integrities, which IOS leaves out of an
    /// AES-GCM transform (its integrity is the cipher's own).
    static func transforms(encryption: [IpsecEncryption], integrity: [IpsecIntegrity]) -> [String] {
        let gcm = encryption.contains(where: \.isGCM)
        return encryption.map { Self.espEncryption[$0] ?? "esp-null" }
            + (gcm ? [] : integrity.compactMap { Self.espIntegrity[$0] })
    }

    public static let ikeEncryption: [IkeEncryption: String] = [
        .aes128: "aes-cbc-128", .aes192: "aes-cbc-192", .aes256: "aes-cbc-256", .des: "des", .des3: "3des",
        .gcmAES128: "aes-gcm-128", .gcmAES256: "aes-gcm-256",
    ]
    public static let ikeIntegrity: [IkeIntegrity: String] = [
        .md5: "md5", .sha1: "sha1", .sha256: "sha256", .sha384: "sha384",
    ]
    public static let dhGroup: [DhGroup: String] = [
        .group1: "1", .group2: "2", .group14: "14", .group2048: "14", .ecp256: "19", .ecp384: "20", .group24: "24",
    ]
    public static let espEncryption: [IpsecEncryption: String] = [
        .none: "esp-null", .des: "esp-des", .des3: "esp-3des", .aes128: "esp-aes", .aes192: "esp-aes 192",
        .aes256: "esp-aes 256",
        .gcmAES128: "esp-gcm 128", .gcmAES192: "esp-gcm 192", .gcmAES256: "esp-gcm 256",
    ]
    public static let espIntegrity: [IpsecIntegrity: String] = [
        .md5: "esp-md5-hmac", .sha1: "esp-sha-hmac", .sha256: "esp-sha256-hmac",
    ]
    public static let pfs: [PfsGroup: String] = [
        .pfs1: "group1", .pfs2: "group2", .pfs14: "group14", .pfs2048: "group14", .ecp256: "group19",
        .ecp384: "group20", .pfs24: "group24",
    ]
}
