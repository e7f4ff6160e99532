import Foundation
public import Reconciler
public import Spec

/// What Azure's networking resources cost: which meters each resource type uses, from the
/// attributes the provider maps to ARM, priced by the price file this folder ships
/// (`azure-prices.json`, embedded as `AzurePrices.builtIn`; README.md here says what each
/// meter covers and where the facts come from).
public struct AzurePricing: ResourcePricing {
    public init() {}

    public var provider: String { "azure" }
    public var builtInPrices: String { AzurePrices.builtIn }

    /// The attributes `meters` reads: all drift keeps of an unmanaged object (never a secret).
    static let attributesRead = [
        "location", "sku", "gatewayType", "activeActive", "virtualWan", "type", "vpnGatewayScaleUnit",
        "autoScaleMinBounds", "virtualNetworkGateway1", "vpnGateway", "expressRouteGateway",
    ]

    /// The types whose count a meter needs, and the attribute naming the resource they belong to.
    static let parentAttribute = [
        AzureTypes.connection: "virtualNetworkGateway1",
        AzureTypes.vpnConnection: "vpnGateway",
        AzureTypes.expressRouteConnection: "expressRouteGateway",
    ]

    /// The address path a value points at: a reference's, or the last two segments of an ARM
    /// id once recorded or observed (`…/virtualNetworkGateways/hub-vpngw`).
    static func referencedPath(_ value: Value?) -> String? {
        switch value {
        case .reference(let ref)?: return ref.address.path
        case .string(let id)?:
            let segments = id.split(separator: "/")
            return segments.count >= 2 ? segments.suffix(2).joined(separator: "/") : nil
        default: return nil
        }
    }

    /// S2S tunnels a VPN gateway's price includes: the first 10 on every SKU (Basic allows no
    /// more); each one beyond is billed per hour (README.md here gives the sources).
    static let includedTunnels = 10

    /// P2S connections (IKEv2/OpenVPN) a VPN gateway's price includes; the spec does not say how
    /// many clients connect, so the gateway line only notes it.
    static let includedPointToSite = 128

    public func meters(_ resources: [PricedResource], settings: PricingSettings) -> [ResourceAddress: [MeterUse]] {
        let hours = Decimal(settings.hoursPerMonth)
        var found: [ResourceAddress: [MeterUse]] = [:]
        // One pass over the world indexes what meters count (a gateway's connections, Basic
        // WANs), so pricing stays linear in the number of resources.
        var counts: [String: Int] = [:]
        var basicWans: Set<String> = []
        for r in resources {
            if r.type == AzureTypes.virtualWan, r.attributes["type"]?.scalarText == "Basic" {
                basicWans.insert(r.address.path.lowercased())
            }
            guard let attribute = Self.parentAttribute[r.type] else { continue }
            let segments = r.address.path.split(separator: "/")
            let underPath = segments.count >= 4 ? segments.dropLast(2).joined(separator: "/") : nil
            guard let parent = Self.referencedPath(r.attributes[attribute]) ?? underPath else { continue }
            counts[r.type + "|" + parent.lowercased(), default: 0] += 1
        }
        /// The resources of `type` that belong to `address`.
        func dependants(_ type: String, of address: ResourceAddress) -> Int {
            counts[type + "|" + address.path.lowercased()] ?? 0
        }
        for r in resources {
            let region = r.attributes["location"]?.scalarText
            let text = { (key: String) in r.attributes[key]?.scalarText }
            func use(_ meter: String, _ quantity: Decimal, unit: String = "h", _ item: String, note: String? = nil) {
                found[r.address, default: []].append(
                    MeterUse(meter: meter, region: region, quantity: quantity, unit: unit, item: item, note: note)
                )
            }
            switch r.type {
            case AzureTypes.gateway:
                guard let sku = text("sku") else { continue }
                if text("gatewayType") == "ExpressRoute" {
                    use("expressRouteGateway:\(sku)", hours, "ExpressRoute gateway \(sku)")
                    continue
                }
                let included = Self.includedTunnels
                let activeActive = text("activeActive") == "true"
                use(
                    "vpnGateway:\(sku)",
                    hours,
                    "VPN gateway \(sku)\(activeActive ? " (active-active)" : "")",
                    note: "includes \(included) S2S tunnels"
                        + (r.attributes["vpnClientConfiguration"].map { $0 == .null } == false
                            ? " and \(Self.includedPointToSite) point-to-site connections" : "")
                )
                let tunnels = dependants(AzureTypes.connection, of: r.address)
                if tunnels > included {
                    use(
                        "vpnGateway:s2sTunnel",
                        Decimal(tunnels - included) * hours,
                        "S2S tunnels beyond the \(included) included (\(tunnels - included))"
                    )
                }
            case AzureTypes.publicIP:
                let sku = text("sku") ?? "Standard"
                use("publicIP:\(sku)", hours, "Public IP address (\(sku), static)")
            case AzureTypes.virtualHub:
                guard let wan = r.attributes["virtualWan"], wan != .null else {
                    // A hub without a Virtual WAN is a Route Server.
                    use("routeServer", hours, "Route Server")
                    continue
                }
                let basic = Self.referencedPath(wan).map { basicWans.contains($0.lowercased()) } ?? false
                if basic { continue }
                use("virtualHub:Standard", hours, "Virtual WAN hub (Standard)")
                if settings.hubDataProcessedGB > 0 {
                    use(
                        "virtualHub:dataProcessed",
                        settings.hubDataProcessedGB,
                        unit: "GB",
                        "Hub data processing",
                        note: "assumed: pricing.hubDataProcessedGB"
                    )
                }
            case AzureTypes.vpnGateway:
                let units = Decimal(Int(text("vpnGatewayScaleUnit") ?? "1") ?? 1)
                use(
                    "virtualHub:s2sScaleUnit",
                    units * hours,
                    "Hub S2S VPN, \(units) scale unit\(units == 1 ? "" : "s")"
                )
                let connections = dependants(AzureTypes.vpnConnection, of: r.address)
                if connections > 0 {
                    use(
                        "virtualHub:s2sConnection",
                        Decimal(connections) * hours,
                        "Hub S2S connection units (\(connections))"
                    )
                }
            case AzureTypes.expressRouteGateway:
                let units = Decimal(Int(text("autoScaleMinBounds") ?? "1") ?? 1)
                use(
                    "virtualHub:erScaleUnit",
                    units * hours,
                    "Hub ExpressRoute, \(units) scale unit\(units == 1 ? "" : "s")"
                )
                let connections = dependants(
                    AzureTypes.expressRouteConnection,
                    of: r.address
                )
                if connections > 0 {
                    use(
                        "virtualHub:erConnection",
                        Decimal(connections) * hours,
                        "Hub ExpressRoute connection units (\(connections))"
                    )
                }
            case AzureTypes.azureFirewall:
                guard case .map(let sku) = r.attributes["sku"], let tier = sku["tier"]?.scalarText else { continue }
                use("azureFirewall:\(tier)", hours, "Azure Firewall \(tier) (deployment)")
                use(
                    "azureFirewall:\(tier):dataProcessed",
                    settings.firewallDataProcessedGB,
                    unit: "GB",
                    "Azure Firewall \(tier) data processed",
                    note:
                        "assumed \(Money.plain(settings.firewallDataProcessedGB)) GB a month: pricing.firewallDataProcessedGB"
                )
            default:
                continue
            }
        }
        return found
    }
}

/// The built-in price file, embedded by `AzurePrices+Data.swift` (generated).
enum AzurePrices {}
