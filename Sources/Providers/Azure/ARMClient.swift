internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import Reconciler
public import Spec
internal import Synchronization

/// An ARM error with Azure's code and message.
public struct ARMError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    /// Set when the client gave up on a retryable error after its whole budget of attempts.
    public var exhausted: Exhaustion?

    /// How often the client sent a call, and how long it waited between the sends, before it gave up.
    public struct Exhaustion: Sendable, Equatable {
        public var attempts: Int
        /// The backoff waits between the attempts, as asked for (the clock is injected).
        public var waited: Duration
    }

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The client already tried the call as often as it may: a caller must not try it again
    /// (its own retries would multiply the client's).
    public var attemptsExhausted: Bool { exhausted != nil }

    /// Azure's words are data: whatever they hold is shown, never acted on by a terminal.
    public var description: String {
        let given = exhausted.map {
            " (gave up after \($0.attempts) attempts over \(ProgressRenderer.seconds($0.waited)))"
        }
        return Escape.terminal("\(code) (\(status)): \(message)") + (given ?? "")
    }

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
    /// Sends of one call, the first included (8: about a minute of backoff).
    ///
    /// The client alone retries a 429, a 5xx, a 409 AnotherOperationInProgress and a failed
    /// connection: an error that used this budget up is not retryable for the executor, so
    /// the two loops never multiply (docs/providers.md, "Retries").
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
        var waited = Duration.zero
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
                    var failed = ARMError(status: 0, code: "ConnectionFailed", message: "\(method) \(path): \(error)")
                    failed.exhausted = .init(attempts: attempt, waited: waited)
                    throw failed
                }
                try await sleep(backoff)
                waited += backoff
                attempt += 1
                continue
            }
            if answer.status < 300 || answer.status == 404 && method != "PUT" { return answer }
            var error = armError(answer)
            // A PUT refused while a named operation holds the resource goes back to `put`, which
            // follows that operation to its end: resent every 2 s, it would use the budget up long
            // before a gateway's 45 minutes, and a throttle or a drop on the last send would lose
            // the operation to follow.
            if method == "PUT", error.code == "AnotherOperationInProgress", Self.operationURI(in: error.message) != nil
            {
                throw error
            }
            guard error.retryable, attempt < maxAttempts else {
                if error.retryable { error.exhausted = .init(attempts: attempt, waited: waited) }
                throw error
            }
            let hint = answer.headers["retry-after"].flatMap(Double.init).map { Duration.milliseconds(Int($0 * 1000)) }
            let wait = max(hint ?? .zero, error.status == 409 ? .seconds(2) : backoff)
            try await sleep(wait)
            waited += wait
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
        let response = try await Self.http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        let decoded =
            bytes.readableBytes == 0 ? nil : try? JSONDecoder().decode(Value.self, from: Data(Array(buffer: bytes)))
        return Answer(status: Int(response.status.code), headers: headers, body: decoded)
    }

    /// The shared client, except that a refused connection fails at once: `send` owns the
    /// retries (the shared client's pool retried connecting until each request's 60 s
    /// deadline, so a dead lab port cost a minute a request).
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

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
    /// that operation is followed to its end first; when it was this very write (same body)
    /// and the resource reads back `Succeeded`, nothing is sent again. With `ifMatch` (an
    /// ETag read earlier) the write is refused (412 `PreconditionFailed`) when the resource
    /// changed since.
    public func put(
        _ path: String,
        apiVersion: String,
        body: Attributes,
        timeout: Duration? = nil,
        ifMatch: String? = nil
    ) async throws -> Attributes {
        let digest = OperationJournal.digest(JSONOutput.encode(Value.map(body)))
        if let saved = operations.entry(for: path) {
            try await resume(saved, path: path, apiVersion: apiVersion, timeout: timeout)
            if saved.body == digest, let current = try await get(path, apiVersion: apiVersion),
                Self.provisioningState(current) ?? "Succeeded" == "Succeeded"
            {
                return current
            }
        }
        var answer: Answer
        var followed = 0
        let started = ContinuousClock.now
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
            } catch var error as ARMError where error.code == "AnotherOperationInProgress" {
                // Busy: follow the operation that holds the resource (perhaps this run's own
                // write, whose answer was lost) to its end, then write; the client owns this
                // wait, so after its follows the error is not the executor's to retry.
                guard let running = Self.operationURI(in: error.message) else { throw error }
                guard followed < Self.follows else {
                    error.exhausted = .init(attempts: followed + 1, waited: ContinuousClock.now - started)
                    throw error
                }
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
        if let operation = answer.headers["azure-asyncoperation"] {
            operations.record(journalForm(operation), for: path, body: digest)
        }
        try await waitForOperation(answer, path: path, apiVersion: apiVersion, timeout: timeout)
        operations.finish(path)
        return try await get(path, apiVersion: apiVersion) ?? [:]
    }

    /// Operations a PUT refused 409 AnotherOperationInProgress follows to their end before it
    /// gives up (each time another operation took the resource as the last one ended).
    static let follows = 3

    /// Waits for an operation an earlier, interrupted run left in the journal to end, then
    /// forgets it.
    ///
    /// How it ended is the earlier run's business: a write that follows is Azure's own
    /// remedy for a failed one. An operation URL that no longer answers (a lab that died
    /// with its process, an operation ARM expired or does not know) is not waited on: the
    /// resource's own `provisioningState` says when it is done. Only a timeout,
    /// or an endpoint that does not answer at all, is thrown.
    func resume(_ entry: OperationJournal.Entry, path: String, apiVersion: String, timeout: Duration?) async throws {
        // One try per poll: a dead URL must not cost the whole backoff schedule.
        var quick = self
        quick.maxAttempts = 2
        do {
            try await quick.waitForOperation(
                Answer(
                    status: 202,
                    headers: ["azure-asyncoperation": url(entry.operation, apiVersion: nil), "retry-after": "1"],
                    body: nil
                ),
                path: path,
                apiVersion: apiVersion,
                timeout: timeout
            )
        } catch let error as ARMError where error.code != "OperationTimedOut" && error.code != "ConnectionFailed" {
            // It ended badly (or the resource reads Failed): the write that follows fixes it.
        }
        operations.finish(path)
    }

    /// An operation URL as the journal keeps it: relative to this client's endpoint when it
    /// is on it, so the lab's next port (or a renamed endpoint) still resolves it.
    func journalForm(_ operation: String) -> String {
        operation.hasPrefix(baseURL + "/") ? String(operation.dropFirst(baseURL.count)) : operation
    }

    static func provisioningState(_ body: Attributes) -> String? {
        guard case .map(let properties)? = body["properties"],
            case .string(let state)? = properties["provisioningState"]
        else { return nil }
        return state
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
    ///
    /// An operation URL that stops answering (connection refused, 404, an expired
    /// operation, any error that is not the operation's own outcome) is left for the
    /// resource's provisioningState, as it is when ARM gives no operation at all.
    public func waitForOperation(
        _ answer: Answer,
        path: String,
        apiVersion: String,
        deleting: Bool = false,
        timeout: Duration? = nil
    ) async throws {
        let deadline = ContinuousClock.now + (timeout ?? operationTimeout)
        if let operation = answer.headers["azure-asyncoperation"] {
            guard try await pollStatus(operation, first: Self.interval(answer), path: path, deadline: deadline) else {
                return try await waitForResource(path, apiVersion: apiVersion, deleting: deleting, deadline: deadline)
            }
            return
        }
        if let location = answer.headers["location"], answer.status == 202 {
            guard try await pollLocation(location, first: Self.interval(answer), path: path, deadline: deadline) else {
                return try await waitForResource(path, apiVersion: apiVersion, deleting: deleting, deadline: deadline)
            }
            return
        }
        guard !deleting else { return }
        try await waitForResource(path, apiVersion: apiVersion, deleting: false, deadline: deadline)
    }

    static func interval(_ answer: Answer) -> Duration {
        answer.headers["retry-after"].flatMap(Double.init).map { .milliseconds(Int(max($0, 0.05) * 1000)) }
            ?? .seconds(5)
    }

    /// Follows an `Azure-AsyncOperation` to its end: true when it succeeded, false when the
    /// URL stopped answering; its failure is thrown.
    private func pollStatus(_ operation: String, first: Duration, path: String, deadline: ContinuousClock.Instant)
        async throws -> Bool
    {
        var wait = first
        while ContinuousClock.now < deadline {
            try await sleep(wait)
            let status: Answer
            do {
                status = try await send("GET", operation, apiVersion: nil)
            } catch is ARMError {
                return false
            }
            if status.status == 404 { return false }
            wait = Self.interval(status)
            guard case .map(let body)? = status.body, case .string(let state)? = body["status"] else { continue }
            switch state.lowercased() {
            case "succeeded": return true
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

    /// Follows a `Location` (202 while it runs): true when it ended, false when the URL
    /// stopped answering.
    private func pollLocation(_ location: String, first: Duration, path: String, deadline: ContinuousClock.Instant)
        async throws -> Bool
    {
        while ContinuousClock.now < deadline {
            try await sleep(first)
            let status: Answer
            do {
                status = try await send("GET", location, apiVersion: nil)
            } catch is ARMError {
                return false
            }
            if status.status == 404 { return false }
            if status.status == 200 || status.status == 204 { return true }
        }
        throw ARMError(status: 0, code: "OperationTimedOut", message: "\(path) did not finish in time")
    }

    /// Reads the resource until its provisioningState settles (Succeeded, Failed, Canceled,
    /// or gone), polling at 0.25 s doubling to 5 s.
    func waitForResource(_ path: String, apiVersion: String, deleting: Bool, deadline: ContinuousClock.Instant)
        async throws
    {
        var wait = Duration.milliseconds(250)
        while true {
            guard let body = try await get(path, apiVersion: apiVersion), let state = Self.provisioningState(body)
            else { return }
            switch state.lowercased() {
            case "succeeded": return
            case "failed", "canceled":
                if deleting { return }
                throw ARMError(status: 200, code: "ProvisioningFailed", message: "\(path) failed to provision")
            default: break  // Updating, Creating, Deleting, Accepted, …
            }
            guard ContinuousClock.now < deadline else {
                throw ARMError(status: 0, code: "OperationTimedOut", message: "\(path) did not finish in time")
            }
            try await sleep(wait)
            wait = min(wait * 2, .seconds(5))
        }
    }
}

/// A count shared by a client's copies.
public final class RequestCount: Sendable {
    private let count = Mutex(0)

    public init() {}

    public var value: Int { count.withLock { $0 } }

    func add() { count.withLock { $0 += 1 } }
}
