public import Spec

/// The Cisco provider's lowering: one resource per managed configuration section of each
/// CiscoRouter, its tunnels towards the cloud end of its site's connections included.
public struct CiscoLowering: ResourceLowering {
    public init() {}

    public var provider: String { "cisco" }

    public func tasks(_ topology: Topology, context: LoweringContext) -> [@Sendable () -> Lowered] {
        // Runs of routers, lowered at the same time.
        let routers = topology.routers.items
        let runs = max(1, min(4, routers.count / 64))
        return (0..<runs).map { run in
            let slice = routers[(routers.count * run / runs)..<(routers.count * (run + 1) / runs)]
            return { Lowered(Lowering.routerSections(slice, topology: topology, context: context)) }
        }
    }

    public func check(_ topology: Topology) -> [Diagnostic] {
        CiscoRouterRules.check(topology)
    }
}

extension Lowering {
    /// One tunnel a router terminates, numbered on the router.
    struct RouterTunnel {
        /// The tunnel's name in the graph and on the router: the connection's for its gateway's
        /// first instance, `tunnelName(connection:instance:)` for the others.
        var name: String
        var meta: ObjectMeta
        var number: Int
        var ikeVersion: ConnectionProtocol
        var crypto: IOSCrypto
        var sharedKey: SecretSource
        /// The Azure end's public IP (this instance's).
        var peer: Value
        /// Static routes via the tunnel (nil when BGP is used).
        var staticPrefixes: [IPv4Prefix]?
        /// BGP neighbour address (this instance's) and ASN, when BGP is used.
        var bgpPeer: (address: Value, asn: ASN)?

        /// Whether a route through this tunnel can cover its own destination.
        ///
        /// The destination is the gateway's public IP: anything learned over BGP can cover it,
        /// and so can a static prefix outside private space. IOS then resolves the tunnel through
        /// itself and takes it down (`%TUN-5-RECURDOWN`), so the destination is pinned by a host
        /// route via the WAN.
        var canCoverDestination: Bool {
            bgpPeer != nil || (staticPrefixes ?? []).contains { !$0.isPrivateOrShared }
        }
    }

    /// Every tunnel the router at `site` terminates, numbered from its first tunnel interface:
    /// first each connection's tunnel to its gateway's first instance, by name (the numbers a
    /// router had before any gateway went active-active), then the second instances'.
    static func tunnels(
        of router: SpecObject<CiscoRouter>,
        site: SpecObject<Site>,
        context: LoweringContext
    ) -> [RouterTunnel] {
        context.siteTunnels(site.name).sorted { ($0.instance, $0.name) < ($1.instance, $1.name) }.enumerated().map {
            i,
            t in
            RouterTunnel(
                name: t.name,
                meta: t.meta,
                number: router.spec.tunnel.interfaceNumber + i,
                ikeVersion: t.ikeVersion,
                // No policy: what the cloud end's gateways take by default, as its provider says.
                crypto: t.policy.map(IOSCrypto.init) ?? context.defaultProposals.map(IOSCrypto.init)
                    ?? IOSCrypto(.recommended(for: t.ikeVersion)),
                sharedKey: t.sharedKey,
                peer: t.peer,
                staticPrefixes: t.staticPrefixes,
                bgpPeer: t.bgpPeer
            )
        }
    }

    /// The sections of a run of routers; routers depend only on the spec, so runs can be
    /// lowered at the same time.
    static func routerSections(
        _ routers: ArraySlice<SpecObject<CiscoRouter>>,
        topology: Topology,
        context: LoweringContext
    ) -> [Resource] {
        var all: [Resource] = []
        all.reserveCapacity(routers.count * 16)
        for router in routers {
            var lowering = Lowering(topology: topology)
            let site = topology.site(forDevice: router.name)
            let tunnels = site.map { Self.tunnels(of: router, site: $0, context: context) } ?? []
            lowering.lowerBase(router, tunnels: tunnels)
            if let site { lowering.lowerTunnels(router, site: site, tunnels: tunnels) }
            // lowerTunnels routes a router's tunnels and LAN together; one without tunnels still
            // has its LAN routes.
            if tunnels.isEmpty { lowering.lowerRouting(router, site: site, tunnels: []) }
            // Routers come in name order; sorting each one's sections hands the graph sorted
            // runs, which its sort then merges in linear time.
            all.append(contentsOf: lowering.resources.sorted { $0.address < $1.address })
        }
        return all
    }

    mutating func lowerBase(_ router: SpecObject<CiscoRouter>, tunnels: [RouterTunnel]) {
        let spec = router.spec
        let device = router.name
        let system = spec.system
        var base: Attributes = [
            "platform": .string(spec.platform.rawValue),
            "model": .optional(spec.model),
            "software": .optional(spec.software),
            "hostname": .string(system.hostname),
            "domainName": .optional(system.domainName),
            "timezone": system.timezone.map {
                .map(["name": .string($0.name), "hours": .int($0.offsetHours), "minutes": .int($0.offsetMinutes)])
            } ?? .null,
            "ntpServers": .list(
                system.ntpServers.map {
                    .map(["address": .string($0.address.description), "prefer": .bool($0.prefer)])
                }
            ),
            "loggingBufferSize": .optional(system.loggingBufferSize),
            "sshAllowedFrom": .strings(system.sshAllowedFrom),
            "username": .string(spec.management.username),
            "password": .secret(spec.management.password.source),
            "enableSecret": spec.management.enableSecret.map { .secret($0.source) } ?? .null,
        ]
        // Only when not scrypt, the provider's default: graphs and plans of specs that do not
        // choose stay as they were.
        if spec.management.passwordHash != .scrypt {
            base["passwordHash"] = .string(spec.management.passwordHash.rawValue)
        }
        add(.cisco(device, CiscoSection.system), type: SystemSection.type, from: router.meta, base)
        let wan = spec.wan
        var wanAttributes: Attributes = ["interface": .string(wan.interface)]
        if let pppoe = wan.pppoe {
            wanAttributes["pppoe"] = .map([
                "dialer": .int(pppoe.dialer),
                "mtu": .int(pppoe.mtu),
                "chapHostname": .string(pppoe.chapHostname),
                "chapPassword": .secret(pppoe.chapPassword.source),
            ])
            wanAttributes["defaultRoute"] = .string(wan.outsideInterface)
        } else if let address = wan.address {
            wanAttributes["address"] = .string(address.address.description)
            wanAttributes["mask"] = .string(address.prefix.dottedMask)
            wanAttributes["defaultRoute"] = .optional(wan.gateway?.description)
        }
        // A hub that propagates its default route over BGP carries the site's internet traffic:
        // the site's own default only floats behind it (distance 250).
        let site = topology.site(forDevice: router.name)
        if let site, !topology.hubDefaultRouteConnections(toSite: site.name).isEmpty {
            wanAttributes["defaultRouteDistance"] = 250
        }
        // Each tunnel destination that a route through a tunnel could cover is reached through
        // the WAN by a host route, so the tunnel never resolves through itself.
        let nextHop = wan.pppoe == nil ? wan.gateway?.description : wan.outsideInterface
        let pinned = tunnels.filter(\.canCoverDestination)
        if let nextHop, !pinned.isEmpty {
            wanAttributes["peerRoutes"] = .list(
                pinned.map { .map(["prefix": $0.peer, "mask": "255.255.255.255", "nextHop": .string(nextHop)]) }
            )
        }
        wanAttributes["natOutside"] = .bool(!spec.natOverload.isEmpty)
        add(.cisco(device, CiscoSection.wan), type: WANSection.type, from: router.meta, wanAttributes)
        add(
            .cisco(device, CiscoSection.lan),
            type: LANSection.type,
            from: router.meta,
            [
                "interface": .string(spec.lan.interface),
                "address": .string(spec.lan.address.address.description),
                "mask": .string(spec.lan.address.prefix.dottedMask),
                "natInside": .bool(!spec.natOverload.isEmpty),
            ]
        )
        if !spec.natOverload.isEmpty {
            add(
                .cisco(device, CiscoSection.nat),
                type: NATSection.type,
                from: router.meta,
                [
                    "accessList": 11,
                    "sources": .list(
                        spec.natOverload.map {
                            .map(["network": .string($0.network.description), "wildcard": .string($0.wildcardMask)])
                        }
                    ),
                    "outsideInterface": .string(wan.outsideInterface),
                ],
                after: [.cisco(device, CiscoSection.wan), .cisco(device, CiscoSection.lan)]
            )
        }
    }

    mutating func lowerTunnels(
        _ router: SpecObject<CiscoRouter>,
        site: SpecObject<Site>,
        tunnels: [RouterTunnel]
    ) {
        guard !tunnels.isEmpty else { return }
        let device = router.name
        let outside = router.spec.wan.outsideInterface
        let keyring = ResourceAddress.cisco(device, CiscoSection.keyring)
        var keyringAttributes: Attributes = [
            "name": "azure-keyring",
            "peers": .list(
                tunnels.map { t in
                    .map([
                        "name": .string(t.name),
                        "address": t.peer,
                        "preSharedKey": .secret(t.sharedKey),
                        "ikeVersion": .string(t.ikeVersion.rawValue),
                    ])
                }
            ),
        ]
        // Behind NAT, IKEv2 moves to UDP 4500 on its own; a keepalive every 20 s holds the NAT's
        // mapping open between DPD probes (under the commonest 30 s UDP timeout), so Azure can
        // still reach the router through it.
        if site.spec.behindNat { keyringAttributes["natKeepalive"] = 20 }
        add(keyring, type: IKEv2KeyringSection.type, from: router.meta, keyringAttributes)
        for t in tunnels {
            let proposal = ResourceAddress.cisco(device, CiscoSection.proposal(t.name))
            let policy = ResourceAddress.cisco(device, CiscoSection.policy(t.name))
            let profile = ResourceAddress.cisco(device, CiscoSection.profile(t.name))
            let transformSet = ResourceAddress.cisco(device, CiscoSection.transformSet(t.name))
            let ipsecProfile = ResourceAddress.cisco(device, CiscoSection.ipsecProfile(t.name))
            add(
                proposal,
                type: IKEv2ProposalSection.type,
                from: t.meta,
                [
                    "name": .string("\(t.name)-proposal"),
                    "encryption": .strings(t.crypto.ikeEncryption),
                    "integrity": .strings(t.crypto.ikeIntegrity),
                    "prf": .optional(t.crypto.ikePrf),
                    "group": .strings(t.crypto.dhGroups),
                ]
            )
            add(
                policy,
                type: IKEv2PolicySection.type,
                from: t.meta,
                ["name": .string("\(t.name)-policy"), "proposals": .list([.string("\(t.name)-proposal")])],
                after: [proposal]
            )
            add(
                profile,
                type: IKEv2ProfileSection.type,
                from: t.meta,
                [
                    "name": .string("\(t.name)-profile"),
                    "matchAddressLocalInterface": .string(outside),
                    "matchIdentityRemoteAddress": t.peer,
                    "authenticationRemote": "pre-share",
                    "authenticationLocal": "pre-share",
                    "keyring": "azure-keyring",
                    "lifetimeSeconds": 28800,
                    // Microsoft's Cisco ISR template: probe every 10 s when traffic is one-way, retry
                    // every 2 s; the peer is declared dead well inside Azure's 45 s DPD timeout.
                    "dpd": "10 2 on-demand",
                ],
                after: [keyring]
            )
            add(
                transformSet,
                type: TransformSetSection.type,
                from: t.meta,
                [
                    "name": .string("\(t.name)-ipsec-proposal-set"), "transforms": .strings(t.crypto.transforms),
                    "mode": "tunnel",
                ]
            )
            add(
                ipsecProfile,
                type: IPsecProfileSection.type,
                from: t.meta,
                [
                    "name": .string("\(t.name)-vti"),
                    "transformSet": .string("\(t.name)-ipsec-proposal-set"),
                    "ikev2Profile": .string("\(t.name)-profile"),
                    "pfsGroup": .optional(t.crypto.pfsGroup),
                    "saLifetimeSeconds": .optional(t.crypto.saLifetimeSeconds),
                    "saLifetimeKilobytes": .optional(t.crypto.saLifetimeKilobytes),
                ],
                after: [transformSet, profile]
            )
            add(
                .cisco(device, CiscoSection.tunnel(t.name)),
                type: TunnelSection.type,
                from: t.meta,
                [
                    "interface": .string("Tunnel\(t.number)"),
                    "unnumbered": .string(outside),
                    "tcpAdjustMss": .int(router.spec.tunnel.tcpAdjustMss),
                    "source": .string(outside),
                    "mode": "ipsec ipv4",
                    "destination": t.peer,
                    "protection": .string("\(t.name)-vti"),
                ],
                after: [ipsecProfile, .cisco(device, CiscoSection.wan)]
            )
        }
        lowerRouting(router, site: site, tunnels: tunnels)
    }

    private mutating func lowerRouting(
        _ router: SpecObject<CiscoRouter>,
        site: SpecObject<Site>?,
        tunnels: [RouterTunnel]
    ) {
        let device = router.name
        var routes: [Value] = []
        for t in tunnels {
            let interface = Value.string("Tunnel\(t.number)")
            for prefix in t.staticPrefixes ?? [] {
                routes.append(
                    .map([
                        "prefix": .string(prefix.network.description), "mask": .string(prefix.dottedMask),
                        "interface": interface,
                    ])
                )
            }
            if let peer = t.bgpPeer {
                routes.append(.map(["prefix": peer.address, "mask": "255.255.255.255", "interface": interface]))
            }
        }
        // On-prem prefixes behind a next hop on the LAN, after the tunnels' routes (a router
        // without LAN routes keeps the list it had).
        let lanRoutes = router.spec.lan.routes
        for route in lanRoutes {
            routes.append(
                .map([
                    "prefix": .string(route.prefix.network.description), "mask": .string(route.prefix.dottedMask),
                    "nextHop": .string(route.nextHop.description),
                ])
            )
        }
        let tunnelSections = tunnels.map { ResourceAddress.cisco(device, CiscoSection.tunnel($0.name)) }
        if !routes.isEmpty {
            add(
                .cisco(device, CiscoSection.routes),
                type: StaticRoutesSection.type,
                from: router.meta,
                ["routes": .list(routes)],
                after: tunnelSections + (lanRoutes.isEmpty ? [] : [.cisco(device, CiscoSection.lan)])
            )
        }
        let bgpTunnels = tunnels.filter { $0.bgpPeer != nil }
        guard let site, let siteBgp = site.spec.bgp, !bgpTunnels.isEmpty else { return }
        let updateSource =
            siteBgp.peeringAddress == router.spec.lan.address.address ? router.spec.lan.interface : "Loopback0"
        add(
            .cisco(device, CiscoSection.bgp),
            type: BGPSection.type,
            from: site.meta,
            [
                "asn": .int(Int(siteBgp.asn.value)),
                "networks": .list(
                    site.spec.addressSpace.map {
                        .map(["prefix": .string($0.network.description), "mask": .string($0.dottedMask)])
                    }
                ),
                "neighbors": .list(
                    bgpTunnels.compactMap { t in
                        t.bgpPeer.map {
                            .map([
                                "address": $0.address,
                                "remoteAs": .int(Int($0.asn.value)),
                                "ebgpMultihop": 255,
                                "updateSource": .string(updateSource),
                            ])
                        }
                    }
                ),
            ],
            after: routes.isEmpty ? tunnelSections : [.cisco(device, CiscoSection.routes)]
        )
    }
}
