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
}
