public import Spec

/// The way back from a router's running config to the desired-state graph's sections: what
/// the router holds of each section, in the section's own attributes (so a plan and a drift
/// report name `tunnel.destination`, not a CLI line), and which top-level lines each section
/// owns (so a change touches its own lines and nothing else).
///
/// The names a section is found by (`crypto ikev2 proposal azure-proposal`, `interface
/// Tunnel1`) come from `identity`: the section's attributes in the spec, or in state for one
/// the spec no longer has.
public enum IOSSections {
    /// What a router reports about itself (`show version`).
    public struct Facts: Sendable, Hashable {
        public var platform: String
        public var model: String?
        public var software: String?

        public init(platform: String, model: String?, software: String?) {
            self.platform = platform
            self.model = model
            self.software = software
        }

        /// The facts of a `show version` output (`IOS XE` in it makes the platform `ios-xe`).
        public init(showVersion output: String) {
            let version = IOSShow.version(output)
            let xe = output.contains("IOS XE") || output.contains("IOS-XE")
            self.init(platform: xe ? "ios-xe" : "ios", model: version.model, software: version.software)
        }
    }

    /// How secrets read back are turned into comparable values.
    public struct Secrets: Sendable {
        /// The keyed fingerprint of a value read back in clear (or decoded from type 7).
        public var fingerprint: @Sendable (String) -> String
        /// The intended value of a secret, to re-hash against a one-way `secret 5`.
        public var value: @Sendable (SecretSource) -> String?

        public init(
            fingerprint: @escaping @Sendable (String) -> String,
            value: @escaping @Sendable (SecretSource) -> String? = { _ in nil }
        ) {
            self.fingerprint = fingerprint
            self.value = value
        }
    }

    /// The section as the running config holds it, or nil when none of it is there.
    public static func read(
        type: String,
        identity: Attributes,
        running: IOSConfig,
        facts: Facts,
        secrets: Secrets
    ) -> Attributes? {
        let r = Reading(config: running, identity: identity, secrets: secrets, facts: facts)
        let found: [String: Value]?
        if let kind = IOSSectionKinds.kind(type) {
            found = kind.read(r)
        } else {
            switch type {
            case "ios.system": found = r.system(facts)
            case "ios.wan": found = r.wan()
            case "ios.lan": found = r.lan()
            case "ios.nat": found = r.nat()
            case "ios.static-routes": found = r.routes()
            default: found = nil
            }
        }
        guard let found else { return nil }
        guard case .map(let conformed) = conform(.map(Attributes(found)), to: .map(identity)) else { return nil }
        return conformed
    }

    /// A section's identity for finding its lines: what the spec wants, with the items of the
    /// lists that say which lines are its own (static routes, host routes to the gateways)
    /// that were applied before and are no longer wanted.
    public static func owning(type: String, wanted: Attributes, applied: Attributes?) -> Attributes {
        guard let applied else { return wanted }
        var identity = wanted
        for key in ["routes", "peerRoutes"] {
            guard case .list(let old)? = applied[key] else { continue }
            var items: [Value] = []
            if case .list(let new)? = wanted[key] { items = new }
            identity[key] = .list(items + old.filter { !items.contains($0) })
        }
        return identity
    }

    /// Whether a top-level line of the running config belongs to the section.
    public static func owns(type: String, identity a: Attributes, line text: String) -> Bool {
        let v = IOSRenderer.Values(attributes: a, context: IOSRenderer.Context())
        if let kind = IOSSectionKinds.kind(type) { return kind.owns(v, line: text) }
        switch type {
        case "ios.system":
            let user = v.text("username")
            let fixed = [
                "hostname ", "logging buffered", "enable secret ", "clock timezone ", "ip domain name ",
                "ip domain-name ",
                "ip ssh version ", "access-list 12 ", "ntp server ", "service timestamps ",
            ]
            return fixed.contains { text.hasPrefix($0) }
                || ["no ip domain lookup", "service password-encryption", "line con 0", "line vty 0 4"].contains(text)
                || (!user.isEmpty && text.hasPrefix("username \(user) "))
        case "ios.wan":
            if text == "interface \(v.text("interface"))" || text.hasPrefix("ip route 0.0.0.0 0.0.0.0 ") { return true }
            // Host routes to the hub gateways through the WAN's next hop.
            if v.has("peerRoutes"), text.hasPrefix("ip route "),
                text.hasSuffix(" 255.255.255.255 \(v.text("defaultRoute"))")
            {
                return true
            }
            guard case .map(let pppoe)? = a["pppoe"] else { return false }
            let dialer = IOSRenderer.Values.text(pppoe["dialer"], v.context)
            return text == "interface Dialer\(dialer)" || text == "dialer-list 1 protocol ip permit"
        case "ios.lan":
            return text == "interface \(v.text("interface"))"
        case "ios.nat":
            let list = v.text("accessList")
            return text.hasPrefix("ip nat inside source list \(list) ") || text.hasPrefix("access-list \(list) ")
        case "ios.static-routes":
            guard text.hasPrefix("ip route "), !text.hasPrefix("ip route 0.0.0.0 0.0.0.0 ") else { return false }
            let words = text.split(separator: " ").map(String.init)
            let routes = v.maps("routes")
            // Its tunnels' and LAN next hops' routes, and any route to one of its prefixes.
            let target = words.count >= 5 ? words[4] : ""
            return routes.contains { !target.isEmpty && [$0.text("interface"), $0.text("nextHop")].contains(target) }
                || routes.contains { words.count >= 4 && words[2] == $0.text("prefix") && words[3] == $0.text("mask") }
        default: return false
        }
    }

    /// A transform set's transforms: each keyword with any key size after it (`esp-aes 256`,
    /// `esp-sha-hmac`).
    public static func transforms(_ text: Substring) -> [String] {
        var transforms: [String] = []
        for word in text.split(separator: " ") {
            if word.contains("-") || transforms.isEmpty {
                transforms.append(String(word))
            } else {
                transforms[transforms.count - 1] += " \(word)"
            }
        }
        return transforms
    }

    /// `observed` in the shape of `wanted`: numbers where the spec has numbers, and list items
    /// in the spec's order (IOS sorts some of them), so equal means equal.
    static func conform(_ observed: Value, to wanted: Value) -> Value {
        switch (observed, wanted) {
        case (.string(let text), .int):
            return Int(text).map(Value.int) ?? observed
        case (.map(let have), .map(let want)):
            var result: [String: Value] = [:]
            for entry in have {
                result[entry.key] = want[entry.key].map { conform(entry.value, to: $0) } ?? entry.value
            }
            return .map(Attributes(result))
        case (.list(let have), .list(let want)):
            let template = want.first
            var items = have.map { item in template.map { conform(item, to: $0) } ?? item }
            // Items the spec has come first, in its order; the rest keep the router's order.
            let rank = { (item: Value) in want.firstIndex { same(item, $0) } ?? want.count }
            items = items.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(
                \.element
            )
            return .list(items)
        default:
            return observed
        }
    }

    /// How a `username` line keeps its password, as the spec names it (`scrypt`, `md5`), or
    /// as IOS prints it otherwise (`password 7`, `secret 8`); never the password itself.
    static func passwordHash(_ words: [String], at keyword: Int) -> String {
        let rest = words.dropFirst(keyword + 1)
        guard rest.count >= 2, let type = rest.first, type.count == 1, type.allSatisfy(\.isNumber) else {
            return words[keyword]
        }
        switch (words[keyword], type) {
        case ("secret", HashedSecretLine.Hash.scrypt.rawValue): return PasswordHash.scrypt.rawValue
        case ("secret", HashedSecretLine.Hash.md5.rawValue): return PasswordHash.md5.rawValue
        default: return words[keyword] + " " + type
        }
    }

    /// Whether an observed item stands for a wanted one (secrets and references aside).
    static func same(_ observed: Value, _ wanted: Value) -> Bool {
        switch (observed, wanted) {
        case (_, .secret), (_, .reference), (_, .fingerprint): return true
        case (.map(let a), .map(let b)):
            return b.allSatisfy { entry in a[entry.key].map { same($0, entry.value) } ?? false }
        case (.string(let a), .int(let b)): return a == String(b)
        default: return observed == wanted
        }
    }

    /// Reading one config: small helpers over its lines.
    struct Reading {
        let config: IOSConfig
        let identity: Attributes
        let secrets: Secrets
        let facts: Facts

        var v: IOSRenderer.Values { IOSRenderer.Values(attributes: identity, context: IOSRenderer.Context()) }

        func section(_ text: String) -> IOSLine? { config.lines.first { $0.text == text } }

        /// Whether an interface is administratively down: the spec's interfaces are always
        /// wanted up, so `shutdown` under one is a difference (`no shutdown` repairs it).
        func shut(_ interface: IOSLine) -> Bool { interface.children.contains { $0.text == "shutdown" } }

        func top(_ prefix: String) -> [String] {
            config.lines.filter { $0.text.hasPrefix(prefix) }.map { String($0.text.dropFirst(prefix.count)) }
        }

        func value(_ line: IOSLine?, _ prefix: String) -> String? {
            line?.children.first { $0.text.hasPrefix(prefix) }.map { String($0.text.dropFirst(prefix.count)) }
        }

        func words(_ text: String?) -> Value? {
            text.map { .list($0.split(separator: " ").map { .string(String($0)) }) }
        }

        /// A password after its keyword: `7 X` decoded, `0 X` or `X` as is; nil for what cannot
        /// be read back (`6` AES-encrypted, `5` hashed without an intended value to hash).
        func secret(_ text: String?, intended: Value?) -> Value? {
            guard let text else { return nil }
            let parts = text.split(separator: " ").map(String.init)
            guard let first = parts.first else { return nil }
            switch (first, parts.count) {
            case ("7", 2...): return Type7.decode(parts[1]).map { .fingerprint(secrets.fingerprint($0)) } ?? .null
            case ("0", 2...): return .fingerprint(secrets.fingerprint(parts[1]))
            case ("5", 2...):
                guard case .secret(let source)? = intended, let plain = secrets.value(source) else { return .null }
                let hashed = parts[1]
                return .fingerprint(secrets.fingerprint(MD5Crypt.verify(plain, against: hashed) ? plain : hashed))
            case ("9", 2...):
                guard case .secret(let source)? = intended, let plain = secrets.value(source) else { return .null }
                let hashed = parts[1]
                return .fingerprint(secrets.fingerprint(CiscoScrypt.verify(plain, against: hashed) ? plain : hashed))
            case ("6", _), ("8", _), ("9", _): return .null
            default: return .fingerprint(secrets.fingerprint(first))
            }
        }

        func system(_ facts: Facts) -> [String: Value]? {
            guard let hostname = top("hostname ").first else { return nil }
            var out: [String: Value] = ["hostname": .string(hostname), "platform": .string(facts.platform)]
            out["model"] = facts.model.map(Value.string)
            out["software"] = facts.software.map(Value.string)
            out["domainName"] = (top("ip domain name ").first ?? top("ip domain-name ").first).map(Value.string)
            if let zone = top("clock timezone ").first?.split(separator: " "), zone.count >= 2 {
                out["timezone"] = .map([
                    "name": .string(String(zone[0])), "hours": .string(String(zone[1])),
                    "minutes": .string(zone.count > 2 ? String(zone[2]) : "0"),
                ])
            }
            out["ntpServers"] = .list(
                top("ntp server ").map { server in
                    let parts = server.split(separator: " ")
                    return .map(["address": .string(String(parts[0])), "prefer": .bool(parts.contains("prefer"))])
                }
            )
            out["loggingBufferSize"] = top("logging buffered ").first?.split(separator: " ").first.map {
                .string(String($0))
            }
            var allowed: [Value] = []
            if let list = value(section("line vty 0 4"), "access-class ")?.split(separator: " ").first {
                for entry in top("access-list \(list) permit ") {
                    let parts = entry.split(separator: " ")
                    let wildcard = parts.dropFirst().first ?? "0.0.0.0"
                    guard let network = parts.first, let mask = IPv4Address(String(wildcard)).map({ ~$0.value })
                    else { continue }
                    allowed.append(.string("\(network)/\(mask.nonzeroBitCount)"))
                }
            }
            out["sshAllowedFrom"] = .list(allowed)
            let user = v.text("username")
            if !user.isEmpty, let line = top("username \(user) ").first {
                out["username"] = .string(user)
                let words = line.split(separator: " ").map(String.init)
                if let at = words.firstIndex(where: { $0 == "password" || $0 == "secret" }) {
                    out["password"] = secret(words[(at + 1)...].joined(separator: " "), intended: identity["password"])
                    out["passwordHash"] = .string(IOSSections.passwordHash(words, at: at))
                }
            }
            out["enableSecret"] = secret(top("enable secret ").first, intended: identity["enableSecret"])
            return out
        }

        func wan() -> [String: Value]? {
            let name = v.text("interface")
            guard let interface = section("interface \(name)") else { return nil }
            var out: [String: Value] = ["interface": .string(name)]
            var outside = interface
            if let pool = value(interface, "pppoe-client dial-pool-number ") {
                let dialer = section("interface Dialer\(pool)")
                outside = dialer ?? interface
                out["pppoe"] = .map(
                    Attributes(
                        [
                            "dialer": .string(pool),
                            "mtu": value(dialer, "ip mtu ").map(Value.string),
                            "chapHostname": value(dialer, "ppp chap hostname ").map(Value.string),
                            "chapPassword": secret(value(dialer, "ppp chap password "), intended: nil),
                            // A dialer given a fixed address no longer takes the ISP's.
                            "address": value(dialer, "ip address ").flatMap {
                                $0 == "negotiated" ? nil : Value.string($0)
                            },
                        ].compactMapValues { $0 }
                    )
                )
            } else if let address = value(interface, "ip address ")?.split(separator: " "), address.count == 2 {
                out["address"] = .string(String(address[0]))
                out["mask"] = .string(String(address[1]))
            }
            out["natOutside"] = .bool(outside.children.contains { $0.text == "ip nat outside" })
            // Either the port or the dialer on it shut takes the WAN down.
            out["shutdown"] = .bool(shut(interface) || shut(outside))
            if let route = top("ip route 0.0.0.0 0.0.0.0 ").first?.split(separator: " ") {
                out["defaultRoute"] = route.first.map { .string(String($0)) }
                if route.count > 1 { out["defaultRouteDistance"] = .string(String(route[1])) }
                if let hop = route.first {
                    let hosts = config.lines.filter {
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

        func lan() -> [String: Value]? {
            let name = v.text("interface")
            guard let interface = section("interface \(name)") else { return nil }
            var out: [String: Value] = ["interface": .string(name)]
            if let address = value(interface, "ip address ")?.split(separator: " "), address.count == 2 {
                out["address"] = .string(String(address[0]))
                out["mask"] = .string(String(address[1]))
            }
            out["natInside"] = .bool(interface.children.contains { $0.text == "ip nat inside" })
            out["shutdown"] = .bool(shut(interface))
            return out
        }

        func nat() -> [String: Value]? {
            let list = v.text("accessList")
            guard let rule = top("ip nat inside source list \(list) interface ").first?.split(separator: " ").first
            else { return nil }
            let sources = top("access-list \(list) permit ").map { entry -> Value in
                let parts = entry.split(separator: " ")
                return .map([
                    "network": .string(String(parts[0])),
                    "wildcard": .string(parts.count > 1 ? String(parts[1]) : "0.0.0.0"),
                ])
            }
            return ["accessList": .string(list), "outsideInterface": .string(String(rule)), "sources": .list(sources)]
        }

        func routes() -> [String: Value]? {
            let found = config.lines.filter {
                IOSSections.owns(type: "ios.static-routes", identity: identity, line: $0.text)
            }.compactMap { line -> Value? in
                let words = line.text.split(separator: " ").map(String.init)
                guard words.count >= 5 else { return nil }
                // `ip route P M 192.168.10.254` goes to a next hop, `ip route P M Tunnel1` out of an interface.
                let target = IPv4Address(words[4]) == nil ? "interface" : "nextHop"
                return .map(["prefix": .string(words[2]), "mask": .string(words[3]), target: .string(words[4])])
            }
            return found.isEmpty ? nil : ["routes": .list(found)]
        }
    }
}
