internal import Foundation
internal import Spec

/// Is one connection working, seen from both ends, and if not, why.
public struct TunnelStatus: Sendable, Codable, Hashable {
    public var connection: String
    public var device: String?
    public var tunnel: String?
    /// Azure's `connectionStatus`.
    public var azure: String
    /// The router's IKEv2 SA status towards the gateway (`READY`, `IN-NEG`, `none`).
    public var ike: String
    /// The IPsec SA status (`ACTIVE`, `none`), and its packet counters.
    public var ipsec: String
    public var packetsEncrypted: Int
    public var packetsDecrypted: Int
    /// The BGP session to the gateway (`Established, 2 prefixes`, `Active`), nil when the
    /// connection is static.
    public var bgp: String?
    /// Azure prefixes the router should route through the tunnel and does not.
    public var missingRoutes: [String]
    /// Site prefixes Azure should have learned (the gateway's learned routes, the hub's
    /// effective routes) and has not; empty when they could not be read.
    public var missingInAzure: [String] = []
    public var checks: [Check]
    /// Where the router sends internet traffic (its route to a public address): through
    /// Azure, or out of its own WAN.
    public var egress: String?
    public var up: Bool
    /// Why the tunnel's state is unknown, when both ends' configuration agrees but its router's
    /// SAs cannot be seen: not up, and reported as unknown rather than down.
    public var unknown: String?
    /// What is wrong, most telling first.
    public var causes: [String]

    /// The verdict from what each end reported.
    public static func assess(
        connection: String,
        device: String?,
        azure: AzureEnd?,
        router: RouterEnd?,
        ikev2: [RouterShow.IKEv2SA],
        ipsec: [RouterShow.IPsecSA],
        bgp: RouterShow.BGPSummary?,
        routes: RouterShow.RoutingTable?,
        expectedRoutes: [String],
        azureLearned: [String]? = nil,
        sitePrefixes: [String] = []
    ) -> TunnelStatus {
        let peer = router?.destination ?? ""
        let sa = ikev2.first { $0.remoteAddress == peer }
        let child = ipsec.first { $0.interface == router?.tunnel }
        // A router whose SAs its provider cannot see: their state is unknown, not "none".
        let unseen = sa == nil && child == nil ? router?.stateUnseen : nil
        var status = TunnelStatus(
            connection: connection,
            device: device,
            tunnel: router?.tunnel,
            azure: azure?.status ?? "absent",
            ike: sa?.status ?? (unseen == nil ? "none" : "unknown"),
            ipsec: child?.isUp == true ? "ACTIVE" : (unseen == nil ? "none" : "unknown"),
            packetsEncrypted: child?.packetsEncrypted ?? 0,
            packetsDecrypted: child?.packetsDecrypted ?? 0,
            bgp: nil,
            missingRoutes: [],
            checks: [],
            egress: routes.map { egress($0, tunnel: router?.tunnel) },
            up: false,
            causes: []
        )
        if let azure, let router { status.checks = TunnelChecks.evaluate(router: router, azure: azure) }
        if azure?.bgp == true {
            // This tunnel's own neighbour first: each gateway instance's BGP address goes with its public IP.
            let instance = azure?.gatewayAddresses.firstIndex(of: peer)
            let own = instance.flatMap { i in
                azure.flatMap { i < $0.gatewayBGPAddresses.count ? $0.gatewayBGPAddresses[i] : nil }
            }
            let neighbor =
                bgp?.neighbors.first { $0.address == own }
                ?? bgp?.neighbors.first { azure?.gatewayBGPAddresses.contains($0.address) ?? false }
            if let neighbor, let received = neighbor.prefixesReceived {
                status.bgp = "Established, \(received) prefixes"
            } else {
                status.bgp = neighbor?.state ?? "not configured"
            }
        }
        if let routes, let router {
            status.missingRoutes = expectedRoutes.filter { prefix in
                guard let route = routes.route(prefix) else { return true }
                return route.interface != router.tunnel && route.code.hasPrefix("S")
            }
        }
        if let azureLearned { status.missingInAzure = sitePrefixes.filter { !azureLearned.contains($0) } }
        if azure == nil { status.causes.append("Azure has no connection '\(connection)'") }
        if router == nil {
            // A site whose router no provider reads for verify (a plugin's that does not answer `facts`).
            status.causes.append(
                device == nil
                    ? "the site's router is not one verify reads (the Site names no device): its end is unchecked"
                    : "the router has no tunnel for '\(connection)'"
            )
        }
        status.causes += status.checks.filter { !$0.ok }.map { "\($0.name): \($0.detail)" }
        let tunnelUp = status.azure == "Connected" && status.ike == "READY" && status.ipsec == "ACTIVE"
        if status.causes.isEmpty, !tunnelUp, let unseen {
            status.unknown = unseen
            status.causes.append("configured as Azure expects; \(unseen), so whether the tunnel is up is unknown")
        } else if status.causes.isEmpty && !tunnelUp {
            status.causes.append(
                "both ends agree, but the tunnel is not up (Azure \(status.azure), IKE \(status.ike), IPsec \(status.ipsec))"
            )
        }
        if tunnelUp, let state = status.bgp, !state.hasPrefix("Established") {
            status.causes.append("the BGP session to the gateway is \(state)")
        }
        if tunnelUp, !status.missingRoutes.isEmpty {
            status.causes.append(
                "no route through \(router?.tunnel ?? "the tunnel") to \(status.missingRoutes.joined(separator: ", "))"
            )
        }
        if tunnelUp, !status.missingInAzure.isEmpty {
            status.causes.append("Azure has not learned \(status.missingInAzure.joined(separator: ", ")) from the site")
        }
        status.up = status.causes.isEmpty
        return status
    }
}

extension TunnelStatus {
    /// The route a public address (8.8.8.8) takes: the longest prefix that covers it.
    static func egress(_ table: RouterShow.RoutingTable, tunnel: String?) -> String {
        let target = IPv4Address("8.8.8.8")
        let covering = table.routes.compactMap { route -> (IPv4Prefix, RouterShow.Route)? in
            guard let prefix = IPv4Prefix(route.prefix), let target, prefix.contains(target) else { return nil }
            return (prefix, route)
        }
        guard let (prefix, route) = covering.max(by: { $0.0.length < $1.0.length }) else {
            return "nowhere: the router has no route to the internet"
        }
        let via = route.interface ?? route.nextHop ?? "?"
        if route.code.hasPrefix("B") || route.interface?.hasPrefix("Tunnel") == true {
            return "through Azure (\(prefix) via \(via))"
        }
        return "out of the site's own WAN (\(prefix) via \(via))"
    }
}

/// Every connection's status, and how to print it.
public struct VerifyReport: Sendable, Codable, Hashable {
    public var tunnels: [TunnelStatus]
    public var up: Bool { tunnels.allSatisfy(\.up) }

    public init(tunnels: [TunnelStatus]) {
        self.tunnels = tunnels.sorted { ($0.connection, $0.tunnel ?? "") < ($1.connection, $1.tunnel ?? "") }
    }

    public enum Format: String, Sendable, CaseIterable {
        case text, json, markdown
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = (try? encoder.encode(JSONView(up: up, tunnels: tunnels))) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        case .markdown:
            // What routers and Azure report is data: escaped into each cell, as in every report.
            let c = Escape.markdownCell
            var out = "| Connection | Router | Azure | IKEv2 | IPsec | BGP | Verdict |\n|---|---|---|---|---|---|---|\n"
            for t in tunnels {
                let verdict = t.up ? "up" : "**\(verdict(t))**: " + t.causes.map(c).joined(separator: "; ")
                out +=
                    "| \(c(t.connection)) | \(c(router(t))) | \(c(t.azure)) | \(c(t.ike)) | \(c(ipsecText(t))) | "
                    + "\(c(t.bgp ?? "static")) | \(verdict) |\n"
            }
            return out + egressLines.map { "\n" + c($0) + "\n" }.joined()
        case .text:
            let header = ["CONNECTION", "ROUTER", "AZURE", "IKEV2", "IPSEC", "BGP", "VERDICT"]
            let rows = tunnels.map { t in
                [t.connection, router(t), t.azure, t.ike, ipsecText(t), t.bgp ?? "static", verdict(t).uppercased()]
            }
            let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
            func line(_ cells: [String]) -> String {
                zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces) + "\n"
            }
            var out = line(header) + rows.map(line).joined()
            for t in tunnels where !t.up {
                out += "\n\(t.connection) is \(verdict(t)):\n" + t.causes.map { "  - \($0)\n" }.joined()
            }
            out += egressLines.map { "\n" + $0 }.joined()
            let down = tunnels.filter { !$0.up && $0.unknown == nil }.count
            let unknown = tunnels.filter { $0.unknown != nil }.count
            if up {
                out += "\nAll \(tunnels.count) \(tunnels.count == 1 ? "tunnel is" : "tunnels are") up.\n"
            } else if unknown == 0 {
                out += "\n\(down) of \(tunnels.count) tunnels are down.\n"
            } else {
                // Unknown is not up (the exit status says so), but it is not down either.
                out += "\n\(down) of \(tunnels.count) tunnels are down, \(unknown) unknown.\n"
            }
            return Escape.terminal(out)
        }
    }

    /// Where each router sends internet traffic, once per router.
    var egressLines: [String] {
        var seen: Set<String> = []
        return tunnels.compactMap { t in
            guard let device = t.device, let egress = t.egress, seen.insert(device).inserted else { return nil }
            return "Internet traffic from \(device) goes \(egress)."
        }
    }

    /// `up`, `down`, or `unknown` for a tunnel whose router's SAs cannot be seen.
    func verdict(_ t: TunnelStatus) -> String {
        t.up ? "up" : t.unknown == nil ? "down" : "unknown"
    }

    func router(_ t: TunnelStatus) -> String {
        [t.device, t.tunnel].compactMap { $0 }.joined(separator: " ")
    }

    func ipsecText(_ t: TunnelStatus) -> String {
        t.ipsec == "ACTIVE" ? "ACTIVE (\(t.packetsEncrypted)/\(t.packetsDecrypted) pkts)" : t.ipsec
    }

    struct JSONView: Codable {
        var up: Bool
        var tunnels: [TunnelStatus]
    }
}
