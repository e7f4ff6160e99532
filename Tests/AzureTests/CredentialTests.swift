import Azure
import AzureModel
import Foundation
import Reconciler
import TestSupport
import Testing
import _CryptoExtras

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

    /// A certificate credential: the token request carries a JWT signed with the key,
    /// checked here with the certificate's public key (made by openssl).
    @Test func aCertificateSignsTheClientAssertion() async throws {
        let directory = try Fixture.temporaryDirectory("cert")
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let cert = directory.appendingPathComponent("cert.pem").path
        let made = CommandOutput.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-keyout", key, "-out", cert, "-days", "1", "-nodes",
            "-subj", "/CN=reconcile-test",
        ])
        try #require(made != nil, "openssl is needed for this test")
        let bundle = directory.appendingPathComponent("sp.pem").path
        try (try String(contentsOfFile: cert, encoding: .utf8) + String(contentsOfFile: key, encoding: .utf8))
            .write(toFile: bundle, atomically: true, encoding: .utf8)
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        defer { server.stop() }
        let credential = AzureCredential(environment: [
            "AZURE_TENANT_ID": "tenant-1", "AZURE_CLIENT_ID": "client-1", "AZURE_CLIENT_CERTIFICATE_PATH": bundle,
            "AZURE_AUTHORITY_HOST": server.url,
        ])
        #expect(try await credential.token().hasPrefix("lab-"))
        let jwt = try #require(await server.model.lastClientAssertion)
        let parts = jwt.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        func decode(_ part: String) -> Data? {
            var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while text.count % 4 != 0 { text += "=" }
            return Data(base64Encoded: text)
        }
        let headerData = try #require(decode(parts[0]))
        let payloadData = try #require(decode(parts[1]))
        let header = try #require(try JSONSerialization.jsonObject(with: headerData) as? [String: Any])
        let payload = try #require(try JSONSerialization.jsonObject(with: payloadData) as? [String: Any])
        #expect(header["alg"] as? String == "RS256")
        #expect((header["x5t"] as? String)?.isEmpty == false)
        #expect(payload["aud"] as? String == "\(server.url)/tenant-1/oauth2/v2.0/token")
        #expect(payload["iss"] as? String == "client-1" && payload["sub"] as? String == "client-1")
        let publicPEM = try #require(CommandOutput.run(["openssl", "x509", "-in", cert, "-pubkey", "-noout"]))
        let publicKey = try _RSA.Signing.PublicKey(pemRepresentation: String(decoding: publicPEM, as: UTF8.self))
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try #require(decode(parts[2])))
        #expect(
            publicKey.isValidSignature(
                signature,
                for: Data((parts[0] + "." + parts[1]).utf8),
                padding: .insecurePKCS1v1_5
            )
        )
    }

    @Test func aMissingCertificateFileSaysSo() async throws {
        let credential = AzureCredential(environment: [
            "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_CERTIFICATE_PATH": "/nonexistent/sp.pem",
        ])
        do {
            _ = try await credential.token()
            Issue.record("a missing certificate file gave a token")
        } catch let failure as AzureCredential.Failure {
            #expect(failure.description.contains("/nonexistent/sp.pem"))
        }
    }
}
