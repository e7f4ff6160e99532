import Foundation
import TestSupport
import Testing

@testable import Spec

@Suite("Decoding the spec language")
struct DecodeTests {
    static let scope = """
        apiVersion: reconcile/v1
        kind: AzureScope
        metadata: {name: lab}
        spec: {subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, location: japaneast}

        """

    /// The scope and one lab router whose management password is `password` (YAML text),
    /// with `extra` spec lines (indented, newline-terminated) before `management`.
    static func router(password: String, extra: String = "") -> String {
        scope + """
            ---
            apiVersion: reconcile/v1
            kind: CiscoRouter
            metadata: {name: r1}
            spec:
              platform: ios
            \(extra)  management: {lab: true, username: u, password: \(password)}
              system: {hostname: r1}
              wan: {interface: GigabitEthernet8, address: 198.51.100.2/30, gateway: 198.51.100.1}
              lan: {interface: Vlan1, address: 192.168.10.1/24}
            """
    }

    @Test func scalarsAreTypedByTheSchemaNotByYAML11() throws {
        let result = Fixture.run(
            Self.scope + """
                ---
                apiVersion: reconcile/v1
                kind: Site
                metadata: {name: NO}
                spec: {publicIp: 203.0.113.10, addressSpace: [192.168.10.0/24], bgp: {asn: 065010, peeringAddress: 192.168.10.1}}
                ---
                apiVersion: reconcile/v1
                kind: VirtualWan
                metadata: {name: on}
                spec: {allowBranchToBranchTraffic: on}
                """
        )
        // `NO` and `on` stay names; `065010` and `on` as integer/boolean are refused.
        #expect(result.topology.declared[.site]?["NO"] != nil)
        #expect(result.topology.declared[.virtualWan]?["on"] != nil)
        #expect(result.codes.contains("error[schema-type]@9:76"))
        #expect(result.codes.contains("error[schema-type]@14:36"))
        let leadingZero = try #require(result.diagnostics.first { $0.location.line == 9 })
        #expect(leadingZero.hint == "write 65010 without the leading zero")
    }

    @Test func versionLikeStringsKeepTheirText() throws {
        let result = Fixture.run(
            Self.router(password: "{fromEnv: P}", extra: "  software: 15.4\n")
        )
        #expect(result.diagnostics.isEmpty)
        #expect(result.topology.routers["r1"]?.spec.software == "15.4")
    }

    @Test func quotedIntegersAreRefusedWithAHint() throws {
        let result = Fixture.run(
            Self.scope + """
                ---
                apiVersion: reconcile/v1
                kind: VirtualWan
                metadata: {name: w}
                spec: {type: Standard}
                ---
                apiVersion: reconcile/v1
                kind: Site
                metadata: {name: s}
                spec: {publicIp: 203.0.113.10, bgp: {asn: "65010", peeringAddress: 192.168.10.1}}
                """
        )
        let d = try #require(result.diagnostics.first { $0.rule == .schemaType })
        #expect(d.hint == "write 65010 without quotes")
    }

    @Test func unknownFieldsSuggestTheClosestName() throws {
        let result = Fixture.run(
            Self.scope + """
                ---
                apiVersion: reconcile/v1
                kind: VirtualNetwork
                metadata: {name: v}
                spec: {adressSpace: [10.0.0.0/16]}
                """
        )
        let unknown = try #require(result.diagnostics.first { $0.rule == .schemaUnknownField })
        #expect(unknown.hint == "did you mean 'addressSpace'?")
        #expect(unknown.location.line == 9)
        #expect(result.errorRules == ["schema-unknown-field", "schema-required"])
    }

    @Test func kindsAndApiVersionsAreChecked() {
        let result = Fixture.run(
            Self.scope + """
                ---
                apiVersion: reconcile/v2
                kind: VirtualNetwrok
                metadata: {name: v}
                """
        )
        #expect(result.codes.contains("error[schema-api-version]@6:13"))
        #expect(result.codes.contains("error[schema-kind]@7:7"))
        #expect(result.diagnostics.first { $0.rule == .schemaKind }?.hint == "did you mean 'VirtualNetwork'?")
    }

    @Test func plaintextSecretsAreRefusedUnlessAllowed() throws {
        let text =
            Self.router(password: "hunter2")
        let refused = Fixture.run(text)
        #expect(refused.codes == ["error[secret-plaintext]@11:50"])
        #expect(!refused.diagnostics.map(\.message).joined().contains("hunter2"))
        let allowed = Fixture.run(text, allowPlaintext: true)
        #expect(allowed.diagnostics.isEmpty)
        let password = try #require(allowed.topology.routers["r1"]?.spec.management.password)
        #expect(password.source == .literal("hunter2"))
        #expect(password.description == "literal")
        // The graph names where a secret comes from, never its value.
        let graph = try #require(allowed.graph)
        #expect(!GraphRenderer.render(graph, format: .json, root: ".").contains("hunter2"))
    }

    @Test(arguments: [
        ("{fromEnv: 1BAD}", "secret-source"),
        ("{fromVault: x}", "secret-source"),
        ("{fromEnv: A, fromFile: b}", "secret-source"),
        ("[a]", "secret-source"),
    ])
    func malformedSecretSources(_ secret: String, _ rule: String) {
        let result = Fixture.run(
            Self.router(password: secret)
        )
        #expect(result.errorRules == [rule])
    }

    @Test func duplicateNamesPerKindAreErrors() {
        let result = Fixture.run(
            Self.scope + "---\n"
                + Self.scope.replacingOccurrences(of: "location: japaneast", with: "location: japanwest")
        )
        #expect(result.errorRules == ["name-duplicate"])
    }

    @Test func hostBitsInPrefixesSuggestTheNetwork() throws {
        let result = Fixture.run(
            Self.scope + """
                ---
                apiVersion: reconcile/v1
                kind: VirtualNetwork
                metadata: {name: v}
                spec: {addressSpace: [10.10.1.0/16]}
                """
        )
        #expect(result.diagnostics.first?.hint == "did you mean 10.10.0.0/16?")
    }

    @Test func everyProblemOfASpecIsReportedInOneRun() {
        let result = Fixture.run(
            Self.scope + """
                ---
                apiVersion: reconcile/v1
                kind: VirtualNetwork
                metadata: {name: v}
                spec:
                  addressSpace: [10.0.0.0/16]
                  subnets:
                    - {name: a, prefix: 10.1.0.0/24}
                    - {name: GatewaySubnet, prefix: 10.0.0.0/28, colour: red}
                ---
                apiVersion: reconcile/v1
                kind: Site
                metadata: {name: s}
                spec: {publicIp: 203.0.113.10, addressSpace: [10.0.5.0/24], behindNat: yes}
                """
        )
        #expect(result.errorRules == ["schema-unknown-field", "subnet-outside-vnet", "address-overlap", "schema-type"])
        // Sorted by file and line.
        let lines = result.diagnostics.map(\.location.line)
        #expect(lines == lines.sorted())
    }

    /// Builds one document per kind with every declared field set, decodes it with field
    /// tracking on, and checks that the decoders read every field the schema declares.
    @Test func decodersReadEveryDeclaredField() {
        var declared = Set<String>()
        var documents: [String] = []
        for kind in Kind.allCases {
            guard let schema = SpecSchema.specs[kind] else { continue }
            collect(schema, into: &declared)
            documents.append(
                "apiVersion: reconcile/v1\nkind: \(kind.rawValue)\nmetadata: {name: sample, labels: {a: b}}\nspec: \(sample(.object(schema)))\n"
            )
        }
        collect(SpecSchema.metadata, into: &declared)
        let loaded = SpecLoader.load(
            files: [("sample.yaml", Array(documents.joined(separator: "---\n").utf8))],
            root: "sample.yaml",
            options: LoadOptions(),
            trackAccess: true
        )
        #expect(loaded.diagnostics.all.filter { $0.rule == .schemaUnknownField || $0.rule == .schemaType }.isEmpty)
        let unread = declared.subtracting(loaded.accessedFields).sorted()
        #expect(unread.isEmpty, "declared in SpecSchema but never read by a decoder: \(unread)")
        #expect(loaded.topology.declared.count == Kind.allCases.count)
    }

    private func collect(_ schema: ObjectSchema, into set: inout Set<String>) {
        for field in schema.fields {
            set.insert("\(schema.title).\(field.name)")
            var type = field.type
            while case .list(let element) = type { type = element }
            if case .object(let nested) = type { collect(nested, into: &set) }
        }
    }

    private func sample(_ type: FieldType) -> String {
        switch type {
        case .string(.uuid): return "00000000-0000-0000-0000-000000000000"
        case .string(.endpoint): return "lab"
        case .string(.url): return "https://example.com/hook"
        case .string(.envName): return "X"
        case .string(.currency): return "JPY"
        case .string: return "n1"
        case .reference: return "n1"
        case .integer(let range): return String(max(range.lowerBound, min(range.upperBound, 1350)))
        case .boolean: return "true"
        case .amount: return "12.5"
        case .prefix, .allocatedPrefix: return "10.0.0.0/24"
        case .address: return "10.0.0.1"
        case .interfaceAddress: return "10.0.0.1/24"
        case .enumeration(let values): return values[0]
        case .secret: return "{fromEnv: X}"
        case .list(let element): return "[\(sample(element))]"
        case .object(let schema):
            return "{" + schema.fields.map { "\($0.name): \(sample($0.type))" }.joined(separator: ", ") + "}"
        case .stringMap: return "{k: v}"
        }
    }
}
