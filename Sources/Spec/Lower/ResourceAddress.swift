/// A resource's stable identity: its provider and path.
///
/// `azure:virtualNetworks/hub-vnet`, `cisco:tokyo-rtr1/crypto-ikev2-keyring`: immutable, with
/// one printed form.
public struct ResourceAddress: Sendable, Hashable, Comparable, TextCodable {
    public let provider: String
    public let path: String

    public init(provider: String, path: String) {
        self.provider = provider
        self.path = path
    }

    /// Parses `provider:path`.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        let path = text[text.index(after: colon)...]
        guard !path.isEmpty else { return nil }
        self.provider = String(text[..<colon])
        self.path = String(path)
    }

    public var description: String { "\(provider):\(path)" }

    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool {
        (lhs.provider, lhs.path) < (rhs.provider, rhs.path)
    }

}
