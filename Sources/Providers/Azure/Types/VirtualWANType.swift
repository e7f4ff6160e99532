/// A Virtual WAN (`Microsoft.Network/virtualWans`): the hubs' and VPN sites' parent.
///
/// Its body holds the spec's fields as they are, so it needs no shape of its own.
enum VirtualWANType: ARMResourceType {
    static let type = "Microsoft.Network/virtualWans"
}
