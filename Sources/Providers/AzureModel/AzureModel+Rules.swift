import Foundation
import Spec

extension AzureModel {
    /// Azure's rules for a PUT, with Azure's error codes where known (`docs/azure-model.md`;
    /// codes marked *(emu)* there are the model's own, kept in this one place).
    func validate(baseType: String, properties: Attributes, id: String, group: String) -> ARMResponse? {
        switch baseType {
        case "virtualnetworks": return validateNetwork(properties, id: id) ?? subnetsStillInUse(properties, id: id)
        case "virtualnetworkgateways": return validateGateway(properties, id: id)
        case "localnetworkgateways": return reservedASN(properties["bgpSettings"], allowAzure: false)
        case "connections": return validateReferences(properties, ["virtualNetworkGateway1", "localNetworkGateway2"])
        case "virtualhubs" where id.lowercased().contains("/ipconfigurations/"):
            return validateRouteServerSubnet(properties)
        case "virtualhubs" where id.lowercased().contains("/bgpconnections/"):
            if case .int(let asn)? = properties["peerAsn"], let why = ASN(UInt32(clamping: asn)).reservation {
                return error(400, ModelCodes.asnReserved, "Peer ASN \(asn) is \(why).")
            }
            return nil
        default: return nil
        }
    }

    /// Codes the model chose where Azure's own are not documented (`docs/azure-model.md`),
    /// kept in one place for later correction.
    enum ModelCodes {
        static let asnReserved = "BgpAsnReserved"
        static let skuRetired = "InvalidGatewaySku"
        static let routeServerSubnetTooSmall = "RouteServerSubnetTooSmall"
        static let routeServerSubnetName = "InvalidRouteServerSubnet"
    }

    private func reservedASN(_ bgp: Value?, allowAzure: Bool) -> ARMResponse? {
        guard case .map(let settings)? = bgp, case .int(let asn)? = settings["asn"] else { return nil }
        let number = ASN(UInt32(clamping: asn))
        if allowAzure && number == .azure { return nil }
        guard let why = number.reservation else { return nil }
        return error(400, ModelCodes.asnReserved, "ASN \(asn) is \(why).")
    }

    /// A VNet PUT that drops a subnet a gateway or Route Server still uses.
    private func subnetsStillInUse(_ properties: Attributes, id: String) -> ARMResponse? {
        guard let existing = resources[id.lowercased()], case .map(let old)? = existing.body["properties"],
            case .list(let oldSubnets)? = old["subnets"]
        else { return nil }
        func names(_ value: Value?) -> Set<String> {
            guard case .list(let items)? = value else { return [] }
            return Set(
                items.compactMap { if case .map(let m) = $0, case .string(let n)? = m["name"] { n } else { nil } }
            )
        }
        for removed in names(.list(oldSubnets)).subtracting(names(properties["subnets"])).sorted() {
            if let user = usedBy(id + "/subnets/" + removed) {
                return error(
                    400,
                    "InUseSubnetCannotBeDeleted",
                    "Subnet \(removed) is in use by \(user) and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet."
                )
            }
        }
        return nil
    }

    private func validateRouteServerSubnet(_ properties: Attributes) -> ARMResponse? {
        guard case .map(let subnetRef)? = properties["subnet"], case .string(let subnetId)? = subnetRef["id"] else {
            return nil
        }
        let name = String(subnetId.split(separator: "/").last ?? "")
        guard name == "RouteServerSubnet" else {
            return error(
                400,
                ModelCodes.routeServerSubnetName,
                "A Route Server must use a subnet named exactly 'RouteServerSubnet'."
            )
        }
        let vnetKey = "/" + subnetId.split(separator: "/").dropLast(2).joined(separator: "/").lowercased()
        guard let vnet = resources[vnetKey], case .map(let vp)? = vnet.body["properties"],
            case .list(let subnets)? = vp["subnets"]
        else { return error(400, "InvalidResourceReference", "Resource \(subnetId) was not found.") }
        for s in subnets {
            guard case .map(let m) = s, m["name"] == "RouteServerSubnet", case .map(let sp)? = m["properties"],
                case .string(let text)? = sp["addressPrefix"], let prefix = IPv4Prefix(text)
            else { continue }
            if prefix.length > 26 {
                return error(
                    400,
                    ModelCodes.routeServerSubnetTooSmall,
                    "RouteServerSubnet /\(prefix.length) is too small; Route Server needs /26 or larger."
                )
            }
        }
        return nil
    }

    private func strings(_ value: Value?) -> [String] {
        guard case .list(let items)? = value else { return [] }
        return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    private func validateNetwork(_ properties: Attributes, id: String) -> ARMResponse? {
        guard case .map(let space)? = properties["addressSpace"] else { return nil }
        let spaces = strings(space["addressPrefixes"]).compactMap(IPv4Prefix.init)
        guard case .list(let subnets)? = properties["subnets"] else { return nil }
        var seen: [(String, IPv4Prefix)] = []
        let vnet = String(id.split(separator: "/").last ?? "")
        for subnet in subnets {
            guard case .map(let s) = subnet, case .string(let name)? = s["name"], case .map(let p)? = s["properties"],
                case .string(let text)? = p["addressPrefix"]
            else { continue }
            guard let prefix = IPv4Prefix(text), (2...29).contains(prefix.length) else {
                return error(400, "NetcfgInvalidSubnet", "Subnet '\(name)' is not valid in virtual network '\(vnet)'.")
            }
            if !spaces.contains(where: { $0.contains(prefix) }) {
                return error(
                    400,
                    "NetcfgSubnetRangeOutsideVnet",
                    "Subnet '\(name)' is not valid because its IP address range is outside the IP address range of virtual network '\(vnet)'."
                )
            }
            if let other = seen.first(where: { $0.1.overlaps(prefix) }) {
                return error(
                    400,
                    "NetcfgSubnetRangesOverlap",
                    "Subnet '\(name)' is not valid because its IP address range overlaps with that of an existing subnet '\(other.0)' in virtual network '\(vnet)'."
                )
            }
            seen.append((name, prefix))
        }
        return nil
    }

    private func validateGateway(_ properties: Attributes, id: String) -> ARMResponse? {
        guard case .list(let configurations)? = properties["ipConfigurations"],
            case .map(let first)? = configurations.first,
            case .map(let p)? = first["properties"], case .map(let subnetRef)? = p["subnet"],
            case .string(let subnetId)? = subnetRef["id"]
        else {
            return error(
                400,
                "InvalidRequestFormat",
                "A virtual network gateway needs an ipConfiguration with a subnet."
            )
        }
        guard subnetId.split(separator: "/").last.map(String.init) == "GatewaySubnet" else {
            return error(400, "InvalidGatewaySubnet", "The gateway's subnet must be named exactly 'GatewaySubnet'.")
        }
        let vnetId = subnetId.split(separator: "/").dropLast(2).joined(separator: "/")
        guard let vnet = resources["/" + vnetId.lowercased()], case .map(let vp)? = vnet.body["properties"],
            case .list(let subnets)? = vp["subnets"]
        else {
            return error(
                400,
                "InvalidResourceReference",
                "Resource \(subnetId) referenced by resource \(id) was not found."
            )
        }
        let gatewaySubnet = subnets.compactMap { s -> IPv4Prefix? in
            guard case .map(let m) = s, m["name"] == "GatewaySubnet", case .map(let sp)? = m["properties"],
                case .string(let text)? = sp["addressPrefix"]
            else { return nil }
            return IPv4Prefix(text)
        }.first
        guard let gatewaySubnet else {
            return error(
                400,
                "InvalidResourceReference",
                "Resource \(subnetId) referenced by resource \(id) was not found."
            )
        }
        var sku = ""
        if case .map(let s)? = properties["sku"], case .string(let n)? = s["name"] { sku = n }
        var gatewayKind = "Vpn"
        if case .string(let t)? = properties["gatewayType"] { gatewayKind = t }
        if gatewayKind == "Vpn",
            ["VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5", "Standard", "HighPerformance"].contains(sku)
        {
            return error(
                400,
                ModelCodes.skuRetired,
                "VPN gateway SKU \(sku) can no longer be created; use the AZ SKUs."
            )
        }
        if let problem = reservedASN(properties["bgpSettings"], allowAzure: true) { return problem }
        if gatewaySubnet.length > (sku == "Basic" ? 29 : 27) {
            return error(
                400,
                "GatewaySubnetTooSmall",
                "GatewaySubnet /\(gatewaySubnet.length) is too small for SKU \(sku)."
            )
        }
        var type = "Vpn"
        if case .string(let t)? = properties["gatewayType"] { type = t }
        for (key, stored) in resources where key != id.lowercased() && key.contains("/virtualnetworkgateways/") {
            let text = JSONOutput.encode(Value.map(stored.body)).lowercased()
            if text.contains(vnetId.lowercased() + "/subnets/gatewaysubnet"),
                text.contains("\"gatewaytype\" : \"\(type.lowercased())\"")
            {
                return error(
                    400,
                    "VirtualNetworkGatewayAlreadyExists",
                    "A virtual network can't be associated with more than one gateway."
                )
            }
        }
        return validateReferences(p, ["publicIPAddress"])
    }

    private func validateReferences(_ properties: Attributes, _ fields: [String]) -> ARMResponse? {
        for field in fields {
            guard case .map(let ref)? = properties[field], case .string(let target)? = ref["id"] else { continue }
            if resources[target.lowercased()] == nil {
                return error(
                    400,
                    "InvalidResourceReference",
                    "Resource \(target) referenced by the request was not found."
                )
            }
        }
        return nil
    }

    /// Fields Azure sets: a public IP's address, a gateway's BGP settings.
    func computed(baseType: String, id: String, existing: Attributes?, properties: inout Attributes) {
        switch baseType {
        case "publicipaddresses":
            if case .map(let old)? = existing?["properties"], let ip = old["ipAddress"] {
                properties["ipAddress"] = ip
            } else {
                properties["ipAddress"] = .string("20.194.\(nextAddress / 250).\(nextAddress % 250 + 1)")
                nextAddress += 1
            }
        case "virtualnetworkgateways":
            var bgp: Attributes = ["asn": 65515, "peerWeight": 0]
            if case .map(let given)? = properties["bgpSettings"] { bgp = bgp.merging(given) }
            let instances = gatewayPeeringAddresses(properties)
            bgp["bgpPeeringAddress"] = .string(
                instances.isEmpty ? "10.0.255.254" : instances.map(\.address).joined(separator: ",")
            )
            // One entry per instance, as ARM lists them; an active-active gateway's second
            // instance is reached only through its own address.
            bgp["bgpPeeringAddresses"] = .list(
                instances.map {
                    .map([
                        "ipconfigurationId": .string($0.configuration),
                        "defaultBgpIpAddresses": .list([.string($0.address)]), "customBgpIpAddresses": .list([]),
                        "tunnelIpAddresses": .list($0.publicIP.map { [.string($0)] } ?? []),
                    ])
                }
            )
            properties["bgpSettings"] = .map(bgp)
        case "connections":
            properties["connectionStatus"] = "NotConnected"
        case "vpngateways":
            computeHubGateway(existing: existing, properties: &properties)
        case "virtualhubs":
            // A Route Server's router addresses come from its ip configuration, a child.
            for field in ["virtualRouterAsn", "virtualRouterIps"] {
                if case .map(let old)? = existing?["properties"], let value = old[field] { properties[field] = value }
            }
        default: break
        }
    }

    /// A Route Server takes ASN 65515 and two router addresses in its subnet once its ip
    /// configuration exists.
    func placeRouter(ipConfiguration: Attributes, hub: String) {
        guard let subnetId = Self.reference(ipConfiguration["subnet"]),
            case .list(let subnets)? = lookup(Self.parent(subnetId))?["subnets"],
            var stored = resources[hub], case .map(var properties)? = stored.body["properties"]
        else { return }
        let name = String(subnetId.split(separator: "/").last ?? "").lowercased()
        for case .map(let subnet) in subnets where (subnet["name"].map(Self.text)?.lowercased()) == name {
            guard case .string(let prefix)? = self.properties(subnet)["addressPrefix"] else { continue }
            properties["virtualRouterAsn"] = 65515
            properties["virtualRouterIps"] = .list(Self.routerAddresses(subnetPrefix: prefix))
        }
        stored.body["properties"] = .map(properties)
        resources[hub] = stored
    }

    /// A Virtual WAN hub's VPN gateway runs two instances: each a public IP (kept across
    /// updates) and a BGP address inside the hub's prefix (the hub router takes the first
    /// addresses; Azure shows the gateways at .12 and .13), as ARM reports them.
    private func computeHubGateway(existing: Attributes?, properties: inout Attributes) {
        var oldIPs: [String] = []
        if case .map(let old)? = existing?["properties"], case .list(let configurations)? = old["ipConfigurations"] {
            oldIPs = configurations.compactMap { item in
                if case .map(let m) = item, case .string(let ip)? = m["publicIpAddress"] { ip } else { nil }
            }
        }
        let hub = Self.reference(properties["virtualHub"]).flatMap { resources[$0.lowercased()] }
        var base: UInt32 = IPv4Address("10.0.0.0")?.value ?? 0
        if case .map(let hp)? = hub?.body["properties"], case .string(let text)? = hp["addressPrefix"],
            let prefix = IPv4Prefix(text)
        {
            base = prefix.network.value
        }
        var configurations: [Value] = []
        var peerings: [Value] = []
        for instance in 0..<2 {
            let ip: String
            if instance < oldIPs.count {
                ip = oldIPs[instance]
            } else {
                ip = "20.194.\(nextAddress / 250).\(nextAddress % 250 + 1)"
                nextAddress += 1
            }
            let bgp = IPv4Address(base + 12 + UInt32(instance)).description
            configurations.append(
                .map([
                    "id": .string("Instance\(instance)"), "publicIpAddress": .string(ip),
                    "privateIpAddress": .string(IPv4Address(base + 4 + UInt32(instance)).description),
                ])
            )
            peerings.append(
                .map([
                    "ipconfigurationId": .string("Instance\(instance)"), "defaultBgpIpAddresses": .list([.string(bgp)]),
                    "customBgpIpAddresses": .list([]), "tunnelIpAddresses": .list([.string(ip)]),
                ])
            )
        }
        properties["ipConfigurations"] = .list(configurations)
        var bgp: Attributes = ["asn": 65515, "peerWeight": 0]
        if case .map(let given)? = properties["bgpSettings"] { bgp = bgp.merging(given) }
        bgp["bgpPeeringAddress"] = .string(
            (0..<2).map { IPv4Address(base + 12 + UInt32($0)).description }.joined(separator: ",")
        )
        bgp["bgpPeeringAddresses"] = .list(peerings)
        properties["bgpSettings"] = .map(bgp)
    }

    /// The gateway's BGP addresses, one per instance (ip configuration), from its GatewaySubnet
    /// as Azure picks them: an active-standby gateway's is the subnet's last usable address; an
    /// active-active gateway's instances take the first usable ones (`.4`, `.5`), and ARM reports
    /// them comma-separated in `bgpPeeringAddress`.
    private func gatewayPeeringAddresses(
        _ properties: Attributes
    ) -> [(configuration: String, address: String, publicIP: String?)] {
        guard case .list(let configurations)? = properties["ipConfigurations"],
            case .map(let first)? = configurations.first,
            case .map(let p)? = first["properties"], case .map(let subnetRef)? = p["subnet"],
            case .string(let subnetId)? = subnetRef["id"]
        else { return [] }
        let vnetKey = "/" + subnetId.split(separator: "/").dropLast(2).joined(separator: "/").lowercased()
        guard let vnet = resources[vnetKey], case .map(let vp)? = vnet.body["properties"],
            case .list(let subnets)? = vp["subnets"]
        else { return [] }
        for s in subnets {
            guard case .map(let m) = s, m["name"] == "GatewaySubnet", case .map(let sp)? = m["properties"],
                case .string(let text)? = sp["addressPrefix"], let prefix = IPv4Prefix(text)
            else { continue }
            return configurations.enumerated().map { index, item in
                var configuration = ""
                var publicIP: String?
                if case .map(let c) = item {
                    configuration = c["id"].map(Self.text) ?? c["name"].map(Self.text) ?? ""
                    if case .map(let cp)? = c["properties"], let pip = Self.reference(cp["publicIPAddress"]),
                        case .map(let pipProperties)? = resources[pip.lowercased()]?.body["properties"],
                        case .string(let ip)? = pipProperties["ipAddress"]
                    {
                        publicIP = ip
                    }
                }
                let address =
                    configurations.count == 1
                    ? IPv4Address(prefix.last - 1) : IPv4Address(prefix.network.value + 4 + UInt32(index))
                return (configuration, address.description, publicIP)
            }
        }
        return []
    }
}
