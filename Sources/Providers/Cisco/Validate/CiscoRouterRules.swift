public import Spec

/// The rules on the Cisco provider's kind, `CiscoRouter` (docs/rules.md): interface names as IOS
/// writes them, ports the model has, the management path, LAN routes IOS installs, the password
/// hash the software can store, and PPPoE and MSS sizes.
///
/// The spec pipeline runs them beside the core's rules (`ResourceLowering.check`), so they report
/// at the offending line like every rule.
struct CiscoRouterRules: RuleChecker {
    let topology: Topology
    var diagnostics = Diagnostics()

    /// Every rule on every router of `topology`, unsorted.
    static func check(_ topology: Topology) -> [Diagnostic] {
        var rules = CiscoRouterRules(topology: topology)
        rules.checkRouters()
        return rules.diagnostics.all
    }

    /// Interface types as IOS prints them (`show running-config` never abbreviates).
    static let interfaceTypes = [
        "GigabitEthernet", "FastEthernet", "TenGigabitEthernet", "Ethernet", "Vlan", "Dialer", "Cellular",
        "Loopback", "Port-channel", "BDI", "Serial", "ATM", "Virtual-Template", "Tunnel", "TwentyFiveGigE",
        "HundredGigE", "FortyGigabitEthernet", "AppGigabitEthernet", "Wlan-GigabitEthernet",
    ]

    static let interfaceAbbreviations: [String: String] = [
        "gi": "GigabitEthernet", "gig": "GigabitEthernet", "ge": "GigabitEthernet", "fa": "FastEthernet",
        "te": "TenGigabitEthernet", "eth": "Ethernet", "et": "Ethernet", "vl": "Vlan", "di": "Dialer",
        "lo": "Loopback", "po": "Port-channel", "se": "Serial", "tu": "Tunnel", "ce": "Cellular",
    ]

    /// Checks that an interface name is written as IOS prints it; returns the problem's hint.
    static func interfaceProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let digit = bytes.firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) else {
            return "an interface name ends in its number, e.g. GigabitEthernet8"
        }
        let type = String(decoding: bytes[..<digit], as: UTF8.self)
        let number = String(decoding: bytes[digit...], as: UTF8.self)
        let numberOK = bytes[digit...].allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2F || $0 == 0x2E || $0 == 0x3A
        }
        if numberOK && interfaceTypes.contains(type) { return nil }
        let typed = type.lowercased().trimmingSuffix(" ")
        let full =
            interfaceAbbreviations[typed]
            ?? interfaceTypes.first { !typed.isEmpty && $0.lowercased().hasPrefix(typed) }
        if let full {
            return "write it as IOS prints it: \(full)\(number.filter { $0 != " " })"
        }
        return "use an IOS interface type: " + interfaceTypes.prefix(8).joined(separator: ", ") + ", ..."
    }

    mutating func checkRouters() {
        for router in topology.routers {
            let spec = router.spec
            let m = spec.management
            if m.host != nil && m.hostKey == nil && m.knownHostsFile == nil {
                error(
                    .deviceManagement,
                    "router '\(router.name)' has no pinned SSH host key",
                    at: router.at("management", "host"),
                    hint: "add hostKey: \"ssh-rsa AAAA...\" (from ssh-keyscan) or knownHostsFile:"
                )
            }
            if m.lab && (m.hostKey != nil || m.knownHostsFile != nil) {
                warning(
                    .deviceManagement,
                    "router '\(router.name)' is a lab router; hostKey and knownHostsFile are ignored",
                    at: router.at("management", "lab")
                )
            }
            checkPasswordHash(router)
            for (path, name) in [
                (["wan", "interface"], spec.wan.interface), (["lan", "interface"], spec.lan.interface),
            ] {
                if let hint = Self.interfaceProblem(name) {
                    error(
                        .deviceInterface,
                        "'\(name)' is not an interface name as IOS writes it",
                        at: router.meta.location(["spec"] + path.map(PathComponent.key)),
                        hint: hint
                    )
                }
            }
            checkPorts(router)
            checkManagementPath(router)
            checkLanRoutes(router)
            if spec.wan.interface == spec.lan.interface {
                error(
                    .deviceInterface,
                    "WAN and LAN are both '\(spec.wan.interface)'",
                    at: router.at("lan", "interface")
                )
            }
            if spec.wan.address != nil && spec.wan.gateway == nil {
                error(
                    .deviceInterface,
                    "a static WAN address needs a gateway (the next hop of the default route)",
                    at: router.at("wan", "address"),
                    hint: "add gateway: <the ISP's router>"
                )
            }
            if let address = spec.wan.address, let gateway = spec.wan.gateway, !address.prefix.contains(gateway) {
                error(
                    .deviceInterface,
                    "WAN gateway \(gateway) is not on the WAN subnet \(address.prefix)",
                    at: router.at("wan", "gateway")
                )
            }
            if let pppoe = spec.wan.pppoe {
                if pppoe.mtu > 1454 {
                    warning(
                        .devicePppoeMtu,
                        "PPPoE with ip mtu \(pppoe.mtu) will fragment tunnelled traffic",
                        at: router.at("wan", "pppoe", "mtu"),
                        hint: "use mtu: 1454 (PPPoE's 1492 minus the headroom the seed build uses)"
                    )
                }
                if spec.tunnel.tcpAdjustMss > 1350 {
                    warning(
                        .deviceMss,
                        "tcpAdjustMss \(spec.tunnel.tcpAdjustMss) over PPPoE will fragment inside IPsec",
                        at: router.at("tunnel", "tcpAdjustMss"),
                        hint: "use tcpAdjustMss: 1350"
                    )
                }
            } else if spec.tunnel.tcpAdjustMss > 1350 {
                warning(
                    .deviceMss,
                    "tcpAdjustMss \(spec.tunnel.tcpAdjustMss) is above the 1350 Azure recommends; ESP fragments are dropped",
                    at: router.at("tunnel", "tcpAdjustMss"),
                    hint: "use tcpAdjustMss: 1350"
                )
            }
        }
    }

    /// The WAN and LAN ports against the ports the router's model has: a name it lacks
    /// (GigabitEthernet0/0/0 on an 891FJ) fails the push at its first line.
    private mutating func checkPorts(_ router: SpecObject<CiscoRouter>) {
        let spec = router.spec
        guard let ports = IOSHardware.ports(model: spec.model, platform: spec.platform) else { return }
        let model = spec.model ?? spec.platform.rawValue
        for (key, name) in [("wan", spec.wan.interface), ("lan", spec.lan.interface)]
        where Self.interfaceProblem(name) == nil && IOSHardware.isPhysical(name)
            && !IOSHardware.has(name, ports: ports)
        {
            let hint =
                switch ports {
                case .exactly(let names): "its ports are \(names.first ?? "")–\(names.last ?? "")"
                case .slotSubslotPort: "IOS-XE names a port slot/subslot/port, e.g. GigabitEthernet0/0/0"
                }
            error(
                .deviceModelInterface,
                "router '\(router.name)' is a \(model), which has no \(name)",
                at: router.at(.key(key), "interface"),
                hint: hint
            )
        }
    }

    /// The path this tool manages the router by, against who may SSH in: a LAN outside every
    /// `sshAllowedFrom` prefix, when the tool reaches the router from its LAN (the lab's
    /// station, or a `management.host` on the LAN), locks the push out at `access-class`.
    private mutating func checkManagementPath(_ router: SpecObject<CiscoRouter>) {
        let spec = router.spec
        let allowed = spec.system.sshAllowedFrom
        let lan = spec.lan.address.prefix
        let fromLan = spec.management.lab || spec.management.host.flatMap(IPv4Address.init).map(lan.contains) == true
        guard fromLan, !allowed.isEmpty, !allowed.contains(where: { $0.overlaps(lan) }) else { return }
        let list = allowed.map(\.description).joined(separator: ", ")
        error(
            .deviceManagementPath,
            "router '\(router.name)' is managed from its LAN \(lan), which sshAllowedFrom [\(list)] leaves out: "
                + "the vty lines' access-class would refuse this tool's SSH session",
            at: router.at("system", "sshAllowedFrom"),
            hint: "add \(lan) to sshAllowedFrom, in an apply of its own before the LAN moves",
            notes: [.init("the LAN", at: router.at("lan", "address"))]
        )
    }

    /// The LAN's static routes against what IOS installs: a next hop must be another host of the
    /// LAN subnet (IOS resolves it through the connected route; the router's own address or one
    /// off the subnet leaves the route out of the table), and a prefix is routed once.
    ///
    /// A prefix outside the site's address space is only a warning: it is a real on-prem
    /// network, but Azure is never told of it (the local network gateway and the BGP `network`
    /// statements come from `addressSpace`), so traffic from Azure never arrives there.
    private mutating func checkLanRoutes(_ router: SpecObject<CiscoRouter>) {
        let lan = router.spec.lan
        let subnet = lan.address.prefix
        let site = topology.site(forDevice: router.name)
        var seen: [IPv4Prefix: Int] = [:]
        for (i, route) in lan.routes.enumerated() {
            let hop = route.nextHop
            if hop == lan.address.address {
                error(
                    .deviceLanRoute,
                    "the next hop of \(route.prefix) is \(hop), the LAN address of router '\(router.name)' itself",
                    at: router.at("lan", "routes", .index(i), "nextHop"),
                    hint: "name the device on the LAN that routes \(route.prefix), e.g. a core switch"
                )
            } else if !subnet.contains(hop) || Self.isNetworkOrBroadcast(hop, of: subnet) {
                error(
                    .deviceLanRoute,
                    "the next hop \(hop) of \(route.prefix) is not a host of the LAN subnet \(subnet) "
                        + "(\(lan.interface)): IOS would not install the route",
                    at: router.at("lan", "routes", .index(i), "nextHop"),
                    hint: "a LAN route's next hop is a device on \(subnet)",
                    notes: [.init("the LAN address", at: router.at("lan", "address"))]
                )
            }
            if let first = seen[route.prefix] {
                error(
                    .deviceLanRoute,
                    "\(route.prefix) is routed twice on router '\(router.name)'",
                    at: router.at("lan", "routes", .index(i), "prefix"),
                    hint: "keep one next hop per prefix",
                    notes: [.init("first routed here", at: router.at("lan", "routes", .index(first), "prefix"))]
                )
            } else {
                seen[route.prefix] = i
            }
            if let site, !site.spec.addressSpace.contains(where: { $0.contains(route.prefix) }) {
                let space = site.spec.addressSpace.map(\.description).joined(separator: ", ")
                warning(
                    .deviceLanRouteOutsideSite,
                    "\(route.prefix) behind router '\(router.name)' is outside the addressSpace [\(space)] "
                        + "of site '\(site.name)': Azure routes nothing there",
                    at: router.at("lan", "routes", .index(i), "prefix"),
                    hint: "add \(route.prefix) to the site's addressSpace if Azure should reach it",
                    notes: [.init("the site's address space", at: site.at("addressSpace"))]
                )
            }
        }
    }

    /// Whether an address is its subnet's network or broadcast address, which no host has
    /// (a /31 or /32 has neither).
    static func isNetworkOrBroadcast(_ address: IPv4Address, of subnet: IPv4Prefix) -> Bool {
        subnet.length <= 30 && (address.value == subnet.first || address.value == subnet.last)
    }

    /// The management user's hash against what the router's software can store: scrypt on
    /// an image without it fails the apply at that line (IOS refuses `algorithm-type`), so it is
    /// an error here; md5 where scrypt is there is only weaker, so a warning.
    private mutating func checkPasswordHash(_ router: SpecObject<CiscoRouter>) {
        let spec = router.spec
        let chosen = spec.management.passwordHash
        guard let scrypt = IOSSoftware.hasScrypt(platform: spec.platform, software: spec.software) else { return }
        let release = spec.software.map { "\(spec.platform.rawValue) \($0)" } ?? spec.platform.rawValue
        if chosen == .scrypt && !scrypt {
            error(
                .devicePasswordHash,
                "router '\(router.name)' runs \(release), which has no 'algorithm-type scrypt' for its user's secret",
                at: router.at("software"),
                hint:
                    "set management.passwordHash: md5 (type 5), or correct software if the router runs 15.3(3)M or later"
            )
        } else if chosen == .md5 && scrypt {
            warning(
                .devicePasswordWeak,
                "router '\(router.name)' keeps its user's password as MD5 (type 5), which is fast to brute-force",
                at: router.at("management", "passwordHash"),
                hint: "\(release) has scrypt: remove passwordHash or set it to scrypt (type 9)"
            )
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
