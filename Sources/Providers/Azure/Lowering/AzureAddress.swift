public import Spec

extension Lowering {
    /// Addresses of the Azure resources a spec object becomes.
    public enum AzureAddress {
        public static let resourceGroup = ResourceAddress.azure("resourceGroup")
        public static func virtualNetwork(_ n: String) -> ResourceAddress { .azure("virtualNetworks/\(n)") }
        public static func publicIP(_ n: String) -> ResourceAddress { .azure("publicIPAddresses/\(n)") }
        public static func gateway(_ n: String) -> ResourceAddress { .azure("virtualNetworkGateways/\(n)") }
        public static func localNetworkGateway(_ n: String) -> ResourceAddress { .azure("localNetworkGateways/\(n)") }
        public static func connection(_ n: String) -> ResourceAddress { .azure("connections/\(n)") }
        public static func virtualWan(_ n: String) -> ResourceAddress { .azure("virtualWans/\(n)") }
        public static func virtualHub(_ n: String) -> ResourceAddress { .azure("virtualHubs/\(n)") }
        public static func hubVpnGateway(_ hub: String) -> ResourceAddress { .azure("vpnGateways/\(hub)-vpngw") }
        public static func hubErGateway(_ hub: String) -> ResourceAddress { .azure("expressRouteGateways/\(hub)-ergw") }
        public static func vpnSite(_ n: String) -> ResourceAddress { .azure("vpnSites/\(n)") }
        public static func firewall(_ n: String) -> ResourceAddress { .azure("azureFirewalls/\(n)") }
        public static func routeTable(_ n: String) -> ResourceAddress { .azure("routeTables/\(n)") }

        public static func gatewayPublicIPs(_ gw: String, activeActive: Bool) -> [ResourceAddress] {
            (activeActive ? [1, 2] : [1]).map { publicIP("\(gw)-pip\($0)") }
        }
    }
}
