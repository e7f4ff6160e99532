internal import Reconciler
internal import Spec

/// The resource group (`Microsoft.Resources/resourceGroups`) every other resource lives in.
enum ResourceGroupType: ARMResourceType {
    static let type = "Microsoft.Resources/resourceGroups"

    static let schema = ResourceTypeSchema(type: type, attributes: [.init("location", forcesReplacement: true)])

    // Code, not a shape: a resource group's body has no `properties` at all, and its read-back
    // takes `name` from the response's envelope and `subscriptionId` from the request, neither of
    // which the converter reads.

    static func arm(_ g: Attributes) -> Attributes { common(g) }

    static func graph(_ arm: Attributes, subscription: String) -> Attributes {
        var g = common(arm: arm)
        g["name"] = arm["name"] ?? .null
        g["subscriptionId"] = .string(subscription)
        return g
    }
}
