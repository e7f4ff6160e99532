internal import Reconciler
internal import Spec

extension IOSImport {
    /// Reads one configuration into a CiscoRouter's fields, taking only what the spec's
    /// rendering prints back the same way (a NAT list other than the one the spec renders, an
    /// ACL entry that is not a prefix, is left to the unmanaged lines, with a note).
    struct Reader {
        let config: IOSConfig
        let name: String
        let management: SpecValue
        var secrets: [ImportedSecret] = []
        var notes: [String] = []
        var owns: Set<String> = []
        var peers: Set<String> = []
        /// The PPPoE dialer (`Dialer1`), whose address is negotiated.
        var dialer: String?
        var lanPrefix: IPv4Prefix?

        init(config: IOSConfig, name: String, management: SpecValue) {
            self.config = config
            self.name = name
            self.management = management
        }

        func top(_ prefix: String) -> [String] {
            config.lines.filter { $0.text.hasPrefix(prefix) }.map { String($0.text.dropFirst(prefix.count)) }
        }

        func section(_ text: String) -> IOSLine? { config.lines.first { $0.text == text } }

        static func child(_ line: IOSLine?, _ prefix: String) -> String? {
            line?.children.first { $0.text.hasPrefix(prefix) }.map { String($0.text.dropFirst(prefix.count)) }
        }

        static func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

        /// `ip address A M` under an interface, as `A/len`; nil for any other form.
        static func address(_ interface: IOSLine?) -> InterfaceAddress? {
            guard let text = child(interface, "ip address ") else { return nil }
            let w = words(text)
            guard w.count == 2, IPv4Address(w[0]) != nil, let mask = IPv4Address(w[1]),
                let length = prefixLength(mask: mask.value)
            else { return nil }
            return InterfaceAddress("\(w[0])/\(length)")
        }

        /// The prefix length of a contiguous mask.
        static func prefixLength(mask: UInt32) -> Int? {
            let host = ~mask
            return host & (host &+ 1) == 0 ? mask.nonzeroBitCount : nil
        }

        /// `N W` of a standard ACL entry as a prefix; nil when it is not one.
        static func prefix(network: String, wildcard: String) -> IPv4Prefix? {
            guard let n = IPv4Address(network), let w = IPv4Address(wildcard),
                let length = prefixLength(mask: ~w.value),
                let prefix = IPv4Prefix("\(network)/\(length)"), prefix.network == n
            else { return nil }
            return prefix
        }

        var interfaces: [IOSLine] { config.lines.filter { $0.text.hasPrefix("interface ") } }

        static func interfaceName(_ line: IOSLine) -> String { String(line.text.dropFirst("interface ".count)) }

        // MARK: The document

        mutating func spec(facts: IOSSections.Facts?) -> [SpecField] {
            var fields: [SpecField] = []
            let platform = facts?.platform ?? guessedPlatform()
            fields.append(SpecField("platform", .string(platform)))
            if let model = facts?.model { fields.append(SpecField("model", .string(model))) }
            if let software = facts?.software { fields.append(SpecField("software", .string(software))) }
            fields.append(SpecField("management", completedManagement()))
            fields.append(SpecField("system", system()))
            let wan = wan()
            if let wan { fields.append(SpecField("wan", wan.value)) }
            if let lan = lan(excluding: wan?.interfaces ?? []) { fields.append(SpecField("lan", lan)) }
            if let wan, let nat = nat(outside: wan.outside) { fields.append(SpecField("nat", nat)) }
            if let tunnel = tunnel() { fields.append(SpecField("tunnel", tunnel)) }
            tunnelSecrets()
            return fields
        }

        /// IOS-XE runs 16.x and later; a config without a `version` line is taken for IOS.
        func guessedPlatform() -> String {
            let major = top("version ").first.flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
            return major >= 16 ? Platform.iosXE.rawValue : Platform.ios.rawValue
        }

        /// The caller's management, with `passwordHash: md5` when the login's line keeps an
        /// MD5 hash (the spec renders scrypt otherwise), and the login and enable secrets read.
        mutating func completedManagement() -> SpecValue {
            guard case .map(var fields) = management else { return management }
            let field = { (key: String) in fields.first { $0.key == key }?.value }
            if case .string(let user)? = field("username"),
                let line = top("username \(user) ").first
            {
                let w = Self.words(line)
                if let at = w.firstIndex(where: { $0 == "secret" || $0 == "password" }) {
                    let value = Array(w[(at + 1)...])
                    if w[at] == "secret", value.first == "5", field("passwordHash") == nil,
                        let index = fields.firstIndex(where: { $0.key == "password" })
                    {
                        fields.insert(SpecField("passwordHash", .string(PasswordHash.md5.rawValue)), at: index + 1)
                    }
                    if case .fromEnv(let env)? = field("password") {
                        secrets.append(secret(value, name: env, origin: "username \(user)"))
                    }
                }
            }
            if case .fromEnv(let env)? = field("enableSecret"), let line = top("enable secret ").first {
                secrets.append(secret(Self.words(line), name: env, origin: "enable secret"))
            }
            return .map(fields)
        }

        /// A secret after its keyword (`9 $9$…`, `7 0822…`, `0 text`, `text`).
        func secret(_ words: [String], name: String?, origin: String, meets: Set<String> = []) -> ImportedSecret {
            let reading: ImportedSecret.Reading
            let at = "cisco: \(self.name) \(origin)"
            switch (words.first, words.count) {
            case ("9", 2...):
                let hashed = words[1]
                reading = .hash { CiscoScrypt.verify($0, against: hashed) }
            case ("5", 2...):
                let hashed = words[1]
                reading = .hash { MD5Crypt.verify($0, against: hashed) }
            case ("7", 2...): reading = Type7.decode(words[1]).map(ImportedSecret.Reading.value) ?? .unreadable
            case ("0", 2...): reading = .value(words.dropFirst().joined(separator: " "))
            case ("6", _), ("8", _), ("4", _): reading = .unreadable
            case (.some, _): reading = .value(words.joined(separator: " "))
            case (.none, _): reading = .unreadable
            }
            return ImportedSecret(name: name, reading: reading, origin: at, meets: meets)
        }

        func system() -> SpecValue {
            var fields: [(String, SpecValue?)] = []
            fields.append(("hostname", .string(top("hostname ").first ?? name)))
            fields.append(("domainName", top("ip domain name ").first.map(SpecValue.string)))
            if let zone = top("clock timezone ").first.map(Self.words), zone.count >= 2, let hours = Int(zone[1]) {
                let minutes = zone.count > 2 ? Int(zone[2]) ?? 0 : 0
                fields.append(
                    (
                        "timezone",
                        .fields([
                            ("name", .string(zone[0])), ("offsetHours", .int(hours)),
                            ("offsetMinutes", minutes == 0 ? nil : .int(minutes)),
                        ])
                    )
                )
            }
            let servers = top("ntp server ").map(Self.words).compactMap { w -> SpecValue? in
                guard IPv4Address(w[0]) != nil, w.count == 1 || (w.count == 2 && w[1] == "prefer") else { return nil }
                return .fields([("address", .string(w[0])), ("prefer", w.count == 2 ? .bool(true) : nil)])
            }
            fields.append(("ntpServers", servers.isEmpty ? nil : .list(servers)))
            if let size = top("logging buffered ").first, let bytes = Int(size) {
                fields.append(("loggingBufferSize", .int(bytes)))
            }
            fields.append(("sshAllowedFrom", sshAllowedFrom().map(SpecValue.strings)))
            return .fields(fields)
        }

        /// The vty lines' access list, when it is the one the spec renders (12) and holds only
        /// prefixes.
        func sshAllowedFrom() -> [IPv4Prefix]? {
            guard let vty = section("line vty 0 4"), let list = Self.child(vty, "access-class ") else { return nil }
            let entries = top("access-list 12 ").map(Self.words)
            let prefixes = entries.compactMap { w in
                w.count == 3 && w[0] == "permit" ? Self.prefix(network: w[1], wildcard: w[2]) : nil
            }
            guard list == "12 in", !prefixes.isEmpty, prefixes.count == entries.count else { return nil }
            return prefixes
        }

        struct Wan {
            var value: SpecValue
            /// The port, and the dialer on it.
            var interfaces: [String]
            /// Where NAT's outside is: the dialer for PPPoE.
            var outside: String
        }

        /// The WAN: a PPPoE port and its dialer; else the port with `ip nat outside`; else the
        /// one whose subnet holds the default route's next hop.
        mutating func wan() -> Wan? {
            for port in interfaces {
                guard let pool = Self.child(port, "pppoe-client dial-pool-number "),
                    let dialerLine = section("interface Dialer\(pool)"), let number = Int(pool)
                else { continue }
                let portName = Self.interfaceName(port)
                dialer = "Dialer\(pool)"
                if let fixed = Self.address(dialerLine) { owns.insert("ip:\(fixed.address)") }
                let mtu = Self.child(dialerLine, "ip mtu ").flatMap { Int($0) }
                if mtu == nil { notes.append("\(dialer ?? ""): no ip mtu; the spec's pppoe.mtu is set to 1454") }
                let chapName = IOSImport.secretName(router: name, "PPP_PASSWORD")
                if let password = Self.child(dialerLine, "ppp chap password ") {
                    secrets.append(
                        secret(Self.words(password), name: chapName, origin: "\(dialer ?? "") chap password")
                    )
                } else {
                    secrets.append(ImportedSecret(name: chapName, reading: .unreadable, origin: "cisco: \(name)"))
                    notes.append("\(dialer ?? ""): no ppp chap password; set \(chapName)")
                }
                let pppoe = SpecValue.fields([
                    ("dialer", .int(number)), ("mtu", .int(mtu ?? 1454)),
                    (
                        "chap",
                        .fields([
                            ("hostname", .string(Self.child(dialerLine, "ppp chap hostname ") ?? "TODO")),
                            ("password", .fromEnv(chapName)),
                        ])
                    ),
                ])
                return Wan(
                    value: .fields([("interface", .string(portName)), ("pppoe", pppoe)]),
                    interfaces: [portName, "Dialer\(pool)"],
                    outside: "Dialer\(pool)"
                )
            }
            let gateway = top("ip route 0.0.0.0 0.0.0.0 ").first.flatMap { Self.words($0).first }.flatMap {
                IPv4Address($0)
            }
            let candidates = interfaces.filter { Self.address($0) != nil && !Self.isVirtual(Self.interfaceName($0)) }
            let port =
                candidates.first { $0.children.contains { $0.text == "ip nat outside" } }
                ?? candidates.first { line in gateway.map { Self.address(line)?.prefix.contains($0) ?? false } ?? false
                }
            guard let port, let address = Self.address(port) else {
                notes.append("no WAN interface found (PPPoE, ip nat outside or the default route's): fill in wan")
                return nil
            }
            let portName = Self.interfaceName(port)
            owns.insert("ip:\(address.address)")
            let onLink = gateway.flatMap { address.prefix.contains($0) ? $0 : nil }
            return Wan(
                value: .fields([
                    ("interface", .string(portName)), ("address", .string(address.description)),
                    ("gateway", onLink.map { .string($0.description) }),
                ]),
                interfaces: [portName],
                outside: portName
            )
        }

        /// Interfaces that are no LAN or WAN port.
        static func isVirtual(_ name: String) -> Bool {
            ["Tunnel", "Loopback", "Dialer", "Virtual-", "NVI", "Null"].contains { name.hasPrefix($0) }
        }

        /// The LAN: the port with `ip nat inside`, else the first other addressed port; with the
        /// static routes to next hops on it.
        mutating func lan(excluding wan: [String]) -> SpecValue? {
            let candidates = interfaces.filter {
                let name = Self.interfaceName($0)
                return Self.address($0) != nil && !wan.contains(name) && !Self.isVirtual(name)
            }
            guard
                let port = candidates.first(where: { $0.children.contains { $0.text == "ip nat inside" } })
                    ?? candidates.first, let address = Self.address(port)
            else {
                notes.append("no LAN interface found: fill in lan")
                return nil
            }
            lanPrefix = address.prefix
            let routes = top("ip route ").map(Self.words).compactMap { w -> SpecValue? in
                guard w.count == 3, let hop = IPv4Address(w[2]), address.prefix.contains(hop),
                    let mask = IPv4Address(w[1]), let length = Self.prefixLength(mask: mask.value), length > 0,
                    let prefix = IPv4Prefix("\(w[0])/\(length)")
                else { return nil }
                return .fields([("prefix", .string(prefix.description)), ("nextHop", .string(hop.description))])
            }
            return .fields([
                ("interface", .string(Self.interfaceName(port))), ("address", .string(address.description)),
                ("routes", routes.isEmpty ? nil : .list(routes)),
            ])
        }

        /// NAT overload when it is the spec's own: list 11 out of the WAN's outside interface.
        mutating func nat(outside: String) -> SpecValue? {
            guard let rule = top("ip nat inside source list ").first else { return nil }
            let entries = top("access-list 11 ").map(Self.words)
            let prefixes = entries.compactMap { w in
                w.count == 3 && w[0] == "permit" ? Self.prefix(network: w[1], wildcard: w[2]) : nil
            }
            guard rule == "11 interface \(outside) overload", !prefixes.isEmpty, prefixes.count == entries.count else {
                notes.append("NAT is not the spec's overload (list 11 of prefixes out of \(outside)): left unmanaged")
                return nil
            }
            return .fields([("overload", .strings(prefixes))])
        }

        /// The first tunnel interface's number and MSS clamp, when the router has tunnels.
        mutating func tunnel() -> SpecValue? {
            let tunnels = interfaces.compactMap { line -> (Int, IOSLine)? in
                let name = Self.interfaceName(line)
                guard name.hasPrefix("Tunnel"), let number = Int(name.dropFirst("Tunnel".count)) else { return nil }
                return (number, line)
            }.sorted { $0.0 < $1.0 }
            for (_, line) in tunnels {
                if let destination = Self.child(line, "tunnel destination "), IPv4Address(destination) != nil {
                    peers.insert("ip:\(destination)")
                }
            }
            guard let (number, first) = tunnels.first else { return nil }
            let mss = Self.child(first, "ip tcp adjust-mss ").flatMap { Int($0) } ?? 1350
            return .fields([("tcpAdjustMss", .int(mss)), ("interfaceNumber", .int(number))])
        }

        /// Pre-shared keys of IKEv2 and IKEv1 keyrings and `crypto isakmp key`, by peer address;
        /// and BGP neighbours as peers.
        mutating func tunnelSecrets() {
            for line in config.lines {
                let w = Self.words(line.text)
                if line.text.hasPrefix("crypto ikev2 keyring "), w.count == 4 {
                    for peer in line.children where peer.text.hasPrefix("peer ") {
                        guard let address = Self.child(peer, "address ").flatMap({ Self.words($0).first }),
                            IPv4Address(address) != nil, let key = Self.child(peer, "pre-shared-key ")
                        else { continue }
                        var value = Self.words(key)
                        if ["local", "remote"].contains(value.first) { value.removeFirst() }
                        psk(value, address, origin: "keyring \(w[3]) \(peer.text)")
                    }
                } else if line.text.hasPrefix("crypto keyring "), w.count >= 3 {
                    for entry in line.children where entry.text.hasPrefix("pre-shared-key address ") {
                        let e = Self.words(entry.text)
                        guard let at = e.firstIndex(of: "key"), IPv4Address(e[2]) != nil else { continue }
                        psk(Array(e[(at + 1)...]), e[2], origin: "keyring \(w[2]) \(e[2])")
                    }
                } else if line.text.hasPrefix("crypto isakmp key "), let at = w.firstIndex(of: "address"),
                    at + 1 < w.count, IPv4Address(w[at + 1]) != nil
                {
                    psk(Array(w[3..<at]), w[at + 1], origin: "crypto isakmp key \(w[at + 1])")
                } else if line.text.hasPrefix("router bgp ") {
                    for child in line.children {
                        let c = Self.words(child.text)
                        if c.count >= 4, c[0] == "neighbor", c[2] == "remote-as", IPv4Address(c[1]) != nil {
                            peers.insert("ip:\(c[1])")
                        }
                    }
                }
            }
        }

        mutating func psk(_ value: [String], _ address: String, origin: String) {
            peers.insert("ip:\(address)")
            secrets.append(secret(value, name: nil, origin: origin, meets: ["psk:\(address)"]))
        }
    }
}
