import Spec
import Testing

/// The writer `reconcile import` uses: the examples' style, and text that reads back as written.
@Suite("spec writer")
struct SpecWriterTests {
    static let vnet = SpecDocument(
        kind: "VirtualNetwork",
        name: "hub-vnet",
        file: "azure.yaml",
        comments: ["The hub."],
        spec: [
            SpecField("addressSpace", .strings(["10.10.0.0/16"])),
            SpecField(
                "subnets",
                .list([
                    .fields([("name", .string("app")), ("prefix", .string("10.10.1.0/24"))]),
                    .fields([("name", .string("GatewaySubnet")), ("prefix", .string("10.10.120.0/27"))]),
                ])
            ),
        ]
    )

    @Test func documentsAreWrittenInTheExamplesStyle() {
        let text = SpecWriter.file([Self.vnet], header: ["Written by a test."])
        #expect(
            text == """
                # Written by a test.
                # The hub.
                apiVersion: reconcile/v1
                kind: VirtualNetwork
                metadata:
                  name: hub-vnet
                spec:
                  addressSpace: [10.10.0.0/16]
                  subnets:
                  - {name: app, prefix: 10.10.1.0/24}
                  - {name: GatewaySubnet, prefix: 10.10.120.0/27}

                """
        )
    }

    /// A string YAML would read as a boolean, a number or nothing is quoted, so it reads back
    /// as the string it is; a secret is only ever a variable's name.
    @Test func stringsThatLookLikeOtherTypesAreQuoted() throws {
        let router = SpecDocument(
            kind: "CiscoRouter",
            name: "r1",
            file: "r1.yaml",
            spec: [
                SpecField("software", .string("15.4")),
                SpecField("model", .string("on")),
                SpecField("management", .fields([("username", .string("")), ("password", .fromEnv("R1_PASSWORD"))])),
            ]
        )
        let text = SpecWriter.file([router])
        #expect(text.contains("software: \"15.4\""))
        #expect(text.contains("model: \"on\""))
        #expect(text.contains("username: \"\""))
        #expect(text.contains("password: {fromEnv: R1_PASSWORD}"))
        let loaded = SpecLoader.load(text: text, file: "r1.yaml")
        #expect(!loaded.diagnostics.all.contains { $0.message.contains("YAML") }, "\(loaded.diagnostics.all)")
    }

    @Test func theSameDocumentsGiveTheSameBytes() {
        #expect(SpecWriter.file([Self.vnet, Self.vnet]) == SpecWriter.file([Self.vnet, Self.vnet]))
        #expect(SpecWriter.file([Self.vnet, Self.vnet]).contains("\n---\n"))
    }
}
