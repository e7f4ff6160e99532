internal import Reconciler
internal import Spec

/// An IKEv2 policy (`crypto ikev2 policy azure-policy`): the proposals it offers, in order.
enum IKEv2PolicySection: IOSSectionKind {
    static let type = "ios.crypto-ikev2-policy"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [.init("name", .required), .init("proposals")],
        outputs: []
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        [
            IOSLine(
                "crypto ikev2 policy \(v.text("name"))",
                children: v.strings("proposals").map { IOSLine("proposal \($0)") }
            )
        ]
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("name")
        guard let line = r.section("crypto ikev2 policy \(name)") else { return nil }
        let proposals = line.children.filter { $0.text.hasPrefix("proposal ") }.flatMap {
            $0.text.split(separator: " ").dropFirst().map { Value.string(String($0)) }
        }
        return ["name": .string(name), "proposals": .list(proposals)]
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        text == "crypto ikev2 policy \(v.text("name"))"
    }
}
