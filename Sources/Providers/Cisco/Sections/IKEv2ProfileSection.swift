internal import Reconciler
internal import Spec

/// An IKEv2 profile (`crypto ikev2 profile azure-profile`): which peer it matches, how both
/// ends authenticate, its keyring, lifetime and dead peer detection.
enum IKEv2ProfileSection: IOSSectionKind {
    static let type = "ios.crypto-ikev2-profile"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("name", .required), .init("matchAddressLocalInterface"), .init("matchIdentityRemoteAddress"),
            .init("authenticationRemote"), .init("authenticationLocal"), .init("keyring"), .init("lifetimeSeconds"),
        ],
        outputs: [],
        defaults: ["lifetimeSeconds": 86400]
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        var children = [
            IOSLine("match address local interface \(v.text("matchAddressLocalInterface"))"),
            IOSLine("match identity remote address \(v.text("matchIdentityRemoteAddress")) 255.255.255.255"),
            IOSLine("authentication remote \(v.text("authenticationRemote"))"),
            IOSLine("authentication local \(v.text("authenticationLocal"))"),
            IOSLine("keyring local \(v.text("keyring"))"),
        ]
        // 86400 s is the default IOS does not print.
        if v.has("lifetimeSeconds"), v.text("lifetimeSeconds") != "86400" {
            children.append(IOSLine("lifetime \(v.text("lifetimeSeconds"))"))
        }
        if v.has("dpd") { children.append(IOSLine("dpd \(v.text("dpd"))")) }
        return [IOSLine("crypto ikev2 profile \(v.text("name"))", children: children)]
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("name")
        guard let line = r.section("crypto ikev2 profile \(name)") else { return nil }
        return [
            "name": .string(name),
            "matchAddressLocalInterface": r.value(line, "match address local interface ").map(Value.string),
            "matchIdentityRemoteAddress": r.value(line, "match identity remote address ").flatMap {
                $0.split(separator: " ").first
            }.map { .string(String($0)) },
            "authenticationRemote": r.value(line, "authentication remote ").map(Value.string),
            "authenticationLocal": r.value(line, "authentication local ").map(Value.string),
            "keyring": r.value(line, "keyring local ").map(Value.string),
            "lifetimeSeconds": r.value(line, "lifetime ").map(Value.string),
            "dpd": r.value(line, "dpd ").map(Value.string),
        ].compactMapValues { $0 }
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        text == "crypto ikev2 profile \(v.text("name"))"
    }
}
