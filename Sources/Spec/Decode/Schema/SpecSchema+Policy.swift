/// The policy kinds: routing intents, drift policy and address pools.
extension SpecSchema {
    static let intent = ObjectSchema(
        "IntentSpec",
        "What must be true of the network as a whole.",
        [
            FieldSchema(
                "internetEgress",
                .list(
                    .object(
                        ObjectSchema(
                            "EgressIntent",
                            "Which way a place's internet traffic leaves.",
                            [
                                FieldSchema("from", .string(.any), required: true, "A site or VNet."),
                                FieldSchema("via", enumeration(EgressVia.self), required: true, "azure or onprem."),
                            ]
                        )
                    )
                ),
                "Internet egress intents."
            ),
            FieldSchema(
                "reachability",
                .list(
                    .object(
                        ObjectSchema(
                            "ReachabilityIntent",
                            "Whether one place reaches another.",
                            [
                                FieldSchema("from", .string(.any), required: true, "A site, VNet or VNet/subnet."),
                                FieldSchema("to", .string(.any), required: true, "A site, VNet or VNet/subnet."),
                                FieldSchema(
                                    "expect",
                                    enumeration(Expectation.self),
                                    required: true,
                                    "reachable or blocked."
                                ),
                            ]
                        )
                    )
                ),
                "Reachability intents."
            ),
        ]
    )

    static let driftPolicy = ObjectSchema(
        "DriftPolicySpec",
        "How drift is watched and reported (at most one).",
        [
            FieldSchema(
                "ignore",
                .list(
                    .object(
                        ObjectSchema(
                            "IgnoreRule",
                            "A finding to ignore.",
                            [
                                FieldSchema("resource", .string(.any), required: true, "Resource id glob."),
                                FieldSchema("path", .string(.any), "Attribute path or config-line pattern."),
                                FieldSchema(
                                    "kind",
                                    .string(.any),
                                    "(addition) Resource type glob (Microsoft.Network/*, ios.*)."
                                ),
                                FieldSchema(
                                    "label",
                                    .string(.any),
                                    "(addition) key=value: a label of the spec object."
                                ),
                            ]
                        )
                    )
                ),
                "Ignore rules (plan and drift alike)."
            ),
            FieldSchema(
                "acknowledge",
                .list(
                    .object(
                        ObjectSchema(
                            "Acknowledgement",
                            "A drift finding accepted until a day: reported as acknowledged, not as drift.",
                            [
                                FieldSchema("resource", .string(.any), required: true, "Resource id glob."),
                                FieldSchema("path", .string(.any), "Attribute path or config-line pattern."),
                                FieldSchema("reason", .string(.any), required: true, "Why it is accepted."),
                                FieldSchema(
                                    "expires",
                                    .string(.date),
                                    required: true,
                                    "Last day (UTC), YYYY-MM-DD."
                                ),
                                FieldSchema("by", .string(.any), "Who accepted it."),
                            ]
                        )
                    )
                ),
                "(addition) Acknowledged drift findings."
            ),
            FieldSchema("reportUnmanaged", .boolean, "List what no spec owns (default false)."),
            FieldSchema(
                "notify",
                .object(
                    ObjectSchema(
                        "Notify",
                        "Notifications.",
                        [
                            FieldSchema(
                                "webhook",
                                .object(
                                    ObjectSchema(
                                        "Webhook",
                                        "A webhook receiver.",
                                        [
                                            FieldSchema("url", .string(.url), required: true, "Where to POST."),
                                            FieldSchema("secret", .secret, "HMAC signing secret."),
                                        ]
                                    )
                                ),
                                "Webhook."
                            )
                        ]
                    )
                ),
                "Notifications."
            ),
        ]
    )

    static let addressPool = ObjectSchema(
        "AddressPoolSpec",
        "(addition) Address space the spec hands out to VNets and subnets, or keeps for sites.",
        [
            FieldSchema("prefixes", prefixes, required: true, "The pool's prefixes."),
            FieldSchema(
                "use",
                .enumeration(AddressPool.Use.allCases.map(\.rawValue)),
                "azure (default): VNets and subnets take from it; onPrem: kept for sites, nothing in Azure may overlap it."
            ),
        ]
    )
}
