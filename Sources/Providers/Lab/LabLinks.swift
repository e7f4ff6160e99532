internal import Azure
public import AzureModel
internal import Cisco
internal import Foundation
public import IOSSimulator
internal import Spec
internal import Synchronization
internal import Verify

/// The wire between the lab's Azure model and its routers.
///
/// What each end holds is kept in step (the model reports every change; the routers are read
/// as they are), and what follows from it: a tunnel is up only when `TunnelChecks` finds both
/// ends agree; then the router's SAs are READY and ACTIVE with packets moving, and Azure's
/// connection is `Connected`.
public final class LabLinks: Sendable {
    /// What the model last reported, the routers, and what is derived from them.
    private struct State {
        var bodies: [String: Attributes] = [:]
        var sharedKeys: [String: String] = [:]
        var advertised: [String: [String]] = [:]
        var devices: [String: IOSDevice] = [:]
        /// Every connection's Azure end, until the model reports a change.
        var allEnds: [(id: String, end: AzureEnd)]?
        var worldVersion = 0
        /// Each router's tunnels, by the config revision they were read from.
        var ends: [String: (revision: Int, tunnels: [RouterEnd])] = [:]
        /// The address a router's PPPoE dialer is given (the site's fixed public IP, as the
        /// seed's ISP assigns it).
        var negotiated: [String: String] = [:]
        var upSince: [String: ContinuousClock.Instant] = [:]

        /// BGP speakers in Azure that are not routers the lab simulates (a Route Server's NVA
        /// peers): what each announces, by its address.
        var speakers: [String: [String]] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// An NVA peering with a Route Server, announcing `prefixes` for as long as the lab runs.
    public func addSpeaker(_ address: String, prefixes: [String]) {
        state.withLock { $0.speakers[address] = prefixes }
    }

    /// Adds a router; `negotiatedAddress` is what its PPPoE session would be given.
    public func add(_ name: String, device: IOSDevice, negotiatedAddress: String?) {
        state.withLock {
            $0.devices[name] = device
            $0.negotiated[name] = negotiatedAddress
        }
    }

    /// The model's observer: the world after every change.
    public var observer: AzureModel.Observer {
        { [weak self] bodies, keys, advertised in
            self?.state.withLock {
                $0.bodies = bodies
                $0.sharedKeys = keys
                $0.advertised = advertised
                $0.allEnds = nil
                $0.worldVersion += 1
            }
        }
    }

    /// The model's BGP announcements: each router's `network` prefixes, announced from the
    /// peering address Azure has for its site, while its session over an up tunnel holds.
    public var announcements: AzureModel.Announcements {
        { [weak self] in
            guard let self else { return [:] }
            var result = self.state.withLock { $0.speakers }
            for name in self.state.withLock({ $0.devices.keys.sorted() }) {
                let networks = self.networks(name)
                for session in self.sessions(name) where session.prefixes != nil {
                    guard let peer = session.end?.siteBGPAddress else { continue }
                    result[peer] = networks
                }
            }
            return result
        }
    }

    /// The prefixes a router's BGP `network` statements announce.
    func networks(_ name: String) -> [String] {
        guard let device = state.withLock({ $0.devices[name] }),
            let bgp = device.runningConfig.lines.first(where: { $0.text.hasPrefix("router bgp ") })
        else { return [] }
        return bgp.children.compactMap { line in
            let w = line.text.split(separator: " ").map(String.init)
            guard w.count >= 2, w[0] == "network" else { return nil }
            let mask = w.count >= 4 && w[2] == "mask" ? Self.length(w[3]) : Self.classfulLength(w[1])
            return IPv4Prefix("\(w[1])/\(mask)")?.description
        }
    }

    /// The model's link status: a connection is `Connected` when a router's tunnel to its
    /// gateway passes every check.
    public var connectionStatus: AzureModel.LinkStatus {
        { [weak self] id in
            guard let self, let end = self.azureEnd(id) else { return nil }
            guard let (device, tunnel) = self.routerFacing(end) else { return ("NotConnected", 0, 0) }
            let up = TunnelChecks.evaluate(router: tunnel, azure: end).allSatisfy(\.ok)
            let packets = up ? self.packets(device, tunnel.tunnel) : 0
            return (up ? "Connected" : "NotConnected", packets * 120, packets * 118)
        }
    }

    // MARK: The two ends

    func azureEnds() -> [(id: String, end: AzureEnd)] {
        let (cached, version, ids) = state.withLock { ($0.allEnds, $0.worldVersion, Array($0.bodies.keys)) }
        if let cached { return cached }
        let ends = ids.sorted().compactMap { id in azureEnd(id).map { (id, $0) } }
        // Kept until the model reports a change; not kept if one came in meanwhile.
        state.withLock { if $0.worldVersion == version { $0.allEnds = ends } }
        return ends
    }

    /// One connection's Azure end (a VNet gateway's connection or a hub's VPN connection),
    /// built from the bodies the model reported; nil for anything else.
    func azureEnd(_ id: String) -> AzureEnd? {
        let (body, bodies, key, routes) = state.withLock {
            ($0.bodies[id], $0.bodies, $0.sharedKeys[id], $0.advertised[id])
        }
        guard let body else { return nil }
        let lookup = { (id: String) in bodies[id.lowercased()] }
        let parts = id.split(separator: "/")
        guard parts.count >= 8, parts[5] == "microsoft.network" else { return nil }
        var end: AzureEnd
        if parts.count == 8, parts[6] == "connections" {
            end = AzureEnd.vnetConnection(name: String(parts[7]), body, sharedKey: key, lookup: lookup)
        } else if parts.count == 10, parts[6] == "vpngateways", parts[8] == "vpnconnections" {
            let gateway = bodies[parts.prefix(8).map { "/" + $0 }.joined()]
            end = AzureEnd.hubConnection(name: String(parts[9]), body, gateway: gateway, lookup: lookup)
        } else {
            return nil
        }
        // What Azure's own rules say the gateway advertises to this site.
        if let routes { end.advertised = routes }
        return end
    }

    /// Each interface's address as `show ip interface brief` gives it (a PPPoE dialer's
    /// is the negotiated one: none while the dialer or the Ethernet port under it is shut, or
    /// the line is down).
    func addresses(_ name: String) -> [String: String] {
        let found = state.withLock { held in held.devices[name].map { ($0, held.negotiated[name]) } }
        guard let (device, dialerAddress) = found else { return [:] }
        let config = device.runningConfig
        var result: [String: String] = [:]
        for line in config.lines where line.text.hasPrefix("interface ") {
            let interface = String(line.text.dropFirst("interface ".count))
            for child in line.children {
                let words = child.text.split(separator: " ")
                if words.count == 4, words[0] == "ip", words[1] == "address" { result[interface] = String(words[2]) }
                if child.text == "ip address negotiated", let dialerAddress, Self.sessionUp(line, in: config) {
                    result[interface] = dialerAddress
                }
            }
        }
        return result
    }

    /// Whether an interface is administratively down (`shutdown` under it).
    static func shut(_ interface: IOSLine) -> Bool { interface.children.contains { $0.text == "shutdown" } }

    /// Whether a PPPoE dialer's session can come up: the dialer and the Ethernet port that
    /// carries its pool (`pppoe-client dial-pool-number N`) are not shut.
    static func sessionUp(_ dialer: IOSLine, in config: IOSConfig) -> Bool {
        guard !shut(dialer) else { return false }
        guard let pool = dialer.children.first(where: { $0.text.hasPrefix("dialer pool ") })?.text.dropFirst(12) else {
            return true
        }
        let ports = config.lines.filter { line in
            line.children.contains { $0.text == "pppoe-client dial-pool-number \(pool)" }
        }
        return ports.contains { !shut($0) }
    }

    /// Whether IP runs on an interface: it is not shut and has an address of its own or
    /// borrows one (`ip unnumbered`) from an interface that has.
    func ipUp(_ interface: String, config: IOSConfig, addresses: [String: String]) -> Bool {
        guard let line = config.lines.first(where: { $0.text == "interface \(interface)" }), !Self.shut(line) else {
            return false
        }
        if addresses[interface] != nil { return true }
        guard let lender = line.children.first(where: { $0.text.hasPrefix("ip unnumbered ") }) else { return false }
        let other = String(lender.text.dropFirst("ip unnumbered ".count))
        return other != interface && addresses[other] != nil
            && config.lines.first { $0.text == "interface \(other)" }.map { !Self.shut($0) } == true
    }

    func routerEnds(_ name: String) -> [RouterEnd] {
        guard let device = state.withLock({ $0.devices[name] }) else { return [] }
        // Kept while the config is unchanged: each connection's status looks at every router.
        let revision = device.revision
        if let cached = state.withLock({ $0.ends[name] }), cached.revision == revision { return cached.tunnels }
        let tunnels = RouterEnd.tunnels(device: name, config: device.runningConfig, addresses: addresses(name))
        state.withLock { $0.ends[name] = (revision, tunnels) }
        return tunnels
    }

    /// The router tunnel that points at this connection's gateway, if any: of several sites'
    /// routers that point at the same gateway, the one whose address the connection expects.
    func routerFacing(_ end: AzureEnd) -> (String, RouterEnd)? {
        let names = state.withLock { $0.devices.keys.sorted() }
        var first: (String, RouterEnd)?
        for name in names {
            for tunnel in routerEnds(name) where tunnel.destination.map(end.gatewayAddresses.contains) ?? false {
                if tunnel.wanAddress == end.localAddress { return (name, tunnel) }
                if first == nil { first = (name, tunnel) }
            }
        }
        return first
    }

    /// The connection whose gateway a router's tunnel points at (the one Azure would answer
    /// for at that address), if any.
    func azureFacing(_ tunnel: RouterEnd) -> AzureEnd? {
        let ends = azureEnds().map(\.end).filter { $0.gatewayAddresses.contains(tunnel.destination ?? "") }
        return ends.first { $0.localAddress == tunnel.wanAddress } ?? ends.first
    }

    /// Packets through a tunnel: a steady trickle since it came up.
    func packets(_ device: String, _ tunnel: String) -> Int {
        let key = "\(device)/\(tunnel)"
        let since = state.withLock { held in
            if let since = held.upSince[key] { return since }
            let now = ContinuousClock.now
            held.upSince[key] = now
            return now
        }
        let elapsed = ContinuousClock.now - since
        return 12 + Int(elapsed.components.seconds) * 4 + Int(elapsed.components.attoseconds / 250_000_000_000_000_000)
    }

    func down(_ device: String, _ tunnel: String) {
        _ = state.withLock { $0.upSince.removeValue(forKey: "\(device)/\(tunnel)") }
    }

    // MARK: What the router shows

    /// The device's `status` hook: the operational `show` commands, from both ends' state.
    public func status(for name: String) -> IOSDevice.Status {
        { [weak self] command, _ in
            guard let self else { return nil }
            let words = command.split(separator: " ").map { $0.lowercased() }
            func starts(_ keywords: String...) -> Bool {
                words.count > keywords.count
                    && zip(words.dropFirst(), keywords).allSatisfy { $0.count >= 2 && $1.hasPrefix($0) }
            }
            if starts("crypto", "ikev2", "sa") { return self.ikev2(name) }
            if starts("crypto", "ipsec", "sa") { return self.ipsec(name) }
            if starts("ip", "interface", "brief") { return self.interfaceBrief(name) }
            if starts("ip", "bgp", "summary") || starts("bgp", "ipv4", "unicast", "summary") {
                return self.bgpSummary(name)
            }
            if starts("bgp", "all", "summary") { return self.bgpSummary(name, allFamilies: true) }
            if starts("ip", "bgp", "neighbors") || starts("bgp", "ipv4", "unicast", "neighbors")
                || starts("bgp", "all", "neighbors")
            {
                return self.bgpNeighbors(name)
            }
            // Families the lab's routers do not run (IPv6, multicast, VPNv4): nothing to show.
            if starts("bgp"), words.count >= 3, words.last?.hasPrefix("nei") == true || words.last == "summary" {
                return self.bgp(name) == nil ? "% BGP not active\r\n" : ""
            }
            if starts("ip", "route") { return self.ipRoute(name) }
            if starts("logging") { return self.logging(name) }
            return nil
        }
    }

    func tunnels(_ name: String) -> [(RouterEnd, AzureEnd?, Bool)] {
        routerEnds(name).map { tunnel in
            let azure = azureFacing(tunnel)
            let up = azure.map { TunnelChecks.evaluate(router: tunnel, azure: $0).allSatisfy(\.ok) } ?? false
            if !up { down(name, tunnel.tunnel) }
            return (tunnel, azure, up)
        }
    }

    /// `show logging`: the buffer holds what IOS logs about the tunnels that are down for a
    /// cause of the router's own, recursive routing (`%TUN-5-RECURDOWN`) first of all.
    func logging(_ name: String) -> String {
        var out = "Syslog logging: enabled (0 messages dropped, 0 flushes, 0 overruns)\r\n\r\n"
        out += "Log Buffer (8192 bytes):\r\n"
        for (tunnel, azure, up) in tunnels(name) where !up {
            guard let azure, TunnelChecks.routeToPeer(router: tunnel, azure: azure)?.ok == false else { continue }
            out += "%TUN-5-RECURDOWN: \(tunnel.tunnel) temporarily disabled due to recursive routing\r\n"
            out += "%LINEPROTO-5-UPDOWN: Line protocol on Interface \(tunnel.tunnel), changed state to down\r\n"
        }
        return out
    }

    func ikev2(_ name: String) -> String {
        var out = " IPv4 Crypto IKEv2  SA \r\n\r\n"
        out += "Tunnel-id Local                 Remote                fvrf/ivrf            Status \r\n"
        // A shut tunnel, or one whose source has no address, negotiates nothing: no SA at all.
        for (index, (tunnel, azure, up)) in tunnels(name).enumerated()
        where azure != nil && !tunnel.shutdown && tunnel.wanAddress != nil {
            let local = "\(tunnel.wanAddress ?? "0.0.0.0")/500"
            let remote = "\(tunnel.destination ?? "0.0.0.0")/500"
            out += String(index + 1).padding(toLength: 10, withPad: " ", startingAt: 0)
            out += local.padding(toLength: 22, withPad: " ", startingAt: 0)
            out += remote.padding(toLength: 22, withPad: " ", startingAt: 0)
            out += "none/none            " + (up ? "READY  " : "IN-NEG ") + "\r\n"
            if up {
                // What the two ends agreed on, in the words IOS shows it in.
                let offers = tunnel.offers
                let accepts = azure.map { Set($0.accepts.dhGroups.map(\.canonical)) } ?? []
                let encryption = offers?.ikeEncryption.first { azure?.accepts.ikeEncryption.contains($0) ?? false }
                let group = offers?.dhGroups.first { accepts.contains($0.canonical) }.flatMap { IOSCrypto.dhGroup[$0] }
                let bits = encryption.flatMap { IOSCrypto.ikeEncryption[$0] }?.split(separator: "-").last ?? "256"
                out += "      Encr: AES-CBC, keysize: \(bits), PRF: SHA1, Hash: SHA96, DH Grp:\(group ?? ""), "
                out += "Auth sign: PSK, Auth verify: PSK\r\n"
                out += "      Life/Active Time: 86400/\(packets(name, tunnel.tunnel) / 4) sec\r\n"
            }
        }
        return out + "\r\n IPv6 Crypto IKEv2  SA \r\n"
    }

    func ipsec(_ name: String) -> String {
        var out = ""
        for (tunnel, _, up) in tunnels(name) {
            let local = tunnel.wanAddress ?? "0.0.0.0"
            let peer = tunnel.destination ?? "0.0.0.0"
            let packets = up ? self.packets(name, tunnel.tunnel) : 0
            out +=
                "\r\ninterface: \(tunnel.tunnel)\r\n    Crypto map tag: \(tunnel.tunnel)-head-0, local addr \(local)\r\n\r\n"
            out += "   protected vrf: (none)\r\n   local  ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)\r\n"
            out += "   remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)\r\n"
            out += "   current_peer \(peer) port 500\r\n     PERMIT, flags={origin_is_acl,}\r\n"
            out += "    #pkts encaps: \(packets), #pkts encrypt: \(packets), #pkts digest: \(packets)\r\n"
            out += "    #pkts decaps: \(packets), #pkts decrypt: \(packets), #pkts verify: \(packets)\r\n"
            out += "    #send errors 0, #recv errors 0\r\n\r\n"
            out += "     local crypto endpt.: \(local), remote crypto endpt.: \(peer)\r\n"
            let sa =
                "        transform: \(tunnel.offers.map(tunnel.words.ipsec) ?? "") ,\r\n        Status: ACTIVE(ACTIVE)\r\n"
            out += "\r\n     inbound esp sas:\r\n" + (up ? "      spi: 0x5D2E8A41(1563331137)\r\n" + sa : "")
            out += "\r\n     outbound esp sas:\r\n" + (up ? "      spi: 0x9A3C11F2(2587627506)\r\n" + sa : "")
        }
        return out
    }

    /// The BGP sessions to the gateways: established over a tunnel that is up, to a
    /// gateway's BGP address with its ASN, with the prefixes the gateway advertises.
    func sessions(_ name: String) -> [(neighbor: String, asn: String, prefixes: [String]?, end: AzureEnd?)] {
        guard let device = state.withLock({ $0.devices[name] }),
            let bgp = device.runningConfig.lines.first(where: { $0.text.hasPrefix("router bgp ") })
        else { return [] }
        let up = tunnels(name).filter(\.2).compactMap(\.1)
        return bgp.children.compactMap { line in
            let w = line.text.split(separator: " ").map(String.init)
            guard w.count == 4, w[0] == "neighbor", w[2] == "remote-as" else { return nil }
            let gateway = up.first { $0.gatewayBGPAddresses.contains(w[1]) && String($0.asn) == w[3] }
            return (w[1], w[3], gateway?.advertised, gateway)
        }
    }

    /// The router's BGP process (`router bgp N`), its neighbours as the sessions stand and
    /// the router ID (its highest interface address); nil without BGP.
    func bgp(_ name: String) -> (asn: String, id: String, neighbors: [ShowOutput.BGPNeighbor])? {
        guard let device = state.withLock({ $0.devices[name] }),
            let bgp = device.runningConfig.lines.first(where: { $0.text.hasPrefix("router bgp ") })
        else { return nil }
        let announced = networks(name).count
        let neighbors = sessions(name).map { session in
            ShowOutput.BGPNeighbor(
                address: session.neighbor,
                remoteAS: session.asn,
                received: session.prefixes?.count,
                sent: announced
            )
        }
        let id = addresses(name).values.sorted { (IPv4Address($0)?.value ?? 0) < (IPv4Address($1)?.value ?? 0) }.last
        return (String(bgp.text.dropFirst("router bgp ".count)), id ?? "0.0.0.0", neighbors)
    }

    /// `show ip bgp summary`; `show bgp all summary` heads it with its address family.
    func bgpSummary(_ name: String, allFamilies: Bool = false) -> String {
        guard let (asn, id, neighbors) = bgp(name) else { return "% BGP not active\r\n" }
        return ShowOutput.bgpSummary(
            routerID: id,
            localAS: asn,
            neighbors,
            networks: networks(name).count,
            addressFamily: allFamilies
        )
    }

    /// `show ip bgp neighbors`, `show bgp ipv4 unicast neighbors`, `show bgp all neighbors`.
    func bgpNeighbors(_ name: String) -> String {
        guard let (asn, _, neighbors) = bgp(name) else { return "% BGP not active\r\n" }
        return ShowOutput.bgpNeighbors(neighbors, localAS: asn)
    }

    /// The routing table: connected interfaces, static routes (through a tunnel only while
    /// it is up, as a VTI's line protocol follows IPsec), and what BGP learned.
    func ipRoute(_ name: String) -> String {
        guard let device = state.withLock({ $0.devices[name] }) else { return "" }
        let config = device.runningConfig
        let addresses = addresses(name)
        let downTunnels = Set(tunnels(name).filter { !$0.2 }.map(\.0.tunnel))
        let ipUp = { (interface: String) in self.ipUp(interface, config: config, addresses: addresses) }
        var routes: [ShowOutput.Route] = []
        var lastResort: String?
        // The subnets of up interfaces: a next hop must be on one for its route to be installed.
        var connected: [IPv4Prefix] = []
        for line in config.lines where line.text.hasPrefix("interface ") {
            let interface = String(line.text.dropFirst("interface ".count))
            guard let address = addresses[interface], !line.children.contains(where: { $0.text == "shutdown" }) else {
                continue
            }
            let here = "is directly connected, \(interface)"
            // The interface's address has host bits: its subnet is the connected route.
            if let mask = line.children.compactMap({ child -> String? in
                let w = child.text.split(separator: " ")
                return w.count == 4 && w[0] == "ip" && w[1] == "address" ? String(w[3]) : nil
            }).first, let prefix = InterfaceAddress("\(address)/\(Self.length(mask))")?.prefix {
                connected.append(prefix)
                routes.append(ShowOutput.Route(code: "C", prefix: prefix.description, path: here))
            }
            routes.append(ShowOutput.Route(code: "L", prefix: "\(address)/32", path: here))
        }
        let learned = Set(sessions(name).flatMap { $0.prefixes ?? [] })
        for line in config.lines where line.text.hasPrefix("ip route ") {
            let w = line.text.split(separator: " ").map(String.init)
            // Out of an interface, a static route is installed only while IP runs on it (a
            // dialer without its PPPoE session has no address); through a VTI, while it is up.
            guard w.count >= 5, !downTunnels.contains(w[4]) else { continue }
            if IPv4Address(w[4]) == nil, !ipUp(w[4]) { continue }
            // Via a next-hop address, only while the address is on a connected, up subnet (a LAN
            // route to a core switch; recursion through other routes is not modelled).
            if let hop = IPv4Address(w[4]), !connected.contains(where: { $0.contains(hop) }) { continue }
            let length = Self.length(w[3])
            // A floating static (distance above eBGP's 20) stands back while BGP has the prefix.
            if w.count > 5, let distance = Int(w[5]), distance > 20, learned.contains("\(w[2])/\(length)") { continue }
            let isDefault = w[2] == "0.0.0.0" && length == 0
            if isDefault { lastResort = "\(IPv4Address(w[4]) == nil ? "0.0.0.0" : w[4]) to network 0.0.0.0" }
            let target = IPv4Address(w[4]) == nil ? "is directly connected, \(w[4])" : "[1/0] via \(w[4])"
            routes.append(ShowOutput.Route(code: isDefault ? "S*" : "S", prefix: "\(w[2])/\(length)", path: target))
        }
        // A learned route is installed unless a static route holds its prefix (distance 1 < 20).
        let statics = Set(routes.filter { $0.code.hasPrefix("S") }.map(\.prefix))
        // One best path per prefix (no `maximum-paths`): of two gateway instances announcing the
        // same prefix, the first neighbour's.
        var installed: Set<String> = []
        for session in sessions(name) {
            for prefix in session.prefixes ?? [] where !statics.contains(prefix) {
                guard installed.insert(prefix).inserted else { continue }
                // A learned default is the candidate default too, and sets the gateway.
                let isDefault = prefix == "0.0.0.0/0"
                if isDefault { lastResort = "\(session.neighbor) to network 0.0.0.0" }
                let path = "[20/0] via \(session.neighbor), 00:05:00"
                routes.append(ShowOutput.Route(code: isDefault ? "B*" : "B", prefix: prefix, path: path))
            }
        }
        return ShowOutput.ipRoute(routes, lastResort: lastResort, platform: device.platform)
    }

    /// A `network` statement without `mask` is classful.
    static func classfulLength(_ address: String) -> Int {
        let first = Int(address.split(separator: ".").first ?? "") ?? 0
        return first < 128 ? 8 : first < 192 ? 16 : 24
    }

    static func length(_ mask: String) -> Int {
        IPv4Address(mask).map { $0.value.nonzeroBitCount } ?? 32
    }

    func interfaceBrief(_ name: String) -> String {
        guard let device = state.withLock({ $0.devices[name] }) else {
            return ShowOutput.interfaceBrief([], platform: "ios")
        }
        let addresses = addresses(name)
        // A VTI's line protocol is up only while its IPsec SA is.
        let downTunnels = Set(tunnels(name).filter { !$0.2 }.map(\.0.tunnel))
        let rows = ShowOutput.interfaces(device.runningConfig).map { row in
            var row = row
            row.address = addresses[row.name]
            row.protocolUp = !row.shutdown && !downTunnels.contains(row.name)
            return row
        }
        return ShowOutput.interfaceBrief(rows, platform: device.platform)
    }
}
