public import Spec

extension ResourceAddress {
    /// A router section's address: `cisco:DEVICE/SECTION` (`cisco:tokyo-rtr1/bgp`).
    public static func cisco(_ device: String, _ section: String) -> ResourceAddress {
        ResourceAddress(provider: "cisco", path: "\(device)/\(section)")
    }
}
