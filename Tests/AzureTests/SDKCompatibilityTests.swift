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
}
