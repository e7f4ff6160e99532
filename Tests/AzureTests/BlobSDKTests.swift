import AzureModel
import Foundation
import TestSupport
import Testing

/// The lab's Blob endpoint speaks Storage's wire format: Microsoft's Python SDK (CI installs it;
/// elsewhere `pip install azure-storage-blob`, and the test is skipped without it) creates
/// containers, uploads with and without conditions, appends, leases and downloads against it.
@Suite("Lab Blob service and the official Python SDK")
struct BlobSDKTests {
    static var sdkInstalled: Bool { Fixture.pythonHas("azure.storage.blob") }

    static var required: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    @Test(
        .enabled(if: sdkInstalled || required, "azure-storage-blob is not installed (pip install azure-storage-blob)")
    )
    func theStorageSDKDrivesTheLabBlobService() async throws {
        let directory = try Fixture.temporaryDirectory("blob-sdk")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try BlobServer(service: BlobService(store: BlobStore(root: directory.path)))
        defer { server.stop() }
        let (status, output) = try await Fixture.python(
            "Tests/AzureTests/Scripts/blob_sdk.py",
            [server.url, BlobService.accountKey]
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("blob sdk OK"), "\(output)")
    }

    /// The newest azure-storage-blob the package index serves, installed apart from the pinned
    /// one (`pip install --target DIR azure-storage-blob`, DIR in RECONCILE_NEWEST_SDK).
    @Test(
        .enabled(
            if: newestSDK != nil,
            "no newest SDK: set RECONCILE_NEWEST_SDK to a pip --target directory holding azure-storage-blob"
        )
    )
    func theNewestStorageSDKDrivesTheSameScript() async throws {
        let sdk = try #require(Self.newestSDK)
        let directory = try Fixture.temporaryDirectory("blob-sdk-newest")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try BlobServer(service: BlobService(store: BlobStore(root: directory.path)))
        defer { server.stop() }
        let (status, output) = try await SDKCompatibilityTests.python(
            "Tests/AzureTests/Scripts/blob_sdk.py",
            [server.url, BlobService.accountKey],
            environment: ["PYTHONPATH": sdk]
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("blob sdk OK"), "\(output)")
    }

    static var newestSDK: String? {
        guard let directory = ProcessInfo.processInfo.environment["RECONCILE_NEWEST_SDK"],
            FileManager.default.fileExists(atPath: directory + "/azure/storage/blob")
        else { return nil }
        return directory
    }
}
