internal import Reconciler
internal import Spec

/// A public IP address (`Microsoft.Network/publicIPAddresses`); the address itself is an output.
enum PublicIPAddressType: ARMResourceType {
    static let type = "Microsoft.Network/publicIPAddresses"

    static let schema = ResourceTypeSchema(
        type: type,
        attributes: [.init("location", forcesReplacement: true), .init("sku", forcesReplacement: true)],
        outputs: ["id", "ipAddress"],
        keptOnUpdate: ["ipAddress"]  // a static address stays while the resource does
    )

    // Code, not a shape: defaults written when the spec omits a field (`Standard`, `Static`, `IPv4`),
    // read back as null when Azure omits one, and of Azure's properties only these three read back
    // (the address is an output): the declaration neither defaults nor reads a closed set.

    static func arm(_ g: Attributes) -> Attributes {
        var body = common(g)
        body["sku"] = .map(["name": g["sku"] ?? "Standard"])
        body["properties"] = .map([
            "publicIPAllocationMethod": g["allocationMethod"] ?? "Static",
            "publicIPAddressVersion": g["version"] ?? "IPv4",
        ])
        return body
    }

    static func graph(_ arm: Attributes, subscription: String) -> Attributes {
        var g = common(arm: arm)
        let p = properties(arm)
        if case .map(let sku)? = arm["sku"] { g["sku"] = sku["name"] ?? .null }
        g["allocationMethod"] = p["publicIPAllocationMethod"] ?? .null
        g["version"] = p["publicIPAddressVersion"] ?? .null
        return g
    }
}
