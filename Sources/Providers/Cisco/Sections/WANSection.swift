internal import Reconciler
internal import Spec

/// The WAN interface (an address of its own, or PPPoE through a dialer), the default route out
/// of it, and host routes to the hub gateways through its next hop.
enum WANSection: IOSSectionKind {
    static let type = "ios.wan"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("interface", .required), .init("pppoe"), .init("address"), .init("mask"), .init("natOutside"),
            .init("defaultRoute"), .init("defaultRouteDistance"), .init("peerRoutes", unordered: true),
            .init("shutdown"),
        ],
        outputs: [],
        // An interface the spec owns is wanted up: `shutdown` on the router is drift.
        defaults: ["shutdown": false]
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        let reassembly = IOSRenderer.reassembly(platform: platform)
        var out: [IOSLine] = []
        if case .map(let pppoe)? = v.attributes["pppoe"] {
            let p = IOSRenderer.Values(attributes: pppoe, context: v.context)
            let dialer = p.text("dialer")
            out.append(
                IOSLine(
                    "interface \(v.text("interface"))",
                    children: [
                        IOSLine("no ip address"), IOSLine("pppoe enable group global"),
                        IOSLine("pppoe-client dial-pool-number \(dialer)"),
                    ]
                )
            )
            out.append(
                IOSLine(
                    "interface Dialer\(dialer)",
                    children: [IOSLine("ip address negotiated")]
                        + (p.has("mtu") ? [IOSLine("ip mtu \(p.text("mtu"))")] : [])
                        + (v.attributes["natOutside"] == true ? [IOSLine("ip nat outside")] + reassembly : [])
                        + [
                            IOSLine("encapsulation ppp"), IOSLine("dialer pool \(dialer)"),
                            IOSLine("dialer-group 1"),
                            IOSLine("ppp authentication chap callin"),
                            IOSLine("ppp chap hostname \(p.text("chapHostname"))"),
                            IOSLine("ppp chap password 7 \(p.type7("chapPassword"))"),
                        ]
                )
            )
            out.append(IOSLine("dialer-list 1 protocol ip permit"))
        } else {
            out.append(
                IOSLine(
                    "interface \(v.text("interface"))",
                    children: [IOSLine("ip address \(v.text("address")) \(v.text("mask"))")]
                        + (v.attributes["natOutside"] == true ? [IOSLine("ip nat outside")] + reassembly : [])
                )
            )
        }
        if v.has("defaultRoute") {
            let distance = v.has("defaultRouteDistance") ? " \(v.text("defaultRouteDistance"))" : ""
            out.append(IOSLine("ip route 0.0.0.0 0.0.0.0 \(v.text("defaultRoute"))\(distance)"))
        }
        for route in v.maps("peerRoutes") {
            out.append(IOSLine("ip route \(route.text("prefix")) \(route.text("mask")) \(route.text("nextHop"))"))
        }
        return out
    }

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        let name = r.v.text("interface")
        guard let interface = r.section("interface \(name)") else { return nil }
        var out: [String: Value] = ["interface": .string(name)]
        var outside = interface
        if let pool = r.value(interface, "pppoe-client dial-pool-number ") {
            let dialer = r.section("interface Dialer\(pool)")
            outside = dialer ?? interface
            out["pppoe"] = .map(
                Attributes(
                    [
                        "dialer": .string(pool),
                        "mtu": r.value(dialer, "ip mtu ").map(Value.string),
                        "chapHostname": r.value(dialer, "ppp chap hostname ").map(Value.string),
                        "chapPassword": r.secret(r.value(dialer, "ppp chap password "), intended: nil),
                        // A dialer given a fixed address no longer takes the ISP's.
                        "address": r.value(dialer, "ip address ").flatMap {
                            $0 == "negotiated" ? nil : Value.string($0)
                        },
                    ].compactMapValues { $0 }
                )
            )
        } else if let address = r.value(interface, "ip address ")?.split(separator: " "), address.count == 2 {
            out["address"] = .string(String(address[0]))
            out["mask"] = .string(String(address[1]))
        }
        out["natOutside"] = .bool(outside.children.contains { $0.text == "ip nat outside" })
        // Either the port or the dialer on it shut takes the WAN down.
        out["shutdown"] = .bool(r.shut(interface) || r.shut(outside))
        if let route = r.top("ip route 0.0.0.0 0.0.0.0 ").first?.split(separator: " ") {
            out["defaultRoute"] = route.first.map { .string(String($0)) }
            if route.count > 1 { out["defaultRouteDistance"] = .string(String(route[1])) }
            if let hop = route.first {
                let hosts = r.config.lines.filter {
                    $0.text.hasPrefix("ip route ") && $0.text.hasSuffix(" 255.255.255.255 \(hop)")
                }.map { line -> Value in
                    let w = line.text.split(separator: " ")
                    return .map([
                        "prefix": .string(String(w[2])), "mask": .string(String(w[3])),
                        "nextHop": .string(String(hop)),
                    ])
                }
                if !hosts.isEmpty { out["peerRoutes"] = .list(hosts) }
            }
        }
        return out
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        if text == "interface \(v.text("interface"))" || text.hasPrefix("ip route 0.0.0.0 0.0.0.0 ") { return true }
        // Host routes to the hub gateways through the WAN's next hop.
        if v.has("peerRoutes"), text.hasPrefix("ip route "),
            text.hasSuffix(" 255.255.255.255 \(v.text("defaultRoute"))")
        {
            return true
        }
        guard case .map(let pppoe)? = v.attributes["pppoe"] else { return false }
        let dialer = IOSRenderer.Values.text(pppoe["dialer"], v.context)
        return text == "interface Dialer\(dialer)" || text == "dialer-list 1 protocol ip permit"
    }

    /// A host route to a gateway the spec no longer has is still the WAN's, and so removed.
    static func owning(wanted: Attributes, applied: Attributes) -> Attributes {
        IOSSections.keepingApplied("peerRoutes", wanted: wanted, applied: applied)
    }
}
