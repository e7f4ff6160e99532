public import Spec

/// The intended configuration of a router: each Cisco section of the desired-state graph
/// written the way IOS 15.x / IOS-XE prints it in `show running-config`, so
/// that it compares line for line with what the router runs.
public enum IOSRenderer {
    /// How values known only elsewhere are filled in.
    public struct Context: Sendable {
        /// Another resource's output (the gateway's public IP), nil while unknown.
        public var output: @Sendable (OutputReference) -> Value?
        /// A secret's value, nil to print it masked.
        public var secret: @Sendable (SecretSource) -> String?

        public init(
            output: @escaping @Sendable (OutputReference) -> Value? = { _ in nil },
            secret: @escaping @Sendable (SecretSource) -> String? = { _ in nil }
        ) {
            self.output = output
            self.secret = secret
        }
    }

    /// What a masked secret prints as.
    public static let masked = "<sensitive>"

    /// A device's managed configuration: every section's lines, in the order IOS prints them.
    public static func device(_ sections: [Resource], context: Context = Context()) -> IOSConfig {
        let sorted = sections.sorted { $0.address < $1.address }
        return device(sorted.map { ($0.type, $0.attributes) }, context: context)
    }

    /// Sections given as type and attributes (a provider's resolved changes), in that order
    /// before IOS's own ordering; `platform` when no `ios.system` section is among them.
    public static func device(
        _ sections: [(type: String, attributes: Attributes)],
        platform: String? = nil,
        context: Context = Context()
    ) -> IOSConfig {
        let platform =
            sections.first { $0.type == "ios.system" }.flatMap {
                if case .string(let p)? = $0.attributes["platform"] { p } else { nil }
            } ?? platform ?? "ios"
        var lines: [IOSLine] = []
        for section in sections {
            lines += self.section(type: section.type, section.attributes, platform: platform, context: context)
        }
        // IOS prints static routes sorted by prefix; everything else keeps section order.
        func key(_ item: (offset: Int, element: IOSLine)) -> (Int, UInt64, Int) {
            let text = item.element.text
            var route: UInt64 = 0
            if text.hasPrefix("ip route "), let prefix = text.split(separator: " ").dropFirst(2).first,
                let address = IPv4Address(String(prefix))
            {
                route = UInt64(address.value) + 1
            }
            return (Self.rank(text), route, item.offset)
        }
        return IOSConfig(lines: lines.enumerated().sorted { key($0) < key($1) }.map(\.element))
    }

    /// The lines one section stands for.
    public static func section(type: String, _ a: Attributes, platform: String, context: Context) -> [IOSLine] {
        let v = Values(attributes: a, context: context)
        if let kind = IOSSectionKinds.kind(type) { return kind.render(v, platform: platform) }
        // IOS 15.x adds `ip virtual-reassembly in` after `ip nat inside|outside`; IOS-XE does not.
        let reassembly = platform == "ios" ? [IOSLine("ip virtual-reassembly in")] : []
        switch type {
        case "ios.system":
            return system(v, platform: platform)
        case "ios.wan":
            var out: [IOSLine] = []
            if case .map(let pppoe)? = a["pppoe"] {
                let p = Values(attributes: pppoe, context: context)
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
                            + (a["natOutside"] == true ? [IOSLine("ip nat outside")] + reassembly : [])
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
                            + (a["natOutside"] == true ? [IOSLine("ip nat outside")] + reassembly : [])
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
        case "ios.lan":
            return [
                IOSLine(
                    "interface \(v.text("interface"))",
                    children: [IOSLine("ip address \(v.text("address")) \(v.text("mask"))")]
                        + (a["natInside"] == true ? [IOSLine("ip nat inside")] + reassembly : [])
                )
            ]
        case "ios.nat":
            let list = v.text("accessList")
            return [IOSLine("ip nat inside source list \(list) interface \(v.text("outsideInterface")) overload")]
                + v.maps("sources").map {
                    IOSLine("access-list \(list) permit \($0.text("network")) \($0.text("wildcard"))")
                }
        case "ios.static-routes":
            // Out of a tunnel, or to a next hop on the LAN.
            return v.maps("routes").map { route in
                let target = route.has("nextHop") ? route.text("nextHop") : route.text("interface")
                return IOSLine("ip route \(route.text("prefix")) \(route.text("mask")) \(target)")
            }
        default:
            return []
        }
    }

    static func system(_ v: Values, platform: String) -> [IOSLine] {
        var out = [
            IOSLine("service timestamps debug datetime msec"), IOSLine("service timestamps log datetime msec"),
            IOSLine("service password-encryption"), IOSLine("hostname \(v.text("hostname"))"),
        ]
        if v.has("loggingBufferSize") {
            out.append(IOSLine("logging buffered \(v.text("loggingBufferSize"))"))
        }
        if v.has("enableSecret") { out.append(IOSLine("enable secret \(v.text("enableSecret"))")) }
        if case .map(let zone)? = v.attributes["timezone"] {
            let z = Values(attributes: zone, context: v.context)
            out.append(IOSLine("clock timezone \(z.text("name")) \(z.text("hours")) \(z.text("minutes"))"))
        }
        out.append(IOSLine("no ip domain lookup"))
        if v.has("domainName") { out.append(IOSLine("ip domain name \(v.text("domainName"))")) }
        if v.has("username") {
            // Sent in clear over the SSH session and hashed by the router: type 9 (scrypt), or type 5
            // (MD5-crypt) when the spec says its IOS predates scrypt; never a type 7 password, which
            // anyone who reads the config reverses (docs/ios.md).
            let algorithm = v.text("passwordHash") == PasswordHash.md5.rawValue ? "" : "algorithm-type scrypt "
            out.append(
                IOSLine("username \(v.text("username")) privilege 15 \(algorithm)secret \(v.text("password"))")
            )
        }
        out.append(IOSLine("ip ssh version 2"))
        // SSH only from the management prefixes, through a numbered list on the vty lines.
        let allowed = v.strings("sshAllowedFrom").compactMap(IPv4Prefix.init)
        var vty = [IOSLine("login local"), IOSLine("transport input ssh")]
        if !allowed.isEmpty {
            vty.insert(IOSLine("access-class 12 in"), at: 0)
            out += allowed.map { IOSLine("access-list 12 permit \($0.network) \($0.wildcardMask)") }
        }
        out.append(IOSLine("line con 0", children: [IOSLine("login local")]))
        out.append(IOSLine("line vty 0 4", children: vty))
        for server in v.maps("ntpServers") {
            out.append(
                IOSLine("ntp server \(server.text("address"))" + (server.attributes["prefer"] == true ? " prefer" : ""))
            )
        }
        return out
    }

    /// Where a top-level line goes in `show running-config`.
    public static func rank(_ text: String) -> Int {
        let order: [(String, Int)] = [
            ("version", 0), ("service", 1), ("no service", 1), ("hostname", 2), ("boot-", 3), ("logging", 4),
            ("enable", 5),
            ("aaa", 6), ("no aaa", 6), ("clock", 7), ("ip dhcp", 8), ("no ip domain", 9), ("ip domain", 10),
            ("ip cef", 11), ("no ipv6 cef", 12), ("multilink", 13), ("crypto pki", 14), ("license", 15),
            ("username", 16), ("crypto ikev2 proposal", 20), ("crypto ikev2 policy", 21), ("crypto ikev2 keyring", 22),
            ("crypto ikev2 profile", 23), ("crypto isakmp", 24), ("crypto ipsec transform-set", 25),
            ("crypto ipsec profile", 26), ("interface Loopback", 30), ("interface Tunnel", 30),
            ("interface Vlan", 32), ("interface Virtual-Template", 33), ("interface Dialer", 34), ("interface", 31),
            ("router", 40), ("ip forward-protocol", 41), ("ip http", 42), ("ip nat", 43), ("ip route", 44),
            ("ip ssh", 45), ("ip access-list", 46), ("dialer-list", 47), ("access-list", 48), ("snmp-server", 49),
            ("route-map", 50), ("control-plane", 51), ("banner", 52), ("line", 53), ("scheduler", 54), ("ntp", 55),
        ]
        return order.first { text.hasPrefix($0.0) }?.1 ?? 39
    }

    /// A section's attributes as the text IOS prints.
    struct Values {
        let attributes: Attributes
        let context: Context

        func text(_ key: String) -> String { Self.text(attributes[key], context) }

        /// Set, and not `null`.
        func has(_ key: String) -> Bool {
            if let value = attributes[key], value != .null { return true }
            return false
        }

        static func text(_ value: Value?, _ context: Context) -> String {
            if let scalar = value?.scalarText { return scalar }
            switch value {
            case .reference(let ref)?:
                guard let resolved = context.output(ref) else { return "<\(ref.address).\(ref.output)>" }
                return text(resolved, context)
            case .secret(let source)?: return context.secret(source) ?? IOSRenderer.masked
            case .list(let items)?: return items.map { text($0, context) }.joined(separator: " ")
            default: return ""
            }
        }

        /// A list printed on one line (`encryption aes-cbc-256 aes-cbc-128`).
        func words(_ key: String) -> String { text(key) }

        func strings(_ key: String) -> [String] {
            guard case .list(let items)? = attributes[key] else { return [] }
            return items.map { Self.text($0, context) }
        }

        func maps(_ key: String) -> [Values] {
            guard case .list(let items)? = attributes[key] else { return [] }
            return items.compactMap {
                if case .map(let m) = $0 { Values(attributes: m, context: context) } else { nil }
            }
        }

        /// A password as `service password-encryption` prints it (type 7, with a fixed offset
        /// so the output is deterministic; lines compare decrypted), or masked.
        func type7(_ key: String) -> String {
            switch attributes[key] {
            case .string(let plain)?: return Type7.encode(plain, seed: 2)  // resolved for a push
            case .secret(let source)?:
                return context.secret(source).map { Type7.encode($0, seed: 2) } ?? IOSRenderer.masked
            default: return IOSRenderer.masked
            }
        }
    }
}
