extension TopologyBuilder {
    static func ciscoRouter(_ r: ObjectReader) -> CiscoRouter? {
        let platform: Platform? = r.enumeration("platform")
        let model = r.string("model")
        let software = r.string("software")
        let management = r.object("management").flatMap(management)
        let system = r.object("system").flatMap(system)
        let wan = r.object("wan").flatMap(wan)
        let lan = r.object("lan").flatMap { l -> CiscoRouter.Lan? in
            let interface = l.string("interface")
            let address = l.interfaceAddress("address")
            let routes = l.objects("routes") { route, _ -> CiscoRouter.Lan.Route? in
                let prefix = route.prefix("prefix")
                let nextHop = route.address("nextHop")
                guard let prefix, let nextHop else { return nil }
                return CiscoRouter.Lan.Route(prefix: prefix, nextHop: nextHop)
            }
            guard let interface, let address else { return nil }
            return CiscoRouter.Lan(interface: interface, address: address, routes: routes)
        }
        let nat = r.object("nat").map { $0.prefixes("overload") } ?? []
        let tunnelReader = r.object("tunnel")
        let tunnel = CiscoRouter.Tunnel(
            tcpAdjustMss: tunnelReader?.int("tcpAdjustMss") ?? 1350,
            interfaceNumber: tunnelReader?.int("interfaceNumber") ?? 1
        )
        guard let platform, let management, let system, let wan, let lan else { return nil }
        return CiscoRouter(
            platform: platform,
            model: model,
            software: software,
            management: management,
            system: system,
            wan: wan,
            lan: lan,
            natOverload: nat,
            tunnel: tunnel,
            costs: costs(r)
        )
    }

    private static func management(_ m: ObjectReader) -> CiscoRouter.Management? {
        let host = m.string("host")
        let lab = m.bool("lab") ?? false
        let port = m.int("port") ?? 22
        let username = m.string("username")
        let password = m.secret("password")
        let passwordHash: PasswordHash = m.enumeration("passwordHash") ?? .scrypt
        let enable = m.secret("enableSecret")
        let hostKey = m.string("hostKey")
        let knownHosts = m.string("knownHostsFile")
        guard let username, let password else { return nil }
        return CiscoRouter.Management(
            host: host,
            lab: lab,
            port: port,
            username: username,
            password: password,
            passwordHash: passwordHash,
            enableSecret: enable,
            hostKey: hostKey,
            knownHostsFile: knownHosts
        )
    }

    private static func system(_ s: ObjectReader) -> CiscoRouter.System? {
        let hostname = s.string("hostname")
        let domain = s.string("domainName")
        let timezone = s.object("timezone").flatMap { t -> CiscoRouter.Timezone? in
            let name = t.string("name")
            let hours = t.int("offsetHours")
            let minutes = t.int("offsetMinutes") ?? 0
            guard let name, let hours else { return nil }
            return CiscoRouter.Timezone(name: name, offsetHours: hours, offsetMinutes: minutes)
        }
        let ntp = s.objects("ntpServers") { n, _ -> CiscoRouter.NtpServer? in
            let address = n.address("address")
            let prefer = n.bool("prefer") ?? false
            return address.map { CiscoRouter.NtpServer(address: $0, prefer: prefer) }
        }
        let logging = s.int("loggingBufferSize")
        let ssh = s.prefixes("sshAllowedFrom")
        guard let hostname else { return nil }
        return CiscoRouter.System(
            hostname: hostname,
            domainName: domain,
            timezone: timezone,
            ntpServers: ntp,
            loggingBufferSize: logging,
            sshAllowedFrom: ssh
        )
    }

    private static func wan(_ w: ObjectReader) -> CiscoRouter.Wan? {
        let interface = w.string("interface")
        let pppoe = w.object("pppoe").flatMap { p -> CiscoRouter.Pppoe? in
            let dialer = p.int("dialer")
            let mtu = p.int("mtu")
            let chap = p.object("chap")
            let hostname = chap?.string("hostname")
            let password = chap?.secret("password")
            guard let dialer, let mtu, let hostname, let password else { return nil }
            return CiscoRouter.Pppoe(dialer: dialer, mtu: mtu, chapHostname: hostname, chapPassword: password)
        }
        let address = w.interfaceAddress("address")
        let gateway = w.address("gateway")
        guard let interface else { return nil }
        return CiscoRouter.Wan(interface: interface, pppoe: pppoe, address: address, gateway: gateway)
    }
}
