internal import Reconciler
internal import Spec

/// A tunnel interface to a cloud gateway (`interface Tunnel1`), protected by an IPsec profile.
enum TunnelSection: IOSSectionKind {
    static let type = "ios.tunnel"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("interface", .required), .init("unnumbered"), .init("address"), .init("mask"), .init("mtu"),
            .init("tcpAdjustMss"), .init("source"), .init("mode"), .init("destination"), .init("protection"),
            .init("shutdown"),
        ],
        outputs: [],
        defaults: ["shutdown": false]
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        var children: [IOSLine] = []
        if v.has("unnumbered") {
            children.append(IOSLine("ip unnumbered \(v.text("unnumbered"))"))
        } else if v.has("address") {
            children.append(IOSLine("ip address \(v.text("address")) \(v.text("mask"))"))
        }
        if v.has("mtu") { children.append(IOSLine("ip mtu \(v.text("mtu"))")) }
        if v.has("tcpAdjustMss") { children.append(IOSLine("ip tcp adjust-mss \(v.text("tcpAdjustMss"))")) }
        children += [
            IOSLine("tunnel source \(v.text("source"))"), IOSLine("tunnel mode \(v.text("mode"))"),
            IOSLine("tunnel destination \(v.text("destination"))"),
            IOSLine("tunnel protection ipsec profile \(v.text("protection"))"),
        ]
        return [IOSLine("interface \(v.text("interface"))", children: children)]
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("interface")
        guard let line = r.section("interface \(name)") else { return nil }
        var out: [String: Value?] = [
            "interface": .string(name), "unnumbered": r.value(line, "ip unnumbered ").map(Value.string),
            "mtu": r.value(line, "ip mtu ").map(Value.string),
            "tcpAdjustMss": r.value(line, "ip tcp adjust-mss ").map(Value.string),
            "source": r.value(line, "tunnel source ").map(Value.string),
            "mode": r.value(line, "tunnel mode ").map(Value.string),
            "destination": r.value(line, "tunnel destination ").map(Value.string),
            "protection": r.value(line, "tunnel protection ipsec profile ").map(Value.string),
            "shutdown": .bool(r.shut(line)),
        ]
        if let address = r.value(line, "ip address ")?.split(separator: " "), address.count == 2 {
            out["address"] = .string(String(address[0]))
            out["mask"] = .string(String(address[1]))
        }
        return out.compactMapValues { $0 }
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        text == "interface \(v.text("interface"))"
    }
}
