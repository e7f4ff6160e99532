extension IpsecPolicy {
    /// What both ends of an IKEv2 tunnel get when the spec pins no ipsecPolicy.
    ///
    /// Cisco's "Next Generation Encryption" suite (AES-GCM-256, SHA-384 PRF, ECDH P-384, PFS on
    /// the same group), which Azure takes as a custom policy ("About cryptographic requirements
    /// and Azure VPN gateways"). Azure's own default proposals offer only DH group 2 in IKE and no
    /// PFS ("Default IPsec/IKE parameters"), so a stronger router needs the policy on Azure's side too.
    public static let recommended = IpsecPolicy(
        ikeEncryption: .gcmAES256,
        ikeIntegrity: .sha384,
        dhGroup: .ecp384,
        ipsecEncryption: .gcmAES256,
        ipsecIntegrity: .gcmAES256,
        pfsGroup: .ecp384,
        saLifetimeSeconds: azureSALifetimeSeconds,
        saDataSizeKilobytes: azureSADataSizeKilobytes
    )

    /// Azure's default SA lifetime in seconds: what the recommended policy keeps, and what an ARM
    /// ipsecPolicy without `saLifeTimeSeconds` means.
    public static let azureSALifetimeSeconds = 27000

    /// Azure's default SA lifetime in kilobytes: what the recommended policy keeps, and what an
    /// ARM ipsecPolicy without `saDataSizeKilobytes` means.
    public static let azureSADataSizeKilobytes = 102_400_000

    /// The IKEv1 form: ISAKMP has no AES-GCM, so AES-CBC-256 with SHA-384; ESP stays GCM.
    public static let recommendedIKEv1: IpsecPolicy = {
        var policy = recommended
        policy.ikeEncryption = .aes256
        return policy
    }()

    public static func recommended(for version: ConnectionProtocol) -> IpsecPolicy {
        version == .ikev1 ? .recommendedIKEv1 : .recommended
    }
}

extension IpsecPolicy {
    /// The policy as the spec writes it, field by field (what a plugin's `lower` receives).
    public var value: Value { value(lifetimeKey: "saLifetimeSeconds") }

    /// The policy field by field, with the SA lifetime under `lifetimeKey`: ARM spells it
    /// `saLifeTimeSeconds`, and this builds its form in one go.
    public func value(lifetimeKey: String) -> Value {
        .map([
            "ikeEncryption": .string(ikeEncryption.rawValue),
            "ikeIntegrity": .string(ikeIntegrity.rawValue),
            "dhGroup": .string(dhGroup.rawValue),
            "ipsecEncryption": .string(ipsecEncryption.rawValue),
            "ipsecIntegrity": .string(ipsecIntegrity.rawValue),
            "pfsGroup": .string(pfsGroup.rawValue),
            lifetimeKey: .int(saLifetimeSeconds),
            "saDataSizeKilobytes": .int(saDataSizeKilobytes),
        ])
    }
}
