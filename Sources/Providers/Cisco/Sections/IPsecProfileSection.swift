internal import Reconciler
internal import Spec

/// An IPsec profile (`crypto ipsec profile azure-ipsec`): the transform set, IKEv2 profile, PFS
/// group and SA lifetimes a tunnel is protected with.
enum IPsecProfileSection: IOSSectionKind {
    static let type = "ios.crypto-ipsec-profile"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("name", .required), .init("transformSet"), .init("ikev2Profile"), .init("pfsGroup"),
            .init("saLifetimeSeconds"), .init("saLifetimeKilobytes"),
        ],
        outputs: [],
        defaults: ["saLifetimeSeconds": 3600, "saLifetimeKilobytes": 4_608_000]
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        var children: [IOSLine] = []
        // The defaults (4608000 KB, 3600 s) are not printed.
        if v.has("saLifetimeKilobytes"), v.text("saLifetimeKilobytes") != "4608000" {
            children.append(IOSLine("set security-association lifetime kilobytes \(v.text("saLifetimeKilobytes"))"))
        }
        if v.has("saLifetimeSeconds"), v.text("saLifetimeSeconds") != "3600" {
            children.append(IOSLine("set security-association lifetime seconds \(v.text("saLifetimeSeconds"))"))
        }
        children.append(IOSLine("set transform-set \(v.text("transformSet"))"))
        if v.has("pfsGroup") { children.append(IOSLine("set pfs \(v.text("pfsGroup"))")) }
        children.append(IOSLine("set ikev2-profile \(v.text("ikev2Profile"))"))
        return [IOSLine("crypto ipsec profile \(v.text("name"))", children: children)]
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("name")
        guard let line = r.section("crypto ipsec profile \(name)") else { return nil }
        return [
            "name": .string(name), "transformSet": r.value(line, "set transform-set ").map(Value.string),
            "ikev2Profile": r.value(line, "set ikev2-profile ").map(Value.string),
            "pfsGroup": r.value(line, "set pfs ").map(Value.string),
            "saLifetimeSeconds": r.value(line, "set security-association lifetime seconds ").map(Value.string),
            "saLifetimeKilobytes": r.value(line, "set security-association lifetime kilobytes ").map(Value.string),
        ].compactMapValues { $0 }
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        text == "crypto ipsec profile \(v.text("name"))"
    }
}
