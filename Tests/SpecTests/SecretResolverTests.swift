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
        let result = SpecPipeline.run(Fixture.path("examples/s2s-cisco891-pppoe"))
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty)
        let graph = try #require(result.graph)
        #expect(graph.resources.contains { !$0.sensitivePaths.isEmpty })
    }
}
