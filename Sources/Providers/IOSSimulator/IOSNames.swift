internal import Cisco
internal import Foundation

/// How IOS rewrites what was typed into what it prints: interface names
/// expanded and capitalised, old keyword spellings, IKEv2 profile keyrings.
enum IOSNames {
    static let interfaceTypes = [
        "GigabitEthernet", "FastEthernet", "TenGigabitEthernet", "Ethernet", "Tunnel", "Dialer", "Vlan", "Loopback",
        "Serial", "Virtual-Template", "Cellular", "ATM",
    ]

    /// `gi8`, `tun 1`, `gigabitethernet 0/0/1` → `GigabitEthernet8`, `Tunnel1`, `GigabitEthernet0/0/1`.
    static func canonicalInterface(_ typed: String) -> String {
        let compact = typed.replacingOccurrences(of: " ", with: "")
        let letters = compact.prefix { $0.isLetter || $0 == "-" }
        let rest = compact.dropFirst(letters.count)
        guard !letters.isEmpty,
            let type = interfaceTypes.first(where: { $0.lowercased().hasPrefix(letters.lowercased()) })
        else { return typed }
        return type + rest
    }

    static func normalize(_ line: String, path: [String]) -> String {
        var line = line
        if line.hasPrefix("interface ") || line.hasPrefix("int ") {
            line = "interface " + canonicalInterface(String(line.drop { $0 != " " }.dropFirst()))
        }
        let spellings = [
            ("ip domain-name ", "ip domain name "), ("no ip domain-lookup", "no ip domain lookup"),
            ("conf t", "configure terminal"),
        ]
        for (typed, printed) in spellings where line.hasPrefix(typed) {
            line = printed + line.dropFirst(typed.count)
        }
        // Interface references (`tunnel source dialer1`, `ip route … tunnel 1`) are canonical too.
        for keyword in ["tunnel source ", "ip unnumbered ", "match address local interface "]
        where line.hasPrefix(keyword) {
            line = keyword + canonicalInterface(String(line.dropFirst(keyword.count)))
        }
        if path.last?.hasPrefix("crypto ikev2 profile ") == true, line.hasPrefix("keyring "),
            !line.hasPrefix("keyring local ")
        {
            line = "keyring local " + line.dropFirst("keyring ".count)
        }
        return line
    }
}
