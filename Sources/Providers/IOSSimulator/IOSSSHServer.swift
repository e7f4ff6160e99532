internal import Crypto
internal import Foundation
internal import NIOCore
internal import NIOPosix
internal import NIOSSH
internal import Synchronization

/// A simulated router behind a real SSH server (swift-nio-ssh) on loopback: password
/// login, an interactive shell with a pty (server-side echo, `\r`, `\n` or `\r\n` as one
/// Enter, backspace, Ctrl-Z for `end`, Ctrl-C to drop a line) and single `exec` commands, as
/// clients use them (`docs/ios.md`).
public final class IOSSSHServer: Sendable {
    public let device: IOSDevice
    let username: String
    let password: String
    let enableSecret: String?
    let privilegedLogin: Bool
    let hostKey: NIOSSHPrivateKey
    /// NIO's shared loops: a lab of a thousand routers is a thousand listening sockets, not
    /// a thousand threads and their selectors.
    private let group = MultiThreadedEventLoopGroup.singleton

    /// The listener, and what the lab may change while it serves.
    private struct State {
        var channel: (any Channel)?
        var port = 0
        var clientAddress: String?
        var dropEvery: Int?
        var dropAfter: Duration = .milliseconds(300)
        var connections = 0
    }
    private let state = Mutex(State())

    /// The bound port; 0 until `start` returns.
    public var port: Int { state.withLock { $0.port } }

    /// The address the router sees a client come from, for `access-class` on the vty lines
    /// (the lab puts the engineer's station on the LAN; nil: the real peer address).
    public var clientAddress: String? {
        get { state.withLock { $0.clientAddress } }
        set { state.withLock { $0.clientAddress = newValue } }
    }

    /// Fault injection: every `dropEvery`-th connection is cut `dropAfter` after it opens, as a
    /// flaky WAN or a router's vty timeout cuts a session in the middle of a push.
    public var dropEvery: Int? {
        get { state.withLock { $0.dropEvery } }
        set { state.withLock { $0.dropEvery = newValue } }
    }
    public var dropAfter: Duration {
        get { state.withLock { $0.dropAfter } }
        set { state.withLock { $0.dropAfter = newValue } }
    }

    /// Counts a new connection: true when the fault says to cut it.
    func dropsNextConnection() -> Bool {
        state.withLock { held in
            guard let every = held.dropEvery, every > 0 else { return false }
            held.connections += 1
            return held.connections % every == 0
        }
    }

    /// A server for `device`; a login lands in privileged mode (`#`) when `privilegedLogin`,
    /// else in user exec (`>`, then `enable` with `enableSecret`).
    ///
    /// `hostKey` is the router's own key, kept across restarts as a real router keeps it
    /// (`RouterHostKey.persisted(at:)`); nil makes a new one for this server alone.
    public init(
        device: IOSDevice,
        username: String,
        password: String,
        enableSecret: String? = nil,
        privilegedLogin: Bool = true,
        hostKey: RouterHostKey? = nil
    ) {
        self.hostKey = NIOSSHPrivateKey(ed25519Key: hostKey?.key ?? Curve25519.Signing.PrivateKey())
        self.device = device
        self.username = username
        self.password = password
        self.enableSecret = enableSecret
        self.privilegedLogin = privilegedLogin
    }

    /// The host key in OpenSSH form (`ssh-ed25519 AAAA…`), to pin in a known_hosts file.
    public var hostKeyLine: String { String(openSSHPublicKey: hostKey.publicKey) }

    /// Starts listening (127.0.0.1 and an ephemeral port unless told otherwise).
    public func start(host: String = "127.0.0.1", port: Int = 0) throws {
        let server = self
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                // The vty lines' access-class: a client it does not permit gets no session.
                let peer = server.clientAddress ?? channel.remoteAddress?.ipAddress ?? ""
                guard server.device.vtyPermits(peer) else {
                    return channel.close()
                }
                if server.dropsNextConnection() {
                    let after = server.dropAfter.components
                    let nanoseconds = after.seconds * 1_000_000_000 + after.attoseconds / 1_000_000_000
                    channel.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { channel.close(promise: nil) }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        NIOSSHHandler(
                            role: .server(
                                .init(
                                    hostKeys: [server.hostKey],
                                    userAuthDelegate: PasswordCheck(
                                        device: server.device,
                                        username: server.username,
                                        password: server.password
                                    )
                                )
                            ),
                            allocator: channel.allocator,
                            inboundChildChannelInitializer: { child, type in
                                guard case .session = type else {
                                    return child.eventLoop.makeFailedFuture(SimulatorError.unsupportedChannel)
                                }
                                return child.eventLoop.makeCompletedFuture {
                                    try child.pipeline.syncOperations.addHandler(
                                        TerminalHandler(
                                            session: IOSSession(
                                                device: server.device,
                                                privileged: server.privilegedLogin,
                                                enableSecret: server.enableSecret
                                            )
                                        )
                                    )
                                }
                            }
                        ),
                        CloseOnError(),
                    ])
                }
            }
        let bound = try bootstrap.bind(host: host, port: port).wait()
        state.withLock {
            $0.channel = bound
            $0.port = bound.localAddress?.port ?? 0
        }
    }

    public func stop() {
        // Waited for outside the lock.
        let channel = state.withLock { $0.channel }
        try? channel?.close().wait()
    }
}

enum SimulatorError: Error {
    case unsupportedChannel
}

/// The router's own `username` lines decide who gets in; a router with none takes the
/// server's configured user (a day-0 router reached over its console-set credentials).
final class PasswordCheck: NIOSSHServerUserAuthenticationDelegate, Sendable {
    let device: IOSDevice
    let username: String
    let password: String

    init(device: IOSDevice, username: String, password: String) {
        self.device = device
        self.username = username
        self.password = password
    }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { .password }

    func requestReceived(
        request: NIOSSHUserAuthenticationRequest,
        responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>
    ) {
        guard case .password(let given) = request.request,
            device.accepts(username: request.username, password: given.password, fallback: (username, password))
        else {
            responsePromise.succeed(.failure)
            return
        }
        responsePromise.succeed(.success)
    }
}

final class CloseOnError: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// One SSH session channel: a shell (a terminal with echo) or an exec (one command).
final class TerminalHandler: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = SSHChannelData

    let session: IOSSession
    var line: [UInt8] = []
    /// Output held back at ` --More-- `, and the prompt that follows it.
    var paged: [String] = []
    var pagedPrompt = ""
    var lastWasCarriageReturn = false
    var shell = false

    init(session: IOSSession) {
        self.session = session
    }

    /// A client that ends its input (EOF) still gets every answer: the channel stays open
    /// for output until the session is over.
    func handlerAdded(context: ChannelHandlerContext) {
        _ = context.channel.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let pty as SSHChannelRequestEvent.PseudoTerminalRequest:
            if pty.wantReply { context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil) }
        case let request as SSHChannelRequestEvent.ShellRequest:
            shell = true
            if request.wantReply { context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil) }
            send("\r\n" + session.prompt, context: context)
        case let request as SSHChannelRequestEvent.ExecRequest:
            if request.wantReply { context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil) }
            // One command, its output without a prompt, then the channel closes.
            let answer = session.input(request.command)
            send(String(answer.dropLast(session.prompt.count)), context: context)
            let channel = context.channel
            context.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0)).whenComplete { _ in
                channel.close(promise: nil)
            }
        case ChannelEvent.inputClosed:
            // The client sent EOF: what it typed has been answered; end like `exit`.
            let channel = context.channel
            context.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0)).whenComplete { _ in
                channel.close(promise: nil)
            }
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            if request.wantReply { context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard shell, case .channel = message.type, case .byteBuffer(var buffer) = message.data else { return }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        var echo: [UInt8] = []
        for byte in bytes {
            defer { lastWasCarriageReturn = byte == 0x0D }
            if !paged.isEmpty {
                more(byte, context: context)
                continue
            }
            switch byte {
            case 0x0A where lastWasCarriageReturn:
                continue  // \r\n is one Enter
            case 0x0D, 0x0A:
                flush(&echo, context: context)
                let typed = String(decoding: line, as: UTF8.self)
                line = []
                let (output, prompt) = session.answer(typed)
                page("\r\n" + output, prompt: prompt, context: context)
                if session.closed {
                    // `exit` at exec level: a clean end, with an exit status for the client.
                    let channel = context.channel
                    context.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0)).whenComplete {
                        _ in channel.close(promise: nil)
                    }
                    return
                }
            case 0x1A:  // Ctrl-Z: end
                flush(&echo, context: context)
                line = []
                send("^Z\r\n" + session.input("\u{1A}"), context: context)
            case 0x03:  // Ctrl-C: drop the line
                flush(&echo, context: context)
                line = []
                send("\r\n" + session.prompt, context: context)
            case 0x08, 0x7F:
                if !line.isEmpty {
                    line.removeLast()
                    echo += [0x08, 0x20, 0x08]
                }
            default:
                line.append(byte)
                // The enable password is not echoed.
                if session.prompt != "Password: " { echo.append(byte) }
            }
        }
        flush(&echo, context: context)
    }

    static let more = " --More-- "

    /// Prints output a page at a time (`terminal length`): the first page, then ` --More-- `
    /// and the rest held for the next key.
    func page(_ output: String, prompt: String, context: ChannelHandlerContext) {
        let lines = output.components(separatedBy: "\r\n")
        let length = session.pageLength
        guard length > 0, lines.count > length + 1 else {
            send(output + prompt, context: context)
            return
        }
        send(lines.prefix(length).joined(separator: "\r\n") + "\r\n" + Self.more, context: context)
        paged = Array(lines.dropFirst(length))
        pagedPrompt = prompt
    }

    /// A key at ` --More-- `: space for a page, Enter for a line, anything else stops.
    func more(_ byte: UInt8, context: ChannelHandlerContext) {
        let erase =
            String(repeating: "\u{8}", count: Self.more.count) + String(repeating: " ", count: Self.more.count)
            + String(repeating: "\u{8}", count: Self.more.count)
        let count: Int
        switch byte {
        case 0x20: count = session.pageLength
        case 0x0D, 0x0A: count = 1
        default:
            paged = []
            send(erase + pagedPrompt, context: context)
            return
        }
        let rest = paged.joined(separator: "\r\n")
        paged = []
        send(erase, context: context)
        let lines = rest.components(separatedBy: "\r\n")
        if lines.count <= count + 1 {
            send(rest + pagedPrompt, context: context)
        } else {
            send(lines.prefix(count).joined(separator: "\r\n") + "\r\n" + Self.more, context: context)
            paged = Array(lines.dropFirst(count))
        }
    }

    func flush(_ echo: inout [UInt8], context: ChannelHandlerContext) {
        guard !echo.isEmpty else { return }
        write(echo, context: context)
        echo = []
    }

    func send(_ text: String, context: ChannelHandlerContext) {
        guard !text.isEmpty else { return }
        write(Array(text.utf8), context: context)
    }

    func write(_ bytes: [UInt8], context: ChannelHandlerContext) {
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        context.writeAndFlush(wrapOutboundOut(SSHChannelData(type: .channel, data: .byteBuffer(buffer))), promise: nil)
    }
}
