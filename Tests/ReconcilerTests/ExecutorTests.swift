import Azure
import Cisco
import Foundation
import Reconciler
import Spec
import TestProvider
import TestSupport
import Testing

@Suite("Apply executor")
struct ExecutorTests {
    @Test func dependenciesGoFirstAndDeletesGoInReverse() async throws {
        let bed = try TestBed("order")
        defer { bed.remove() }
        let chain = DesiredGraph([
            Graphs.resource("azure:a"), Graphs.resource("azure:b", after: ["azure:a"]),
            Graphs.resource("azure:c", after: ["azure:b"]),
        ])
        let report = try await bed.apply(chain)
        #expect(report.ok)
        #expect(bed.azure.applied == [.azure("a"), .azure("b"), .azure("c")])
        // Everything goes away: c before b before a.
        let changes = try await bed.plan(DesiredGraph([]))
        let state = try #require(try bed.backend.load())
        let deleted = try await bed.executor().apply(changes, state: state)
        #expect(deleted.ok)
        #expect(bed.azure.applied.suffix(3) == [.azure("c"), .azure("b"), .azure("a")])
        #expect(bed.azure.count == 0)
    }

    @Test func parallelismIsBoundedAndUsed() async throws {
        let bed = try TestBed("parallel", latency: .milliseconds(20))
        defer { bed.remove() }
        let graph = DesiredGraph((0..<24).map { Graphs.resource("azure:r\($0)") })
        let report = try await bed.apply(graph, parallelism: 4)
        #expect(report.succeeded.count == 24)
        #expect(bed.azure.peakConcurrency == 4)
    }

    @Test func aProviderCapHoldsBelowTheGlobalBound() async throws {
        let bed = try TestBed("cap", latency: .milliseconds(20), azureConcurrency: 2)
        defer { bed.remove() }
        let graph = DesiredGraph((0..<10).map { Graphs.resource("azure:r\($0)") })
        #expect(try await bed.apply(graph, parallelism: 8).ok)
        #expect(bed.azure.peakConcurrency == 2)
    }

    @Test func changesSharingASerializationKeyNeverOverlap() async throws {
        let bed = try TestBed("serial", latency: .milliseconds(10))
        defer { bed.remove() }
        bed.azure.serializeOn = "vnet"
        _ = bed
        let graph = DesiredGraph((0..<6).map { Graphs.resource("azure:subnet\($0)", ["vnet": "hub"]) })
        #expect(try await bed.apply(graph).ok)
        #expect(bed.azure.peakConcurrency == 1)
    }

    @Test func outputsFlowAcrossProvidersIntoDependants() async throws {
        let bed = try TestBed("outputs")
        defer { bed.remove() }
        let graph = DesiredGraph([
            Graphs.resource("azure:publicIPAddresses/gw-pip1", ["sku": "Standard"]),
            Graphs.resource(
                "cisco:r/tunnel",
                ["destination": Graphs.ref("azure:publicIPAddresses/gw-pip1", "ipAddress")]
            ),
        ])
        #expect(try await bed.apply(graph).ok)
        let ip = bed.azure.stored(.azure("publicIPAddresses/gw-pip1"))?.outputs["ipAddress"]
        #expect(ip != nil)
        #expect(bed.cisco.stored(.cisco("r", "tunnel"))?.attributes["destination"] == ip)
        // And the next plan sees nothing to do.
        #expect(try await bed.plan(graph).allSatisfy { $0.action == .noop })
    }

    @Test func aReplaceReachesTheProviderAndDependantsGetTheNewOutputs() async throws {
        let bed = try TestBed("replace")
        defer { bed.remove() }
        let v1 = DesiredGraph([
            Graphs.resource("azure:publicIPAddresses/pip", ["location": "japaneast"]),
            Graphs.resource("cisco:r/tunnel", ["destination": Graphs.ref("azure:publicIPAddresses/pip", "ipAddress")]),
        ])
        #expect(try await bed.apply(v1).ok)
        let v2 = DesiredGraph([
            Graphs.resource("azure:publicIPAddresses/pip", ["location": "japanwest"]),
            Graphs.resource("cisco:r/tunnel", ["destination": Graphs.ref("azure:publicIPAddresses/pip", "ipAddress")]),
        ])
        let changes = try await bed.plan(v2)
        #expect(changes.map(\.action) == [.replace, .update])
        #expect(try await bed.apply(v2).ok)
        #expect(bed.azure.stored(.azure("publicIPAddresses/pip"))?.attributes["location"] == "japanwest")
        #expect(
            bed.cisco.stored(.cisco("r", "tunnel"))?.attributes["destination"]
                == bed.azure.stored(.azure("publicIPAddresses/pip"))?.outputs["ipAddress"]
        )
        #expect(try await bed.plan(v2).allSatisfy { $0.action == .noop })
    }

    @Test func aFailureSkipsItsDependantsAndIndependentBranchesFinish() async throws {
        let bed = try TestBed("failure", failures: ["azure:b": .permanent("quota exceeded")])
        defer { bed.remove() }
        let graph = DesiredGraph([
            Graphs.resource("azure:a"), Graphs.resource("azure:b", after: ["azure:a"]),
            Graphs.resource("azure:c", after: ["azure:b"]), Graphs.resource("azure:d", after: ["azure:c"]),
            Graphs.resource("azure:e"),
        ])
        let report = try await bed.apply(graph)
        #expect(!report.ok)
        #expect(report.succeeded == [.azure("a"), .azure("e")])
        #expect(report.failed == [.init(address: .azure("b"), message: "quota exceeded")])
        // The root cause is named, not the intermediate skip.
        #expect(
            report.skipped == [
                .init(address: .azure("c"), cause: .azure("b")), .init(address: .azure("d"), cause: .azure("b")),
            ]
        )
        // What succeeded is in state; the next plan shows exactly what remains.
        let state = try #require(try bed.backend.load())
        #expect(state[.azure("a")] != nil && state[.azure("b")] == nil)
        let remaining = try await bed.plan(graph).filter { $0.action != .noop }.map(\.address)
        #expect(remaining == [.azure("b"), .azure("c"), .azure("d")])
    }

    @Test func retryableErrorsAreRetriedHonouringRetryAfter() async throws {
        let bed = try TestBed("retry", failures: ["azure:a": .transient(times: 2, retryAfter: .seconds(7))])
        defer { bed.remove() }
        let sleeps = SleepRecorder()
        let events = EventRecorder()
        let changes = try await bed.plan(DesiredGraph([Graphs.resource("azure:a")]))
        try bed.backend.commit(State(lineage: "t"))
        let report = try await bed.executor(sleeps: sleeps, events: events).apply(changes, state: State(lineage: "t"))
        #expect(report.ok)
        #expect(bed.azure.applyCalls == 3)
        let waits = events.events.compactMap { event -> Duration? in
            if case .retrying(_, _, let after, _) = event { return after }
            return nil
        }
        #expect(waits == [.seconds(7), .seconds(7)])  // Retry-After wins over the shorter backoff
        #expect(sleeps.sleeps.filter { $0 == .seconds(7) }.count == 2)  // and is really waited for
    }

    @Test func backoffGrowsExponentiallyUpToTheCap() throws {
        let bed = try TestBed("backoff")
        defer { bed.remove() }
        var options = ApplyOptions(baseBackoff: .seconds(1), maxBackoff: .seconds(10), jitter: { 1.0 })
        options.jitter = { 1.0 }
        let executor = Executor(
            registry: bed.registry,
            backend: bed.backend,
            fingerprinter: Fingerprinter(key: try bed.backend.fingerprintKey()),
            secrets: SecretResolver(specRoot: "."),
            options: options
        )
        #expect(executor.backoff(attempt: 1, hint: nil) == .seconds(1))
        #expect(executor.backoff(attempt: 3, hint: nil) == .seconds(4))
        #expect(executor.backoff(attempt: 9, hint: nil) == .seconds(10))
        #expect(executor.backoff(attempt: 1, hint: .seconds(30)) == .seconds(30))
    }

    @Test func secretsReachTheProviderButStateKeepsOnlyFingerprints() async throws {
        var bed = try TestBed("secrets")
        defer { bed.remove() }
        bed.environment = ["PSK": "s3cret-value"]
        let graph = DesiredGraph([Graphs.resource("azure:conn", ["sharedKey": .secret(.environment("PSK"))])])
        #expect(try await bed.apply(graph).ok)
        let stored = try String(contentsOfFile: bed.backend.directory + "/state.json", encoding: .utf8)
        #expect(stored.contains("hmac-sha256:"))
        #expect(!stored.contains("s3cret-value"))
        let key = try FileManager.default.attributesOfItem(atPath: bed.backend.directory + "/state.key")
        #expect((key[.posixPermissions] as? Int) == 0o600)
        // Unchanged secret: no diff. Changed: an update, detected by fingerprint.
        #expect(try await bed.plan(graph).allSatisfy { $0.action == .noop })
        bed.environment = ["PSK": "another"]
        #expect(try await bed.plan(graph).map(\.action) == [.update])
    }

    @Test func aMissingSecretFailsThatResourceWithoutPrintingAnything() async throws {
        let bed = try TestBed("missing-secret")
        defer { bed.remove() }
        let graph = DesiredGraph([
            Graphs.resource("azure:conn", ["sharedKey": .secret(.environment("NOT_SET_ANYWHERE"))])
        ])
        let report = try await bed.apply(graph)
        #expect(
            report.failed.first?.message
                == "the secret comes from environment variable NOT_SET_ANYWHERE, which is not set"
        )
    }
}
