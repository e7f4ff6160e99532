internal import Reconciler
internal import Spec

/// The IKEv2 keyring (`crypto ikev2 keyring azure-keyring`): each peer's address and
/// pre-shared key, and the NAT keepalive that goes with it.
enum IKEv2KeyringSection: IOSSectionKind {
    static let type = "ios.crypto-ikev2-keyring"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [.init("name", .required), .init("peers", keyedBy: "name"), .init("natKeepalive")],
        outputs: []
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        [
            IOSLine(
                "crypto ikev2 keyring \(v.text("name"))",
                children: v.maps("peers").map { peer in
                    IOSLine(
                        "peer \(peer.text("name"))",
                        children: [
                            IOSLine("address \(peer.text("address"))"),
                            IOSLine("pre-shared-key \(peer.text("preSharedKey"))"),
                        ]
                    )
                }
            )
        ] + (v.has("natKeepalive") ? [IOSLine("crypto ikev2 nat keepalive \(v.text("natKeepalive"))")] : [])
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("name")
        guard let line = r.section("crypto ikev2 keyring \(name)") else { return nil }
        let peers = line.children.filter { $0.text.hasPrefix("peer ") }.map { peer -> Value in
            let peerName = String(peer.text.dropFirst(5))
            let wanted = r.v.maps("peers").first { $0.text("name") == peerName }?.attributes["preSharedKey"]
            return .map(
                Attributes(
                    [
                        "name": .string(peerName), "ikeVersion": .string("IKEv2"),
                        "address": r.value(peer, "address ").flatMap { $0.split(separator: " ").first }.map {
                            .string(String($0))
                        },
                        "preSharedKey": r.secret(r.value(peer, "pre-shared-key "), intended: wanted),
                    ].compactMapValues { $0 }
                )
            )
        }
        var out: [String: Value] = ["name": .string(name), "peers": .list(peers)]
        if let seconds = r.top("crypto ikev2 nat keepalive ").first.flatMap({ Int($0) }) {
            out["natKeepalive"] = .int(seconds)
        }
        return out
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        text == "crypto ikev2 keyring \(v.text("name"))" || text.hasPrefix("crypto ikev2 nat keepalive ")
    }
}
