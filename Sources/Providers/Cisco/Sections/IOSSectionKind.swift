internal import Reconciler
internal import Spec

/// A kind of IOS configuration section: one resource type of the Cisco provider (`ios.tunnel`),
/// with everything known about it in one place.
///
/// A kind says what its resources look like (`schema`), the lines the spec's attributes stand
/// for (`render`), what the router holds of them in its running config (`read`), and which
/// top-level lines of that config are its own (`owns`, found by `owning`'s identity).
/// `IOSRenderer`, `IOSSections` and `CiscoProvider` look kinds up in `IOSSectionKinds.all`.
protocol IOSSectionKind: Sendable {
    /// The resource type in the desired-state graph (`ios.tunnel`).
    static var type: String { get }

    /// The attributes a section of this kind has, and their defaults.
    static var schema: ResourceTypeSchema { get }

    /// The lines the section stands for, as IOS prints them on `platform` (`ios`, `ios-xe`).
    static func render(_ v: IOSRenderer.Values, platform: String) -> [IOSLine]

    /// The section's attributes as the running config holds them, or nil when none of it is there.
    static func read(_ r: IOSSections.Reading) -> [String: Value]?

    /// Whether a top-level line of the running config belongs to the section named by `v`.
    static func owns(_ v: IOSRenderer.Values, line text: String) -> Bool

    /// The identity to find the section's lines by, from what the spec wants and what was last
    /// applied.
    static func owning(wanted: Attributes, applied: Attributes) -> Attributes
}

extension IOSSectionKind {
    /// Most sections are found by what the spec wants of them alone.
    static func owning(wanted: Attributes, applied: Attributes) -> Attributes { wanted }
}

/// Every kind of section the Cisco provider manages.
enum IOSSectionKinds {
    /// The kinds, in the order the provider lists their schemas.
    static let all: [any IOSSectionKind.Type] = [
        SystemSection.self, WANSection.self, LANSection.self, NATSection.self, StaticRoutesSection.self,
        IKEv2ProposalSection.self, IKEv2PolicySection.self, IKEv2KeyringSection.self, IKEv2ProfileSection.self,
        TransformSetSection.self, IPsecProfileSection.self, TunnelSection.self, BGPSection.self,
    ]

    /// Every kind's schema, in the same order.
    // A closure, not `\.schema`: Swift 6.3.1 crashes (signal 11) lowering a key path to a static
    // member through an existential metatype.
    static let schemas: [ResourceTypeSchema] = all.map { $0.schema }

    private static let byType: [String: any IOSSectionKind.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.type, $0) }
    )

    /// The kind of a resource type, nil for a type the Cisco provider does not manage.
    static func kind(_ type: String) -> (any IOSSectionKind.Type)? { byType[type] }
}
