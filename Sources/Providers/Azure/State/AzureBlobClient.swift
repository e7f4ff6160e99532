internal import AsyncHTTPClient
internal import Crypto
internal import Foundation
internal import NIOCore
internal import NIOHTTP1

/// A synchronous client of the Blob service for the state backend: one request, its answer.
///
/// The calling thread blocks on AsyncHTTPClient's future (never an event loop: the state
/// protocol is synchronous, and its callers are the engine's tasks and the CLI).
struct AzureBlobClient: Sendable {
    /// How requests are authorised.
    enum Auth: Sendable {
        /// SharedKey with the account's key (base64), from a connection string.
        case sharedKey(String)
        /// A SAS query string (no leading `?`).
        case sas(String)
        /// A bearer token for `https://storage.azure.com/`, asked for per request (the source caches it).
        case bearer(@Sendable () throws -> String)
    }

    struct Answer {
        var status: Int
        /// Names lower-cased.
        var headers: [String: String]
        var body: Data

        /// Storage's error code (`x-ms-error-code`), on a failure.
        var code: String { headers["x-ms-error-code"] ?? "HTTP\(status)" }
    }

    /// The account's endpoint, no trailing slash: `https://ACCOUNT.blob.core.windows.net`, or
    /// `http://127.0.0.1:PORT/ACCOUNT` path-style.
    let endpoint: String
    let account: String
    let auth: Auth

    static let version = "2025-01-05"

    /// Sends one request to `/CONTAINER[/BLOB]` under the endpoint.
    func send(
        _ method: String,
        _ resource: String,
        query: [(String, String)] = [],
        headers extra: [String: String] = [:],
        body: Data = Data()
    ) throws -> Answer {
        let encoded = resource.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? resource
        var items = query
        var headers = extra
        headers["x-ms-version"] = Self.version
        headers["x-ms-date"] = Self.httpDate(Date())
        if method == "PUT" || !body.isEmpty { headers["content-length"] = "\(body.count)" }
        switch auth {
        case .sas(let token):
            for pair in token.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                items.append((parts[0], (parts.count > 1 ? parts[1] : "").removingPercentEncoding ?? ""))
            }
        case .bearer(let token):
            headers["authorization"] = "Bearer " + (try token())
        case .sharedKey: break
        }
        let queryText = items.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let url = endpoint + encoded + (queryText.isEmpty ? "" : "?" + queryText)
        let path =
            URL(string: url).map { URLComponents(url: $0, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? "" }
            ?? ""
        if case .sharedKey(let key) = auth {
            let signature = Self.sign(
                method: method,
                path: path,
                query: items,
                headers: headers,
                account: account,
                key: key
            )
            headers["authorization"] = "SharedKey \(account):\(signature)"
        }
        var request = try HTTPClient.Request(url: url, method: HTTPMethod(rawValue: method))
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if !body.isEmpty || method == "PUT" { request.body = .byteBuffer(ByteBuffer(bytes: body)) }
        let response: HTTPClient.Response
        do {
            response = try ARMClient.http.execute(request: request, deadline: .now() + .seconds(60)).wait()
        } catch {
            throw AzureBlobError.unreachable("\(endpoint): \(error)")
        }
        var answer = Answer(status: Int(response.status.code), headers: [:], body: Data())
        for header in response.headers { answer.headers[header.name.lowercased()] = header.value }
        if var buffer = response.body { answer.body = Data(buffer.readBytes(length: buffer.readableBytes) ?? []) }
        return answer
    }

    /// Storage's SharedKey signature (2009-09-19 and later) of a request.
    static func sign(
        method: String,
        path: String,
        query: [(String, String)],
        headers: [String: String],
        account: String,
        key: String
    ) -> String {
        let header = { (name: String) -> String in headers[name] ?? "" }
        let length = header("content-length") == "0" ? "" : header("content-length")
        var text = method + "\n"
        text +=
            [
                header("content-encoding"), header("content-language"), length, header("content-md5"),
                header("content-type"), header("date"), header("if-modified-since"), header("if-match"),
                header("if-none-match"), header("if-unmodified-since"), header("range"),
            ].joined(separator: "\n") + "\n"
        // Our x-ms- names hold letters and single dashes: Storage's collation orders them as
        // plain sorting with the dashes left out.
        for name in headers.keys.filter({ $0.hasPrefix("x-ms-") }).sorted(by: {
            ($0.filter { $0 != "-" }, $0) < ($1.filter { $0 != "-" }, $1)
        }) {
            text += "\(name):\(header(name))\n"
        }
        text += "/" + account + path
        var parameters: [String: [String]] = [:]
        for (name, value) in query { parameters[name.lowercased(), default: []].append(value) }
        for name in parameters.keys.sorted() {
            text += "\n\(name):" + (parameters[name] ?? []).sorted().joined(separator: ",")
        }
        let secret = SymmetricKey(data: Data(base64Encoded: key) ?? Data())
        return Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: secret)).base64EncodedString()
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// Why the Azure Blob state backend could not be set up or reached.
public enum AzureBlobError: Error, Sendable, CustomStringConvertible {
    case badURL(String)
    case noCredential(String)
    case unreachable(String)

    public var description: String {
        switch self {
        case .badURL(let why): return "the azblob:// state location is not valid: \(why)"
        case .noCredential(let why): return why
        case .unreachable(let why): return "cannot reach the Blob service at \(why)"
        }
    }
}
