internal import AsyncHTTPClient
internal import Crypto
public import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import Reconciler
internal import _CryptoExtras

/// Bearer tokens for ARM, tried in this order: `AZURE_ACCESS_TOKEN`; a service principal
/// (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, and `AZURE_CLIENT_SECRET` or
/// `AZURE_CLIENT_CERTIFICATE_PATH`: a PEM file with the certificate and its RSA key, as the
/// Azure SDKs take it) by the OAuth2 client-credentials flow against `AZURE_AUTHORITY_HOST`
/// (default https://login.microsoftonline.com); `az account get-access-token`. Tokens are cached until shortly
/// before they expire. Tokens and secrets are never logged.
public actor AzureCredential {
    public enum Failure: Error, CustomStringConvertible {
        case none
        case unsupported(String)
        case rejected(String)

        public var description: String {
            switch self {
            case .none:
                return
                    "no Azure credential: set AZURE_ACCESS_TOKEN, or AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, or run `az login`"
            case .unsupported(let why): return why
            case .rejected(let why): return "the token request was refused: \(why)"
            }
        }
    }

    let environment: [String: String]
    let scope: String
    var cached: (token: String, expires: Date)?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        resource: String = "https://management.azure.com"
    ) {
        self.environment = environment
        self.scope = resource + "/.default"
    }

    public func token() async throws -> String {
        if let cached, cached.expires > Date().addingTimeInterval(120) { return cached.token }
        let fresh = try await acquire()
        cached = fresh
        return fresh.token
    }

    func acquire() async throws -> (token: String, expires: Date) {
        if let token = environment["AZURE_ACCESS_TOKEN"], !token.isEmpty {
            return (token, Date().addingTimeInterval(3600))
        }
        if let tenant = environment["AZURE_TENANT_ID"], let client = environment["AZURE_CLIENT_ID"] {
            if let secret = environment["AZURE_CLIENT_SECRET"] {
                return try await clientCredentials(tenant: tenant, client: client, proof: ["client_secret": secret])
            }
            if let path = environment["AZURE_CLIENT_CERTIFICATE_PATH"] {
                let assertion = try Self.assertion(
                    certificateFile: path,
                    audience: "\(authority)/\(tenant)/oauth2/v2.0/token",
                    client: client
                )
                return try await clientCredentials(
                    tenant: tenant,
                    client: client,
                    proof: [
                        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                        "client_assertion": assertion,
                    ]
                )
            }
        }
        if let token = azCLI() { return token }
        throw Failure.none
    }

    var authority: String { environment["AZURE_AUTHORITY_HOST"] ?? "https://login.microsoftonline.com" }

    func clientCredentials(
        tenant: String,
        client: String,
        proof: [String: String]
    ) async throws -> (token: String, expires: Date) {
        var request = HTTPClientRequest(url: "\(authority)/\(tenant)/oauth2/v2.0/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        var form = "grant_type=client_credentials&client_id=\(encode(client))&scope=\(encode(scope))"
        for key in proof.keys.sorted() { form += "&\(key)=\(encode(proof[key] ?? ""))" }
        request.body = .bytes(ByteBuffer(string: form))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1024 * 1024)
        let object = try? JSONSerialization.jsonObject(with: Data(Array(buffer: body))) as? [String: Any]
        guard response.status == .ok, let token = object?["access_token"] as? String else {
            throw Failure.rejected((object?["error_description"] as? String) ?? "HTTP \(response.status.code)")
        }
        let lifetime = (object?["expires_in"] as? Int) ?? Int((object?["expires_in"] as? String) ?? "") ?? 3600
        return (token, Date().addingTimeInterval(TimeInterval(lifetime)))
    }

    /// A client assertion (RFC 7523): a JWT signed RS256 with the certificate's key, with the
    /// certificate's SHA-1 thumbprint as `x5t`, valid for ten minutes.
    static func assertion(certificateFile path: String, audience: String, client: String, now: Date = Date()) throws
        -> String
    {
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure.unsupported("cannot read the certificate file \(path)")
        }
        guard
            let certificate = block("CERTIFICATE", in: pem).flatMap({
                Data(base64Encoded: $0, options: .ignoreUnknownCharacters)
            })
        else { throw Failure.unsupported("\(path) holds no certificate (-----BEGIN CERTIFICATE-----)") }
        guard
            let keyText = ["PRIVATE KEY", "RSA PRIVATE KEY"].lazy.compactMap({ name in
                block(name, in: pem).map { "-----BEGIN \(name)-----\n\($0)\n-----END \(name)-----" }
            }).first,
            let key = try? _RSA.Signing.PrivateKey(pemRepresentation: keyText)
        else { throw Failure.unsupported("\(path) holds no RSA private key") }
        let thumbprint = Data(Insecure.SHA1.hash(data: certificate))
        func encode(_ object: [String: Any]) -> String {
            base64URL((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
        }
        let seconds = Int(now.timeIntervalSince1970)
        let header = encode(["alg": "RS256", "typ": "JWT", "x5t": base64URL(thumbprint)])
        let payload = encode([
            "aud": audience, "iss": client, "sub": client, "jti": UUID().uuidString.lowercased(), "nbf": seconds,
            "exp": seconds + 600,
        ])
        let input = header + "." + payload
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The base64 body of the first `-----BEGIN name-----` block.
    static func block(_ name: String, in pem: String) -> String? {
        guard let start = pem.range(of: "-----BEGIN \(name)-----"),
            let end = pem.range(of: "-----END \(name)-----", range: start.upperBound..<pem.endIndex)
        else { return nil }
        return pem[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The Azure CLI's token, when `az` is installed and logged in.
    func azCLI() -> (token: String, expires: Date)? {
        guard
            let data = CommandOutput.run([
                "az", "account", "get-access-token", "--resource", "https://management.azure.com/", "-o", "json",
            ]),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let token = object["accessToken"] as? String
        else { return nil }
        return (token, Date().addingTimeInterval(1800))
    }
}
