internal import Cisco
internal import Spec

/// One condition a tunnel needs, and what was found.
public struct Check: Sendable, Hashable, Codable {
    public var name: String
    public var ok: Bool
    public var detail: String

    public init(_ name: String, ok: Bool, _ detail: String) {
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}

/// What must agree for an IKEv2/IPsec tunnel between a router and an Azure gateway to come up.
///
/// The lab's routers negotiate with these checks, and `reconcile
/// verify` names the failing ones as the cause, against the lab or the real thing alike.
public enum TunnelChecks {
    public static let names = [
        "tunnel interface", "tunnel source", "peer address", "local address", "pre-shared key", "IKE version",
        "IKE proposal", "IPsec transform", "NAT",
    ]

    /// Every check, in `names` order.
    ///
    /// Secrets are compared, never printed.
    public static func evaluate(router r: RouterEnd, azure a: AzureEnd) -> [Check] {
        var checks: [Check] = []
        // The router's own side first: a shut tunnel or a source without an address negotiates nothing.
        checks.append(
            Check(
                "tunnel interface",
                ok: !r.shutdown,
                r.shutdown ? "\(r.tunnel) is administratively down (shutdown)" : "\(r.tunnel) is not shut down"
            )
        )
        checks.append(
            Check(
                "tunnel source",
                ok: r.wanAddress != nil,
                r.wanAddress.map { "\(r.source ?? "the tunnel source") has the address \($0)" }
                    ?? r.sourceDown ?? "\(r.source ?? "the tunnel source") has no address"
            )
        )
        let destination = r.destination ?? "none"
        let gateway = a.gatewayAddresses.isEmpty ? "not allocated" : a.gatewayAddresses.joined(separator: ", ")
        let peerOK =
            a.gatewayAddresses.contains(destination) && r.peerAddress == destination
            && (r.identity == nil || r.identity == destination)
        checks.append(
            Check(
                "peer address",
                ok: peerOK,
                peerOK
                    ? "tunnel destination and keyring peer \(destination) are the gateway's public IP"
                    : "the router's tunnel destination is \(destination), its keyring peer \(r.peerAddress ?? "none")"
                        + (r.identity.map { ", its IKEv2 identity \($0)" } ?? "")
                        + "; the gateway's public IP is \(gateway)"
            )
        )
        let wan = r.wanAddress ?? "unknown"
        if r.wanAddress == nil {
            // The tunnel source's own check says why; "comes from unknown" would only mislead.
            checks.append(Check("local address", ok: true, "not compared: the router's tunnel source has no address"))
        } else {
            let localOK = a.localAddress != nil && a.localAddress == r.wanAddress
            checks.append(
                Check(
                    "local address",
                    ok: localOK,
                    localOK
                        ? "Azure expects the site at \(wan), where the tunnel comes from"
                        : "Azure expects the site at \(a.localAddress ?? "no address"); the router's tunnel comes from \(wan)"
                )
            )
        }
        switch (r.sharedKey, a.sharedKey) {
        case (let mine?, let theirs?):
            checks.append(
                Check(
                    "pre-shared key",
                    ok: mine == theirs,
                    mine == theirs ? "equal on both sides" : "the router's and Azure's pre-shared keys differ"
                )
            )
        default:
            checks.append(Check("pre-shared key", ok: true, "not compared: one side's key could not be read"))
        }
        checks.append(
            Check(
                "IKE version",
                ok: r.ikeVersion == a.ikeVersion,
                r.ikeVersion == a.ikeVersion
                    ? "\(a.ikeVersion) on both sides"
                    : "the connection uses \(a.ikeVersion), the router \(r.ikeVersion)"
            )
        )
        let accepts = a.accepts
        let ikeOK =
            !Set(r.encryption).isDisjoint(with: accepts.ikeEncryption)
            && (accepts.ikeIntegrity.isEmpty || !Set(r.integrity).isDisjoint(with: accepts.ikeIntegrity))
            && !Set(r.groups).isDisjoint(with: accepts.dhGroups)
        checks.append(
            Check(
                "IKE proposal",
                ok: ikeOK,
                "the router offers \(offer(r.encryption, r.integrity, r.groups)); Azure accepts "
                    + offer(accepts.ikeEncryption, accepts.ikeIntegrity, accepts.dhGroups)
            )
        )
        let transformOK = Set(r.transforms) == Set(accepts.transforms)
        checks.append(
            Check(
                "IPsec transform",
                ok: transformOK,
                "the router offers \(r.transforms.joined(separator: " ")); Azure accepts "
                    + accepts.transforms.joined(separator: " ")
            )
        )
        let natted = r.wanAddress.flatMap(IPv4Address.init).map(isPrivate) ?? false
        checks.append(
            Check(
                "NAT",
                ok: !natted,
                natted ? "the router's address \(wan) is private: the site is behind NAT" : "no NAT between the ends"
            )
        )
        return checks
    }

    static func offer(_ encryption: [String], _ integrity: [String], _ groups: [String]) -> String {
        let parts = [encryption, integrity, groups.map { "group \($0)" }].map { $0.joined(separator: "/") }
        return parts.filter { !$0.isEmpty }.joined(separator: ", ")
    }

    /// RFC 1918 and shared (CGNAT) space: an address behind NAT.
    static func isPrivate(_ address: IPv4Address) -> Bool {
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].compactMap(IPv4Prefix.init).contains {
            $0.contains(address)
        }
    }
}
