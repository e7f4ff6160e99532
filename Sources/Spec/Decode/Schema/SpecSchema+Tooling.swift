/// The kinds that configure the tool itself: provider plugins and the state backend.
extension SpecSchema {
    static let plugin = ObjectSchema(
        "PluginSpec",
        "(addition) A provider plugin (docs/plugin-protocol.md); metadata.name is the provider's name. "
            + "Without path, reconcile-provider-NAME is looked up on PATH.",
        [
            FieldSchema(
                "path",
                .string(.any),
                "The executable, relative to the spec's directory; requires sha256."
            ),
            FieldSchema(
                "sha256",
                .string(.sha256),
                "The executable's SHA-256 (sha256sum prints it): a different program is refused before it runs."
            ),
        ]
    )

    static let stateBackend = ObjectSchema(
        "StateBackendSpec",
        "(addition) Where the state lives, shared by every runner (at most one; absent: .reconcile/ beside the spec).",
        exactlyOne: [["postgres", "azureBlob"]],
        [
            FieldSchema(
                "postgres",
                .object(
                    ObjectSchema(
                        "PostgresStateBackend",
                        "A PostgreSQL database.",
                        [
                            FieldSchema(
                                "url",
                                .secret,
                                required: true,
                                "postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=require|verify-full|disable."
                            ),
                            FieldSchema("schema", .string(.any), "The schema for its tables (default reconcile)."),
                        ]
                    )
                ),
                "State in PostgreSQL."
            ),
            FieldSchema(
                "azureBlob",
                .object(
                    ObjectSchema(
                        "AzureBlobStateBackend",
                        "A blob in Azure Blob Storage.",
                        [
                            FieldSchema("storageAccount", .string(.any), required: true, "The storage account."),
                            FieldSchema("container", .string(.any), required: true, "The container."),
                            FieldSchema("blob", .string(.any), required: true, "The blob's name."),
                            FieldSchema("endpoint", .string(.any), "public (default) or lab."),
                        ]
                    )
                ),
                "State in Azure Blob Storage."
            ),
        ]
    )
}
