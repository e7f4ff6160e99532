internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix

/// Serves a `BlobService` on a loopback listener of its own (beside the ARM one), path-style as
/// Azurite does: `http://127.0.0.1:PORT/ACCOUNT/CONTAINER/BLOB`.
///
/// Plain SwiftNIO, answering on the event loop: it starts and stops synchronously, and needs no
/// thread of Swift's cooperative pool, so a caller that blocks a pool thread on a blob request
/// (the state backend bridging to its synchronous protocol) can never starve it.
public final class BlobServer: Sendable {
    public let service: BlobService
    private let channel: any Channel

    /// Binds and starts serving; returns once the port is bound.
    public init(service: BlobService, host: String = "127.0.0.1", port: Int = 0) throws {
        self.service = service
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(service: service))
                }
            }
        channel = try bootstrap.bind(host: host, port: port).wait()
    }

    public var port: Int { channel.localAddress?.port ?? 0 }

    /// The endpoint clients use, account not included (`http://127.0.0.1:PORT`).
    public var url: String { "http://127.0.0.1:\(port)" }

    public func stop() {
        try? channel.close().wait()
    }

    /// Not Sendable: NIO confines a handler to its channel's event loop, and each channel gets its own.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let service: BlobService
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(service: BlobService) { self.service = service }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let target = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
                var headers: [String: String] = [:]
                for (name, value) in head.headers {
                    let key = name.lowercased()
                    headers[key] = headers[key].map { $0 + "," + value } ?? value
                }
                let answer = service.handle(
                    BlobRequest(
                        method: head.method.rawValue,
                        path: target.first.map(String.init) ?? "/",
                        query: target.count > 1 ? String(target[1]) : "",
                        headers: headers,
                        body: body
                    )
                )
                var fields = HTTPHeaders()
                for (name, value) in answer.headers { fields.add(name: name, value: value) }
                if !fields.contains(name: "Content-Length") {
                    fields.add(name: "Content-Length", value: "\(head.method == .HEAD ? 0 : answer.body.count)")
                }
                let keepAlive = head.isKeepAlive
                if !keepAlive { fields.replaceOrAdd(name: "Connection", value: "close") }
                let status = HTTPResponseStatus(statusCode: answer.status)
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: fields))),
                    promise: nil
                )
                if !answer.body.isEmpty {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: answer.body)))), promise: nil)
                }
                let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                if !keepAlive {
                    let channel = context.channel
                    done.whenComplete { _ in channel.close(promise: nil) }
                }
                self.head = nil
                body = []
            }
        }
    }
}
