public import Spec

/// How a router's provider writes proposal values, so the checks that compare proposals say what
/// each end takes in the words of the router's own configuration.
///
/// A value a table leaves out is written as the spec writes it; an empty word is left out (a
/// provider whose configuration names no integrity for an AES-GCM transform maps it to "").
public struct ProposalWords: Sendable, Hashable {
    public var ikeEncryption: [IkeEncryption: String]
    public var ikeIntegrity: [IkeIntegrity: String]
    public var dhGroup: [DhGroup: String]
    public var ipsecEncryption: [IpsecEncryption: String]
    public var ipsecIntegrity: [IpsecIntegrity: String]

    public init(
        ikeEncryption: [IkeEncryption: String],
        ikeIntegrity: [IkeIntegrity: String],
        dhGroup: [DhGroup: String],
        ipsecEncryption: [IpsecEncryption: String],
        ipsecIntegrity: [IpsecIntegrity: String]
    ) {
        self.ikeEncryption = ikeEncryption
        self.ikeIntegrity = ikeIntegrity
        self.dhGroup = dhGroup
        self.ipsecEncryption = ipsecEncryption
        self.ipsecIntegrity = ipsecIntegrity
    }

    /// The spec's own words (`AES256`, `DHGroup14`): for a router whose provider reports its
    /// proposals in them, a plugin's.
    public static let spec = ProposalWords(
        ikeEncryption: [:],
        ikeIntegrity: [:],
        dhGroup: [:],
        ipsecEncryption: [:],
        ipsecIntegrity: [:]
    )

    /// The IKE side: encryptions, integrities and groups, each list joined by `/`.
    public func ike(_ p: IpsecProposals) -> String {
        let parts = [
            words(p.ikeEncryption, ikeEncryption), words(p.ikeIntegrity, ikeIntegrity), words(p.dhGroups, dhGroup),
        ]
        return parts.map { $0.joined(separator: "/") }.filter { !$0.isEmpty }.joined(separator: ", ")
    }

    /// The ESP side: the encryptions, then the integrities.
    public func ipsec(_ p: IpsecProposals) -> String {
        (words(p.ipsecEncryption, ipsecEncryption) + words(p.ipsecIntegrity, ipsecIntegrity)).joined(separator: " ")
    }

    private func words<Choice: RawRepresentable<String> & Hashable>(
        _ values: [Choice],
        _ table: [Choice: String]
    ) -> [String] {
        values.map { table[$0] ?? $0.rawValue }.filter { !$0.isEmpty }
    }
}
