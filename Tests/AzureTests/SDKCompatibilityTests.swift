import AzureModel
import Foundation
import TestSupport
import Testing

/// The model is wire-compatible with ARM clients this project did not write: Microsoft's
/// Python SDK runs against it (CI installs it; elsewhere the test needs
/// `pip install azure-mgmt-network` and is skipped without it).
@Suite("Azure model and the official Python SDK")
struct SDKCompatibilityTests {
    static var sdkInstalled: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import azure.mgmt.network"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static var required: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    @Test(
        .enabled(if: sdkInstalled || required, "azure-mgmt-network is not installed (pip install azure-mgmt-network)")
    )
    func theOfficialSDKDrivesTheModel() async throws {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixture.path("Tests/AzureTests/Scripts/sdk_roundtrip.py"), server.url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = await Task.detached {
            String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }.value
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("sdk round trip OK"))
    }
}
