/// The kinds of object a spec can hold.
public enum Kind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case azureScope = "AzureScope"
    case virtualNetwork = "VirtualNetwork"
    case virtualNetworkGateway = "VirtualNetworkGateway"
    case site = "Site"
    case vpnConnection = "VpnConnection"
    case expressRouteConnection = "ExpressRouteConnection"
    case virtualWan = "VirtualWan"
    case virtualHub = "VirtualHub"
    case hubVpnConnection = "HubVpnConnection"
    case routeServer = "RouteServer"
    case routeTable = "RouteTable"
    case ciscoRouter = "CiscoRouter"
    case intent = "Intent"
    case driftPolicy = "DriftPolicy"
    case addressPool = "AddressPool"
    case stateBackend = "StateBackend"
    case plugin = "Plugin"

    public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The only apiVersion of v1 of the language.
    public static let apiVersion = "reconcile/v1"
}
