internal import Reconciler
internal import Spec

/// The LAN interface: its address and whether NAT treats it as inside.
enum LANSection: IOSSectionKind {
    static let type = "ios.lan"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("interface", .required), .init("address"), .init("mask"), .init("natInside"), .init("shutdown"),
        ],
        outputs: [],
        defaults: ["shutdown": false]
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        [
            IOSLine(
                "interface \(v.text("interface"))",
                children: [IOSLine("ip address \(v.text("address")) \(v.text("mask"))")]
                    + (v.attributes["natInside"] == true
                        ? [IOSLine("ip nat inside")] + IOSRenderer.reassembly(platform: platform) : [])
            )
        ]
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("interface")
        guard let interface = r.section("interface \(name)") else { return nil }
        var out: [String: Value] = ["interface": .string(name)]
        if let address = r.value(interface, "ip address ")?.split(separator: " "), address.count == 2 {
            out["address"] = .string(String(address[0]))
            out["mask"] = .string(String(address[1]))
        }
        out["natInside"] = .bool(interface.children.contains { $0.text == "ip nat inside" })
        out["shutdown"] = .bool(r.shut(interface))
        return out
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        text == "interface \(v.text("interface"))"
    }
}
