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
        "tunnel interface", "tunnel source", "route to peer", "peer address", "local address", "pre-shared key",
        "IKE version",
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
        if let check = routeToPeer(router: r, azure: a) { checks.append(check) }
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
        // A private source address means a NAT in front of the router: Azure sees the NAT's
        // public address, which the router cannot know.
        let natted = r.wanAddress.flatMap(IPv4Address.init)?.isPrivateOrShared ?? false
        if r.wanAddress == nil {
            // The tunnel source's own check says why; "comes from unknown" would only mislead.
            checks.append(Check("local address", ok: true, "not compared: the router's tunnel source has no address"))
        } else if natted {
            checks.append(
                Check(
                    "local address",
                    ok: true,
                    "not compared: the router's \(wan) is behind NAT; Azure expects the site at "
                        + "\(a.localAddress ?? "no address"), which must be the NAT's public address"
                )
            )
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
        let sameKey: Bool? =
            switch (r.sharedKey, r.sharedKeyFingerprint, a.sharedKey) {
            case (let mine?, _, let theirs?): mine == theirs
            case (nil, let print?, let theirs?): print.matches(theirs)
            default: nil
            }
        switch sameKey {
        case let same?:
            checks.append(
                Check(
                    "pre-shared key",
                    ok: same,
                    same ? "equal on both sides" : "the router's and Azure's pre-shared keys differ"
                )
            )
        case nil:
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
        guard let offers = r.offers else {
            // A provider that does not say what its router offers: nothing to hold against Azure's.
            let unread = "not compared: the router's provider does not report what it offers"
            checks.append(Check("IKE proposal", ok: true, unread))
            checks.append(Check("IPsec transform", ok: true, unread))
            checks.append(natCheck(natted: natted, wan: wan))
            return checks
        }
        let accepts = a.accepts
        // Both ends are in the spec's words; the messages are in the router's, as its provider
        // writes them, so they read against its configuration.
        checks.append(
            Check(
                "IKE proposal",
                ok: ikeAgrees(offers, accepts),
                "the router offers \(r.words.ike(offers)); Azure accepts \(r.words.ike(accepts))"
            )
        )
        let transformOK =
            Set(offers.ipsecEncryption) == Set(accepts.ipsecEncryption)
            && Set(offers.ipsecIntegrity) == Set(accepts.ipsecIntegrity)
        checks.append(
            Check(
                "IPsec transform",
                ok: transformOK,
                "the router offers \(r.words.ipsec(offers)); Azure accepts \(r.words.ipsec(accepts))"
            )
        )
        checks.append(natCheck(natted: natted, wan: wan))
        return checks
    }

    /// Azure's VPN Gateway FAQ: NAT traversal (IKE and ESP over UDP 4500) is supported when the
    /// on-premises device starts the tunnel, as a route-based IOS tunnel does on its own.
    static func natCheck(natted: Bool, wan: String) -> Check {
        Check(
            "NAT",
            ok: true,
            natted
                ? "the router's address \(wan) is private: behind NAT, IKEv2 and ESP run over UDP 4500 (NAT-T), "
                    + "which Azure accepts when the router starts the tunnel"
                : "no NAT between the ends"
        )
    }

    /// How the router reaches the tunnel's destination once the tunnel is up: by the longest of
    /// its static routes and what the gateway advertises to it over BGP (through the tunnel).
    ///
    /// A destination that resolves through a tunnel is recursive routing: IOS logs
    /// `%TUN-5-RECURDOWN: Tunnel1 temporarily disabled due to recursive routing` and takes the
    /// tunnel down, and it flaps as the routes come and go. Nil when the router's routes are not
    /// known.
    public static func routeToPeer(router r: RouterEnd, azure a: AzureEnd) -> Check? {
        guard let statics = r.staticRoutes, let destination = r.destination.flatMap(IPv4Address.init) else {
            return nil
        }
        // (prefix, via, distance, what it is)
        var candidates = statics.filter { $0.prefix.contains(destination) }.map {
            ($0.prefix, $0.via, $0.distance, "a static route")
        }
        if a.bgp, !Set(r.bgpNeighbors).isDisjoint(with: a.gatewayBGPAddresses) {
            candidates += a.advertised.compactMap(IPv4Prefix.init).filter { $0.contains(destination) }.map {
                ($0, r.tunnel, 20, "learned from the gateway over BGP")
            }
        }
        guard
            let best = candidates.min(by: { ($1.0.length, $0.2) < ($0.0.length, $1.2) })
        else {
            return Check("route to peer", ok: false, "the router has no route to the tunnel destination \(destination)")
        }
        guard best.1.hasPrefix("Tunnel") else {
            return Check(
                "route to peer",
                ok: true,
                "the tunnel destination \(destination) is reached via \(best.1) (\(best.0))"
            )
        }
        return Check(
            "route to peer",
            ok: false,
            "the tunnel destination \(destination) resolves through \(best.1) (\(best.0), \(best.3)): "
                + "recursive routing, IOS takes \(r.tunnel) down (%TUN-5-RECURDOWN); "
                + "a host route to \(destination) via the WAN keeps it up"
        )
    }

    /// Whether an IKE SA can be agreed: an encryption, an integrity and a DH group both ends take.
    ///
    /// Integrity is not compared when every accepted cipher is AES-GCM, which needs none (the
    /// value then names a PRF, which each end picks for itself).
    static func ikeAgrees(_ offers: IpsecProposals, _ accepts: IpsecProposals) -> Bool {
        let integrityOK =
            accepts.ikeIntegrity.isEmpty || accepts.ikeEncryption.allSatisfy(\.isGCM)
            || !Set(offers.ikeIntegrity).isDisjoint(with: accepts.ikeIntegrity)
        return !Set(offers.ikeEncryption).isDisjoint(with: accepts.ikeEncryption) && integrityOK
            && !Set(offers.dhGroups.map(\.canonical)).isDisjoint(with: accepts.dhGroups.map(\.canonical))
    }
}
