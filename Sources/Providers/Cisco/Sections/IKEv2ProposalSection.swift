internal import Reconciler
internal import Spec

/// An IKEv2 proposal (`crypto ikev2 proposal azure-proposal`): the phase 1 algorithms offered.
enum IKEv2ProposalSection: IOSSectionKind {
    static let type = "ios.crypto-ikev2-proposal"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("name", .required), .init("encryption"), .init("integrity"), .init("prf"), .init("group"),
        ],
        outputs: []
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        var children = [IOSLine("encryption \(v.words("encryption"))")]
        // An AES-GCM proposal authenticates itself: IOS takes a prf and refuses an integrity line.
        if !v.strings("integrity").isEmpty { children.append(IOSLine("integrity \(v.words("integrity"))")) }
        if v.has("prf") { children.append(IOSLine("prf \(v.words("prf"))")) }
        children.append(IOSLine("group \(v.words("group"))"))
        return [IOSLine("crypto ikev2 proposal \(v.text("name"))", children: children)]
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("name")
        guard let line = r.section("crypto ikev2 proposal \(name)") else { return nil }
        return [
            "name": .string(name), "encryption": r.words(r.value(line, "encryption ")) ?? .list([]),
            "integrity": r.words(r.value(line, "integrity ")) ?? .list([]),
            "prf": r.value(line, "prf ").map(Value.string) ?? .null,
            "group": r.words(r.value(line, "group ")) ?? .list([]),
        ].filter { $0.value != .null }
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        text == "crypto ikev2 proposal \(v.text("name"))"
    }
}
