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

public enum GatewayType: String, Sendable, CaseIterable {
    case vpn = "Vpn"
    case expressRoute = "ExpressRoute"
}
public enum VpnType: String, Sendable, CaseIterable {
    case routeBased = "RouteBased"
    case policyBased = "PolicyBased"
}
public enum P2STunnelType: String, Sendable, CaseIterable {
    case ikeV2 = "IkeV2"
    case openVPN = "OpenVPN"
    case sstp = "SSTP"
}
public enum ConnectionProtocol: String, Sendable, CaseIterable {
    case ikev2 = "IKEv2"
    case ikev1 = "IKEv1"
}
public enum RoutingMode: String, Sendable, CaseIterable {
    case staticRoutes = "Static"
    case bgp = "Bgp"
}

public enum IkeEncryption: String, Sendable, CaseIterable {
    case aes128 = "AES128"
    case aes192 = "AES192"
    case aes256 = "AES256"
    case des = "DES"
    case des3 = "DES3"
    case gcmAES128 = "GCMAES128"
    case gcmAES256 = "GCMAES256"
}

public enum IkeIntegrity: String, Sendable, CaseIterable {
    case md5 = "MD5"
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case gcmAES128 = "GCMAES128"
    case gcmAES256 = "GCMAES256"
}

public enum DhGroup: String, Sendable, CaseIterable {
    case none = "None"
    case group1 = "DHGroup1"
    case group2 = "DHGroup2"
    case group14 = "DHGroup14"
    case group2048 = "DHGroup2048"
    case ecp256 = "ECP256"
    case ecp384 = "ECP384"
    case group24 = "DHGroup24"
}

public enum IpsecEncryption: String, Sendable, CaseIterable {
    case none = "None"
    case des = "DES"
    case des3 = "DES3"
    case aes128 = "AES128"
    case aes192 = "AES192"
    case aes256 = "AES256"
    case gcmAES128 = "GCMAES128"
    case gcmAES192 = "GCMAES192"
    case gcmAES256 = "GCMAES256"
}

public enum IpsecIntegrity: String, Sendable, CaseIterable {
    case md5 = "MD5"
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case gcmAES128 = "GCMAES128"
    case gcmAES192 = "GCMAES192"
    case gcmAES256 = "GCMAES256"
}

public enum PfsGroup: String, Sendable, CaseIterable {
    case none = "None"
    case pfs1 = "PFS1"
    case pfs2 = "PFS2"
    case pfs14 = "PFS14"
    case pfs2048 = "PFS2048"
    case ecp256 = "ECP256"
    case ecp384 = "ECP384"
    case pfs24 = "PFS24"
    case pfsMM = "PFSMM"
}

public enum VirtualWanType: String, Sendable, CaseIterable {
    case basic = "Basic"
    case standard = "Standard"
}
public enum FirewallSku: String, Sendable, CaseIterable {
    case basic = "Basic"
    case standard = "Standard"
    case premium = "Premium"
}
public enum HubRoutingPreference: String, Sendable, CaseIterable {
    case expressRoute = "ExpressRoute"
    case vpnGateway = "VpnGateway"
    case asPath = "ASPath"
}

public enum NextHopType: String, Sendable, CaseIterable {
    case virtualNetworkGateway = "VirtualNetworkGateway"
    case vnetLocal = "VnetLocal"
    case internet = "Internet"
    case virtualAppliance = "VirtualAppliance"
    case none = "None"
}

public enum Platform: String, Sendable, CaseIterable {
    case ios = "ios"
    case iosXE = "ios-xe"
}
/// How the router keeps the management user's password: `scrypt` (type 9, the default) or
/// `md5` (type 5) for IOS images older than 15.3(3)M, which lack `algorithm-type scrypt`.
public enum PasswordHash: String, Sendable, CaseIterable { case scrypt, md5 }
public enum EgressVia: String, Sendable, CaseIterable { case azure, onprem }
public enum Expectation: String, Sendable, CaseIterable { case reachable, blocked }
