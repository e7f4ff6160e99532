import Azure
import AzureModel
import BuiltInProviders
import Foundation
import Reconciler
import Spec
import TestSupport
import Testing

/// The Azure importer against the Azure model over loopback HTTP: an example's Azure side is
/// applied, imported, written, loaded and planned again, and must plan as nothing to do.
@Suite("Azure import against the Azure model", .serialized)
struct AzureImportTests {
    typealias Lab = AzureProviderTests.Lab

    /// Every example with an Azure side, and its resource group.
    static let examples = [
        ("s2s-cisco891-pppoe", "rg-s2s-tokyo"), ("vwan-internet-via-azure", "rg-vwan-japan"),
        ("routeserver-nva-default-route", "rg-rs-hub"), ("forced-tunneling", "rg-forced-tunnel"),
        ("point-to-site", "rg-p2s"), ("pools-and-costs", "rg-pools"),
    ]

    static let subscription = "00000000-0000-0000-0000-000000000000"

    /// Applies an example's Azure side to a fresh model.
    static func applied(_ example: String, _ group: String) async throws -> Lab {
        var lab = try await Lab("import-\(example)", group: group)
        lab.specRoot = Fixture.path("examples/\(example)")
        let report = try await lab.apply(try lab.azureGraph(example), environment: AzureProviderTests.environment)
        #expect(report.ok, "\(report.failed)")
        return lab
    }

    static func importer(_ lab: Lab, _ group: String) -> AzureImporter {
        AzureImporter(client: lab.provider.client, subscription: subscription, resourceGroup: group, endpoint: "lab")
    }

    /// Writes the documents as `reconcile import` does, one file per `file`, and loads them.
    static func load(_ scope: ImportedScope, in directory: URL) throws -> ValidatedSpec {
        let out = directory.appendingPathComponent("imported")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for (file, text) in SpecWriter.files(scope.documents.map(\.document)) {
            try text.write(to: out.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return SpecPipeline.run(out.path, lowering: BuiltIn.lowering)
    }

    /// The values the import read, by `fromEnv` name, as a user's `--secret-env` would give them.
    static func environment(_ scope: ImportedScope) -> [String: String] {
        var environment: [String: String] = [:]
        for secret in scope.secrets {
            if let name = secret.name, case .value(let value) = secret.reading { environment[name] = value }
        }
        return environment
    }

    @Test(arguments: examples)
    func anImportedExamplePlansAsNothingToDo(_ example: String, _ group: String) async throws {
        let lab = try await Self.applied(example, group)
        defer { lab.stop() }
        let scope = try await Self.importer(lab, group).importScope()
        #expect(scope.requests > 0)
        let spec = try Self.load(scope, in: lab.directory)
        let texts = SpecWriter.files(scope.documents.map(\.document)).map(\.text).joined(separator: "\n")
        #expect(!spec.hasErrors, "\(spec.diagnostics.map(\.message))\n\(texts)")
        #expect(scope.unmanaged.isEmpty, "\(scope.unmanaged)")
        // No secret value is in what is written.
        for value in AzureProviderTests.environment.values { #expect(!texts.contains(value)) }
        let graph = try #require(spec.graph)
        let imported = DesiredGraph(graph.resources.filter { $0.provider == "azure" })
        #expect(imported.resources.count == (try lab.azureGraph(example)).resources.count)
        // A fresh state, as `reconcile import` starts from: what exists and matches is adopted.
        let empty = LocalStateBackend(directory: lab.directory.appendingPathComponent("empty-state").path)
        let changes = try await lab.plan(imported, environment: Self.environment(scope), state: empty)
        for change in changes where change.action != .noop {
            // A secret ARM does not return (a link's key, an authorization key, a connection's key
            // in a list) cannot be compared with no state; adopting records it. Nothing else may differ.
            let plain = change.changes.filter { !$0.sensitive }
            #expect(
                change.action == .update && plain.isEmpty,
                "\(change.address) \(change.action) \(plain.map(\.path))"
            )
        }
        // The IPsec connections' keys were read whole, where the model gives them.
        for secret in scope.secrets where secret.origin.hasPrefix("azure: connections/") {
            #expect(AzureProviderTests.environment.values.contains { secret.matches($0) }, "\(secret.origin)")
            #expect(!secret.meets.isEmpty)
        }
    }

    @Test func aSubnetAddedOutOfBandIsImported() async throws {
        let group = "rg-s2s-tokyo"
        let lab = try await Self.applied("s2s-cisco891-pppoe", group)
        defer { lab.stop() }
        let path = lab.provider.path(.azure("virtualNetworks/hub-vnet"))
        var body = try #require(try await lab.provider.client.get(path, apiVersion: AzureProvider.networkVersion))
        guard case .map(var properties)? = body["properties"], case .list(var subnets)? = properties["subnets"] else {
            Issue.record("no subnets in \(body)")
            return
        }
        subnets.append(.map(["name": "db", "properties": .map(["addressPrefix": "10.10.3.0/24"])]))
        properties["subnets"] = .list(subnets)
        body["properties"] = .map(properties)
        _ = try await lab.provider.client.put(path, apiVersion: AzureProvider.networkVersion, body: body)

        let scope = try await Self.importer(lab, group).importScope()
        let vnet = try #require(scope.documents.first { $0.document.kind == "VirtualNetwork" }?.document)
        let text = SpecWriter.file([vnet])
        #expect(text.contains("- {name: db, prefix: 10.10.3.0/24}"), "\(text)")
        let spec = try Self.load(scope, in: lab.directory)
        #expect(!spec.hasErrors, "\(spec.diagnostics.map(\.message))")
    }

    @Test func theSiteAndConnectionSayWhatJoinsThemToARouter() async throws {
        let group = "rg-s2s-tokyo"
        let lab = try await Self.applied("s2s-cisco891-pppoe", group)
        defer { lab.stop() }
        let scope = try await Self.importer(lab, group).importScope()
        let site = try #require(scope.documents.first { $0.document.kind == "Site" })
        #expect(site.document.name == "tokyo-hq" && site.document.file == "tokyo-hq.yaml")
        #expect(site.owns == ["ip:203.0.113.10"])
        let gateway = try #require(scope.documents.first { $0.document.kind == "VirtualNetworkGateway" })
        let key = try #require(scope.secrets.first { $0.origin == "azure: connections/azure sharedKey" })
        #expect(key.name == "AZURE_PSK")
        #expect(!gateway.owns.isEmpty && key.meets == Set(gateway.owns.map { "psk:" + $0.dropFirst(3) }))
        #expect(site.peers == gateway.owns)
        // The article's pinned policy differs from the recommended one, so it is written.
        let connection = try #require(scope.documents.first { $0.document.kind == "VpnConnection" }?.document)
        #expect(connection.value(at: "ipsecPolicy.dhGroup") == .string("DHGroup2"))
        #expect(connection.value(at: "sharedKey") == .fromEnv("AZURE_PSK"))
    }
}
