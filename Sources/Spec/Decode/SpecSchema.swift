/// The declared schema of every kind, plus the fields this tool adds.
///
/// Additions beyond the original spec language are marked "(addition)" in their summary and documented in
/// `docs/spec-additions.md`.
public enum SpecSchema {
    static func enumeration<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> FieldType
    where E.RawValue == String {
        .enumeration(E.allCases.map(\.rawValue))
    }

    static let asn = FieldType.integer(1...4_294_967_295)
    static let prefixes = FieldType.list(.prefix)

    /// Costs a Site or CiscoRouter declares by hand (`reconcile cost`, docs/cost.md).
    static let costs = FieldSchema(
        "costs",
        .list(
            .object(
                ObjectSchema(
                    "CostItem",
                    "A recurring or one-time cost Azure's price list cannot know.",
                    exactlyOne: [["monthly", "yearly", "once"]],
                    [
                        FieldSchema(
                            "item",
                            .string(.any),
                            required: true,
                            "What it is (\"InterLink VPN + fixed IP\")."
                        ),
                        FieldSchema("monthly", .amount, "Paid every month."),
                        FieldSchema("yearly", .amount, "Paid every year (a maintenance contract)."),
                        FieldSchema("once", .amount, "Paid once (hardware); counted in the first year."),
                        FieldSchema("currency", .string(.currency), required: true, "ISO 4217 code: JPY, USD, EUR."),
                    ]
                )
            )
        ),
        "(addition) Costs beyond Azure's prices, for `reconcile cost`."
    )

    /// The object envelope shared by every document.
    public static let metadata = ObjectSchema(
        "Metadata",
        "Identity of an object; names are unique per kind.",
        [
            FieldSchema("name", .string(.name), required: true, "Unique per kind: [A-Za-z0-9][A-Za-z0-9._-]{0,62}."),
            FieldSchema("labels", .stringMap, "Free-form labels, usable by drift ignore rules."),
        ]
    )

    public static let ipsecPolicy = ObjectSchema(
        "IpsecPolicy",
        "A custom IKE/IPsec policy; when given, both ends are rendered with exactly this.",
        [
            FieldSchema("ikeEncryption", enumeration(IkeEncryption.self), required: true, "Phase 1 encryption."),
            FieldSchema("ikeIntegrity", enumeration(IkeIntegrity.self), required: true, "Phase 1 integrity."),
            FieldSchema("dhGroup", enumeration(DhGroup.self), required: true, "Phase 1 Diffie-Hellman group."),
            FieldSchema("ipsecEncryption", enumeration(IpsecEncryption.self), required: true, "Phase 2 encryption."),
            FieldSchema("ipsecIntegrity", enumeration(IpsecIntegrity.self), required: true, "Phase 2 integrity."),
            FieldSchema(
                "pfsGroup",
                enumeration(PfsGroup.self),
                required: true,
                "Phase 2 perfect forward secrecy group."
            ),
            FieldSchema("saLifetimeSeconds", .integer(300...172_799), required: true, "Phase 2 SA lifetime."),
            FieldSchema(
                "saDataSizeKilobytes",
                .integer(1024...2_147_483_647),
                required: true,
                "Phase 2 SA data size."
            ),
        ]
    )

    public static let specs: [Kind: ObjectSchema] = [
        .azureScope: azureScope,
        .virtualNetwork: virtualNetwork,
        .virtualNetworkGateway: virtualNetworkGateway,
        .site: site,
        .vpnConnection: vpnConnection,
        .expressRouteConnection: expressRouteConnection,
        .virtualWan: virtualWan,
        .virtualHub: virtualHub,
        .hubVpnConnection: hubVpnConnection,
        .routeServer: routeServer,
        .routeTable: routeTable,
        .ciscoRouter: ciscoRouter,
        .intent: intent,
        .driftPolicy: driftPolicy,
        .addressPool: addressPool,
        .plugin: plugin,
        .stateBackend: stateBackend,
    ]
}
