internal import Reconciler
internal import Spec

/// Source NAT out of the WAN (`ip nat inside source list 1 interface Dialer1 overload`) and the
/// numbered access list of the sources it translates.
enum NATSection: IOSSectionKind {
    static let type = "ios.nat"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [.init("accessList", .required), .init("sources"), .init("outsideInterface")],
        outputs: []
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        let list = v.text("accessList")
        return [IOSLine("ip nat inside source list \(list) interface \(v.text("outsideInterface")) overload")]
            + v.maps("sources").map {
                IOSLine("access-list \(list) permit \($0.text("network")) \($0.text("wildcard"))")
            }
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let list = r.v.text("accessList")
        guard let rule = r.top("ip nat inside source list \(list) interface ").first?.split(separator: " ").first
        else { return nil }
        let sources = r.top("access-list \(list) permit ").map { entry -> Value in
            let parts = entry.split(separator: " ")
            return .map([
                "network": .string(String(parts[0])),
                "wildcard": .string(parts.count > 1 ? String(parts[1]) : "0.0.0.0"),
            ])
        }
        return ["accessList": .string(list), "outsideInterface": .string(String(rule)), "sources": .list(sources)]
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        let list = v.text("accessList")
        return text.hasPrefix("ip nat inside source list \(list) ") || text.hasPrefix("access-list \(list) ")
    }
}
