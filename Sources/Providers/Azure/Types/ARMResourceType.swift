internal import Reconciler
internal import Spec

/// An ARM resource type the Azure provider manages (`Microsoft.Network/virtualHubs`), with
/// everything known about it in one place.
///
/// A type says what its resources look like to the planner (`schema`) and how their graph
/// attributes sit in an ARM body (`shape`, a declaration one converter reads both ways). The few
/// whose body a declaration cannot say write both directions as code instead (`arm`, `graph`),
/// each saying why; a new type should be declared. `AzureProvider` and `AzureMapping` look types
/// up in `ARMResourceTypes.all`.
protocol ARMResourceType: Sendable {
    /// The ARM type name, also the resource's type in the desired-state graph.
    static var type: String { get }

    /// How the type's graph attributes sit in its ARM body.
    static var shape: ARMShape { get }

    /// What the planner knows of the type's attributes: by default, a change of `location` or of
    /// one of the shape's immutable fields replaces the resource.
    static var schema: ResourceTypeSchema { get }

    /// The ARM request body of a resource's graph attributes (by default, read off `shape`).
    static func arm(_ graph: Attributes) -> Attributes

    /// The graph attributes of what ARM returned (by default, read off `shape`); the subscription
    /// is the request's, not the body's.
    static func graph(_ arm: Attributes, subscription: String) -> Attributes
}

extension ARMResourceType {
    static var shape: ARMShape { ARMShape() }

    static var schema: ResourceTypeSchema { ARMResourceTypes.declaredSchema(type, immutable: shape.immutable) }

    static func arm(_ graph: Attributes) -> Attributes { shape.arm(graph, child: ARMShape.isChild(type)) }

    static func graph(_ arm: Attributes, subscription: String) -> Attributes {
        shape.graph(arm, child: ARMShape.isChild(type))
    }
}

/// What the types whose mapping is code share: the envelope every ARM body has.
extension ARMResourceType {
    /// The body's `location` and `tags`, as the graph gives them.
    static func common(_ graph: Attributes) -> Attributes {
        var body: Attributes = [:]
        if let location = graph["location"] { body["location"] = location }
        if let tags = graph["tags"] { body["tags"] = tags }
        return body
    }

    /// The graph's `location` and `tags` of a body; tags Azure leaves out read as none.
    static func common(arm: Attributes) -> Attributes {
        var graph: Attributes = [:]
        if let location = arm["location"] { graph["location"] = location }
        graph["tags"] = arm["tags"] ?? .map([:])
        return graph
    }

    /// The body's `properties`, empty when there are none.
    static func properties(_ arm: Attributes) -> Attributes {
        if case .map(let properties)? = arm["properties"] { return properties }
        return [:]
    }
}

/// Every ARM resource type the Azure provider manages.
enum ARMResourceTypes {
    /// The types, in the order the provider lists their schemas.
    static let all: [any ARMResourceType.Type] = [
        ResourceGroupType.self, VirtualNetworkType.self, PublicIPAddressType.self, VirtualNetworkGatewayType.self,
        LocalNetworkGatewayType.self, GatewayConnectionType.self, RouteTableType.self, VirtualWANType.self,
        VirtualHubType.self, AzureFirewallType.self, VirtualHubRoutingIntentType.self, VPNGatewayType.self,
        ExpressRouteGatewayType.self, VPNSiteType.self, VPNConnectionType.self, ExpressRouteConnectionType.self,
        HubVirtualNetworkConnectionType.self, VirtualHubIPConfigurationType.self, VirtualHubBGPConnectionType.self,
    ]

    /// Every type's schema, in the same order.
    // A closure, not `\.schema`: Swift 6.3.1 crashes (signal 11) lowering a key path to a static
    // member through an existential metatype.
    static let schemas: [ResourceTypeSchema] = all.map { $0.schema }

    private static let byType: [String: any ARMResourceType.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.type, $0) }
    )

    /// The type named `type`, nil for one the provider does not manage.
    static func kind(_ type: String) -> (any ARMResourceType.Type)? { byType[type] }

    /// The ARM request body of a resource of `type`: the one way the provider builds a body.
    ///
    /// A type the provider does not manage is sent as its attributes, under `properties`.
    static func arm(type: String, graph: Attributes) -> Attributes {
        kind(type)?.arm(graph) ?? ARMShape().arm(graph, child: ARMShape.isChild(type))
    }

    /// The graph attributes of what ARM returned for a resource of `type`: the one way back.
    static func graph(type: String, arm: Attributes, subscription: String) -> Attributes {
        kind(type)?.graph(arm, subscription: subscription) ?? ARMShape().graph(arm, child: ARMShape.isChild(type))
    }

    /// The schema of a resource of `type`; one the provider does not manage is replaced only for
    /// a new location.
    static func schema(_ type: String) -> ResourceTypeSchema {
        kind(type)?.schema ?? declaredSchema(type, immutable: [])
    }

    /// The schema of a type the planner knows only by what replaces it: `location` and `immutable`.
    static func declaredSchema(_ type: String, immutable: Set<String>) -> ResourceTypeSchema {
        ResourceTypeSchema(
            type: type,
            attributes: (["location"] + immutable.sorted()).map { AttributeSchema($0, forcesReplacement: true) }
        )
    }
}
