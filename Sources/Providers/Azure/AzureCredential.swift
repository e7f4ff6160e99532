internal import AsyncHTTPClient
public import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import Reconciler

/// Bearer tokens for ARM, tried in this order: `AZURE_ACCESS_TOKEN`; a service principal
/// with a client secret (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`,
/// against `AZURE_AUTHORITY_HOST`, default https://login.microsoftonline.com) by the OAuth2
/// client-credentials flow; `az account get-access-token`. Tokens are cached until shortly
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
                return try await clientCredentials(tenant: tenant, client: client, secret: secret)
            }
            if environment["AZURE_CLIENT_CERTIFICATE_PATH"] != nil {
                throw Failure.unsupported(
                    "service principal certificates are not supported yet; use AZURE_CLIENT_SECRET or `az login`"
                )
            }
        }
        if let token = azCLI() { return token }
        throw Failure.none
    }

    func clientCredentials(tenant: String, client: String, secret: String) async throws -> (
        token: String, expires: Date
    ) {
        let authority = environment["AZURE_AUTHORITY_HOST"] ?? "https://login.microsoftonline.com"
        var request = HTTPClientRequest(url: "\(authority)/\(tenant)/oauth2/v2.0/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        func encode(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        let form =
            "grant_type=client_credentials&client_id=\(encode(client))&client_secret=\(encode(secret))&scope=\(encode(scope))"
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
