import AzureModel
import BuiltInProviders
import Foundation
import Reconciler
import Spec
import TestSupport
import Testing

@testable import Azure

/// The Azure Blob state backend against the lab's Blob service over loopback HTTP: the same
/// client code that talks to a storage account.
@Suite("Azure Blob state backend against the lab's Blob service", .serialized)
struct AzureBlobStateTests {
    final class Lab: Sendable {
        let server: BlobServer
        let directory: URL

        init() throws {
            directory = try Fixture.temporaryDirectory("azblob")
            server = try BlobServer(service: BlobService(store: BlobStore(root: directory.path)))
        }

        func backend(_ environment: [String: String] = [:], blob: String = "tokyo.json") throws
            -> AzureBlobStateBackend
        {
            let url = server.url
            return try AzureBlobStateBackend.open(
                url: "azblob://labstate/state/\(blob)?endpoint=lab",
                environment: environment,
                lab: { url }
            )
        }

        /// Every blob of the container, downloaded: name → bytes.
        func download() throws -> [String: Data] {
            let client = AzureBlobClient(
                endpoint: server.url + "/labstate",
                account: "labstate",
                auth: .bearer({ "t" })
            )
            let list = try client.send("GET", "/state", query: [("restype", "container"), ("comp", "list")])
            let names = String(decoding: list.body, as: UTF8.self).components(separatedBy: "<Name>").dropFirst()
                .compactMap { $0.components(separatedBy: "</Name>").first }
            var blobs: [String: Data] = [:]
            for name in names { blobs[name] = try client.send("GET", "/state/\(name)").body }
            return blobs
        }

        func stop() {
            server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func resource(_ name: String) -> StateResource {
        StateResource(
            address: .azure("virtualNetworks/\(name)"),
            type: "azure/virtualNetwork",
            attributes: ["name": .string(name)],
            outputs: [:],
            dependencies: []
        )
    }

    @Test func snapshotJournalAndKeyRoundTrip() async throws {
        let lab = try Lab()
        defer { lab.stop() }
        try await Fixture.offThePool {
            let backend = try lab.backend()
            #expect(try backend.load() == nil)
            let key = try backend.fingerprintKey()
            #expect(key.count == 32)
            #expect(try lab.backend().fingerprintKey() == key, "a second run reads the same key")
            try backend.commit(State(lineage: "L1"))
            try backend.record(.azure("virtualNetworks/hub"), Self.resource("hub"))
            try backend.record(.azure("virtualNetworks/spoke"), Self.resource("spoke"))
            // Another process replays the journal over the snapshot.
            let replayed = try #require(try lab.backend().load())
            #expect(replayed.resources.keys.sorted() == ["azure:virtualNetworks/hub", "azure:virtualNetworks/spoke"])
            var next = replayed
            next.serial = 1
            try backend.commit(next)
            #expect(try lab.download()["tokyo.json.journal"] == nil, "a commit folds the journal in")
            #expect(try lab.download()["tokyo.json.backup"] != nil)
            #expect(try lab.backend().load()?.serial == 1)
        }
    }

    @Test func aCommitOverAnotherRunsSnapshotIsRefused() async throws {
        let lab = try Lab()
        defer { lab.stop() }
        try await Fixture.offThePool {
            let first = try lab.backend()
            let second = try lab.backend()
            try first.commit(State(lineage: "L1"))
            _ = try first.load()
            _ = try second.load()
            try second.commit(State(lineage: "L1", serial: 1))
            // `first` read the snapshot before `second` wrote it: its etag is stale.
            #expect(throws: StateError.self) { try first.commit(State(lineage: "L1", serial: 2)) }
            // Another lineage, or an older serial, is never written over this one.
            #expect(throws: StateError.self) { try lab.backend().commit(State(lineage: "other", serial: 9)) }
            #expect(throws: StateError.self) { try lab.backend().commit(State(lineage: "L1", serial: 0)) }
            #expect(try lab.backend().load()?.serial == 1)
        }
    }

    @Test func aConflictingAppendIsDetected() async throws {
        let lab = try Lab()
        defer { lab.stop() }
        try await Fixture.offThePool {
            let first = try lab.backend()
            try first.commit(State(lineage: "L1"))
            try first.record(.azure("virtualNetworks/hub"), Self.resource("hub"))
            try lab.backend().record(.azure("virtualNetworks/spoke"), Self.resource("spoke"))
            #expect(throws: StateError.self) { try first.record(.azure("virtualNetworks/x"), Self.resource("x")) }
        }
    }

    @Test func theLockIsALeaseThatNamesItsHolder() async throws {
        let lab = try Lab()
        defer { lab.stop() }
        try await Fixture.offThePool {
            let first = try lab.backend()
            let holder = LockInfo(
                holder: "ci",
                host: "runner-7",
                pid: 4242,
                time: ISO8601DateFormatter().string(from: Date()),
                command: "apply examples/s2s",
                ciJob: "github 1234/apply"
            )
            try first.lock(holder)
            let second = try lab.backend()
            do {
                try second.lock(LockInfo.current(command: "plan"))
                Issue.record("a second lock was granted")
            } catch StateError.locked(let info, _) {
                #expect(info == holder)
                let message = StateError.locked(info, stale: false).description
                #expect(message.contains("ci@runner-7"), "\(message)")
                #expect(message.contains("github 1234/apply"), "\(message)")
            }
            #expect(try second.lockHolder() == holder)
            // `reconcile state unlock` breaks the lease; then the lock is free.
            #expect(try second.breakLock(ifHeldBy: holder))
            #expect(try second.lockHolder() == nil)
            try second.lock(LockInfo.current(command: "apply"))
            try first.unlock()  // its lease is gone: nothing to release, and nothing of second's is touched
            #expect(try lab.backend().lockHolder()?.command == "apply")
            try second.unlock()
            #expect(try lab.backend().lockHolder() == nil)
        }
    }

    @Test func sharedKeyAndSASCredentialsFromTheEnvironment() async throws {
        let lab = try Lab()
        defer { lab.stop() }
        try await Fixture.offThePool {
            let connection =
                "DefaultEndpointsProtocol=http;AccountName=labstate;AccountKey=\(BlobService.accountKey);"
                + "BlobEndpoint=\(lab.server.url)/labstate;"
            let keyed = try AzureBlobStateBackend.open(
                url: "azblob://labstate/state/tokyo.json",
                environment: ["AZURE_STORAGE_CONNECTION_STRING": connection],
                lab: nil
            )
            try keyed.commit(State(lineage: "L1"))
            let wrong = connection.replacingOccurrences(
                of: BlobService.accountKey,
                with: "AAAA" + BlobService.accountKey.dropFirst(4)
            )
            let forged = try AzureBlobStateBackend.open(
                url: "azblob://labstate/state/tokyo.json",
                environment: ["AZURE_STORAGE_CONNECTION_STRING": wrong],
                lab: nil
            )
            #expect(throws: StateError.self) { try forged.load() }
            let expiry = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            let reader = try lab.backend(["AZURE_STORAGE_SAS_TOKEN": "?sv=2025-01-05&sp=rl&se=\(expiry)&sig=x"])
            #expect(try reader.load()?.lineage == "L1")
            #expect(throws: StateError.self) { try reader.commit(State(lineage: "L1", serial: 1)) }
        }
    }

    @Test func badLocationsAreRefusedWithTheReason() {
        #expect(throws: AzureBlobError.self) {
            try AzureBlobStateBackend.open(url: "azblob://labstate", environment: [:], lab: nil)
        }
        #expect(throws: AzureBlobError.self) {
            try AzureBlobStateBackend.open(url: "azblob://labstate/state/x?endpoint=lab", environment: [:], lab: nil)
        }
        let other = "AccountName=elsewhere;AccountKey=\(BlobService.accountKey)"
        #expect(throws: AzureBlobError.self) {
            try AzureBlobStateBackend.open(
                url: "azblob://labstate/state/x",
                environment: ["AZURE_STORAGE_CONNECTION_STRING": other],
                lab: nil
            )
        }
    }

    /// An example's Azure side applied with its state in Blob storage: every blob downloaded
    /// afterwards holds fingerprints of the pre-shared keys, never the keys.
    @Test func noSecretIsWrittenIntoABlob() async throws {
        let lab = try Lab()
        defer { lab.stop() }
        let model = AzureModelServer(model: AzureModel())
        try await model.start()
        defer { model.stop() }
        let provider = AzureProvider(
            client: ARMClient(
                baseURL: model.url,
                token: { "lab" },
                sleep: { _ in try await Task.sleep(for: .milliseconds(20)) }
            ),
            subscription: "00000000-0000-0000-0000-000000000000",
            group: "rg-s2s-tokyo"
        )
        let spec = SpecPipeline.run(Fixture.path("examples/s2s-cisco891-pppoe"), lowering: BuiltIn.lowering)
        let graph = DesiredGraph(try #require(spec.graph).resources.filter { $0.provider == "azure" })
        let environment = [
            "TOKYO_PSK": "psk-secret-tokyo-1", "OSAKA_PSK": "psk-secret-osaka-2", "ER_AUTH": "er-secret-3",
        ]
        let backend = try lab.backend()
        let registry = ProviderRegistry([provider])
        let engine = Engine(registry: registry, backend: backend)
        let state = try engine.loadState()
        let printer = try engine.fingerprinter()
        let secrets = SecretResolver(specRoot: ".", environment: environment)
        let changes = Planner.plan(
            Planner.Input(
                desired: graph,
                observed: try await engine.refresh(desired: graph, state: state),
                state: state,
                registry: registry,
                fingerprint: { source in
                    (try? secrets.resolve(SecretRef(source: source, location: .whole(".")))).map(printer.fingerprint)
                }
            )
        )
        try await Fixture.offThePool { try backend.commit(state) }
        let executor = Executor(
            registry: registry,
            backend: backend,
            fingerprinter: printer,
            secrets: secrets,
            options: ApplyOptions(sleep: { _ in try await Task.sleep(for: .milliseconds(5)) })
        )
        let report = await executor.apply(changes, state: state)
        #expect(report.ok, "\(report.failed)")
        // The journal holds what the run recorded before its commit.
        let journal = try await Fixture.offThePool { try lab.download()["tokyo.json.journal"] }
        #expect((journal?.count ?? 0) > 0)
        var applied = report.state
        applied.serial += 1
        try await Fixture.offThePool { [applied] in try backend.commit(applied) }
        let blobs = try await Fixture.offThePool { try lab.download() }
        #expect(blobs.keys.sorted() == ["tokyo.json", "tokyo.json.backup", "tokyo.json.key"])
        let everything = try await Fixture.offThePool { try lab.download() }.values + (journal.map { [$0] } ?? [])
        for blob in everything {
            let text = String(decoding: blob, as: UTF8.self)
            for secret in environment.values { #expect(!text.contains(secret), "a blob holds \(secret)") }
        }
        let snapshot = String(decoding: blobs["tokyo.json"] ?? Data(), as: UTF8.self)
        #expect(snapshot.contains("sharedKey"), "the connection's key is kept, as a fingerprint")
    }
}
