internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
public import Spec

/// An ARM error with Azure's code and message.
public struct ARMError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String

    public var description: String { "\(code) (\(status)): \(message)" }

    /// Throttling, server errors, a locked target and a lost connection are worth trying again.
    public var retryable: Bool {
        status == 429 || status >= 500 || code == "AnotherOperationInProgress" || code == "ConnectionFailed"
    }
}

/// A client of the ARM REST API on AsyncHTTPClient: bearer auth, api-version per call, retries of 429/5xx honouring Retry-After, waits on 409 AnotherOperationInProgress, long-running operations (Azure-AsyncOperation, then Location, then provisioningState), and nextLink paging.
///
/// The same code talks to Azure and to the local model.
public struct ARMClient: Sendable {
    public var baseURL: String
    public var token: @Sendable () async throws -> String
    public var maxAttempts: Int
    /// Injected so tests need not wait for Retry-After.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// The longest a long-running operation may take before the call gives up (a call may
    /// ask for another: gateways take 45 minutes or more).
    public var operationTimeout: Duration
    /// Operations in flight, so an interrupted run resumes them.
    public var operations: OperationJournal
    /// How many HTTP requests this client (and its copies) has sent, retries included.
    public let sent = RequestCount()

    public init(
        baseURL: String,
        token: @escaping @Sendable () async throws -> String,
        maxAttempts: Int = 8,
        operationTimeout: Duration = .seconds(30 * 60),
        operations: OperationJournal = OperationJournal(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.baseURL = baseURL
        self.token = token
        self.maxAttempts = maxAttempts
        self.operationTimeout = operationTimeout
        self.operations = operations
        self.sleep = sleep
    }

    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Value?
    }

    func url(_ pathOrURL: String, apiVersion: String?) -> String {
        let absolute =
            pathOrURL.hasPrefix("http://") || pathOrURL.hasPrefix("https://") ? pathOrURL : baseURL + pathOrURL
        guard let apiVersion, !absolute.contains("api-version=") else { return absolute }
        return absolute + (absolute.contains("?") ? "&" : "?") + "api-version=\(apiVersion)"
    }

    /// One call, retried while the answer says trying again may help.
    public func send(
        _ method: String,
        _ path: String,
        apiVersion: String?,
        body: Value? = nil,
        headers: [String: String] = [:]
    ) async throws -> Answer {
        var attempt = 1
        while true {
            let backoff = Duration.milliseconds(min(30_000, 250 << min(attempt, 7)))
            let bearer = try await token()
            let answer: Answer
            do {
                answer = try await once(
                    method,
                    url(path, apiVersion: apiVersion),
                    body: body,
                    bearer: bearer,
                    headers: headers
                )
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // The connection dropped or timed out before an answer: every ARM call is
                // idempotent (PUT, DELETE, GET, POST of a read action), so it is sent again.
                guard attempt < maxAttempts else {
                    throw ARMError(status: 0, code: "ConnectionFailed", message: "\(method) \(path): \(error)")
                }
                try await sleep(backoff)
                attempt += 1
                continue
            }
            if answer.status < 300 || answer.status == 404 && method != "PUT" { return answer }
            let error = armError(answer)
            guard error.retryable, attempt < maxAttempts else { throw error }
            let hint = answer.headers["retry-after"].flatMap(Double.init).map { Duration.milliseconds(Int($0 * 1000)) }
            try await sleep(max(hint ?? .zero, error.status == 409 ? .seconds(2) : backoff))
            attempt += 1
        }
    }

    private func once(_ method: String, _ url: String, body: Value?, bearer: String, headers: [String: String])
        async throws -> Answer
    {
        sent.add()
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        request.headers.add(name: "x-ms-client-request-id", value: UUID().uuidString.lowercased())
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: JSONOutput.encode(body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        let decoded =
            bytes.readableBytes == 0 ? nil : try? JSONDecoder().decode(Value.self, from: Data(Array(buffer: bytes)))
        return Answer(status: Int(response.status.code), headers: headers, body: decoded)
    }

    func armError(_ answer: Answer) -> ARMError {
        if case .map(let body)? = answer.body, case .map(let error)? = body["error"] {
            let code: String
            let message: String
            if case .string(let c)? = error["code"] { code = c } else { code = "Unknown" }
            if case .string(let m)? = error["message"] { message = m } else { message = "" }
            return ARMError(status: answer.status, code: code, message: message)
        }
        return ARMError(status: answer.status, code: "HTTP\(answer.status)", message: "unexpected answer")
    }

    /// GET; nil when the resource does not exist.
    public func get(_ path: String, apiVersion: String) async throws -> Attributes? {
        let answer = try await send("GET", path, apiVersion: apiVersion)
        guard answer.status != 404 else { return nil }
        guard case .map(let body)? = answer.body else { return nil }
        return body
    }

    /// Every item of a list, following nextLink.
    public func list(_ path: String, apiVersion: String) async throws -> [Attributes] {
        var items: [Attributes] = []
        var next: String? = path
        while let page = next {
            let answer = try await send("GET", page, apiVersion: apiVersion)
            next = nil
            guard case .map(let body)? = answer.body else { break }
            if case .list(let values)? = body["value"] {
                items += values.compactMap { if case .map(let m) = $0 { m } else { nil } }
            }
            if case .string(let link)? = body["nextLink"], !link.isEmpty { next = link }
        }
        return items
    }

    /// PUT, then follows the long-running operation to its end, then reads the result.
    ///
    /// When an earlier, interrupted run left an operation on this resource in the journal,
    /// that operation is followed to its end instead of starting another. With `ifMatch`
    /// (an ETag read earlier) the write is refused (412 `PreconditionFailed`) when the
    /// resource changed since.
    public func put(
        _ path: String,
        apiVersion: String,
        body: Attributes,
        timeout: Duration? = nil,
        ifMatch: String? = nil
    ) async throws -> Attributes {
        if let saved = operations.operation(for: path) {
            try await waitForOperation(
                Answer(status: 202, headers: ["azure-asyncoperation": saved, "retry-after": "1"], body: nil),
                path: path,
                apiVersion: apiVersion,
                timeout: timeout
            )
            operations.finish(path)
            if let current = try await get(path, apiVersion: apiVersion) { return current }
        }
        var answer: Answer
        var followed = 0
        while true {
            do {
                answer = try await send(
                    "PUT",
                    path,
                    apiVersion: apiVersion,
                    body: .map(body),
                    headers: ifMatch.map { ["If-Match": $0] } ?? [:]
                )
                break
            } catch let error as ARMError where error.code == "AnotherOperationInProgress" && followed < 3 {
                // Still busy after the retries: follow the operation that holds the resource
                // (perhaps this run's own write, whose answer was lost) to its end, then write.
                guard let running = Self.operationURI(in: error.message) else { throw error }
                followed += 1
                do {
                    try await waitForOperation(
                        Answer(status: 202, headers: ["azure-asyncoperation": running, "retry-after": "1"], body: nil),
                        path: path,
                        apiVersion: apiVersion,
                        timeout: timeout
                    )
                } catch let other as ARMError where other.code != "OperationTimedOut" {
                    continue  // that operation's failure is not this write's
                }
            }
        }
        if let operation = answer.headers["azure-asyncoperation"] { operations.record(operation, for: path) }
        try await waitForOperation(answer, path: path, apiVersion: apiVersion, timeout: timeout)
        operations.finish(path)
        return try await get(path, apiVersion: apiVersion) ?? [:]
    }

    /// POST an action and follow it to its result: ARM answers 200 with it, or 202 with a
    /// `Location` that answers 202 while it runs and 200 with the result.
    public func post(_ path: String, apiVersion: String, body: Value? = nil, timeout: Duration = .seconds(300))
        async throws -> Value?
    {
        var answer = try await send("POST", path, apiVersion: apiVersion, body: body)
        guard answer.status == 202, let location = answer.headers["location"] else { return answer.body }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            try await sleep(
                answer.headers["retry-after"].flatMap(Double.init).map { .milliseconds(Int(max($0, 0.05) * 1000)) }
                    ?? .seconds(5)
            )
            answer = try await send("GET", location, apiVersion: nil)
            if answer.status != 202 { return answer.body }
        }
        throw ARMError(status: 0, code: "OperationTimedOut", message: "\(path) did not finish in time")
    }

    /// The operation URL ARM names in an `AnotherOperationInProgress` message ("… use uri: URL").
    static func operationURI(in message: String) -> String? {
        guard let range = message.range(of: "uri: ") else { return nil }
        let rest = message[range.upperBound...].prefix { !$0.isWhitespace }
        return rest.hasPrefix("http") ? String(rest) : nil
    }

    public func delete(_ path: String, apiVersion: String) async throws {
        let answer = try await send("DELETE", path, apiVersion: apiVersion)
        guard answer.status != 204 && answer.status != 404 else { return }
        try await waitForOperation(answer, path: path, apiVersion: apiVersion, deleting: true)
    }

    /// Polls Azure-AsyncOperation, else Location, else the resource's provisioningState.
    public func waitForOperation(
        _ answer: Answer,
        path: String,
        apiVersion: String,
        deleting: Bool = false,
        timeout: Duration? = nil
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + (timeout ?? operationTimeout)
        func interval(_ a: Answer) -> Duration {
            a.headers["retry-after"].flatMap(Double.init).map { .milliseconds(Int(max($0, 0.05) * 1000)) }
                ?? .seconds(5)
        }
        if let operation = answer.headers["azure-asyncoperation"] {
            var wait = interval(answer)
            while clock.now < deadline {
                try await sleep(wait)
                let status = try await send("GET", operation, apiVersion: nil)
                wait = interval(status)
                guard case .map(let body)? = status.body, case .string(let state)? = body["status"] else { continue }
                switch state.lowercased() {
                case "succeeded": return
                case "failed", "canceled":
                    var error = ARMError(status: 200, code: "OperationFailed", message: "the operation ended \(state)")
                    if case .map(let e)? = body["error"] {
                        error = armError(Answer(status: 200, headers: [:], body: .map(["error": .map(e)])))
                    }
                    throw error
                default: continue
                }
            }
            throw ARMError(status: 0, code: "OperationTimedOut", message: "\(path) did not finish in time")
        }
        if let location = answer.headers["location"], answer.status == 202 {
            while clock.now < deadline {
                try await sleep(interval(answer))
                let status = try await send("GET", location, apiVersion: nil)
                if status.status == 200 || status.status == 204 { return }
            }
            throw ARMError(status: 0, code: "OperationTimedOut", message: "\(path) did not finish in time")
        }
        guard !deleting else { return }
        while clock.now < deadline {
            guard let body = try await get(path, apiVersion: apiVersion),
                case .map(let properties)? = body["properties"],
                case .string(let state)? = properties["provisioningState"]
            else { return }
            if state == "Succeeded" { return }
            if state == "Failed" {
                throw ARMError(status: 200, code: "ProvisioningFailed", message: "\(path) failed to provision")
            }
            try await sleep(.seconds(5))
        }
    }
}

/// A count shared by a client's copies.
public final class RequestCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    public init() {}

    public var value: Int { lock.withLock { count } }

    func add() { lock.withLock { count += 1 } }
}
