import AzureModel
import Foundation
import TestSupport
import Testing

/// The model is wire-compatible with ARM clients this project did not write: Microsoft's
/// Python SDK runs against it (CI installs it; elsewhere the test needs
/// `pip install azure-mgmt-network` and is skipped without it).
@Suite("Azure model and the official Python SDK")
struct SDKCompatibilityTests {
    static var sdkInstalled: Bool { Fixture.pythonHas("azure.mgmt.network") }

    static var required: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    @Test(
        .enabled(if: sdkInstalled || required, "azure-mgmt-network is not installed (pip install azure-mgmt-network)")
    )
    func theOfficialSDKDrivesTheModel() async throws {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let (status, output) = try await Fixture.python("Tests/AzureTests/Scripts/sdk_roundtrip.py", [server.url])
        #expect(status == 0, "\(output)")
        #expect(output.contains("sdk round trip OK"))
    }

    static var resourceSDKInstalled: Bool { Fixture.pythonHas("azure.mgmt.resource") }

    /// azure-mgmt-resource sends the newest resource-group api-version (2025-04-01 in 26.0.0);
    /// the model once refused it, so no script that began by creating its group ran.
    @Test(
        .enabled(
            if: resourceSDKInstalled || required,
            "azure-mgmt-resource is not installed (pip install azure-mgmt-resource)"
        )
    )
    func theResourceSDKCreatesAGroupAtItsDefaultVersion() async throws {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let (status, output) = try await Fixture.python("Tests/AzureTests/Scripts/sdk_resource_group.py", [server.url])
        #expect(status == 0, "\(output)")
        #expect(output.contains("sdk resource group OK"))
    }

    static var bothSDKsInstalled: Bool { Fixture.pythonHas("azure.mgmt.network", "azure.mgmt.resource") }

    /// Every resource type the provider manages, through at least 30 distinct ARM operations of
    /// the two SDKs: child resources in both views, nested objects in ARM's shape, the final GET
    /// of a long-running operation, lists by subscription, a group's delete taking what it holds.
    @Test(
        .enabled(
            if: bothSDKsInstalled || required,
            "azure-mgmt-network and azure-mgmt-resource are not installed (pip install azure-mgmt-network azure-mgmt-resource)"
        )
    )
    func theSDKsDriveEveryManagedTypeThroughThirtyOperations() async throws {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let (status, output) = try await Fixture.python("Tests/AzureTests/Scripts/sdk_compat.py", [server.url])
        #expect(status == 0, "\(output)")
        #expect(output.contains("sdk compatibility OK"))
        #expect(Self.operations(output) >= 30, "\(output)")
    }

    /// The same suite with the newest SDKs, when they were installed apart from the pinned ones
    /// (`pip install --target DIR azure-mgmt-network azure-mgmt-resource`, DIR in RECONCILE_NEWEST_SDK).
    @Test(
        .enabled(
            if: newestSDK != nil,
            "no newest SDK: set RECONCILE_NEWEST_SDK to a pip --target directory holding azure-mgmt-network and azure-mgmt-resource"
        )
    )
    func theNewestSDKsDriveTheSameSuite() async throws {
        let directory = try #require(Self.newestSDK)
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let (status, output) = try await Self.python(
            "Tests/AzureTests/Scripts/sdk_compat.py",
            [server.url],
            environment: ["PYTHONPATH": directory]
        )
        #expect(status == 0, "\(output)")
        #expect(Self.operations(output) >= 30, "\(output)")
    }

    static var newestSDK: String? {
        guard let directory = ProcessInfo.processInfo.environment["RECONCILE_NEWEST_SDK"],
            FileManager.default.fileExists(atPath: directory + "/azure/mgmt/network")
        else { return nil }
        return directory
    }

    /// `lab serve` without a spec serves a bare model and prints its endpoint; the docs' worked
    /// example runs against it as a user would run it.
    @Test(
        .enabled(
            if: bothSDKsInstalled || required,
            "azure-mgmt-network and azure-mgmt-resource are not installed (pip install azure-mgmt-network azure-mgmt-resource)"
        )
    )
    func theDocsExampleRunsAgainstABareLabServe() async throws {
        let (process, out, _) = try Fixture.start("reconcile", ["lab", "serve", "--port", "0"])
        defer { process.terminate() }
        let banner = await Fixture.offThePool { () -> String in
            var text = ""
            let handle = out.fileHandleForReading
            while !text.contains("Stop with Ctrl-C") {
                let data = handle.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            return text
        }
        #expect(banner.contains("subscription:    \(AzureModel.labSubscription)"), "\(banner)")
        let url = try #require(
            banner.split(separator: "\n").first?.split(separator: " ").first { $0.hasPrefix("http://") },
            "\(banner)"
        )
        let (status, output) = try await Fixture.python("docs/examples/azure_sdk_lab.py", [String(url)])
        #expect(status == 0, "\(output)")
        #expect(output.contains("after adding db ['app', 'db']"), "\(output)")
        #expect(output.contains("azure sdk lab example OK"))
    }

    /// The count a compatibility script prints (`operations: N`).
    static func operations(_ output: String) -> Int {
        output.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("operations: ") else { return nil }
            return Int(line.dropFirst("operations: ".count))
        }.last ?? 0
    }

    /// A test script run with extra environment (`PYTHONPATH`), off the cooperative pool.
    static func python(
        _ script: String,
        _ arguments: [String],
        environment: [String: String]
    ) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixture.path(script)] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        return await Fixture.offThePool {
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }
    }
}
