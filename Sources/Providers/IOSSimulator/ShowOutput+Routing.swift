internal import Foundation
internal import Spec

/// The layouts of `show ip route`, `show ip bgp summary` and `show bgp … neighbors`, as IOS
/// 15 and IOS-XE print them, so TextFSM (ntc-templates), NAPALM and the project's own
/// parser (`IOSShow`) read the lab's routers as they read real ones.
extension ShowOutput {
    /// One installed route.
    public struct Route: Sendable, Equatable {
        /// The code as IOS prints it (`C`, `L`, `S`, `S*`, `B`).
        public var code: String
        /// The prefix (`10.10.0.0/16`).
        public var prefix: String
        /// What follows the prefix: `is directly connected, Vlan1`, `[1/0] via 192.168.10.254`.
        public var path: String

        public init(code: String, prefix: String, path: String) {
            self.code = code
            self.prefix = prefix
            self.path = path
        }
    }

    /// The codes legend: IOS 15's, or IOS-XE 17's, which adds OMP, NAT and NHRP codes.
    static func routeCodes(platform: String) -> [String] {
        if platform == "ios-xe" {
            return [
                "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
                "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area ",
                "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2",
                "       E1 - OSPF external type 1, E2 - OSPF external type 2, m - OMP",
                "       n - NAT, Ni - NAT inside, No - NAT outside, Nd - NAT DIA",
                "       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2",
                "       ia - IS-IS inter area, * - candidate default, U - per-user static route",
                "       H - NHRP, G - NHRP registered, g - NHRP registration summary",
                "       o - ODR, P - periodic downloaded static route, l - LISP",
                "       a - application route",
                "       + - replicated route, % - next hop override, p - overrides from PfR",
                "       & - replicated local route overrides by connected",
            ]
        }
        return [
            "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
            "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area ",
            "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2",
            "       E1 - OSPF external type 1, E2 - OSPF external type 2",
            "       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2",
            "       ia - IS-IS inter area, * - candidate default, U - per-user static route",
            "       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP",
            "       + - replicated route, % - next hop override",
        ]
    }

    /// `show ip route`, in IOS's layout.
    ///
    /// The legend, the gateway of last resort, then the routes sorted by prefix. Routes inside a classful network that has subnets go under its header
    /// (`10.0.0.0/16 is subnetted, 1 subnets`, printed without their mask, or `10.0.0.0/8 is
    /// variably subnetted, 3 subnets, 2 masks`, with it), indented to column 9; the rest
    /// (a supernet such as 0.0.0.0/0, or a classful network alone) stand at column 6.
    public static func ipRoute(_ routes: [Route], lastResort: String?, platform: String) -> String {
        let parsed = routes.compactMap { route in IPv4Prefix(route.prefix).map { ($0, route) } }
            .sorted { $0.0 < $1.0 }
        var out = routeCodes(platform: platform).joined(separator: "\r\n") + "\r\n\r\n"
        out += "Gateway of last resort is \(lastResort ?? "not set")\r\n\r\n"
        func pad(_ code: String, _ width: Int) -> String {
            code.padding(toLength: max(width, code.count + 1), withPad: " ", startingAt: 0)
        }
        var index = 0
        while index < parsed.count {
            let (prefix, route) = parsed[index]
            let major = classful(prefix.network)
            guard prefix.length >= major.length else {
                out += pad(route.code, 6) + "\(prefix) \(route.path)\r\n"
                index += 1
                continue
            }
            // Every route of this classful network, which sort together.
            var group: [(IPv4Prefix, Route)] = []
            while index < parsed.count, parsed[index].0.length >= major.length, major.contains(parsed[index].0.network)
            {
                group.append(parsed[index])
                index += 1
            }
            guard group.contains(where: { $0.0.length > major.length }) else {
                for (prefix, route) in group { out += pad(route.code, 6) + "\(prefix) \(route.path)\r\n" }
                continue
            }
            let masks = Set(group.map(\.0.length)).sorted()
            let subnets = "\(group.count) subnets"
            if masks.count == 1 {
                out += "      \(major.network)/\(masks[0]) is subnetted, \(subnets)\r\n"
                for (prefix, route) in group { out += pad(route.code, 9) + "\(prefix.network) \(route.path)\r\n" }
            } else {
                out += "      \(major) is variably subnetted, \(subnets), \(masks.count) masks\r\n"
                for (prefix, route) in group { out += pad(route.code, 9) + "\(prefix) \(route.path)\r\n" }
            }
        }
        return out
    }

    /// The classful network an address is in (class A /8, B /16, C and above /24).
    static func classful(_ address: IPv4Address) -> IPv4Prefix {
        let first = address.value >> 24
        let length = first < 128 ? 8 : first < 192 ? 16 : 24
        return IPv4Prefix(network: IPv4Address(address.value & (UInt32.max << UInt32(32 - length))), length: length)
    }

    /// One BGP neighbour as the summary and `neighbors` print it.
    public struct BGPNeighbor: Sendable, Equatable {
        public var address: String
        public var remoteAS: String
        /// Established: the prefixes received; nil while the session is not (`Active`).
        public var received: Int?
        /// The prefixes this router announces to it.
        public var sent: Int

        public init(address: String, remoteAS: String, received: Int?, sent: Int) {
            self.address = address
            self.remoteAS = remoteAS
            self.received = received
            self.sent = sent
        }
    }

    /// `show ip bgp summary` (and `show bgp ipv4 unicast summary`); with `addressFamily`,
    /// `show bgp all summary`, which heads the table with `For address family: IPv4 Unicast`.
    public static func bgpSummary(
        routerID: String,
        localAS: String,
        _ neighbors: [BGPNeighbor],
        networks: Int,
        addressFamily: Bool
    ) -> String {
        let entries = networks + neighbors.reduce(0) { $0 + ($1.received ?? 0) }
        let version = entries + 1
        var out = addressFamily ? "For address family: IPv4 Unicast\r\n" : ""
        out += "BGP router identifier \(routerID), local AS number \(localAS)\r\n"
        out += "BGP table version is \(version), main routing table version \(version)\r\n"
        if entries > 0 {
            out += "\(entries) network entries using \(entries * 144) bytes of memory\r\n"
            out += "\(entries) path entries using \(entries * 80) bytes of memory\r\n"
            out += "1/1 BGP path/bestpath attribute entries using 152 bytes of memory\r\n"
            out += "1 BGP AS-PATH entries using 24 bytes of memory\r\n"
            out += "0 BGP route-map cache entries using 0 bytes of memory\r\n"
            out += "0 BGP filter-list cache entries using 0 bytes of memory\r\n"
            out += "BGP using \(entries * 224 + 176) total bytes of memory\r\n"
            out += "BGP activity \(entries)/0 prefixes, \(entries)/0 paths, scan interval 60 secs\r\n"
        }
        out += "\r\nNeighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\r\n"
        func right(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(1, width - text.count)) + text
        }
        for neighbor in neighbors {
            out += neighbor.address.padding(toLength: max(16, neighbor.address.count + 1), withPad: " ", startingAt: 0)
            out += "4" + right(neighbor.remoteAS, 13)
            let established = neighbor.received != nil
            out += right(established ? "12" : "0", 8) + right(established ? "14" : "0", 8)
            out += right(established ? "\(version)" : "0", 9) + right("0", 5) + right("0", 5) + " "
            if let received = neighbor.received {
                out += "00:05:00" + right("\(received)", 13)
            } else {
                out += "never    Active"
            }
            out += "\r\n"
        }
        return out
    }

    /// `show ip bgp neighbors` (`show bgp ipv4 unicast neighbors`): per neighbour, its AS,
    /// router ID, state and the IPv4 Unicast prefix counts (NAPALM's `get_bgp_neighbors`
    /// reads these).
    public static func bgpNeighbors(_ neighbors: [BGPNeighbor], localAS: String) -> String {
        neighbors.map { neighbor in
            let established = neighbor.received != nil
            let link = neighbor.remoteAS == localAS ? "internal" : "external"
            var out = "BGP neighbor is \(neighbor.address),  remote AS \(neighbor.remoteAS), \(link) link\r\n"
            out += "  BGP version 4, remote router ID \(established ? neighbor.address : "0.0.0.0")\r\n"
            out += established ? "  BGP state = Established, up for 00:05:00\r\n" : "  BGP state = Active\r\n"
            out += "  Last read 00:00:15, last write 00:00:22, hold time is 180, keepalive interval is 60 seconds\r\n"
            out += "  Message statistics:\r\n    InQ depth is 0\r\n    OutQ depth is 0\r\n\r\n"
            out += " For address family: IPv4 Unicast\r\n"
            out += "  Session: \(neighbor.address)\r\n"
            out += "  BGP table version 1, neighbor version 1/0\r\n"
            out += "  Output queue size : 0\r\n"
            out += "                                 Sent       Rcvd\r\n"
            out += "  Prefix activity:               ----       ----\r\n"
            let sent = established ? neighbor.sent : 0
            let received = neighbor.received ?? 0
            // Right-aligned under `Sent` and `Rcvd`.
            func counts(_ label: String) -> String {
                let head = "    \(label):"
                let sentColumn = String(repeating: " ", count: max(1, 37 - head.count - "\(sent)".count)) + "\(sent)"
                return head + sentColumn + String(repeating: " ", count: max(1, 11 - "\(received)".count))
                    + "\(received)"
            }
            out += counts("Prefixes Current") + " (Consumes \(received * 80) bytes)\r\n"
            out += counts("Prefixes Total") + "\r\n\r\n"
            out += "                                   Outbound    Inbound\r\n"
            out += "  Local Policy Denied Prefixes:    --------    -------\r\n"
            out += "    Total:                                0          0\r\n"
            out += "  Number of NLRIs in the update sent: max 1, min 0\r\n\r\n"
            return out
        }.joined()
    }
}
