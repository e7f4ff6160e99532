public import Spec
public import Verify

/// A router's proposals read back from IOS's words into the spec's, with the tables lowering
/// writes them with (`IOSCrypto`), and IOS's words for verify's messages.
extension IpsecProposals {
    /// What a router offers: the words of its IKEv2 proposals (`encryption`, `integrity` or,
    /// with AES-GCM, `prf`, and `group` lines) and of its transform set (`esp-aes 256`,
    /// `esp-sha-hmac`).
    ///
    /// A word with no spec value (an algorithm the cloud end cannot take) is left out. An AES-GCM
    /// transform's integrity, which IOS does not write, is the cipher's own, as the spec writes it.
    public init(ios encryption: [String], integrity: [String], prf: [String], groups: [String], transforms: [String]) {
        let espEncryption = transforms.compactMap { IOSWords.espEncryption[$0] }
        var espIntegrity = transforms.compactMap { IOSWords.espIntegrity[$0] }
        if espIntegrity.isEmpty {
            espIntegrity = espEncryption.compactMap { IpsecIntegrity(rawValue: $0.rawValue) }
        }
        self.init(
            ikeEncryption: encryption.compactMap { IOSWords.ikeEncryption[$0] },
            ikeIntegrity: (integrity.isEmpty ? prf : integrity).compactMap { IOSWords.ikeIntegrity[$0] },
            dhGroups: groups.compactMap { IOSWords.dhGroup[$0] },
            ipsecEncryption: espEncryption,
            ipsecIntegrity: espIntegrity
        )
    }
}

extension ProposalWords {
    /// IOS's words, as `crypto ikev2 proposal` and `crypto ipsec transform-set` write them.
    public static let ios = ProposalWords(
        ikeEncryption: IOSCrypto.ikeEncryption,
        ikeIntegrity: IOSCrypto.ikeIntegrity,
        dhGroup: IOSCrypto.dhGroup.mapValues { "group \($0)" },
        ipsecEncryption: IOSCrypto.espEncryption,
        // IOS writes no integrity for an AES-GCM transform.
        ipsecIntegrity: IOSCrypto.espIntegrity.merging(
            IpsecIntegrity.allCases.filter(\.isGCM).map { ($0, "") }
        ) { mine, _ in mine }
    )
}

/// `IOSCrypto`'s tables turned around: IOS's word to the spec's value.
private enum IOSWords {
    static let ikeEncryption = inverse(IOSCrypto.ikeEncryption)
    static let ikeIntegrity = inverse(IOSCrypto.ikeIntegrity)
    static let dhGroup = inverse(IOSCrypto.dhGroup.filter { $0.key == $0.key.canonical })
    // IOS shows `esp-aes` for AES-128 and takes `esp-aes 128` as the same.
    static let espEncryption = inverse(IOSCrypto.espEncryption).merging(["esp-aes 128": .aes128]) { mine, _ in mine }
    static let espIntegrity = inverse(IOSCrypto.espIntegrity)

    static func inverse<Choice: Hashable>(_ table: [Choice: String]) -> [String: Choice] {
        Dictionary(table.map { ($0.value, $0.key) }) { first, _ in first }
    }
}
