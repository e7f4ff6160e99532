import Azure
import AzureModel
import Foundation
import Testing

@Suite("Azure credentials")
struct CredentialTests {
    @Test func anAccessTokenInTheEnvironmentComesFirst() async throws {
        let credential = AzureCredential(environment: [
            "AZURE_ACCESS_TOKEN": "from-env", "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c",
        ])
        #expect(try await credential.token() == "from-env")
    }

    /// The client-credentials flow against an authority on loopback (the model plays one).
    @Test func aServicePrincipalGetsATokenAndItIsCached() async throws {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let credential = AzureCredential(environment: [
            "AZURE_TENANT_ID": "tenant-1", "AZURE_CLIENT_ID": "client-1", "AZURE_CLIENT_SECRET": "secret-1",
            "AZURE_AUTHORITY_HOST": server.url,
        ])
        let first = try await credential.token()
        #expect(first.hasPrefix("lab-"))
        #expect(try await credential.token() == first)  // cached until shortly before expiry
        let requests = await server.model.requestCount
        #expect(requests == 1)
    }

    @Test func certificatesSayTheyAreNotSupportedYet() async throws {
        let credential = AzureCredential(environment: [
            "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_CERTIFICATE_PATH": "/x.pem",
        ])
        await #expect(throws: AzureCredential.Failure.self) { try await credential.token() }
    }
}
