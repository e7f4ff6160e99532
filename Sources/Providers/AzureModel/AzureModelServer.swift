internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import NIOCore
internal import Synchronization

/// Serves an `AzureModel` over HTTP on loopback (127.0.0.1, an ephemeral port unless
/// told otherwise), so the provider's real HTTP client talks to it.
public final class AzureModelServer: Sendable {
    public let model: AzureModel
    private struct State {
        var task: Task<Void, any Error>?
        var port = 0
    }
    private let state = Mutex(State())

    public init(model: AzureModel) {
        self.model = model
    }

    /// The bound port; 0 until `start` returns.
    public var port: Int { state.withLock { $0.port } }

    /// The base URL clients use (`http://127.0.0.1:PORT`).
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts serving and returns once the port is bound.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws {
        let model = self.model
        let bound = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<ModelRequestContext> { request, context in
            var request = request
            // ARM refuses a body over 4 MB with 413 and an error body, before reading it.
            let limit = AzureModel.maximumRequestBytes
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                return Self.response(AzureModel.tooLarge())
            }
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: limit)
            } catch {
                return Self.response(AzureModel.tooLarge())
            }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            // HTTP/1's Host arrives as the :authority pseudo-header.
            if model.options.faults.latency > .zero { try await Task.sleep(for: model.options.faults.latency) }
            let hostHeader = request.head.authority ?? headers["host"] ?? "127.0.0.1"
            let answer = await model.handle(
                ARMRequest(
                    method: request.method.rawValue,
                    // The raw target: a path Hummingbird cannot decode (`%FF`) must reach the
                    // model as sent, to be refused as ARM refuses it, not read as `/`.
                    path: request.head.path.map { String($0.prefix { $0 != "?" }) } ?? request.uri.path,
                    query: query,
                    headers: headers,
                    body: Array(buffer: body),
                    base: "http://\(hostHeader)"
                )
            )
            if answer.dropConnection {
                // The request was carried out; the answer is lost with the connection.
                try? await context.channel.close()
                throw CancellationError()
            }
            return Self.response(answer)
        }
        var logger = Logger(label: "reconcile.azure-model")
        logger.logLevel = .critical  // stopping the lab is not an error worth printing
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in bound.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let running = Task { try await app.run() }
        state.withLock { $0.task = running }
        for await value in bound.stream {
            state.withLock { $0.port = value }
            break
        }
    }

    static func response(_ answer: ARMResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(
            status: .init(code: answer.status),
            headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }

    public func stop() {
        // Cancelled outside the lock: cancellation runs the task's handlers synchronously.
        let running = state.withLock { held in
            defer { held.task = nil }
            return held.task
        }
        running?.cancel()
    }
}

/// A request context that keeps the connection, so a fault can drop it.
struct ModelRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
