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
    /// before IOS's own ordering; `platform` when no system section is among them.
    public static func device(
        _ sections: [(type: String, attributes: Attributes)],
        platform: String? = nil,
        context: Context = Context()
    ) -> IOSConfig {
        let platform =
            sections.first { $0.type == SystemSection.type }.flatMap {
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

    /// The lines one section stands for (none for a type the Cisco provider does not manage).
    public static func section(type: String, _ a: Attributes, platform: String, context: Context) -> [IOSLine] {
        IOSSectionKinds.kind(type)?.render(Values(attributes: a, context: context), platform: platform) ?? []
    }

    /// What follows `ip nat inside|outside`: IOS 15.x adds `ip virtual-reassembly in`, IOS-XE does not.
    static func reassembly(platform: String) -> [IOSLine] {
        platform == "ios" ? [IOSLine("ip virtual-reassembly in")] : []
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
