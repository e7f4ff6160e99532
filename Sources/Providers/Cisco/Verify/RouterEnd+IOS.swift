public import Spec
public import Verify

/// A router's end of a tunnel read from its running config: the Cisco provider's facts for
/// verify, and the lab's (which negotiates its simulated routers' tunnels from them).
extension RouterEnd {
    /// Every IPsec tunnel interface of `config`.
    public static func tunnels(device: String, config: IOSConfig, addresses: [String: String]) -> [RouterEnd] {
        func section(_ text: String) -> IOSLine? { config.lines.first { $0.text == text } }
        func value(_ line: IOSLine?, _ prefix: String) -> String? {
            line?.children.first { $0.text.hasPrefix(prefix) }.map { String($0.text.dropFirst(prefix.count)) }
        }
        let proposals = config.lines.filter { $0.text.hasPrefix("crypto ikev2 policy ") }.flatMap(\.children).filter {
            $0.text.hasPrefix("proposal ")
        }.flatMap { $0.text.split(separator: " ").dropFirst().map(String.init) }
        let offered = proposals.compactMap { section("crypto ikev2 proposal \($0)") }
        func words(_ prefix: String) -> [String] {
            offered.compactMap { value($0, prefix) }.flatMap { $0.split(separator: " ").map(String.init) }
        }
        let bgp = config.lines.first { $0.text.hasPrefix("router bgp ") }?.children.compactMap { line -> String? in
            let w = line.text.split(separator: " ")
            return w.count >= 4 && w[0] == "neighbor" && w[2] == "remote-as" ? String(w[1]) : nil
        }
        let statics = StaticRoute.all(in: config)
        return config.lines.filter { $0.text.hasPrefix("interface Tunnel") }.compactMap { tunnel in
            guard let protection = value(tunnel, "tunnel protection ipsec profile ") else { return nil }
            let destination = value(tunnel, "tunnel destination ")
            let ipsec = section("crypto ipsec profile \(protection)")
            let profile = value(ipsec, "set ikev2-profile ").flatMap { section("crypto ikev2 profile \($0)") }
            let transformPrefix = value(ipsec, "set transform-set ").map { "crypto ipsec transform-set \($0) " }
            let transformLine = transformPrefix.flatMap { p in config.lines.first { $0.text.hasPrefix(p) } }
            let transforms = IOSSections.transforms(transformLine?.text.dropFirst(transformPrefix?.count ?? 0) ?? "")
            let keyring = value(profile, "keyring local ").flatMap { section("crypto ikev2 keyring \($0)") }
            let peers = keyring?.children.filter { $0.text.hasPrefix("peer ") } ?? []
            let peer =
                peers.first { value($0, "address ")?.split(separator: " ").first.map(String.init) == destination }
                ?? peers.first
            let key = value(peer, "pre-shared-key ").map { text -> String in
                let parts = text.split(separator: " ").map(String.init)
                if parts.count == 2, parts[0] == "7" { return Type7.decode(parts[1]) ?? parts[1] }
                return parts.count == 2 && parts[0] == "0" ? parts[1] : text
            }
            let source = value(tunnel, "tunnel source ")
            var end = RouterEnd(
                device: device,
                tunnel: String(tunnel.text.dropFirst("interface ".count)),
                destination: destination,
                peerAddress: value(peer, "address ")?.split(separator: " ").first.map(String.init),
                identity: value(profile, "match identity remote address ")?.split(separator: " ").first.map(
                    String.init
                ),
                sharedKey: key,
                wanAddress: source.flatMap { addresses[$0] },
                ikeVersion: profile == nil ? "IKEv1" : "IKEv2",
                offers: IpsecProposals(
                    ios: words("encryption "),
                    integrity: words("integrity "),
                    prf: words("prf "),
                    groups: words("group "),
                    transforms: transforms
                ),
                bgpNeighbors: bgp ?? []
            )
            end.words = .ios
            end.shutdown = tunnel.children.contains { $0.text == "shutdown" }
            end.source = source
            end.staticRoutes = statics
            if end.wanAddress == nil { end.sourceDown = sourceDown(source, config: config) }
            return end
        }
    }

    /// Why a tunnel source has no address: shut itself, or a PPPoE dialer whose session is down
    /// (its Ethernet shut, or no address from the ISP).
    static func sourceDown(_ source: String?, config: IOSConfig) -> String {
        guard let source else { return "the tunnel has no tunnel source" }
        guard let interface = config.lines.first(where: { $0.text == "interface \(source)" }) else {
            return "\(source), the tunnel source, does not exist"
        }
        func shut(_ line: IOSLine) -> Bool { line.children.contains { $0.text == "shutdown" } }
        if shut(interface) { return "\(source) is administratively down (shutdown)" }
        guard interface.children.contains(where: { $0.text == "ip address negotiated" }) else {
            return "\(source) has no address"
        }
        let session = "\(source) has no address: the PPPoE session is down"
        // The Ethernet port that carries the dialer's pool.
        let pool = interface.children.first { $0.text.hasPrefix("dialer pool ") }.map { $0.text.dropFirst(12) }
        let port = pool.flatMap { pool in
            config.lines.first { line in
                line.text.hasPrefix("interface ")
                    && line.children.contains { $0.text == "pppoe-client dial-pool-number \(pool)" }
            }
        }
        if let port, shut(port) {
            return session + " (\(port.text.dropFirst("interface ".count)) is administratively down)"
        }
        return session
    }
}

extension RouterEnd.StaticRoute {
    /// The static routes of a running config.
    static func all(in config: IOSConfig) -> [Self] {
        config.lines.compactMap { line in
            let w = line.text.split(separator: " ").map(String.init)
            guard w.count >= 5, w[0] == "ip", w[1] == "route", let network = IPv4Address(w[2]),
                let mask = IPv4Address(w[3])
            else { return nil }
            let length = mask.value.nonzeroBitCount
            guard let prefix = IPv4Prefix("\(network)/\(length)") else { return nil }
            return Self(prefix: prefix, via: w[4], distance: w.count > 5 ? Int(w[5]) ?? 1 : 1)
        }
    }
}
