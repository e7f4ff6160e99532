/// A Virtual WAN hub (`Microsoft.Network/virtualHubs`): the hub's address space and SKU are set
/// once, as is the WAN it belongs to.
enum VirtualHubType: ARMResourceType {
    static let type = "Microsoft.Network/virtualHubs"

    static let shape = ARMShape(references: ["virtualWan"], immutable: ["virtualWan", "addressPrefix", "sku"])
}
