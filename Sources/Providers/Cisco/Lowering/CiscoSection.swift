public import Spec

extension Lowering {
    /// Names of the Cisco sections of a device.
    public enum CiscoSection {
        public static let system = "system"
        public static let wan = "wan"
        public static let lan = "lan"
        public static let nat = "nat"
        public static let keyring = "crypto-ikev2-keyring"
        public static let routes = "routes"
        public static let bgp = "bgp"
        public static func proposal(_ c: String) -> String { "crypto-ikev2-proposal/\(c)" }
        public static func policy(_ c: String) -> String { "crypto-ikev2-policy/\(c)" }
        public static func profile(_ c: String) -> String { "crypto-ikev2-profile/\(c)" }
        public static func transformSet(_ c: String) -> String { "crypto-ipsec-transform-set/\(c)" }
        public static func ipsecProfile(_ c: String) -> String { "crypto-ipsec-profile/\(c)" }
        public static func tunnel(_ c: String) -> String { "tunnel/\(c)" }
    }
}
