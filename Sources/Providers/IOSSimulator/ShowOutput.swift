public import Cisco
internal import Foundation
internal import Spec

/// The layouts of IOS's operational `show` outputs, shared by the device (what it knows
/// from its config) and the lab (which adds what the world around it decides), so both
/// print exactly as a router does and the parsers people use (TextFSM, NAPALM) read them.
public enum ShowOutput {
    /// One interface as the `show` commands print it.
    public struct Interface: Sendable, Equatable {
        public var name: String
        /// The address, or nil (`unassigned`).
        public var address: String?
        public var prefixLength: Int?
        /// `IPCP` for a negotiated address, `manual` for one typed, `unset` for none.
        public var method: String
        public var shutdown: Bool
        /// Whether the line protocol is up (a VTI's follows its IPsec SA).
        public var protocolUp: Bool
        public var description: String?
        public var mtu: Int

        public init(
            name: String,
            address: String?,
            prefixLength: Int?,
            method: String,
            shutdown: Bool,
            protocolUp: Bool,
            description: String? = nil,
            mtu: Int = 1500
        ) {
            self.name = name
            self.address = address
            self.prefixLength = prefixLength
            self.method = method
            self.shutdown = shutdown
            self.protocolUp = protocolUp
            self.description = description
            self.mtu = mtu
        }
    }

    /// Each interface of a running config as it stands without a world around it: up unless
    /// shut, with the address it was given (a negotiated one is unknown here).
    public static func interfaces(_ config: IOSConfig) -> [Interface] {
        config.lines.filter { $0.text.hasPrefix("interface ") }.map { line in
            let name = String(line.text.dropFirst("interface ".count))
            var row = Interface(
                name: name,
                address: nil,
                prefixLength: nil,
                method: "unset",
                shutdown: line.children.contains { $0.text == "shutdown" },
                protocolUp: true
            )
            for child in line.children {
                let words = child.text.split(separator: " ").map(String.init)
                if words.count == 4, words[0] == "ip", words[1] == "address", let mask = IPv4Address(words[3]) {
                    row.address = words[2]
                    row.prefixLength = mask.value.nonzeroBitCount
                    row.method = "manual"
                }
                if child.text == "ip address negotiated" { row.method = "IPCP" }
                if words.first == "description" { row.description = words.dropFirst().joined(separator: " ") }
                if words.count == 3, words[0] == "ip", words[1] == "mtu", let mtu = Int(words[2]) { row.mtu = mtu }
            }
            row.protocolUp = !row.shutdown
            return row
        }
    }

    static func status(_ row: Interface) -> String { row.shutdown ? "administratively down" : "up" }

    /// `show ip interface brief`: IOS 15 pads the interface column to 27 characters, IOS-XE
    /// to 23 (as the images print it; ntc-templates' template reads either).
    public static func interfaceBrief(_ rows: [Interface], platform: String) -> String {
        let width = platform == "ios-xe" ? 23 : 27
        var out = "Interface".padding(toLength: width, withPad: " ", startingAt: 0)
        out += "IP-Address      OK? Method Status                Protocol\r\n"
        for row in rows {
            out += row.name.padding(toLength: max(width, row.name.count + 1), withPad: " ", startingAt: 0)
            out += (row.address ?? "unassigned").padding(toLength: 16, withPad: " ", startingAt: 0)
            out += "YES " + row.method.padding(toLength: 7, withPad: " ", startingAt: 0)
            out += status(row).padding(toLength: 22, withPad: " ", startingAt: 0)
            out += (row.protocolUp ? "up" : "down").padding(toLength: 8, withPad: " ", startingAt: 0) + "\r\n"
        }
        return out
    }

    static func headline(_ row: Interface) -> String {
        "\(row.name) is \(status(row)), line protocol is \(row.protocolUp ? "up" : "down") "
    }

    /// `show ip interface` (the lines of it that say where IP runs).
    public static func ipInterface(_ rows: [Interface]) -> String {
        rows.map { row in
            var out = headline(row) + "\r\n"
            if let address = row.address, let length = row.prefixLength {
                out += "  Internet address is \(address)/\(length)\r\n  Broadcast address is 255.255.255.255\r\n"
                out += "  MTU is \(row.mtu) bytes\r\n"
            } else {
                out += "  Internet protocol processing disabled\r\n"
            }
            return out
        }.joined()
    }

    /// `show interfaces` (headline, hardware, description, address, MTU and bandwidth).
    public static func interfaces(_ rows: [Interface]) -> String {
        rows.enumerated().map { index, row in
            let virtual = ["Tunnel", "Dialer", "Loopback", "Vlan", "Virtual"].contains { row.name.hasPrefix($0) }
            var out = headline(row) + "\r\n"
            if virtual {
                out += "  Hardware is \(row.name.hasPrefix("Vlan") ? "EtherSVI" : "Unknown")\r\n"
            } else {
                let mac = String(format: "0000.0c00.%04x", index + 1)
                out += "  Hardware is PQ3_TSEC, address is \(mac) (bia \(mac))\r\n"
            }
            if let description = row.description { out += "  Description: \(description)\r\n" }
            if let address = row.address, let length = row.prefixLength {
                out += "  Internet address is \(address)/\(length)\r\n"
            }
            let bandwidth = row.name.hasPrefix("Tunnel") ? 100 : virtual ? 56 : 1_000_000
            out += "  MTU \(row.mtu) bytes, BW \(bandwidth) Kbit/sec, DLY 10 usec, \r\n"
            out += "     reliability 255/255, txload 1/255, rxload 1/255\r\n"
            return out
        }.joined()
    }
}
