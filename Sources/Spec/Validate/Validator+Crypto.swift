extension Validator {
    /// Warns on the legacy choices of a pinned ipsecPolicy; they stay allowed for old devices.
    ///
    /// Microsoft ("About cryptographic requirements and Azure VPN gateways") and Cisco ("Next
    /// Generation Encryption") both steer away from 3DES, SHA-1, DH groups 1/2/5 and IPsec without
    /// PFS. The seed's 891FJ used some of these, so they are warnings, never errors.
    mutating func checkStrength(_ p: IpsecPolicy, at: (String) -> SourceLocation) {
        for (field, value) in [
            ("ikeEncryption", p.ikeEncryption.rawValue), ("ipsecEncryption", p.ipsecEncryption.rawValue),
        ]
        where value == "DES" || value == "DES3" {
            warning(
                .cryptoWeakCipher,
                "\(field) \(value) is a legacy cipher (64-bit block)",
                at: at(field),
                hint: "use GCMAES256 (or AES256) unless the device can do nothing better"
            )
        }
        for (field, value) in [
            ("ikeIntegrity", p.ikeIntegrity.rawValue), ("ipsecIntegrity", p.ipsecIntegrity.rawValue),
        ]
        where value == "SHA1" || value == "MD5" {
            warning(
                .cryptoWeakIntegrity,
                "\(field) \(value) is a legacy hash",
                at: at(field),
                hint: "use SHA256 or SHA384 (or GCMAES with GCM encryption)"
            )
        }
        if p.dhGroup == .group1 || p.dhGroup == .group2 {
            warning(
                .cryptoWeakDhGroup,
                "dhGroup \(p.dhGroup.rawValue) is a 768/1024-bit group",
                at: at("dhGroup"),
                hint: "use ECP384, ECP256 or DHGroup14"
            )
        }
        if p.pfsGroup == .none {
            warning(
                .cryptoNoPfs,
                "pfsGroup None: a leaked IKE key decrypts every IPsec SA it made",
                at: at("pfsGroup"),
                hint: "use ECP384, ECP256 or PFS14 (the router sets 'set pfs' to match)"
            )
        } else if p.pfsGroup == .pfs1 || p.pfsGroup == .pfs2 {
            warning(
                .cryptoWeakDhGroup,
                "pfsGroup \(p.pfsGroup.rawValue) is a 768/1024-bit group",
                at: at("pfsGroup"),
                hint: "use ECP384, ECP256 or PFS14"
            )
        }
    }
}
