/// Closed sets of the spec language. Raw values are exactly what users write.

public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The local Azure model (the default).
    case lab
    /// Azure public cloud.
    case publicCloud
    /// Any ARM-compatible endpoint.
    case url(String)

    public init?(_ text: String) {
        switch text {
        case "lab": self = .lab
        case "public": self = .publicCloud
        default:
            guard text.hasPrefix("https://") || text.hasPrefix("http://127.") || text.hasPrefix("http://localhost"),
                text.count > 8
            else { return nil }
            self = .url(text)
        }
    }

    public var description: String {
        switch self {
        case .lab: return "lab"
        case .publicCloud: return "public"
        case .url(let url): return url
        }
    }
}

public enum GatewayType: String, Sendable, CaseIterable { case vpn = "Vpn", expressRoute = "ExpressRoute" }
public enum VpnType: String, Sendable, CaseIterable { case routeBased = "RouteBased", policyBased = "PolicyBased" }
public enum P2STunnelType: String, Sendable, CaseIterable { case ikeV2 = "IkeV2", openVPN = "OpenVPN", sstp = "SSTP" }
public enum ConnectionProtocol: String, Sendable, CaseIterable { case ikev2 = "IKEv2", ikev1 = "IKEv1" }
public enum RoutingMode: String, Sendable, CaseIterable { case staticRoutes = "Static", bgp = "Bgp" }

public enum IkeEncryption: String, Sendable, CaseIterable {
    case aes128 = "AES128", aes192 = "AES192", aes256 = "AES256", des = "DES", des3 = "DES3"
    case gcmAES128 = "GCMAES128", gcmAES256 = "GCMAES256"
}

public enum IkeIntegrity: String, Sendable, CaseIterable {
    case md5 = "MD5", sha1 = "SHA1", sha256 = "SHA256", sha384 = "SHA384"
    case gcmAES128 = "GCMAES128", gcmAES256 = "GCMAES256"
}

public enum DhGroup: String, Sendable, CaseIterable {
    case none = "None", group1 = "DHGroup1", group2 = "DHGroup2", group14 = "DHGroup14"
    case group2048 = "DHGroup2048", ecp256 = "ECP256", ecp384 = "ECP384", group24 = "DHGroup24"
}

public enum IpsecEncryption: String, Sendable, CaseIterable {
    case none = "None", des = "DES", des3 = "DES3", aes128 = "AES128", aes192 = "AES192", aes256 = "AES256"
    case gcmAES128 = "GCMAES128", gcmAES192 = "GCMAES192", gcmAES256 = "GCMAES256"
}

public enum IpsecIntegrity: String, Sendable, CaseIterable {
    case md5 = "MD5", sha1 = "SHA1", sha256 = "SHA256"
    case gcmAES128 = "GCMAES128", gcmAES192 = "GCMAES192", gcmAES256 = "GCMAES256"
}

public enum PfsGroup: String, Sendable, CaseIterable {
    case none = "None", pfs1 = "PFS1", pfs2 = "PFS2", pfs14 = "PFS14", pfs2048 = "PFS2048"
    case ecp256 = "ECP256", ecp384 = "ECP384", pfs24 = "PFS24", pfsMM = "PFSMM"
}

public enum VirtualWanType: String, Sendable, CaseIterable { case basic = "Basic", standard = "Standard" }
public enum FirewallSku: String, Sendable, CaseIterable { case basic = "Basic", standard = "Standard", premium = "Premium" }
public enum HubRoutingPreference: String, Sendable, CaseIterable {
    case expressRoute = "ExpressRoute", vpnGateway = "VpnGateway", asPath = "ASPath"
}

public enum NextHopType: String, Sendable, CaseIterable {
    case virtualNetworkGateway = "VirtualNetworkGateway", vnetLocal = "VnetLocal", internet = "Internet"
    case virtualAppliance = "VirtualAppliance", none = "None"
}

public enum Platform: String, Sendable, CaseIterable { case ios = "ios", iosXE = "ios-xe" }
public enum EgressVia: String, Sendable, CaseIterable { case azure, onprem }
public enum Expectation: String, Sendable, CaseIterable { case reachable, blocked }
