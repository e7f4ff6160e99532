import TestSupport
import Testing

@testable import Spec

/// Documents of kinds a plugin brings: kept as written, checked against the plugin's JSON
/// Schema at file:line:column, and refused as unknown when no plugin of the spec brings them.
@Suite("Kinds plugins bring")
struct PluginKindTests {
    static let schema: Value = .map([
        "type": "object",
        "required": .list(["site", "configDir"]),
        "additionalProperties": false,
        "properties": .map([
            "site": .map(["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$"]),
            "configDir": .map(["type": "string", "minLength": 1]),
            "mtu": .map(["type": "integer", "minimum": 576, "maximum": 9000]),
            "mode": .map(["enum": .list(["tunnel", "transport"])]),
            "peers": .map(["type": "array", "items": .map(["type": "string"]), "maxItems": 2]),
        ]),
    ])

    static let kinds = ["StrongSwanRouter": PluginKind(plugin: "strongswan", schema: schema)]

    static func load(_ text: String, kinds: [String: PluginKind] = kinds) -> LoadedSpec {
        SpecLoader.load(text: text, file: "onprem.yaml", options: LoadOptions(pluginKinds: kinds))
    }

    static func codes(_ loaded: LoadedSpec) -> [String] {
        loaded.diagnostics.all.map { "\($0.rule.rawValue)@\($0.location.line):\($0.location.column)" }.sorted()
    }

    @Test func aDocumentOfAPluginKindIsKeptAsWritten() throws {
        let loaded = Self.load(
            """
            apiVersion: reconcile/v1
            kind: StrongSwanRouter
            metadata: {name: osaka-gw, labels: {site: osaka}}
            spec:
              site: osaka
              configDir: out/osaka
              mtu: 1400
            """
        )
        #expect(Self.codes(loaded) == [])
        let object = try #require(loaded.topology.pluginObjects.first)
        #expect(object.kind == "StrongSwanRouter")
        #expect(object.plugin == "strongswan")
        #expect(object.name == "osaka-gw")
        #expect(object.labels == ["site": "osaka"])
        #expect(object.location.line == 3)
        #expect(object.location(["spec", "configDir"]).line == 6)
        let spec = try #require(object.document["spec"])
        #expect(Value(yaml: spec) == .map(["site": "osaka", "configDir": "out/osaka", "mtu": 1400]))
    }

    @Test func everyBreachOfTheSchemaIsReportedWhereItIs() {
        let loaded = Self.load(
            """
            apiVersion: reconcile/v1
            kind: StrongSwanRouter
            metadata: {name: osaka-gw}
            spec:
              site: "-bad"
              mtu: 100
              mode: tunel
              peers: [a, b, 3]
              colour: blue
            """
        )
        #expect(
            Self.codes(loaded)
                == [
                    "schema-required@5:3",  // no configDir: reported at the spec mapping
                    "schema-type@8:17",  // peers[2] is an integer
                    "schema-value@8:10",  // three peers, at most two
                    "schema-unknown-field@9:3",
                    "schema-value@5:9",  // the pattern
                    "schema-value@6:8",  // below the minimum
                    "schema-value@7:9",  // not in the enum
                ].sorted()
        )
        let messages = loaded.diagnostics.all.map(\.message).joined(separator: "\n")
        #expect(messages.contains("has no 'configDir'"))
        #expect(messages.contains("'peers'[2] must be a string, not an integer"))
        #expect(messages.contains("must be at least 576, not 100"))
    }

    @Test func withoutItsPluginTheKindIsUnknown() {
        let loaded = Self.load(
            """
            apiVersion: reconcile/v1
            kind: StrongSwanRouter
            metadata: {name: osaka-gw}
            spec: {site: osaka, configDir: out}
            """,
            kinds: [:]
        )
        #expect(Self.codes(loaded) == ["schema-kind@2:7"])
    }

    @Test func aNameIsUniquePerPluginKind() {
        let loaded = Self.load(
            """
            apiVersion: reconcile/v1
            kind: StrongSwanRouter
            metadata: {name: gw}
            spec: {site: osaka, configDir: a}
            ---
            apiVersion: reconcile/v1
            kind: StrongSwanRouter
            metadata: {name: gw}
            spec: {site: osaka, configDir: b}
            """
        )
        #expect(Self.codes(loaded) == ["name-duplicate@8:18"])
        #expect(loaded.topology.pluginObjects.count == 1)
    }
}
