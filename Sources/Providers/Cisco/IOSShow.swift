internal import Foundation
internal import Spec
public import Verify

/// `show` command output read into typed values: what `verify` and drift check on a router.
///
/// The layouts are IOS's (`Tests/CiscoTests/Show`). Each reader takes the whole output, prompt and echo lines included, and
/// skips what it does not recognise rather than failing.
public enum IOSShow {
    // The values are the tunnel model's (`RouterShow`): what verify assesses, whichever router it reads.
    public typealias IKEv2SA = RouterShow.IKEv2SA
    public typealias IPsecSA = RouterShow.IPsecSA
    public typealias Route = RouterShow.Route
    public typealias RoutingTable = RouterShow.RoutingTable
    public typealias BGPNeighbor = RouterShow.BGPNeighbor
    public typealias BGPSummary = RouterShow.BGPSummary

    // MARK: show crypto ikev2 sa

    public static func ikev2SAs(_ output: String) -> [IKEv2SA] {
        var result: [IKEv2SA] = []
        for line in output.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            if words.count >= 5, let id = Int(words[0]), words[1].contains("/") {
                result.append(
                    IKEv2SA(
                        tunnelID: id,
                        local: String(words[1]),
                        remote: String(words[2]),
                        status: String(words[words.count - 1])
                    )
                )
            } else if var last = result.popLast() {
                let text = line.trimmingSpaces
                if text.hasPrefix("Encr:") {
                    let fields = Self.fields(text)
                    last.encryption = fields["Encr"].map { cipher in
                        fields["keysize"].map { "\(cipher)-\($0)" } ?? cipher
                    }
                    last.dhGroup = fields["DH Grp"]
                } else if text.hasPrefix("Life/Active Time:") {
                    let numbers = text.dropFirst("Life/Active Time:".count).split(whereSeparator: { !$0.isNumber })
                    last.lifetimeSeconds = numbers.first.flatMap { Int($0) }
                    last.activeSeconds = numbers.dropFirst().first.flatMap { Int($0) }
                }
                result.append(last)
            }
        }
        return result
    }

    // MARK: show crypto ipsec sa

    public static func ipsecSAs(_ output: String) -> [IPsecSA] {
        var result: [IPsecSA] = []
        var direction = ""
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingSpaces
            if line.hasPrefix("interface: ") {
                result.append(
                    IPsecSA(
                        interface: String(line.dropFirst("interface: ".count)),
                        packetsEncrypted: 0,
                        packetsDecrypted: 0,
                        inboundStatus: [],
                        outboundStatus: []
                    )
                )
                direction = ""
                continue
            }
            guard var sa = result.popLast() else { continue }
            defer { result.append(sa) }
            if line.hasPrefix("Crypto map tag:"), let range = line.firstRange(of: "local addr ") {
                sa.localAddress = String(line[range.upperBound...])
            } else if line.hasPrefix("current_peer ") {
                sa.peer = line.split(separator: " ").dropFirst().first.map(String.init)
            } else if line.hasPrefix("#pkts encaps:") {
                sa.packetsEncrypted = Self.fields(line)["#pkts encrypt"].flatMap { Int($0) } ?? 0
            } else if line.hasPrefix("#pkts decaps:") {
                sa.packetsDecrypted = Self.fields(line)["#pkts decrypt"].flatMap { Int($0) } ?? 0
            } else if line.hasPrefix("inbound esp sas:") {
                direction = "in"
            } else if line.hasSuffix("sas:") {
                direction = ""
                if line.hasPrefix("outbound esp sas:") { direction = "out" }
            } else if line.hasPrefix("Status: ") {
                let status = String(line.dropFirst("Status: ".count))
                if direction == "in" { sa.inboundStatus.append(status) }
                if direction == "out" { sa.outboundStatus.append(status) }
            }
        }
        return result
    }

    // MARK: show ip route

    public static func routes(_ output: String) -> RoutingTable {
        var table = RoutingTable(routes: [])
        var subnettedLength: Int?
        var previous: Route?
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingSpaces
            if line.hasPrefix("Gateway of last resort is ") {
                let rest = line.dropFirst("Gateway of last resort is ".count)
                table.gatewayOfLastResort =
                    rest.hasPrefix("not set") ? nil : rest.split(separator: " ").first.map(String.init)
                continue
            }
            let words = line.split(separator: " ")
            // "10.0.0.0/16 is subnetted, 1 subnets": the length of the lines that follow.
            if let first = words.first, first.first?.isNumber == true, words.count > 2, words[1] == "is",
                words[2].hasPrefix("subnetted") || words[2].hasPrefix("variably")
            {
                subnettedLength =
                    words[2].hasPrefix("subnetted") ? first.split(separator: "/").last.flatMap { Int($0) } : nil
                continue
            }
            // A continuation line of a multipath route: "[110/2] via 10.0.0.2, 00:01:02, Gi0/1".
            if words.first?.hasPrefix("[") == true, var route = previous {
                Self.fillPath(&route, words)
                table.routes.append(route)
                continue
            }
            guard let prefixIndex = words.firstIndex(where: { $0.first?.isNumber == true }), prefixIndex > 0,
                words[0].allSatisfy({ $0.isLetter || $0 == "*" || $0.isNumber })
            else { continue }
            let code = words[..<prefixIndex].joined(separator: " ")
            guard code.first?.isLetter == true, code.count <= 6 else { continue }
            var prefix = String(words[prefixIndex])
            if !prefix.contains("/"), let length = subnettedLength { prefix += "/\(length)" }
            var route = Route(code: code, prefix: prefix)
            let rest = Array(words[(prefixIndex + 1)...])
            if rest.starts(with: ["is", "directly", "connected,"]), let interface = rest.last {
                route.interface = String(interface)
            } else {
                Self.fillPath(&route, rest)
            }
            table.routes.append(route)
            previous = route
        }
        return table
    }

    static func fillPath(_ route: inout Route, _ words: [Substring]) {
        for (index, word) in words.enumerated() {
            if word.hasPrefix("["), word.hasSuffix("]") {
                let numbers = word.dropFirst().dropLast().split(separator: "/")
                route.distance = numbers.first.flatMap { Int($0) }
                route.metric = numbers.dropFirst().first.flatMap { Int($0) }
            } else if word == "via", index + 1 < words.count {
                route.nextHop = words[index + 1].trimmingCharacters(in: [","])
            } else if index == words.count - 1, index > 0, word.first?.isLetter == true {
                route.interface = String(word)
            }
        }
    }

    // MARK: show ip bgp summary

    public static func bgpSummary(_ output: String) -> BGPSummary {
        var summary = BGPSummary(neighbors: [])
        var inTable = false
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingSpaces
            if line.hasPrefix("BGP router identifier ") {
                let words = line.split(separator: " ")
                summary.routerID = words.count > 3 ? words[3].trimmingCharacters(in: [","]) : nil
                summary.localAS = words.last.map(String.init)
            } else if line.hasPrefix("Neighbor ") {
                inTable = true
            } else if inTable {
                let words = line.split(separator: " ")
                guard words.count >= 10, IPv4Address(String(words[0])) != nil else { continue }
                let state = words[9...].joined(separator: " ")
                summary.neighbors.append(
                    BGPNeighbor(
                        address: String(words[0]),
                        remoteAS: String(words[2]),
                        upDown: String(words[8]),
                        prefixesReceived: Int(state),
                        state: Int(state) == nil ? state : "Established"
                    )
                )
            }
        }
        return summary
    }

    // MARK: show version

    public struct Version: Sendable, Hashable, Codable {
        public var software: String?
        public var hostname: String?
        public var uptime: String?
        public var image: String?
        public var model: String?
        public var serial: String?
        public var configRegister: String?
    }

    public static func version(_ output: String) -> Version {
        var version = Version()
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingSpaces
            if version.software == nil, line.contains("Software"), let range = line.firstRange(of: "Version ") {
                version.software = line[range.upperBound...].split(separator: ",").first.map(String.init)
            } else if let range = line.firstRange(of: " uptime is ") {
                version.hostname = String(line[..<range.lowerBound])
                version.uptime = String(line[range.upperBound...])
            } else if line.hasPrefix("System image file is ") {
                version.image = line.split(separator: "\"").dropFirst().first.map(String.init)
            } else if line.hasPrefix("Processor board ID ") {
                version.serial = String(line.dropFirst("Processor board ID ".count))
            } else if line.hasPrefix("Configuration register is ") {
                version.configRegister = String(line.dropFirst("Configuration register is ".count))
            } else if line.hasPrefix("cisco ") || line.hasPrefix("Cisco "), line.contains("bytes of memory") {
                version.model = line.split(separator: " ").dropFirst().first.map(String.init)
            }
        }
        return version
    }

    /// `show ip interface brief` → each interface's address (`unassigned` left out): a PPPoE
    /// dialer's negotiated address is only here, not in the config.
    public static func interfaceAddresses(_ output: String) -> [String: String] {
        var result: [String: String] = [:]
        for raw in output.split(whereSeparator: \.isNewline) {
            let words = raw.split(separator: " ")
            guard words.count >= 2, !raw.hasPrefix("Interface"), IPv4Address(String(words[1])) != nil else { continue }
            result[String(words[0])] = String(words[1])
        }
        return result
    }

    /// `Encr: AES-CBC, keysize: 256, DH Grp:2` → name: value pairs.
    static func fields(_ line: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in line.split(separator: ",") {
            let pair = part.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            result[pair[0].trimmingSpaces] = pair[1].trimmingSpaces
        }
        return result
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}
