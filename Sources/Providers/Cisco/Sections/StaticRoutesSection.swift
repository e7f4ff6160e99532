internal import Reconciler
internal import Spec

/// The router's static routes other than the default: out of its tunnels, or to next hops on
/// its LAN.
enum StaticRoutesSection: IOSSectionKind {
    static let type = "ios.static-routes"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [.init("routes", .required, unordered: true)],
        outputs: []
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        // Out of a tunnel, or to a next hop on the LAN.
        v.maps("routes").map { route in
            let target = route.has("nextHop") ? route.text("nextHop") : route.text("interface")
            return IOSLine("ip route \(route.text("prefix")) \(route.text("mask")) \(target)")
        }
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let found = r.config.lines.filter { owns(r.v, line: $0.text) }.compactMap { line -> Value? in
            let words = line.text.split(separator: " ").map(String.init)
            guard words.count >= 5 else { return nil }
            // `ip route P M 192.168.10.254` goes to a next hop, `ip route P M Tunnel1` out of an interface.
            let target = IPv4Address(words[4]) == nil ? "interface" : "nextHop"
            return .map(["prefix": .string(words[2]), "mask": .string(words[3]), target: .string(words[4])])
        }
        return found.isEmpty ? nil : ["routes": .list(found)]
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        guard text.hasPrefix("ip route "), !text.hasPrefix("ip route 0.0.0.0 0.0.0.0 ") else { return false }
        let words = text.split(separator: " ").map(String.init)
        let routes = v.maps("routes")
        // Its tunnels' and LAN next hops' routes, and any route to one of its prefixes.
        let target = words.count >= 5 ? words[4] : ""
        return routes.contains { !target.isEmpty && [$0.text("interface"), $0.text("nextHop")].contains(target) }
            || routes.contains { words.count >= 4 && words[2] == $0.text("prefix") && words[3] == $0.text("mask") }
    }

    /// A route the spec dropped is still the section's, and so removed, not left on the router
    /// as someone else's.
    static func owning(wanted: Attributes, applied: Attributes) -> Attributes {
        IOSSections.keepingApplied("routes", wanted: wanted, applied: applied)
    }
}
