internal import Reconciler
internal import Spec

/// The router itself: hostname, logging, clock, DNS, the login user, SSH and who may reach it,
/// and NTP.
enum SystemSection: IOSSectionKind {
    static let type = "ios.system"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [
            .init("platform"), .init("model"), .init("software"), .init("hostname", .required),
            .init("domainName"), .init("timezone"), .init("ntpServers"), .init("loggingBufferSize"),
            .init("sshAllowedFrom"), .init("username"), .init("password", sensitive: true),
            .init("passwordHash"), .init("enableSecret", sensitive: true),
        ],
        outputs: [],
        // How the router keeps the user's password: a spec that does not say wants scrypt.
        defaults: ["passwordHash": "scrypt"]
    )

    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine] {
        var out = [
            IOSLine("service timestamps debug datetime msec"), IOSLine("service timestamps log datetime msec"),
            IOSLine("service password-encryption"), IOSLine("hostname \(v.text("hostname"))"),
        ]
        if v.has("loggingBufferSize") {
            out.append(IOSLine("logging buffered \(v.text("loggingBufferSize"))"))
        }
        if v.has("enableSecret") { out.append(IOSLine("enable secret \(v.text("enableSecret"))")) }
        if case .map(let zone)? = v.attributes["timezone"] {
            let z = IOSRenderer.Values(attributes: zone, context: v.context)
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

    static func read(_ r: IOSSections.Reading) -> [String: Value]? {
        guard let hostname = r.top("hostname ").first else { return nil }
        var out: [String: Value] = ["hostname": .string(hostname), "platform": .string(r.facts.platform)]
        out["model"] = r.facts.model.map(Value.string)
        out["software"] = r.facts.software.map(Value.string)
        out["domainName"] = (r.top("ip domain name ").first ?? r.top("ip domain-name ").first).map(Value.string)
        if let zone = r.top("clock timezone ").first?.split(separator: " "), zone.count >= 2 {
            out["timezone"] = .map([
                "name": .string(String(zone[0])), "hours": .string(String(zone[1])),
                "minutes": .string(zone.count > 2 ? String(zone[2]) : "0"),
            ])
        }
        out["ntpServers"] = .list(
            r.top("ntp server ").map { server in
                let parts = server.split(separator: " ")
                return .map(["address": .string(String(parts[0])), "prefer": .bool(parts.contains("prefer"))])
            }
        )
        out["loggingBufferSize"] = r.top("logging buffered ").first?.split(separator: " ").first.map {
            .string(String($0))
        }
        var allowed: [Value] = []
        if let list = r.value(r.section("line vty 0 4"), "access-class ")?.split(separator: " ").first {
            for entry in r.top("access-list \(list) permit ") {
                let parts = entry.split(separator: " ")
                let wildcard = parts.dropFirst().first ?? "0.0.0.0"
                guard let network = parts.first, let mask = IPv4Address(String(wildcard)).map({ ~$0.value })
                else { continue }
                allowed.append(.string("\(network)/\(mask.nonzeroBitCount)"))
            }
        }
        out["sshAllowedFrom"] = .list(allowed)
        let user = r.v.text("username")
        if !user.isEmpty, let line = r.top("username \(user) ").first {
            out["username"] = .string(user)
            let words = line.split(separator: " ").map(String.init)
            if let at = words.firstIndex(where: { $0 == "password" || $0 == "secret" }) {
                out["password"] = r.secret(words[(at + 1)...].joined(separator: " "), intended: r.identity["password"])
                out["passwordHash"] = .string(IOSSections.passwordHash(words, at: at))
            }
        }
        out["enableSecret"] = r.secret(r.top("enable secret ").first, intended: r.identity["enableSecret"])
        return out
    }

    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool {
        let user = v.text("username")
        let fixed = [
            "hostname ", "logging buffered", "enable secret ", "clock timezone ", "ip domain name ",
            "ip domain-name ",
            "ip ssh version ", "access-list 12 ", "ntp server ", "service timestamps ",
        ]
        return fixed.contains { text.hasPrefix($0) }
            || ["no ip domain lookup", "service password-encryption", "line con 0", "line vty 0 4"].contains(text)
            || (!user.isEmpty && text.hasPrefix("username \(user) "))
    }
}
