import Cisco
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A child process whose output is collected as it comes, so a test can wait for a line.
final class Watched: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var collected = ""

    init(_ arguments: [String], in workspace: LabWorkspace, environment: [String: String] = [:]) throws {
        let (process, out, err) = try Fixture.start(
            "reconcile",
            arguments,
            environment: LabWorkspace.secrets.merging(LabWorkspace.grant) { _, b in b }.merging(environment) { _, b in b
            },
            directory: workspace.root
        )
        self.process = process
        for pipe in [out, err] {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [weak self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    self?.lock.withLock { self?.collected += String(decoding: data, as: UTF8.self) }
                }
            }
        }
    }

    var output: String { lock.withLock { collected } }

    /// Waits until the output has a line containing `text`; that line.
    func line(containing text: String, timeout: Duration = .seconds(60)) throws -> String {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if let line = output.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure("no line with '\(text)' within \(timeout):\n\(output)")
    }

    /// Waits for the process to end; its exit status.
    func wait(timeout: Duration = .seconds(120)) throws -> Int32 {
        let end = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < end else {
                process.terminate()
                throw Failure("still running after \(timeout):\n\(output)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return process.terminationStatus
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// Out-of-band changes to a running lab, the way people make them: Azure over its HTTP API
/// (as the portal or az would), a router over SSH (as an engineer would).
struct OutOfBand {
    let armURL: String
    let group: String
    let routers: [String: (port: Int, knownHosts: String)]

    static let subscription = "00000000-0000-0000-0000-000000000000"

    /// Reads the endpoints from what a `reconcile` command printed when it started the lab
    /// (its paths are relative to the workspace, where it ran).
    init(from output: String, group: String, in workspace: LabWorkspace) throws {
        func after(_ marker: String, in line: Substring) -> String? {
            guard let range = line.range(of: marker) else { return nil }
            return String(line[range.upperBound...].prefix { !" ,)".contains($0) })
        }
        var url: String?
        var routers: [String: (Int, String)] = [:]
        for line in output.split(separator: "\n") {
            if let found = after("local Azure model at ", in: line) ?? after("Azure model: ", in: line) { url = found }
            if let name = line.split(separator: " ").first, line.contains("lab router") || line.contains(": ssh -p") {
                let device = String(name.hasPrefix("cisco:") ? line.split(separator: " ")[1] : name.dropLast())
                let port = after("127.0.0.1:", in: line) ?? after("ssh -p ", in: line)
                let directory =
                    after("config in ", in: line).map { ($0 as NSString).deletingLastPathComponent }
                    ?? after("host key in ", in: line).map { ($0 as NSString).deletingLastPathComponent }
                if let port = port.flatMap({ Int($0) }), let directory {
                    let absolute = directory.hasPrefix("/") ? directory : workspace.root.path + "/" + directory
                    routers[device] = (port, absolute + "/\(device).known_hosts")
                }
            }
        }
        guard let url else { throw Watched.Failure("no Azure model URL in:\n\(output)") }
        armURL = url
        self.group = group
        self.routers = routers
    }

    func path(_ resource: String) -> String {
        "/subscriptions/\(Self.subscription)/resourceGroups/\(group)/providers/Microsoft.Network/\(resource)"
    }

    /// One ARM call; the status and the JSON body.
    @discardableResult
    func arm(_ method: String, _ resource: String, _ body: [String: Any]? = nil) async throws -> (Int, [String: Any]) {
        let url = try #require(URL(string: armURL + path(resource) + "?api-version=2024-05-01"))
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer lab", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// Reads a resource, changes it and puts it back, as the portal does.
    func update(_ resource: String, _ change: (inout [String: Any]) -> Void) async throws {
        var (status, body) = try await arm("GET", resource)
        #expect(status == 200, "GET \(resource): \(status)")
        change(&body)
        let (put, answer) = try await arm("PUT", resource, body)
        #expect((200..<300).contains(put), "PUT \(resource): \(put) \(answer)")
    }

    /// Deletes a resource and waits until it is gone.
    func delete(_ resource: String) async throws {
        let (status, _) = try await arm("DELETE", resource)
        #expect((200..<300).contains(status), "DELETE \(resource): \(status)")
        for _ in 0..<600 {
            if try await arm("GET", resource).0 == 404 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(resource) was not deleted")
    }

    /// Logs in to a lab router over SSH, enables, configures `lines` and saves.
    func configure(_ device: String, _ lines: [String]) throws {
        let router = try #require(routers[device], "no SSH endpoint for \(device)")
        let session = try SSHTransport(
            SSHTransport.Options(
                host: "127.0.0.1",
                port: router.port,
                username: "netops",
                password: LabWorkspace.secrets["RTR_PASSWORD"],
                knownHosts: router.knownHosts
            )
        )
        defer { session.close() }
        try session.enable(secret: LabWorkspace.secrets["RTR_ENABLE"] ?? "")
        try session.configure(lines)
        _ = try session.run("write memory")
    }
}

/// An HTTP server on loopback that records each request's headers and body and gives every
/// one the same answer: a webhook receiver (204), or an ARM endpoint that refuses (403).
final class RecordingServer: @unchecked Sendable {
    struct Delivery {
        var headers: [String: String]
        var body: Data
    }

    private let lock = NSLock()
    private var received: [Delivery] = []
    let status: HTTPResponseStatus
    let answer: String

    init(status: HTTPResponseStatus = .noContent, answer: String = "") {
        self.status = status
        self.answer = answer
    }
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel?

    var deliveries: [Delivery] { lock.withLock { received } }
    var port: Int { channel?.localAddress?.port ?? 0 }

    func start() async throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(receiver: self))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel?.close()
        try? await group.shutdownGracefully()
    }

    fileprivate func record(_ delivery: Delivery) { lock.withLock { received.append(delivery) } }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let receiver: RecordingServer
        var head: HTTPRequestHead?
        var body = Data()

        init(receiver: RecordingServer) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let request):
                head = request
                body = Data()
            case .body(var buffer):
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                var headers: [String: String] = [:]
                for (name, value) in head?.headers ?? [:] { headers[name.lowercased()] = value }
                receiver.record(Delivery(headers: headers, body: body))
                let bytes = ByteBuffer(string: receiver.answer)
                let response = HTTPResponseHead(
                    version: .http1_1,
                    status: receiver.status,
                    headers: ["Content-Length": "\(bytes.readableBytes)", "Content-Type": "application/json"]
                )
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                if bytes.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil) }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
