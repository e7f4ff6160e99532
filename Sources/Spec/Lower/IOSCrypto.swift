/// IKE/IPsec choices in IOS's own words, from a connection's ipsecPolicy or Azure's defaults.
///
/// `azureDefault` is what Azure's default proposals accept ("Default IPsec/IKE parameters"),
/// which is also what the seed's 891FJ used: IKEv2 AES-CBC 256/128 + 3DES, SHA1, DH group 2;
/// ESP AES-256 + SHA1-HMAC, no PFS. Only a connection on a Basic gateway (which takes no custom
/// policy) still gets it; others get `IpsecPolicy.recommended` on both ends.
public struct IOSCrypto: Sendable, Hashable {
    public var ikeEncryption: [String]
    public var ikeIntegrity: [String]
    public var ikePrf: String?
    public var dhGroups: [String]
    public var transforms: [String]
    public var pfsGroup: String?
    public var saLifetimeSeconds: Int?
    public var saLifetimeKilobytes: Int?

    public static let azureDefault = IOSCrypto(
        ikeEncryption: ["aes-cbc-256", "aes-cbc-128", "3des"],
        ikeIntegrity: ["sha1"],
        ikePrf: nil,
        dhGroups: ["2"],
        transforms: ["esp-aes 256", "esp-sha-hmac"],
        pfsGroup: nil,
        saLifetimeSeconds: nil,
        saLifetimeKilobytes: nil
    )

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

    public init(_ p: IpsecPolicy) {
        let gcmIke = p.ikeEncryption == .gcmAES128 || p.ikeEncryption == .gcmAES256
        ikeEncryption = [Self.ikeEncryption[p.ikeEncryption] ?? "aes-cbc-256"]
        ikeIntegrity = gcmIke ? [] : [Self.ikeIntegrity[p.ikeIntegrity] ?? "sha1"]
        ikePrf = gcmIke ? (p.ikeEncryption == .gcmAES128 ? "sha256" : "sha384") : nil
        dhGroups = Self.dhGroup[p.dhGroup].map { [$0] } ?? []
        let encryption = Self.espEncryption[p.ipsecEncryption] ?? "esp-null"
        let integrity = p.ipsecEncryption.rawValue.hasPrefix("GCMAES") ? nil : Self.espIntegrity[p.ipsecIntegrity]
        transforms = [encryption] + (integrity.map { [$0] } ?? [])
        switch p.pfsGroup {
        case .none: pfsGroup = nil
        case .pfsMM: pfsGroup = dhGroups.first.map { "group\($0)" }
        default: pfsGroup = Self.pfs[p.pfsGroup]
        }
        saLifetimeSeconds = p.saLifetimeSeconds
        saLifetimeKilobytes = p.saDataSizeKilobytes
    }

    static let ikeEncryption: [IkeEncryption: String] = [
        .aes128: "aes-cbc-128", .aes192: "aes-cbc-192", .aes256: "aes-cbc-256", .des: "des", .des3: "3des",
        .gcmAES128: "aes-gcm-128", .gcmAES256: "aes-gcm-256",
    ]
    static let ikeIntegrity: [IkeIntegrity: String] = [
        .md5: "md5", .sha1: "sha1", .sha256: "sha256", .sha384: "sha384",
    ]
    static let dhGroup: [DhGroup: String] = [
        .group1: "1", .group2: "2", .group14: "14", .group2048: "14", .ecp256: "19", .ecp384: "20", .group24: "24",
    ]
    static let espEncryption: [IpsecEncryption: String] = [
        .des: "esp-des", .des3: "esp-3des", .aes128: "esp-aes", .aes192: "esp-aes 192", .aes256: "esp-aes 256",
        .gcmAES128: "esp-gcm 128", .gcmAES192: "esp-gcm 192", .gcmAES256: "esp-gcm 256",
    ]
    static let espIntegrity: [IpsecIntegrity: String] = [
        .md5: "esp-md5-hmac", .sha1: "esp-sha-hmac", .sha256: "esp-sha256-hmac",
    ]
    static let pfs: [PfsGroup: String] = [
        .pfs1: "group1", .pfs2: "group2", .pfs14: "group14", .pfs2048: "group14", .ecp256: "group19",
        .ecp384: "group20", .pfs24: "group24",
    ]
}
