import Azure
import AzureModel
import Foundation
import Spec
import TestSupport
import Testing

/// Resuming long-running operations an interrupted apply left behind, and the model's
/// world surviving its process.
@Suite("resumed operations and the model's persistence")
struct ResumeTests {
    static let group = "/subscriptions/s/resourceGroups/rg"
    static let network = group + "/providers/Microsoft.Network"
    static let gatewayPath = network + "/virtualNetworkGateways/g"

    static let vnet: Attributes = [
        "location": "japaneast",
        "properties": .map([
            "addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])]),
            "subnets": .list([.map(["name": "GatewaySubnet", "properties": .map(["addressPrefix": "10.0.255.0/27"])])]),
        ]),
    ]

    static let gateway: Attributes = [
        "location": "japaneast",
        "properties": .map([
            "gatewayType": "Vpn", "sku": .map(["name": "VpnGw1AZ"]),
            "ipConfigurations": .list([
                .map([
                    "name": "c",
                    "properties": .map([
                        "subnet": .map(["id": .string(network + "/virtualNetworks/v/subnets/GatewaySubnet")])
                    ]),
                ])
            ]),
        ]),
    ]

    /// The group and VNet a gateway needs.
    static func prepare(_ client: ARMClient) async throws {
        _ = try await client.put(group, apiVersion: "2021-04-01", body: ["location": "japaneast"])
        _ = try await client.put(network + "/virtualNetworks/v", apiVersion: "2024-05-01", body: vnet)
    }

    static func state(_ body: Attributes) -> String? {
        guard case .map(let properties)? = body["properties"], case .string(let s)? = properties["provisioningState"]
        else { return nil }
        return s
    }

    /// An operation on a dead endpoint falls back to the resource itself.
    ///
    /// The old failure: the saved operation is on a lab that died with its process. The
    /// write reads the resource instead and goes on (it used to poll the dead port until
    /// the retries ran out, then fail). How long that takes is the benchmark's business,
    /// not this test's: a loaded machine is slow, not wrong.
    @Test func anOperationOnADeadEndpointFallsBackToTheResourceItself() async throws {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let directory = try Fixture.temporaryDirectory("resume-dead")
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = OperationJournal(file: directory.appendingPathComponent("azure-operations.json").path)
        let client = ARMClient(baseURL: server.url, token: { "lab" }, operations: journal)
        try await Self.prepare(client)
        _ = try await client.put(Self.gatewayPath, apiVersion: "2024-05-01", body: Self.gateway)
        // What a killed run of the first form left: an absolute URL on a port nothing serves.
        let dead = "http://127.0.0.1:9/subscriptions/s/providers/Microsoft.Network/locations/japaneast/operations/op-1"
        journal.record(dead + "?api-version=2024-05-01", for: Self.gatewayPath)
        let result = try await client.put(Self.gatewayPath, apiVersion: "2024-05-01", body: Self.gateway)
        #expect(Self.state(result) == "Succeeded")
        #expect(journal.operation(for: Self.gatewayPath) == nil)
    }

    /// An operation the endpoint does not know (404: expired, or from another world) is
    /// not polled until the write's timeout.
    @Test func anUnknownOrExpiredOperationFallsBackToTheResourceItself() async throws {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let client = ARMClient(baseURL: server.url, token: { "lab" })
        try await Self.prepare(client)
        client.operations.record(
            "/subscriptions/s/providers/Microsoft.Network/locations/japaneast/operations/op-999?api-version=2024-05-01",
            for: Self.gatewayPath
        )
        let result = try await client.put(
            Self.gatewayPath,
            apiVersion: "2024-05-01",
            body: Self.gateway,
            timeout: .seconds(20)
        )
        #expect(Self.state(result) == "Succeeded")
        #expect(await server.model.puts[Self.gatewayPath.lowercased()] == 1)
    }

    /// A lab operation resumes after the lab restarts on another port.
    ///
    /// The lab dies with the apply that started a gateway; the next run starts the lab on
    /// another port. The operation, saved with the world and journaled relative to the
    /// endpoint, is followed there to its end: no second PUT.
    @Test func aLabOperationResumesAfterTheLabRestartsOnAnotherPort() async throws {
        let directory = try Fixture.temporaryDirectory("resume-restart")
        defer { try? FileManager.default.removeItem(at: directory) }
        let world = directory.appendingPathComponent("lab/azure.json").path
        let journalFile = directory.appendingPathComponent("azure-operations.json").path
        // A gateway takes 45 min x 0.004 = 10.8 s here.
        let options = AzureModel.Options(timeScale: 0.004)
        let clock = ContinuousClock()
        let started = clock.now
        let first = AzureModelServer(model: AzureModel(options: options, persistence: world))
        try await first.start()
        let client = ARMClient(baseURL: first.url, token: { "lab" }, operations: OperationJournal(file: journalFile))
        try await Self.prepare(client)
        let run = Task { try await client.put(Self.gatewayPath, apiVersion: "2024-05-01", body: Self.gateway) }
        while OperationJournal(file: journalFile).operation(for: Self.gatewayPath) == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        run.cancel()
        _ = await run.result
        first.stop()
        #expect(
            OperationJournal(file: journalFile).operation(for: Self.gatewayPath)?.hasPrefix("/subscriptions/") == true
        )

        let second = AzureModelServer(model: AzureModel(options: options, persistence: world))
        try await second.start()
        defer { second.stop() }
        #expect(second.port != first.port)
        let next = ARMClient(baseURL: second.url, token: { "lab" }, operations: OperationJournal(file: journalFile))
        // Still being built: the restart did not finish it early. Judged only while the
        // gateway's time is surely not up (a loaded CI machine can take that long to get here).
        let during = try #require(try await next.get(Self.gatewayPath, apiVersion: "2024-05-01"))
        if clock.now - started < .seconds(9) { #expect(Self.state(during) == "Updating") }
        let result = try await next.put(Self.gatewayPath, apiVersion: "2024-05-01", body: Self.gateway)
        #expect(Self.state(result) == "Succeeded")
        #expect(await second.model.puts[Self.gatewayPath.lowercased()] == nil)
        #expect(OperationJournal(file: journalFile).operation(for: Self.gatewayPath) == nil)
    }

    /// A journaled write of another body waits for the running operation, then writes.
    @Test func aSavedOperationOfAnotherBodyIsFollowedThenTheNewBodyWritten() async throws {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let client = ARMClient(baseURL: server.url, token: { "lab" })
        try await Self.prepare(client)
        _ = try await client.put(Self.gatewayPath, apiVersion: "2024-05-01", body: Self.gateway)
        client.operations.record(
            "/subscriptions/s/providers/Microsoft.Network/locations/japaneast/operations/op-1?api-version=2024-05-01",
            for: Self.gatewayPath,
            body: "an-older-body"
        )
        var tagged = Self.gateway
        tagged["tags"] = .map(["rev": "2"])
        let result = try await client.put(Self.gatewayPath, apiVersion: "2024-05-01", body: tagged)
        #expect(result["tags"] == .map(["rev": "2"]))
        #expect(await server.model.puts[Self.gatewayPath.lowercased()] == 2)
    }

    /// After one large resource, a write appends one short line: the world is not rewritten.
    ///
    /// Loading folds the log into the snapshot; a last line cut short is ignored.
    @Test func aWriteCostsItsChangeNotTheWorld() async throws {
        let directory = try Fixture.temporaryDirectory("model-log")
        defer { try? FileManager.default.removeItem(at: directory) }
        let world = directory.appendingPathComponent("lab/azure.json").path
        let log = directory.appendingPathComponent("lab/azure.log").path
        let server = AzureModelServer(model: AzureModel(persistence: world))
        try await server.start()
        let client = ARMClient(baseURL: server.url, token: { "lab" })
        try await Self.prepare(client)
        var big = Self.vnet
        big["tags"] = .map(["big": .string(String(repeating: "x", count: 3 << 20))])
        _ = try await client.put(Self.network + "/virtualNetworks/big", apiVersion: "2024-05-01", body: big)
        func size(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }
        let snapshotBefore = size(world)
        let logBefore = size(log)
        for i in 0..<20 {
            _ = try await client.put(
                Self.network + "/localNetworkGateways/site-\(i)",
                apiVersion: "2024-05-01",
                body: [
                    "location": "japaneast",
                    "properties": .map([
                        "gatewayIpAddress": .string("203.0.113.\(i + 1)"),
                        "localNetworkAddressSpace": .map(["addressPrefixes": .list([.string("172.16.\(i).0/24")])]),
                    ]),
                ]
            )
        }
        server.stop()
        #expect(size(world) == snapshotBefore, "the snapshot was rewritten")
        let grown = size(log) - logBefore
        #expect(grown > 0 && grown < 20 * 2048, "20 small writes appended \(grown) bytes")
        // A write cut short by a kill leaves half a line: it is not the world.
        let handle = try #require(FileHandle(forWritingAtPath: log))
        handle.seekToEndOfFile()
        handle.write(Data("{\"resources\":{\"/subscriptions/s/resourcegroups/rg/provid".utf8))
        handle.closeFile()

        let reloaded = AzureModelServer(model: AzureModel(persistence: world))
        try await reloaded.start()
        defer { reloaded.stop() }
        let again = ARMClient(baseURL: reloaded.url, token: { "lab" })
        let sites = try await again.list(Self.network + "/localNetworkGateways", apiVersion: "2024-05-01")
        #expect(sites.count == 20)
        let vnet = try #require(try await again.get(Self.network + "/virtualNetworks/big", apiVersion: "2024-05-01"))
        #expect(vnet["tags"] == big["tags"])
        #expect(!FileManager.default.fileExists(atPath: log), "loading folds the log into the snapshot")
    }
}
