internal import Reconciler
internal import Spec

extension AzureImportBuilder {
    /// Local network gateways that an IPsec connection uses: only those become Sites (the
    /// lowering makes one for a site with a VpnConnection, and no other).
    var connectedLocalGateways: Set<String> {
        Set(
            items("connections").filter { $0.graph["connectionType"] == "IPsec" }.compactMap {
                Self.string($0.graph["localNetworkGateway2"])?.armName.lowercased()
            }
        )
    }

    mutating func virtualNetworkGateways() -> [ImportedDocument] {
        var result: [ImportedDocument] = []
        for gw in items("virtualNetworkGateways") {
            let g = gw.graph
            let vpn = g["gatewayType"] == "Vpn"
            let activeActive = g["activeActive"] == .bool(true)
            // The names the lowering gives: `NAME-pip1` (and `-pip2`) on `ipconfig1` (and `2`).
            let expected = vpn ? (activeActive ? [1, 2] : [1]).map { "\(gw.name)-pip\($0)" } : []
            let configurations = Self.maps(g["ipConfigurations"])
            var problem: String?
            var vnet: String?
            var pips: [ARMItem] = []
            if configurations.count != max(1, expected.count) {
                problem = "it has \(configurations.count) IP configurations, not \(max(1, expected.count))"
            }
            for (i, configuration) in configurations.enumerated() where problem == nil {
                let subnet = Self.map(configuration["subnet"]) ?? [:]
                vnet = Self.string(subnet["virtualNetwork"])?.armName
                let pip = Self.string(configuration["publicIPAddress"])?.armName
                if Self.string(configuration["name"]) != "ipconfig\(i + 1)" {
                    problem = "its IP configuration \(i + 1) is not named ipconfig\(i + 1)"
                } else if Self.string(subnet["name"]) != VirtualNetwork.gatewaySubnetName || vnet == nil
                    || !wrote("VirtualNetwork", vnet ?? "")
                {
                    problem = "it is not in a GatewaySubnet of a VNet in the group"
                } else if vpn, pip?.lowercased() != expected[i].lowercased() {
                    problem = "its public IP is \(pip ?? "none"), not \(expected[i])"
                } else if !vpn, pip != nil {
                    problem = "an ExpressRoute gateway with a public IP is not what the spec makes"
                } else if let pip {
                    guard let item = item("publicIPAddresses", named: pip) else {
                        problem = "its public IP \(pip) is not in the group"
                        continue
                    }
                    pips.append(item)
                }
            }
            if let problem {
                notes.append("azure: gateway \(gw.name) is listed as unmanaged: \(problem)")
                continue
            }
            use(gw)
            for pip in pips { use(pip) }
            let addresses = pips.compactMap {
                AzureMapping.outputs(type: AzureTypes.publicIP, arm: $0.body)["ipAddress"]
            }
            .compactMap(Self.string)
            gatewayAddresses[gw.name.lowercased()] = addresses
            var owns = Set(addresses.map { "ip:\($0)" })
            var bgp: SpecValue?
            if vpn, g["enableBgp"] == .bool(true), let settings = Self.map(g["bgpSettings"]) {
                let custom = Self.strings(settings["customBgpIpAddresses"])
                bgp = .fields([
                    ("asn", Self.int(settings["asn"]).map(SpecValue.int)),
                    ("customPeeringAddresses", Self.list(custom)),
                ])
                owns.formUnion((Self.peeringAddresses(gw.properties) + custom).map { "ip:\($0)" })
            }
            var forcedTunneling: SpecValue?
            if let site = Self.string(g["gatewayDefaultSite"])?.armName {
                if connectedLocalGateways.contains(site.lowercased()) {
                    forcedTunneling = .fields([("defaultSite", .string(site))])
                } else {
                    notes.append(
                        "azure: gateway \(gw.name)'s default site \(site) has no VPN connection, so it is no Site: "
                            + "forcedTunneling is left out"
                    )
                }
            }
            result.append(
                ImportedDocument(
                    document(
                        "VirtualNetworkGateway",
                        gw.name,
                        file: Self.mainFile,
                        [
                            ("virtualNetwork", vnet.map(SpecValue.string)),
                            ("gatewayType", Self.string(g["gatewayType"]).map(SpecValue.string)),
                            ("vpnType", vpn ? Self.string(g["vpnType"]).map(SpecValue.string) : nil),
                            ("sku", Self.string(g["sku"]).map(SpecValue.string)),
                            ("activeActive", vpn ? .bool(activeActive) : nil),
                            ("bgp", bgp),
                            ("forcedTunneling", forcedTunneling),
                            ("pointToSite", pointToSite(gw)),
                        ]
                    ),
                    owns: owns
                )
            )
        }
        return result
    }

    /// A gateway's BGP speaker addresses: `bgpSettings.bgpPeeringAddress` (comma-separated per
    /// instance) and each instance's default and custom addresses.
    static func peeringAddresses(_ properties: Attributes) -> [String] {
        guard let settings = map(properties["bgpSettings"]) else { return [] }
        var found = (string(settings["bgpPeeringAddress"]) ?? "").split(separator: ",").map(String.init)
        for instance in maps(settings["bgpPeeringAddresses"]) {
            found += strings(instance["defaultBgpIpAddresses"]) + strings(instance["customBgpIpAddresses"])
        }
        var seen: Set<String> = []
        return found.filter { seen.insert($0).inserted }
    }

    /// Point-to-site settings, root certificates as `{fromEnv: …}`: ARM returns their data, read
    /// as a secret because the spec types it so.
    mutating func pointToSite(_ gw: ARMItem) -> SpecValue? {
        guard let p2s = Self.map(gw.graph["vpnClientConfiguration"]) else { return nil }
        let pool = Self.strings(p2s["addressPool"])
        let certificates = Self.maps(p2s["rootCertificates"])
        guard !pool.isEmpty || !certificates.isEmpty else { return nil }
        var roots: [SpecValue] = []
        for certificate in certificates {
            let name = Self.string(certificate["name"]) ?? "root"
            let variable = environmentName(name, "CERT")
            secrets.append(
                ImportedSecret(
                    name: variable,
                    reading: Self.string(certificate["publicCertData"]).map { .value($0) } ?? .unreadable,
                    origin: "azure: virtualNetworkGateways/\(gw.name) root certificate \(name)"
                )
            )
            roots.append(.fields([("name", .string(name)), ("publicCertData", .fromEnv(variable))]))
        }
        return .fields([
            ("addressPool", .strings(pool)),
            ("tunnelTypes", .strings(Self.strings(p2s["protocols"]))),
            ("rootCertificates", roots.isEmpty ? nil : .list(roots)),
        ])
    }

    // MARK: - Connections

    mutating func vpnConnections() -> [ImportedDocument] {
        var result: [ImportedDocument] = []
        for c in items("connections") where c.graph["connectionType"] == "IPsec" {
            let g = c.graph
            let gateway = Self.string(g["virtualNetworkGateway1"])?.armName ?? ""
            let site = Self.string(g["localNetworkGateway2"])?.armName ?? ""
            guard wrote("VirtualNetworkGateway", gateway), let lng = item("localNetworkGateways", named: site),
                let gw = item("virtualNetworkGateways", named: gateway), gw.graph["gatewayType"] == "Vpn"
            else {
                notes.append("azure: connection \(c.name) is listed as unmanaged: its gateway or site is not imported")
                continue
            }
            use(c)
            use(lng)
            let addresses = gatewayAddresses[gateway.lowercased()] ?? []
            addSite(fromLocalGateway: lng, peers: addresses)
            let version = Self.string(g["connectionProtocol"]) ?? ConnectionProtocol.ikev2.rawValue
            let recommended: IpsecPolicy? =
                gw.graph["sku"] == "Basic"
                ? nil : version == ConnectionProtocol.ikev1.rawValue ? .recommendedIKEv1 : .recommended
            let variable = environmentName(c.name, "PSK")
            secrets.append(
                ImportedSecret(
                    name: variable,
                    reading: inventory.sharedKeys[c.name.lowercased()].map { .value($0) } ?? .unreadable,
                    origin: "azure: connections/\(c.name) sharedKey",
                    meets: Set(addresses.map { "psk:\($0)" })
                )
            )
            let dpd = Self.int(g["dpdTimeoutSeconds"])
            result.append(
                ImportedDocument(
                    document(
                        "VpnConnection",
                        c.name,
                        file: Self.connectionsFile,
                        [
                            ("gateway", .string(gw.name)),
                            ("site", .string(lng.name)),
                            ("protocol", .string(version)),
                            ("sharedKey", .fromEnv(variable)),
                            ("routing", .string(g["enableBgp"] == .bool(true) ? "Bgp" : "Static")),
                            (
                                "ipsecPolicy",
                                policy(g["ipsecPolicies"], unless: recommended, of: "connection \(c.name)")
                            ),
                            ("usePolicyBasedTrafficSelectors", Self.flag(g["usePolicyBasedTrafficSelectors"])),
                            ("dpdTimeoutSeconds", dpd.flatMap { $0 == 45 ? nil : .int($0) }),
                        ]
                    ),
                    peers: Set(addresses.map { "ip:\($0)" })
                )
            )
        }
        return result
    }

    /// The policy to write: none when Azure holds the one the spec would default to.
    mutating func policy(_ observed: Value?, unless standard: IpsecPolicy?, of owner: String) -> SpecValue? {
        let policies = Self.maps(observed).map(Self.ipsecPolicy)
        guard let first = policies.first else {
            if standard != nil {
                notes.append(
                    "azure: \(owner) uses Azure's default proposals, which the spec cannot pin on this gateway: "
                        + "the next plan sets the recommended policy"
                )
            }
            return nil
        }
        if policies.count > 1 {
            notes.append("azure: \(owner) has \(policies.count) IPsec policies; the spec holds one: the first is kept")
        }
        guard let policy = first else {
            notes.append("azure: \(owner) has an IPsec policy the spec cannot say: it is left out")
            return nil
        }
        if policy == standard { return nil }
        return .fields([
            ("ikeEncryption", .string(policy.ikeEncryption.rawValue)),
            ("ikeIntegrity", .string(policy.ikeIntegrity.rawValue)),
            ("dhGroup", .string(policy.dhGroup.rawValue)),
            ("ipsecEncryption", .string(policy.ipsecEncryption.rawValue)),
            ("ipsecIntegrity", .string(policy.ipsecIntegrity.rawValue)),
            ("pfsGroup", .string(policy.pfsGroup.rawValue)),
            ("saLifetimeSeconds", .int(policy.saLifetimeSeconds)),
            ("saDataSizeKilobytes", .int(policy.saDataSizeKilobytes)),
        ])
    }

    /// A policy as ARM holds it (`saLifeTimeSeconds`, the rest named as in the spec).
    static func ipsecPolicy(_ arm: Attributes) -> IpsecPolicy? {
        var fields: [String: String] = [:]
        for entry in arm { fields[entry.key] = entry.value.scalarText }
        guard let seconds = int(arm["saLifeTimeSeconds"]), let kilobytes = int(arm["saDataSizeKilobytes"]) else {
            return nil
        }
        return IpsecPolicy(arm: fields, lifetimeSeconds: seconds, kilobytes: kilobytes)
    }

    mutating func expressRouteConnections() -> [ImportedDocument] {
        var result: [ImportedDocument] = []
        for c in items("connections") where c.graph["connectionType"] == "ExpressRoute" {
            let gateway = Self.string(c.graph["virtualNetworkGateway1"])?.armName ?? ""
            guard wrote("VirtualNetworkGateway", gateway),
                let gw = item("virtualNetworkGateways", named: gateway), gw.graph["gatewayType"] == "ExpressRoute",
                let circuit = Self.string(c.graph["peer"])
            else {
                notes.append("azure: connection \(c.name) is listed as unmanaged: its gateway is not imported")
                continue
            }
            use(c)
            result.append(
                expressRouteConnection(
                    c,
                    gateway: gw.name,
                    circuit: circuit,
                    propagateDefaultRoute: nil,
                    weight: c.graph["routingWeight"]
                )
            )
        }
        for c in items("expressRouteGateways/expressRouteConnections") {
            guard let gw = item("expressRouteGateways", named: c.parentName), isUsed(gw),
                let hub = Self.string(gw.graph["virtualHub"])?.armName,
                let peering = Self.string(c.graph["expressRouteCircuitPeering"])
            else { continue }
            use(c)
            // `CIRCUIT/peerings/AzurePrivatePeering`: the circuit is what the spec names.
            let parts = peering.split(separator: "/", omittingEmptySubsequences: false)
            let circuit =
                parts.count > 2 && parts[parts.count - 2].lowercased() == "peerings"
                ? parts.dropLast(2).joined(separator: "/") : peering
            result.append(
                expressRouteConnection(
                    c,
                    gateway: hub,
                    circuit: circuit,
                    propagateDefaultRoute: Self.flag(c.graph["enableInternetSecurity"]),
                    weight: c.graph["routingWeight"]
                )
            )
        }
        return result
    }

    /// An ExpressRouteConnection; its site is named after the circuit, the only thing of it Azure knows.
    mutating func expressRouteConnection(
        _ c: ARMItem,
        gateway: String,
        circuit: String,
        propagateDefaultRoute: SpecValue?,
        weight: Value?
    ) -> ImportedDocument {
        let site = circuit.armName
        if sites[site.lowercased()] == nil {
            sites[site.lowercased()] = SiteFacts(name: site, circuit: circuit)
        }
        var authorization: SpecValue?
        if let key = Self.string(c.properties["authorizationKey"]) {
            let variable = environmentName(c.name, "AUTH")
            secrets.append(
                ImportedSecret(
                    name: variable,
                    reading: .value(key),
                    origin: "azure: \(c.kind)/\(c.name) authorizationKey"
                )
            )
            authorization = .fromEnv(variable)
        } else {
            notes.append(
                "azure: ARM returns no authorization key for ExpressRoute connection \(c.name): "
                    + "if its circuit is in another subscription, add authorizationKey: {fromEnv: NAME}"
            )
        }
        return ImportedDocument(
            document(
                "ExpressRouteConnection",
                c.name,
                file: Self.connectionsFile,
                [
                    ("gateway", .string(gateway)),
                    ("site", .string(site)),
                    ("circuitId", .string(circuit)),
                    ("authorizationKey", authorization),
                    ("propagateDefaultRoute", propagateDefaultRoute),
                    ("routingWeight", Self.int(weight).flatMap { $0 == 0 ? nil : .int($0) }),
                ]
            )
        )
    }
}
