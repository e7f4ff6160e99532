public import Spec

/// The public names of the ARM types the provider manages, for code outside it (lowering, import,
/// tests).
///
/// Each name is its type's own constant (`VirtualHubType.type`), so a type is spelt once, in its
/// file, and cannot drift by a typo.
public enum AzureTypes {
    public static let resourceGroup = ResourceGroupType.type
    public static let virtualNetwork = VirtualNetworkType.type
    public static let routeTable = RouteTableType.type
    public static let publicIP = PublicIPAddressType.type
    public static let gateway = VirtualNetworkGatewayType.type
    public static let localNetworkGateway = LocalNetworkGatewayType.type
    public static let connection = GatewayConnectionType.type
    public static let virtualWan = VirtualWANType.type
    public static let virtualHub = VirtualHubType.type
    public static let virtualHubRoutingIntent = VirtualHubRoutingIntentType.type
    public static let virtualHubIPConfiguration = VirtualHubIPConfigurationType.type
    public static let virtualHubBGPConnection = VirtualHubBGPConnectionType.type
    public static let hubVirtualNetworkConnection = HubVirtualNetworkConnectionType.type
    public static let azureFirewall = AzureFirewallType.type
    public static let vpnGateway = VPNGatewayType.type
    public static let vpnSite = VPNSiteType.type
    public static let vpnConnection = VPNConnectionType.type
    public static let expressRouteGateway = ExpressRouteGatewayType.type
    public static let expressRouteConnection = ExpressRouteConnectionType.type

    /// The type of a resource at `address` (`virtualHubs/h/bgpConnections/p` →
    /// `Microsoft.Network/virtualHubs/bgpConnections`).
    static func type(of address: ResourceAddress) -> String {
        let parts = address.path.split(separator: "/")
        let collections = stride(from: 0, to: parts.count - 1, by: 2).map { String(parts[$0]) }
        return "Microsoft.Network/" + collections.joined(separator: "/")
    }
}
