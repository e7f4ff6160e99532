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
}
