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
