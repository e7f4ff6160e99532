internal import Cisco
internal import Foundation
internal import Spec

/// One CLI session on a simulated router: modes and prompts, `enable`, configuration
/// commands that change the running config, parent-mode fallback, `do`, IOS's error format
/// with the `^` marker, and the `show` commands.
///
/// Transport-free: a line goes in, IOS's answer and the next prompt come out, lines ending
/// `\r\n` as on a vty. The SSH server echoes what is typed and feeds lines here.
public final class IOSSession {
    /// A configuration mode: the section headers entered, outermost first.
    struct Mode {
        var path: [String]
        var name: String
    }

    public let device: IOSDevice
    var privileged: Bool
    let enableSecret: String?
    /// nil at exec level; the mode stack in configuration.
    var modes: [Mode]?
    var awaitingEnablePassword = 0
    /// A question IOS asked (`… [no]: `, `[confirm]`) and what the answer carries out (its
    /// output, or nothing).
    var confirmation: (question: String, action: (String) -> String)?
    /// Lines per page before ` --More-- ` (`terminal length`; 0 is no paging).
    public internal(set) var pageLength = 24
    public private(set) var closed = false
    /// Columns typed before the line `invalid` marks (`do ` in configuration mode).
    var caretOffset = 0

    public init(device: IOSDevice, privileged: Bool = false, enableSecret: String? = nil) {
        self.device = device
        self.privileged = privileged
        self.enableSecret = enableSecret
    }

    /// The prompt for the current mode (`R891>`, `R891#`, `R891(config-if)#`).
    public var prompt: String {
        if awaitingEnablePassword > 0 { return "Password: " }
        if let confirmation { return confirmation.question }
        let host = device.hostname
        guard let modes else { return host + (privileged ? "#" : ">") }
        return "\(host)(\(modes.last?.name ?? "config"))#"
    }

    static let configBanner = "Enter configuration commands, one per line.  End with CNTL/Z."

    /// Runs one typed line; returns what IOS prints, then the next prompt.
    public func input(_ typed: String) -> String {
        let (output, prompt) = answer(typed)
        return output + prompt
    }

    /// Runs one typed line; returns what IOS prints (each line ending `\r\n`) and the next
    /// prompt apart, for a terminal that pages the output.
    public func answer(_ typed: String) -> (output: String, prompt: String) {
        let body = respond(typed)
        let output = body.isEmpty ? "" : body + "\r\n"
        return (output, closed ? "" : prompt)
    }

    func respond(_ typed: String) -> String {
        if let pending = confirmation {
            confirmation = nil
            return pending.action(typed.trimmingCharacters(in: .whitespaces).lowercased())
        }
        if awaitingEnablePassword > 0 {
            if device.acceptsEnable(typed, fallback: enableSecret) {
                awaitingEnablePassword = 0
                privileged = true
                return ""
            }
            awaitingEnablePassword += 1
            if awaitingEnablePassword > 3 {
                awaitingEnablePassword = 0
                return "% Bad secrets\r\n"
            }
            return ""
        }
        let line = IOSParser.collapse(Substring(typed))
        if line == "\u{1A}" || line == "end" && modes != nil {
            modes = nil
            return ""
        }
        guard !line.isEmpty else { return "" }
        if modes != nil { return configure(line, typed: typed) }
        return exec(line, typed: typed)
    }

    // MARK: Exec

    func exec(_ line: String, typed: String) -> String {
        let words = line.split(separator: " ").map(String.init)
        let verb: String
        // `quit` is hidden: it works but `?` does not list it, so it shares no prefix.
        if words[0].lowercased() == "quit" {
            closed = true
            return ""
        }
        switch IOSKeywords.match(words[0], in: privileged ? IOSKeywords.privilegedExec : IOSKeywords.userExec) {
        case .keyword(let keyword): verb = keyword
        case .ambiguous: return Self.ambiguous(line)
        case .unknown:
            // IOS takes a lone unknown word for the name of a host to telnet to.
            return words.count == 1 ? unknownHost(words[0]) : invalid(typed, at: 0)
        }
        switch verb {
        case "enable":
            if privileged { return "" }
            guard enableSecret != nil || device.runningConfig.lines.contains(where: { $0.text.hasPrefix("enable ") })
            else { return "% No password set" }
            awaitingEnablePassword = 1
            return ""
        case "disable":
            privileged = false
            return ""
        case "exit", "logout":
            closed = true
            return ""
        case "terminal": return terminal(words, typed: typed)
        case "show": return show(Array(words.dropFirst()), line: line, typed: typed)
        case "configure": return configureCommand(words, typed: typed)
        case "reload": return reload(words, typed: typed)
        case "clear": return ""
        case "write":
            device.save()
            return "Building configuration...\r\n[OK]"
        case "copy": return copy(words, typed: typed)
        default:
            // A command of the real image that the simulator does not implement.
            return invalid(typed, at: 0)
        }
    }

    /// `% Ambiguous command:  "sh i"`: the line as typed, after IOS's two spaces.
    static func ambiguous(_ line: String) -> String { "% Ambiguous command:  \"\(line)\"" }

    /// A lone unknown word at exec level: IOS tries to resolve it as a host to telnet to
    /// (asking a DNS server unless `no ip domain lookup`), and fails.
    func unknownHost(_ word: String) -> String {
        let lookup = !device.runningConfig.lines.contains { $0.text == "no ip domain lookup" }
        return "Translating \"\(word)\"" + (lookup ? "...domain server (255.255.255.255)" : "")
            + "\r\n% Unknown command or computer name, or unable to find computer address"
    }

    /// `terminal length N` (0: no paging), `terminal width N` and the rest, taken as is.
    func terminal(_ words: [String], typed: String) -> String {
        guard words.count >= 2 else { return "% Incomplete command." }
        switch IOSKeywords.match(words[1], in: IOSKeywords.terminal) {
        case .ambiguous: return Self.ambiguous(words.joined(separator: " "))
        case .unknown: return invalid(typed, at: 1)
        case .keyword("length"), .keyword("width"):
            guard words.count >= 3 else { return "% Incomplete command." }
            guard let value = Int(words[2]), (0...512).contains(value) else { return invalid(typed, at: 2) }
            if words[1].lowercased().hasPrefix("l") { pageLength = value }
            return ""
        case .keyword: return ""
        }
    }

    /// `copy running-config startup-config` and `copy running-config flash:NAME`.
    func copy(_ words: [String], typed: String) -> String {
        guard words.count >= 3 else { return "% Incomplete command." }
        guard "running-config".hasPrefix(words[1].lowercased()) else { return invalid(typed, at: 1) }
        if "startup-config".hasPrefix(words[2].lowercased()) {
            device.save()
            return "Destination filename [startup-config]? \r\nBuilding configuration...\r\n[OK]"
        }
        guard words[2].hasPrefix("flash:"), words[2].count > 6 else { return invalid(typed, at: 2) }
        let name = String(words[2].dropFirst(6))
        let text = device.runningConfig.render()
        confirmation = (
            "Destination filename [\(name)]? ",
            { [device] _ in
                device.write(file: name, text)
                return "\(text.utf8.count) bytes copied in 0.124 secs (\(text.utf8.count * 8) bytes/sec)"
            }
        )
        return ""
    }

    /// `configure terminal [revert timer N]`, `configure confirm`, `configure replace URL
    /// [force]` (the dead-man switch and the rollback).
    func configureCommand(_ words: [String], typed: String) -> String {
        let rest = words.dropFirst().map { $0.lowercased() }
        if rest.isEmpty || "terminal".hasPrefix(rest[0]) {
            if rest.count >= 4, "revert".hasPrefix(rest[1]), "timer".hasPrefix(rest[2]), let minutes = Int(rest[3]) {
                guard device.runningConfig.lines.contains(where: { $0.text == "archive" }) else {
                    return "% Rollback Confirmed Change: archive path is not configured"
                }
                device.schedule(.timer(device.runningConfig), minutes: minutes)
                modes = []
                return Self.configBanner
            }
            guard rest.count <= 1 else { return invalid(typed, at: 2) }
            modes = []
            return Self.configBanner
        }
        if "confirm".hasPrefix(rest[0]), rest[0].count >= 3 {
            return device.cancel(reload: false) ? "" : "% No Rollback Confirmed Change pending"
        }
        if "replace".hasPrefix(rest[0]), rest[0].count >= 3, rest.count >= 2 {
            guard rest[1].hasPrefix("flash:"), let text = device.file(String(words[2].dropFirst(6))) else {
                return "%Error opening \(words[2]) (No such file or directory)"
            }
            let replace = { [device] in
                guard let config = try? IOSParser.parse(text) else { return "%Error: the file does not parse" }
                device.change { $0 = config }
                return "Total number of passes: 1\r\nRollback Done"
            }
            if rest.count >= 3, "force".hasPrefix(rest[2]) { return replace() }
            confirmation = (
                "This will apply all necessary additions and deletions\r\nto replace the current running "
                    + "configuration with the\r\ncontents of the specified configuration file, which is\r\nassumed "
                    + "to be a complete configuration, not a partial\r\nconfiguration. Enter Y if you are sure you "
                    + "want to proceed. ? [no]: ",
                { $0.hasPrefix("y") ? replace() : "" }
            )
            return ""
        }
        return invalid(typed, at: 1)
    }

    /// `reload in N` (asks to save unsaved changes, then to confirm) and `reload cancel`.
    func reload(_ words: [String], typed: String) -> String {
        let rest = words.dropFirst().map { $0.lowercased() }
        if rest.first.map({ "cancel".hasPrefix($0) && $0.count >= 2 }) == true {
            guard device.cancel(reload: true) else { return "% No reload is currently scheduled." }
            return "***\r\n*** --- SHUTDOWN ABORTED ---\r\n***"
        }
        guard rest.count == 2, rest[0] == "in", let minutes = Int(rest[1]) else { return invalid(typed, at: 1) }
        let schedule = { [self] in
            confirmation = (
                "Reload scheduled in \(minutes) minutes\r\nProceed with reload? [confirm]",
                { [device] answer in
                    guard answer.isEmpty || answer.hasPrefix("y") else { return "" }
                    device.schedule(.reload, minutes: minutes)
                    return ""
                }
            )
        }
        if device.runningConfig != device.startupConfig {
            confirmation = (
                "System configuration has been modified. Save? [yes/no]: ",
                { [self] answer in
                    if answer.hasPrefix("y") { device.save() }
                    schedule()
                    return ""
                }
            )
        } else {
            schedule()
        }
        return ""
    }

    // MARK: Configuration

    /// The modes a section header opens, and the prompt name each shows.
    static func mode(for header: String, in path: [String]) -> String? {
        let parent = path.last ?? ""
        if path.isEmpty {
            if header.hasPrefix("interface ") { return header.contains(".") ? "config-subif" : "config-if" }
            let modes: [(String, String)] = [
                ("crypto ikev2 proposal ", "config-ikev2-proposal"), ("crypto ikev2 policy ", "config-ikev2-policy"),
                ("crypto ikev2 keyring ", "config-ikev2-keyring"), ("crypto ikev2 profile ", "config-ikev2-profile"),
                ("crypto ipsec transform-set ", "cfg-crypto-trans"), ("crypto ipsec profile ", "ipsec-profile"),
                ("router ", "config-router"), ("line ", "config-line"),
                ("ip access-list standard ", "config-std-nacl"), ("ip access-list extended ", "config-ext-nacl"),
                ("crypto pki trustpoint ", "ca-trustpoint"),
            ]
            return modes.first { header.hasPrefix($0.0) }?.1
        }
        if parent.hasPrefix("crypto ikev2 keyring "), header.hasPrefix("peer ") { return "config-ikev2-keyring-peer" }
        if parent.hasPrefix("router bgp "), header.hasPrefix("address-family ") { return "config-router-af" }
        return nil
    }

    /// The first words a leaf command may start with, per mode (what the simulator accepts).
    static let commands: [String: Set<String>] = [
        "config": [
            "hostname", "service", "logging", "enable", "no", "aaa", "clock", "ip", "ipv6", "username", "access-list",
            "dialer-list", "ntp", "banner", "boot-start-marker", "boot-end-marker", "version", "license", "multilink",
            "snmp-server", "route-map", "control-plane", "scheduler", "crypto", "default", "archive", "vtp",
            "spanning-tree",
        ],
        "config-if": [
            "description", "ip", "no", "shutdown", "tunnel", "pppoe", "pppoe-client", "encapsulation", "dialer",
            "dialer-group", "ppp", "duplex", "speed", "mtu", "load-interval", "negotiation", "cdp", "switchport",
            "bandwidth", "keepalive", "default",
        ],
        "config-ikev2-proposal": ["encryption", "integrity", "group", "prf", "no"],
        "config-ikev2-policy": ["proposal", "match", "no"],
        "config-ikev2-keyring": ["no"],
        "config-ikev2-keyring-peer": ["address", "pre-shared-key", "identity", "description", "no"],
        "config-ikev2-profile": [
            "match", "authentication", "keyring", "lifetime", "dpd", "identity", "description", "no",
        ],
        "cfg-crypto-trans": ["mode", "no"],
        "ipsec-profile": ["set", "description", "no"],
        "config-router": ["bgp", "network", "neighbor", "redistribute", "no", "timers", "maximum-paths"],
        "config-router-af": ["network", "neighbor", "redistribute", "no", "exit-address-family"],
        "config-line": [
            "login", "transport", "exec-timeout", "access-class", "password", "logging", "no", "privilege",
        ],
        "config-std-nacl": ["permit", "deny", "remark", "no"],
        "config-ext-nacl": ["permit", "deny", "remark", "no"],
        "config-subif": ["description", "ip", "encapsulation", "no", "shutdown"],
    ]

    func configure(_ line: String, typed: String) -> String {
        guard var stack = modes else { return "" }
        var first = line.split(separator: " ").first.map(String.init) ?? ""
        if first == "do" {
            // The caret stays under the word as typed, after `do `.
            let command = String(typed.drop { $0 == " " }.dropFirst(3))
            caretOffset = typed.count - command.count
            defer { caretOffset = 0 }
            return exec(String(line.dropFirst(3)), typed: command)
        }
        if line == "exit" || line == "exit-address-family" && stack.last?.name == "config-router-af" {
            if stack.isEmpty {
                modes = nil
            } else {
                stack.removeLast()
                modes = stack
            }
            return ""
        }
        // Keywords typed short (`desc`, `ip add`, `no shut`) are stored written out, as IOS prints them.
        guard case .line(let line) = IOSKeywords.expand(line, modes: stack.reversed().map(\.name) + ["config"]) else {
            return Self.ambiguous(line)
        }
        first = line.split(separator: " ").first.map(String.init) ?? ""
        let normalized = IOSNames.normalize(line, path: stack.last?.path ?? [])
        device.log(normalized)
        if device.refuses(normalized) { return invalid(typed, at: 0) }
        // An image before 15.3(3)M (IOS-XE 3.10S) has no `algorithm-type` after a username.
        let words = normalized.split(separator: " ")
        if first == "username", let at = words.firstIndex(of: "algorithm-type"),
            IOSSoftware.hasScrypt(platform: Platform(rawValue: device.platform) ?? .ios, software: device.software)
                == false
        {
            return invalid(typed, at: at)
        }
        // Try the current mode, then each enclosing one (IOS falls back to the parent mode).
        for depth in stride(from: stack.count, through: 0, by: -1) {
            let path = depth == 0 ? [] : stack[depth - 1].path
            let modeName = depth == 0 ? "config" : stack[depth - 1].name
            if let name = Self.mode(for: normalized, in: path) {
                enter(normalized, path: path)
                modes = Array(stack.prefix(depth)) + [Mode(path: path + [normalized], name: name)]
                return ""
            }
            guard Self.commands[modeName]?.contains(first) == true else { continue }
            if first == "no" || first == "default" {
                let target = String(normalized.drop { $0 != " " }.dropFirst())
                guard !target.isEmpty else { return "% Incomplete command.\r\n" }
                // Removing a dynamic NAT rule asks first (the mapping is in use).
                if target.hasPrefix("ip nat inside source list ") {
                    modes = Array(stack.prefix(depth))
                    confirmation = (
                        "Dynamic mapping in use, do you want to delete all entries? [no]: ",
                        { [self] answer in
                            if answer.hasPrefix("y") { remove(target, path: path, defaulting: false) }
                            return ""
                        }
                    )
                    return ""
                }
                remove(target, path: path, defaulting: first == "default")
            } else {
                switch Self.refusal(of: words, in: modeName) {
                case .incomplete: return "% Incomplete command.\r\n"
                case .invalid(let word): return invalid(typed, at: word)
                case nil: break
                }
                set(normalized, path: path)
            }
            modes = Array(stack.prefix(depth))
            return ""
        }
        return invalid(typed, at: 0)
    }

    /// Why IOS refuses a command's arguments, if it does.
    enum Refusal: Equatable {
        /// `% Incomplete command.`: the command needs more words.
        case incomplete
        /// `% Invalid input detected at '^' marker.` under this word.
        case invalid(Int)
    }

    /// The arguments IOS checks before it takes a command, so a push that sends a bare
    /// `ip address` fails here as on a router and leaves nothing behind.
    static func refusal(of words: [Substring], in mode: String) -> Refusal? {
        guard mode == "config-if" || mode == "config-subif", words.count >= 2, words[0] == "ip",
            words[1] == "address"
        else { return nil }
        guard words.count > 2 else { return .incomplete }
        if words[2] == "negotiated" || words[2] == "dhcp" { return words.count == 3 ? nil : .invalid(3) }
        guard IPv4Address(String(words[2])) != nil else { return .invalid(2) }
        guard words.count > 3 else { return .incomplete }
        guard IPv4Address(String(words[3])) != nil else { return .invalid(3) }
        if words.count == 4 || words.count == 5 && words[4] == "secondary" { return nil }
        return .invalid(4)
    }

    /// `% Invalid input detected at '^' marker.` under the word that failed.
    func invalid(_ typed: String, at word: Int) -> String {
        let words = typed.split(separator: " ", omittingEmptySubsequences: true)
        let column =
            word < words.count ? typed.distance(from: typed.startIndex, to: words[word].startIndex) : typed.count
        return String(repeating: " ", count: prompt.count + caretOffset + column)
            + "^\r\n% Invalid input detected at '^' marker.\r\n"
    }

    // MARK: Changing the tree

    /// Features on by default: turning one off prints `no …` in the running config.
    static let printedNegations: Set<String> = [
        "ip domain lookup", "ip http server", "ip http secure-server", "aaa new-model", "ipv6 cef", "ip address",
        "service pad", "ip source-route", "cdp enable", "cdp run", "ip bootp server", "ip redirects",
        "ip unreachables", "ip proxy-arp",
    ]

    func enter(_ header: String, path: [String]) {
        device.change { config in
            config.lines = Self.edit(config.lines, path: path) { lines in
                // Re-entering a transform set with other transforms rewrites it in place.
                if header.hasPrefix("crypto ipsec transform-set "),
                    let key = IOSRules.ios.idempotencyKey(header, path: path),
                    let index = lines.firstIndex(where: { IOSRules.ios.idempotencyKey($0.text, path: path) == key })
                {
                    lines[index].text = header
                    return
                }
                if !lines.contains(where: { $0.text == header }) { Self.place(IOSLine(header), in: &lines, path: path) }
            }
        }
    }

    func set(_ command: String, path: [String]) {
        if path.isEmpty && command == "service password-encryption" {
            device.change { config in
                config.lines = config.lines.map(Self.encryptingPasswords)
                config.lines.removeAll { $0.text == "no " + command }
                if !config.lines.contains(where: { $0.text == command }) {
                    Self.place(IOSLine(command), in: &config.lines, path: [])
                }
            }
            return
        }
        let encrypted = device.runningConfig.lines.contains { $0.text == "service password-encryption" }
        device.change { config in
            config.lines = Self.edit(config.lines, path: path) { lines in
                // Turning a default-on feature back on removes its `no` line, and prints nothing.
                if lines.contains(where: { $0.text == "no " + command }) {
                    lines.removeAll { $0.text == "no " + command }
                    return
                }
                if command.hasPrefix("ip address ") { lines.removeAll { $0.text == "no ip address" } }
                var command = encrypted ? Self.encryptingPasswords(command) : command
                // IOS keeps only the hash of a one-way secret typed in clear: `enable secret 5`,
                // `username … secret 5` (MD5-crypt) or, with `algorithm-type scrypt`, `secret 9`.
                if path.isEmpty, let secret = HashedSecretLine(command), let stored = secret.stored() {
                    command = stored
                }
                // A single-valued command replaces the value it had.
                if let key = IOSRules.ios.idempotencyKey(command, path: path),
                    let index = lines.firstIndex(where: { IOSRules.ios.idempotencyKey($0.text, path: path) == key })
                {
                    lines[index] = IOSLine(command)
                } else if !lines.contains(where: { $0.text == command }) {
                    Self.place(IOSLine(command), in: &lines, path: path)
                }
                // IOS 15.x adds virtual reassembly beside NAT on an interface.
                if device.platform == "ios", command == "ip nat inside" || command == "ip nat outside",
                    !lines.contains(where: { $0.text == "ip virtual-reassembly in" })
                {
                    lines.append(IOSLine("ip virtual-reassembly in"))
                }
            }
        }
    }

    /// With `service password-encryption`, a clear `password P` is stored as type 7 (with a
    /// fixed offset here; IOS picks one at random, and lines compare decrypted).
    static func encryptingPasswords(_ text: String) -> String {
        var words = text.split(separator: " ").map(String.init)
        for index in words.indices.dropLast() where words[index] == "password" {
            let next = words[index + 1]
            guard next != "7", next != "5", next != "0" || index + 2 < words.count else { continue }
            let plain = next == "0" ? words[index + 2] : next
            let span = next == "0" ? index + 1...index + 2 : index + 1...index + 1
            words.replaceSubrange(span, with: ["7", Type7.encode(plain, seed: 9)])
            break
        }
        return words.joined(separator: " ")
    }

    static func encryptingPasswords(_ line: IOSLine) -> IOSLine {
        IOSLine(encryptingPasswords(line.text), line: line.line, children: line.children.map(encryptingPasswords))
    }

    /// `no X`: the line, or the section, or every line it is a prefix of (`no ntp server A`
    /// removes `ntp server A prefer`; `no access-list 11` removes all of list 11).
    func remove(_ target: String, path: [String], defaulting: Bool) {
        device.change { config in
            config.lines = Self.edit(config.lines, path: path) { lines in
                if defaulting {
                    for index in lines.indices where lines[index].text == target {
                        lines[index].children = path.isEmpty ? device.factoryLines(of: target) : []
                    }
                    return
                }
                if lines.contains(where: { $0.text == target }) {
                    lines.removeAll { $0.text == target }
                    // IOS prints this one's default, off, as its `no` form.
                    if path.isEmpty && target == "service password-encryption" {
                        Self.place(IOSLine("no " + target), in: &lines, path: path)
                    }
                } else if target.hasPrefix("no ") {
                    // `no no X` is `X`, which a default-on feature does not print.
                    lines.removeAll { $0.text == target }
                } else if Self.printedNegations.contains(target) {
                    // Turning off what is on by default prints as a `no` line of its own.
                    lines.removeAll { $0.text.hasPrefix(target + " ") }
                    if !lines.contains(where: { $0.text == "no " + target }) {
                        Self.place(IOSLine("no " + target), in: &lines, path: path)
                    }
                } else {
                    lines.removeAll { $0.text.hasPrefix(target + " ") }
                }
            }
        }
    }

    /// Adds a line where `show running-config` prints it: at the top level, after the last
    /// line of its kind or an earlier kind (IOS's fixed order); in a section, last.
    static func place(_ line: IOSLine, in lines: inout [IOSLine], path: [String]) {
        guard path.isEmpty else {
            lines.append(line)
            return
        }
        let rank = IOSRenderer.rank(line.text)
        let after = lines.lastIndex { IOSRenderer.rank($0.text) <= rank }
        lines.insert(line, at: after.map { $0 + 1 } ?? 0)
    }

    /// Applies `body` to the children of the section at `path`.
    static func edit(_ lines: [IOSLine], path: [String], _ body: (inout [IOSLine]) -> Void) -> [IOSLine] {
        var lines = lines
        guard let head = path.first else {
            body(&lines)
            return lines
        }
        if let index = lines.firstIndex(where: { $0.text == head }) {
            lines[index].children = edit(lines[index].children, path: Array(path.dropFirst()), body)
        }
        return lines
    }
}

extension String {
    /// LF → CRLF, as a vty prints.
    func replacingNewlines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }
}
