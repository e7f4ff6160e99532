/// How IOS treats each command, as data: which lines one value overwrites in place, how a
/// line is negated, and in what order commands must go (`docs/ios.md`, Remediation).
///
/// Patterns are words: a literal word matches itself, `?` any one word, `{}` any one word
/// that is also part of the key (or of the negation), and a final `*` any remaining words.
public struct IOSRules: Sendable {
    public struct Pattern: Sendable {
        let words: [Substring]

        /// For a pattern whose last word ends in `*` (`interface Tunnel*`): the text it starts with.
        let prefix: String?

        public init(_ text: String) {
            words = text.split(separator: " ")
            if let last = words.last, last.count > 1, last.hasSuffix("*") {
                prefix = String(text.dropLast())
            } else {
                prefix = nil
            }
        }

        /// The words `{}` stood for, or nil when `text` does not match.
        func match(_ text: String) -> [Substring]? {
            match(words: text.split(separator: " "))
        }

        func match(words given: [Substring]) -> [Substring]? {
            var captured: [Substring] = []
            for (index, word) in words.enumerated() {
                if word == "*" { return captured }
                guard index < given.count else { return nil }
                switch word {
                case "?": continue
                case "{}": captured.append(given[index])
                default: if !word.utf8.elementsEqual(given[index].utf8) { return nil }
                }
            }
            return given.count == words.count ? captured : nil
        }
    }

    /// Single-valued commands: a line matching one overwrites any other line of the same key
    /// in the same section, so the old one is never negated first.
    public var idempotent: [(pattern: Pattern, key: String)]
    /// Negations that are not `no <line>`: shorter forms, and forms that must not repeat a secret.
    public var negations: [(pattern: Pattern, negation: String)]
    /// Order at the top level: lower goes first; equal weights keep config order.
    public var rootWeights: [(pattern: Pattern, weight: Int)]
    /// Order inside a section whose header matches.
    public var sectionWeights: [(section: Pattern, pattern: Pattern, weight: Int)]
    /// Interfaces that cannot be deleted, only defaulted.
    public var physicalInterfaces: [String]
    /// Lines a router adds on its own and prints whatever is sent (`duplex auto` on a
    /// physical port): never negated when the intended config lacks them (an
    /// ignore list), else the push would chase them forever.
    public var kept: [Pattern] = []
    /// The idempotent and negation rules by the first word they need, in rule order.
    let idempotentByWord: [String: [Int]]
    let negationsByWord: [String: [Int]]

    public init(
        idempotent: [(pattern: Pattern, key: String)],
        negations: [(pattern: Pattern, negation: String)],
        rootWeights: [(pattern: Pattern, weight: Int)],
        sectionWeights: [(section: Pattern, pattern: Pattern, weight: Int)],
        physicalInterfaces: [String],
        kept: [Pattern] = []
    ) {
        self.kept = kept
        self.idempotent = idempotent
        self.negations = negations
        self.rootWeights = rootWeights
        self.sectionWeights = sectionWeights
        self.physicalInterfaces = physicalInterfaces
        func index(_ patterns: [Pattern]) -> [String: [Int]] {
            var result: [String: [Int]] = [:]
            for (i, pattern) in patterns.enumerated() {
                result[String(pattern.words.first ?? ""), default: []].append(i)
            }
            return result
        }
        idempotentByWord = index(idempotent.map(\.pattern))
        negationsByWord = index(negations.map(\.pattern))
    }

    /// The rules for IOS 15.x and IOS-XE.
    public static let ios = IOSRules(
        idempotent: [
            ("description *", "description"), ("ip address ? ?", "ip address"),
            ("no ip address", "ip address"), ("ip address negotiated", "ip address"), ("ip address dhcp", "ip address"),
            ("ip unnumbered ?", "ip address"), ("ip mtu ?", "ip mtu"), ("mtu ?", "mtu"),
            ("ip tcp adjust-mss ?", "ip tcp adjust-mss"), ("tunnel source ?", "tunnel source"),
            ("tunnel destination ?", "tunnel destination"), ("tunnel mode *", "tunnel mode"),
            ("tunnel protection ipsec profile *", "tunnel protection"), ("encapsulation *", "encapsulation"),
            ("dialer pool ?", "dialer pool"), ("dialer-group ?", "dialer-group"),
            ("ppp chap hostname *", "ppp chap hostname"), ("ppp chap password *", "ppp chap password"),
            ("ppp authentication *", "ppp authentication"),
            ("pppoe-client dial-pool-number *", "pppoe-client dial-pool-number"), ("duplex ?", "duplex"),
            ("speed ?", "speed"), ("hostname ?", "hostname"), ("clock timezone *", "clock timezone"),
            ("logging buffered *", "logging buffered"), ("enable secret *", "enable secret"),
            ("ip domain name ?", "ip domain name"), ("username {} *", "username"), ("login", "login"),
            ("login local", "login"), ("login authentication ?", "login"), ("transport input *", "transport input"),
            ("exec-timeout *", "exec-timeout"), ("address *", "address"), ("pre-shared-key *", "pre-shared-key"),
            ("keyring local ?", "keyring"), ("match address local *", "match address local"),
            ("authentication remote *", "authentication remote"), ("authentication local *", "authentication local"),
            ("lifetime *", "lifetime"), ("dpd *", "dpd"), ("set transform-set *", "set transform-set"),
            ("set ikev2-profile ?", "set ikev2-profile"), ("set pfs *", "set pfs"), ("mode *", "mode"),
            ("crypto ipsec transform-set {} *", "crypto ipsec transform-set"),
            ("bgp router-id ?", "bgp router-id"), ("neighbor {} description *", "neighbor description"),
            ("neighbor {} remote-as ?", "neighbor remote-as"),
        ].map { (Pattern($0.0), $0.1) },
        negations: [
            ("pre-shared-key *", "no pre-shared-key"), ("ppp chap password *", "no ppp chap password"),
            ("enable secret *", "no enable secret"), ("username {} *", "no username {}"),
            ("crypto ipsec transform-set {} *", "no crypto ipsec transform-set {}"),
            ("ntp server {} *", "no ntp server {}"), ("description *", "no description"),
            ("neighbor {} password *", "no neighbor {} password"),
        ].map { (Pattern($0.0), $0.1) },
        rootWeights: [
            // Teardown: routes before the tunnel they use, the tunnel before its crypto,
            // crypto from the profile back to the proposal.
            // A route goes after what is added beside it (make before break: 20 < 25) and before
            // the tunnel it uses.
            ("no ip route 0.0.0.0 0.0.0.0 *", 100), ("no ip route *", 25), ("no interface Tunnel*", 50),
            ("no crypto ipsec profile *", 60), ("no crypto ipsec transform-set *", 70),
            ("no crypto ikev2 profile *", 74), ("no crypto ikev2 keyring *", 78), ("no crypto ikev2 policy *", 80),
            ("no crypto ikev2 proposal *", 85),
            // Build: what is referenced before what refers to it.
            ("access-list *", -45), ("dialer-list *", -45), ("ip access-list *", -45),
            ("crypto ikev2 proposal *", -42), ("crypto ikev2 policy *", -41), ("crypto ikev2 keyring *", -40),
            ("crypto ipsec transform-set *", -40), ("crypto ikev2 profile *", -31), ("crypto ipsec profile *", -30),
            ("ip route 0.0.0.0 0.0.0.0 *", 100), ("ip route *", 20), ("router bgp *", 20),
            // What can cut the session the commands arrive on goes last.
            ("ip nat *", 100), ("no ip nat *", 100), ("interface Dialer*", 100), ("line vty *", 100),
            ("username *", 100), ("no username *", 100), ("hostname *", 110),
        ].map { (Pattern($0.0), $0.1) },
        sectionWeights: [
            ("interface Tunnel*", "tunnel protection *", 10), ("interface Tunnel*", "no tunnel protection *", -10),
        ].map { (Pattern($0.0), Pattern($0.1), $0.2) },
        physicalInterfaces: [
            "Ethernet", "FastEthernet", "GigabitEthernet", "TenGigabitEthernet", "TwentyFiveGigE",
            "FortyGigabitEthernet",
            "HundredGigE", "Serial", "ATM", "Cellular", "Wlan-GigabitEthernet",
        ],
        // `no ip address` is how IOS prints an interface without one; its positive form, a bare
        // `ip address`, is `% Incomplete command.`, so it is never negated.
        kept: ["duplex auto", "speed auto", "negotiation auto", "license udi *", "no ip address"].map(Pattern.init)
    )

    /// The key a single-valued line overwrites by, or nil for an additive line.
    public func idempotencyKey(_ text: String, path: [String]) -> String? {
        let words = text.split(separator: " ")
        guard let first = words.first else { return nil }
        for i in idempotentByWord[String(first)] ?? [] {
            let rule = idempotent[i]
            if let captured = rule.pattern.match(words: words) {
                return ([rule.key] + captured.map(String.init)).joined(separator: " ")
            }
        }
        return nil
    }

    /// How to remove a line: `default interface` for a physical port, the positive form of a
    /// `no` line, a shorter form where IOS wants one (never repeating a secret), else `no <line>`.
    func negation(of text: String, path: [String]) -> String {
        if text.hasPrefix("no ") { return String(text.dropFirst(3)) }
        if path.isEmpty, text.hasPrefix("interface "), isPhysical(String(text.dropFirst("interface ".count))) {
            return "default \(text)"
        }
        let words = text.split(separator: " ")
        for i in negationsByWord[String(words.first ?? "")] ?? [] {
            let rule = negations[i]
            if let captured = rule.pattern.match(words: words) {
                var result = rule.negation
                for word in captured {
                    if let slot = result.firstRange(of: "{}") { result.replaceSubrange(slot, with: word) }
                }
                return result
            }
        }
        return "no \(text)"
    }

    /// Lines every IOS router shows whoever configured it: its defaults, markers and counters.
    ///
    /// Never reported as unmanaged; the block ones only while they are empty.
    static let selfMaintained = [
        "version *", "boot-start-marker", "boot-end-marker", "ntp clock-period *", "no aaa new-model", "ip cef",
        "no ipv6 cef", "ip forward-protocol nd", "multilink bundle-name authenticated", "memory-size iomem *",
        "service timestamps *", "end",
    ].map(Pattern.init)
    static let selfMaintainedBlocks = ["control-plane", "redundancy", "line con 0", "line aux 0"]

    /// Whether a top-level line is the router's own rather than anyone's config: a default,
    /// a marker, a counter, a physical port or built-in block with nothing configured on it.
    func isSelfMaintained(_ line: IOSLine) -> Bool {
        let words = line.text.split(separator: " ")
        if isKept(line.text) || Self.selfMaintained.contains(where: { Self.matches($0, line.text, words) }) {
            return true
        }
        guard line.children.isEmpty else { return false }
        if Self.selfMaintainedBlocks.contains(line.text) { return true }
        return line.text.hasPrefix("interface ") && isPhysical(String(line.text.dropFirst("interface ".count)))
    }

    /// A line the router adds on its own (`kept`).
    func isKept(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        return kept.contains { Self.matches($0, text, words) }
    }

    /// Whether a top-level line is a physical port as `default interface` leaves it (no
    /// address, shut, the router's own lines): removing it again would send the same
    /// `default interface` forever, since a port cannot be deleted.
    func isFactoryPort(_ line: IOSLine) -> Bool {
        line.text.hasPrefix("interface ") && isPhysical(String(line.text.dropFirst("interface ".count)))
            && line.children.allSatisfy { $0.text == "shutdown" || isKept($0.text) }
    }

    func isPhysical(_ name: String) -> Bool {
        guard !name.contains(".") else { return false }  // subinterfaces can be deleted
        let type = name.prefix { !$0.isNumber }
        return physicalInterfaces.contains(String(type))
    }

    /// What a line is the current value of, when a different line with the same destination
    /// takes over from it (a static route's prefix and mask): the old one then goes after
    /// the new one is in (make before break).
    func destination(_ text: String) -> Substring? {
        guard text.hasPrefix("ip route ") else { return nil }
        let words = text.split(separator: " ", maxSplits: 4)
        guard words.count == 5 else { return nil }
        return text[words[2].startIndex..<words[3].endIndex]
    }

    func weight(_ text: String, path: [String], replacement: Bool = false) -> Int {
        if path.isEmpty {
            if replacement && text.hasPrefix("no ") {
                return weight(String(text.dropFirst(3)), path: path) + 5  // after what replaces it
            }
            let words = text.split(separator: " ")
            return rootWeights.first { Self.matches($0.pattern, text, words) }?.weight ?? 0
        }
        guard let section = path.last else { return 0 }
        let words = text.split(separator: " ")
        let sectionWords = section.split(separator: " ")
        return sectionWeights.first {
            Self.matches($0.section, section, sectionWords) && Self.matches($0.pattern, text, words)
        }?.weight ?? 0
    }

    /// Pattern match where a last word ending in `*` (`Tunnel*`) is a prefix.
    static func matches(_ pattern: Pattern, _ text: String, _ words: [Substring]) -> Bool {
        if let prefix = pattern.prefix { return text.hasPrefix(prefix) }
        return pattern.match(words: words) != nil
    }

    /// `access-list 11 permit …` → "11": numbered lists are one object.
    func numberedList(_ text: String) -> String? {
        guard text.utf8.starts(with: "access-list ".utf8) else { return nil }
        let words = text.split(separator: " ", maxSplits: 2)
        guard words.count == 3, words[0] == "access-list", words[1].allSatisfy(\.isNumber) else { return nil }
        return String(words[1])
    }

    /// The numbered lists to rewrite whole: those that run and differ other than by growing.
    ///
    /// `no access-list N …` deletes all of list N, so a changed list goes and comes back. A
    /// list that only grows takes its new entries appended (IOS adds an entry last), so a NAT
    /// rule matching it never sees the list empty.
    func changedNumberedLists(_ running: [IOSLine], _ intended: [IOSLine]) -> Set<String> {
        func lists(_ lines: [IOSLine]) -> [String: [String]] {
            var result: [String: [String]] = [:]
            for line in lines {
                if let number = numberedList(line.text) { result[number, default: []].append(line.text) }
            }
            return result
        }
        let have = lists(running)
        let want = lists(intended)
        return Set(
            have.keys.filter { number in
                guard let wanted = want[number], let held = have[number] else { return true }
                return !wanted.starts(with: held)
            }
        )
    }

    /// The form lines are compared in: type 7 passwords decoded (IOS re-encrypts with a
    /// random offset, so two encodings of one password differ), `0` (clear) markers dropped.
    func comparable(_ text: String) -> String {
        guard Self.hasEncodingMarker(text) else { return text }
        var words = text.split(separator: " ").map(String.init)
        var index = 0
        while index + 2 < words.count {
            if ["password", "key", "secret"].contains(words[index]) {
                if words[index + 1] == "7", let plain = Type7.decode(words[index + 2]) {
                    words.replaceSubrange(index + 1...index + 2, with: [plain])
                } else if words[index + 1] == "0" {
                    words.remove(at: index + 1)
                }
            }
            index += 1
        }
        return words.joined(separator: " ")
    }
}

extension IOSRules {
    /// A config line with the secret it holds replaced by `<sensitive>`.
    ///
    /// After `pre-shared-key`, `password` and `secret` (and a `local`/`remote` or type marker)
    /// IOS reads the rest of the line as the value, spaces and all, so all of it is masked; after
    /// `key` and `community` one word is.
    public static func masked(_ line: String) -> String {
        let leading = line.prefix { $0 == " " }
        var words = line.split(separator: " ").map(String.init)
        var index = 0
        while index < words.count - 1 {
            let keyword = words[index]
            if ["pre-shared-key", "password", "secret", "key", "community"].contains(keyword) {
                var value = index + 1
                if keyword == "pre-shared-key", ["local", "remote"].contains(words[value]), value + 1 < words.count {
                    value += 1
                }
                if ["0", "5", "6", "7", "8", "9"].contains(words[value]), value + 1 < words.count { value += 1 }
                let restOfLine = ["pre-shared-key", "password", "secret"].contains(keyword)
                words.replaceSubrange(value..<(restOfLine ? words.count : value + 1), with: ["<sensitive>"])
                index = value
            }
            index += 1
        }
        return leading + words.joined(separator: " ")
    }

    /// Whether a line holds " 7 " or " 0 " (an encoding marker before a secret), by bytes.
    static func hasEncodingMarker(_ text: String) -> Bool {
        var a: UInt8 = 0
        var b: UInt8 = 0
        for c in text.utf8 {
            if a == 0x20 && (b == 0x37 || b == 0x30) && c == 0x20 { return true }
            a = b
            b = c
        }
        return false
    }
}

/// Cisco's reversible "type 7" password encoding (a Vigenère-like XOR with a fixed key).
public enum Type7 {
    static let key = Array("dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87".utf8)

    /// The clear text of a type 7 string (`0822455D0A16` → `cisco`), nil if it is not one.
    public static func decode(_ encoded: String) -> String? {
        let chars = Array(encoded.utf8)
        guard chars.count >= 4, chars.count % 2 == 0, let seed = Int(String(decoding: chars[0..<2], as: UTF8.self)),
            seed < key.count
        else { return nil }
        var plain: [UInt8] = []
        var index = 2
        while index + 1 < chars.count {
            guard let byte = UInt8(String(decoding: chars[index...index + 1], as: UTF8.self), radix: 16) else {
                return nil
            }
            plain.append(byte ^ key[(seed + plain.count) % key.count])
            index += 2
        }
        return String(validating: plain, as: UTF8.self)
    }

    /// Encodes with a given seed (0–15, as IOS picks).
    public static func encode(_ plain: String, seed: Int = 2) -> String {
        var out = String(format2(seed))
        for (offset, byte) in plain.utf8.enumerated() {
            let value = byte ^ key[(seed + offset) % key.count]
            out += hex(value)
        }
        return out
    }

    static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    static func hex(_ value: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(value >> 4)], digits[Int(value & 0xF)]])
    }
}
