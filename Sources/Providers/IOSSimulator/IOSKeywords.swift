/// The keywords IOS accepts at each level of the exec parser, and its unique-prefix rule.
///
/// IOS takes any prefix of a keyword that no other keyword at the same level shares (`sh`
/// is `show`, `conf` is `configure`), and calls a shared one ambiguous (`co`: `configure`,
/// `connect`, `copy`). The lists hold the real images' keywords, including those the
/// simulator does not implement, so that a prefix is unique here exactly when it is on a
/// router (IOS 15.4 on a C800; `?` at each level).
enum IOSKeywords {
    /// What a typed word is at one level of the parser.
    enum Match: Equatable {
        /// The keyword it stands for (typed in full, or a prefix no other keyword shares).
        case keyword(String)
        /// A prefix of several keywords: `% Ambiguous command:  "…"`.
        case ambiguous
        /// No keyword starts with it.
        case unknown
    }

    /// The keyword `typed` stands for among `keywords` (case-insensitive).
    static func match(_ typed: String, in keywords: [String]) -> Match {
        let word = typed.lowercased()
        if keywords.contains(word) { return .keyword(word) }
        let candidates = keywords.filter { $0.hasPrefix(word) }
        switch candidates.count {
        case 0: return .unknown
        case 1: return .keyword(candidates[0])
        default: return .ambiguous
        }
    }

    /// User exec (`R1>`).
    static let userExec = [
        "access-enable", "access-profile", "clear", "connect", "crypto", "disable", "disconnect", "enable", "exit",
        "help", "lock", "login", "logout", "modemui", "mrinfo", "mstat", "mtrace", "name-connection", "ping",
        "ppp", "release", "renew", "resume", "rlogin", "set", "show", "slip", "ssh", "systat", "telnet", "terminal",
        "traceroute", "tunnel", "udptn", "where", "x28", "x3",
    ]

    /// Privileged exec (`R1#`).
    static let privilegedExec =
        userExec + [
            "access-template", "archive", "auto", "calendar", "cd", "clock", "configure", "copy", "debug", "delete",
            "dir", "erase", "event", "format", "fsck", "mkdir", "more", "no", "pwd", "reload", "rename", "rmdir",
            "send", "setup", "start-chat", "tclsh", "test", "undebug", "upgrade", "verify", "write",
        ]

    /// The first word after `show`.
    static let show = [
        "aaa", "access-lists", "alias", "archive", "arp", "bgp", "buffers", "cdp", "clock", "configuration",
        "controllers", "crypto", "debugging", "dhcp", "dialer", "environment", "file", "flash:", "history", "hosts",
        "interfaces", "inventory", "ip", "ipv6", "license", "line", "logging", "memory", "ntp", "parser",
        "platform", "policy-map", "ppp", "pppoe", "privilege", "processes", "protocols", "reload", "route-map",
        "running-config", "sessions", "snmp", "ssh", "standby", "startup-config", "tcp", "tech-support",
        "terminal", "users", "version", "vlans", "vrf",
    ]

    /// The word after `show ip`.
    static let showIP = [
        "access-lists", "accounting", "arp", "bgp", "cache", "cef", "dhcp", "eigrp", "flow", "http", "igmp",
        "interface", "local", "mroute", "nat", "nbar", "ospf", "pim", "policy", "protocols", "redirects", "rip",
        "route", "sla", "sockets", "ssh", "traffic", "virtual-reassembly", "vrf",
    ]

    /// The word after `terminal`.
    static let terminal = [
        "data-character-bits", "default", "escape-character", "exec-character-bits", "history", "length",
        "monitor", "no", "width",
    ]
}

/// Configuration mode's keywords: a mode's first words and, under `ip` and `tunnel`, the
/// second, so `desc`, `ip add`, `no shut` and `tunnel dest` are taken as on IOS.
extension IOSKeywords {
    /// A configuration line with its keywords written out, or why IOS refuses it.
    enum Expansion: Equatable {
        case line(String)
        /// `% Ambiguous command:  "…"`.
        case ambiguous
    }

    /// Global configuration (`R1(config)#`), IOS 15.4 on a C800.
    static let globalConfiguration = [
        "aaa", "access-list", "alias", "alps", "appfw", "application", "archive", "arp", "async-bootp", "banner",
        "bba-group", "boot", "boot-end-marker", "boot-start-marker", "bridge", "buffers", "call-home", "cdp",
        "chat-script", "class-map", "clock", "config-register", "control-plane", "crypto", "default",
        "default-value", "define", "dial-peer", "dialer", "dialer-list", "dot1x", "downward-compatible-config",
        "enable", "end", "errdisable", "event", "exception", "exit", "file", "flow", "format", "hostname",
        "hw-module", "interface", "ip", "ipv6", "isdn", "key", "kron", "l2tp-class", "license", "line", "lldp",
        "logging", "login", "mac", "mac-address-table", "map-class", "map-list", "memory", "menu", "monitor",
        "multilink", "netconf", "no", "ntp", "object-group", "parameter-map", "parser", "password", "policy-map",
        "port-channel", "ppp", "priority-list", "privilege", "process-max-time", "queue-list", "radius",
        "radius-server", "redundancy", "resource", "rmon", "route-map", "router", "scheduler", "service",
        "snmp", "snmp-server", "spanning-tree", "subscriber", "tacacs-server", "template", "track", "username",
        "version", "vlan", "vpdn", "vpdn-group", "vtp", "wsma", "zone", "zone-pair",
    ]

    /// Interface configuration (`R1(config-if)#`).
    static let interfaceConfiguration = [
        "access-expression", "arp", "autodetect", "bandwidth", "bfd", "carrier-delay", "cdp", "crypto",
        "dampening", "default", "delay", "description", "dialer", "dialer-group", "dot1q", "dot1x", "down-when-looped",
        "duplex", "encapsulation", "exit", "flowcontrol", "hold-queue", "ip", "ipv6", "keepalive", "lldp",
        "load-interval", "logging", "mac-address", "macsec", "mop", "mtu", "negotiation", "no", "ntp",
        "peer", "ppp", "pppoe", "pppoe-client", "priority-group", "qos", "random-detect", "rmon", "service-policy",
        "shutdown", "snmp", "spanning-tree", "speed", "standby", "switchport", "timeout", "transmit-interface",
        "tunnel", "vrrp",
    ]

    /// The word after `ip` in global configuration.
    static let globalIP = [
        "access-list", "accounting-list", "accounting-threshold", "accounting-transits", "address-pool",
        "admission", "alias", "arp", "as-path", "auth-proxy", "bgp-community", "bootp", "cef", "classless",
        "community-list", "default-gateway", "default-network", "dhcp", "dns", "domain", "domain-list",
        "domain-lookup", "domain-name", "explicit-path", "extcommunity-list", "finger", "flow-aggregation",
        "flow-cache", "flow-export", "forward-protocol", "ftp", "gratuitous-arps", "host", "http", "icmp", "igmp",
        "inspect", "ips", "local", "mfib", "mroute", "multicast", "multicast-routing", "name-server", "nat", "nbar",
        "options", "pim", "prefix-list", "radius", "rcmd", "reflexive-list", "route", "routing", "rsvp", "scp",
        "security", "sla", "source-route", "ssh", "subnet-zero", "tacacs", "tcp", "telnet", "tftp", "vrf", "wccp",
    ]

    /// The word after `ip` under an interface.
    static let interfaceIP = [
        "access-group", "accounting", "address", "admission", "auth-proxy", "bandwidth-percent",
        "broadcast-address", "cef", "dhcp", "directed-broadcast", "flow", "header-compression", "hello-interval",
        "helper-address", "hold-time", "igmp", "inspect", "ips", "irdp", "load-sharing", "local-proxy-arp",
        "mask-reply", "mfib", "mrm", "mroute-cache", "mtu", "multicast", "nat", "nbar", "network-broadcast", "nhrp",
        "ospf", "pim", "policy", "proxy-arp", "redirects", "rip", "route-cache", "rsvp", "rtp", "sap", "security",
        "split-horizon", "summary-address", "tcp", "unnumbered", "unreachables", "urd", "verify",
        "virtual-reassembly", "vrf", "wccp",
    ]

    /// The word after `tunnel` under an interface.
    static let interfaceTunnel = [
        "bandwidth", "checksum", "destination", "entropy", "key", "mode", "path-mtu-discovery", "protection",
        "rbscp", "route-via", "sequence-datagrams", "source", "tos", "ttl", "udlr", "vrf",
    ]

    /// Each mode's keywords: the first word's, then the second's after some first words.
    static let configuration: [String: (first: [String], second: [String: [String]])] = [
        "config": (globalConfiguration, ["ip": globalIP]),
        "config-if": (interfaceConfiguration, ["ip": interfaceIP, "tunnel": interfaceTunnel]),
        "config-subif": (interfaceConfiguration, ["ip": interfaceIP]),
    ]

    /// Writes out the keywords of a configuration line typed in `modes` (innermost first).
    ///
    /// As IOS reads them: the first word in the innermost mode that knows it (IOS falls back to
    /// the enclosing mode), after `no`/`default` the next; then the word after `ip` or `tunnel`.
    /// A word a mode has no list for, or that no list knows, is left as typed.
    static func expand(_ line: String, modes: [String]) -> Expansion {
        var words = line.split(separator: " ").map(String.init)
        guard !words.isEmpty else { return .line(line) }
        for mode in modes {
            guard let lists = configuration[mode] else { continue }
            var at = 0
            switch match(words[0], in: lists.first) {
            case .keyword(let keyword): words[0] = keyword
            case .ambiguous: return .ambiguous
            case .unknown: continue
            }
            if words[0] == "no" || words[0] == "default", words.count > 1 {
                at = 1
                switch match(words[1], in: lists.first) {
                case .keyword(let keyword): words[1] = keyword
                case .ambiguous: return .ambiguous
                case .unknown: break
                }
            }
            if let second = lists.second[words[at]], words.count > at + 1 {
                switch match(words[at + 1], in: second) {
                case .keyword(let keyword): words[at + 1] = keyword
                case .ambiguous: return .ambiguous
                case .unknown: break
                }
            }
            return .line(words.joined(separator: " "))
        }
        return .line(line)
    }
}
