import BuiltInProviders
import Foundation
import TestSupport
import Testing

@testable import Spec

@Suite("Secrets are resolved only on request")
struct SecretResolverTests {
    let at = Spec.SourceLocation(file: "spec.yaml", line: 3, column: 14)

    @Test func environmentAndFileSources() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("keys"),
            withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("file-psk\n".utf8).write(to: dir.appendingPathComponent("keys/psk"))
        let resolver = SecretResolver(specRoot: dir.path, environment: ["PSK": "env-psk"])
        #expect(try resolver.resolve(SecretRef(source: .environment("PSK"), location: at)) == "env-psk")
        #expect(try resolver.resolve(SecretRef(source: .file("keys/psk"), location: at)) == "file-psk")
    }

    /// What IOS cannot take is refused only for values that reach a device or Azure: a state
    /// backend's URL (`?sslmode=require`) and a webhook's signing key are this tool's alone.
    @Test func onlyValuesThatReachDevicesMustSuitIOS() throws {
        let resolver = SecretResolver(
            specRoot: "/nonexistent",
            environment: ["URL": "postgres://u:p@h/db?sslmode=require"]
        )
        #expect(throws: SecretResolver.Failure.self) {
            try resolver.resolve(SecretRef(source: .environment("URL"), location: at))
        }
        let url = SecretRef(source: .environment("URL"), location: at).forThisToolOnly
        #expect(try resolver.resolve(url) == "postgres://u:p@h/db?sslmode=require")
        let topology = SpecLoader.load(
            text: """
                apiVersion: reconcile/v1
                kind: StateBackend
                metadata: {name: team}
                spec:
                  postgres: {url: {fromEnv: RECONCILE_PG_URL}}
                ---
                apiVersion: reconcile/v1
                kind: DriftPolicy
                metadata: {name: drift}
                spec:
                  notify: {webhook: {url: "https://hooks.example/x", secret: {fromEnv: HOOK_KEY}}}
                """,
            file: "spec.yaml"
        ).topology
        #expect(topology.secretRefs.count == 2)
        #expect(topology.secretRefs.allSatisfy { !$0.reachesDevices }, "\(topology.secretRefs)")
    }

    @Test func failuresNameTheSourceAndNeverAValue() {
        let resolver = SecretResolver(specRoot: "/nonexistent", environment: ["EMPTY": ""])
        #expect(throws: SecretResolver.Failure.environmentUnset("MISSING", at)) {
            try resolver.resolve(SecretRef(source: .environment("MISSING"), location: at))
        }
        #expect(throws: SecretResolver.Failure.fileUnreadable("k", at)) {
            try resolver.resolve(SecretRef(source: .file("k"), location: at))
        }
        #expect(throws: SecretResolver.Failure.empty("env:EMPTY", at)) {
            try resolver.resolve(SecretRef(source: .environment("EMPTY"), location: at))
        }
        let message = SecretResolver.Failure.environmentUnset("MISSING", at).description
        #expect(message == "spec.yaml:3:14: the secret comes from environment variable MISSING, which is not set")
    }

    /// Validation, lowering and rendering run with the secrets' environment unset: none of
    /// them needs a value.
    @Test func thePipelineNeverNeedsAValue() throws {
        let result = SpecPipeline.run(Fixture.path("examples/s2s-cisco891-pppoe"), lowering: BuiltIn.lowering)
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty)
        let graph = try #require(result.graph)
        #expect(graph.resources.contains { !$0.sensitivePaths.isEmpty })
    }
}
