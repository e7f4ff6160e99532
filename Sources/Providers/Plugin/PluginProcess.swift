internal import Foundation
internal import Reconciler
internal import Spec
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// How long a plugin may take to answer.
public struct PluginDeadlines: Sendable, Hashable {
    /// Every request but `apply`.
    public var call: Duration
    /// `apply`: a unit of work may take long (a router's session, a cloud's operation).
    public var apply: Duration
    /// How long `shutdown` waits for the plugin to exit before it is killed.
    public var exit: Duration

    public init(call: Duration = .seconds(60), apply: Duration = .seconds(600), exit: Duration = .seconds(2)) {
        self.call = call
        self.apply = apply
        self.exit = exit
    }
}

/// A JSON-RPC error a plugin answered: the call failed, the connection is fine.
struct PluginRPCError: Error, Sendable {
    var code: Int
    var message: String
    var data: JSON?

    /// The method is not implemented: for optional methods, the capability is missing.
    var isMethodNotFound: Bool { code == -32601 }
}

/// One running plugin and the newline-delimited JSON-RPC 2.0 connection to it.
///
/// The I/O is synchronous (blocking reads with poll(2) deadlines), one request at a time:
/// the protocol sends one request at a time, and `Provider.preview` is synchronous. A plugin
/// that exits, answers what is not a response to the request, or misses the deadline is
/// stopped, and every later call fails at once with the same error.
final class PluginProcess: Sendable {
    let name: String
    private let process: Process
    private let output: Pipe
    private let stderr: StderrLog
    private let mask: @Sendable (String) -> String
    private let exitGrace: Duration

    /// Held for a whole call: one request at a time, as the protocol says.
    private let connection: Mutex<Connection>
    private struct Connection {
        /// The parent's end of the plugin's stdin (-1 once closed): a socket, so a write to a plugin
        /// that has exited fails with EPIPE (MSG_NOSIGNAL) instead of raising SIGPIPE in the whole host.
        var input: Int32
        var nextID = 1
        var buffer: [UInt8] = []
        /// Set once the connection is unusable; later calls throw it.
        var dead: ProviderError?
    }

    /// The plugin's process id (for tests that check it was stopped).
    var processIdentifier: Int32 { process.processIdentifier }

    /// The longest line read from a plugin; a longer one is a plugin gone wrong.
    static let maximumLine = 64 << 20

    /// Starts `executable` in `root` with only the protocol's environment.
    ///
    /// `environment` is the host's (pass `ProcessInfo`'s): only PATH, HOME, LANG and TMPDIR
    /// are taken from it, since secrets live in the rest.
    init(
        name: String,
        executable: String,
        root: String,
        environment: [String: String],
        mask: @escaping @Sendable (String) -> String,
        exitGrace: Duration
    ) throws(ProviderError) {
        self.name = name
        self.mask = mask
        self.exitGrace = exitGrace
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = []
        process.environment = Self.childEnvironment(environment)
        process.currentDirectoryURL = URL(fileURLWithPath: root, isDirectory: true)

        var sockets: [Int32] = [-1, -1]
        #if canImport(Glibc)
            let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
            let socketType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, socketType, 0, &sockets) == 0 else {
            throw ProviderError("plugin \(name): cannot make its stdin: \(String(cString: strerror(errno)))")
        }
        #if !canImport(Glibc)
            var one: Int32 = 1
            _ = setsockopt(sockets[0], SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            for fd in sockets { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        #endif
        // The child gets its end dup'ed onto fd 0; its own copy and ours stay out of other children.
        let childInput = FileHandle(fileDescriptor: sockets[1], closeOnDealloc: true)
        let output = Pipe()
        let errors = Pipe()
        for fd in [
            output.fileHandleForReading.fileDescriptor, output.fileHandleForWriting.fileDescriptor,
            errors.fileHandleForReading.fileDescriptor, errors.fileHandleForWriting.fileDescriptor,
        ] {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        process.standardInput = childInput
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            close(sockets[0])
            throw ProviderError("plugin \(name): cannot start \(executable): \(error.localizedDescription)")
        }
        try? childInput.close()
        _ = fcntl(sockets[0], F_SETFL, fcntl(sockets[0], F_GETFL) | O_NONBLOCK)
        self.process = process
        self.connection = Mutex(Connection(input: sockets[0]))
        self.output = output
        self.stderr = StderrLog(errors.fileHandleForReading)
    }

    deinit {
        shutdown()
    }

    /// PATH, HOME, LANG and TMPDIR (those set) and the protocol's version: nothing else of the
    /// host's environment reaches a plugin.
    static func childEnvironment(_ parent: [String: String]) -> [String: String] {
        var environment = ["RECONCILE_PLUGIN_PROTOCOL": "1"]
        for key in ["PATH", "HOME", "LANG", "TMPDIR"] {
            if let value = parent[key] { environment[key] = value }
        }
        return environment
    }

    /// `text` with every secret the host knows masked.
    func maskText(_ text: String) -> String { mask(text) }

    /// The plugin's log (stderr), its last 64 KiB, line by line, secrets masked and control
    /// characters shown as escapes.
    var log: [String] {
        stderr.lines.map { Escape.terminal(mask($0), newlines: false) }
    }

    /// Sends one request and returns its result.
    ///
    /// Throws `PluginRPCError` when the plugin answered with an error (the connection stays
    /// usable) and `ProviderError` when it did anything else wrong (the connection is dead).
    func call(_ method: String, params: JSON?, deadline: Duration) throws -> JSON {
        try connection.withLock { held in
            if let dead = held.dead { throw dead }
            let id = held.nextID
            held.nextID += 1
            var request: [String: JSON] = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
            if let params { request["params"] = params }
            let until = ContinuousClock.now + deadline
            do {
                let bytes = Array((JSON.object(request).text + "\n").utf8)
                try write(bytes, to: held.input, until: until, method: method, deadline: deadline)
                let line = try readLine(&held.buffer, until: until, method: method, deadline: deadline)
                return try response(line, id: id, method: method)
            } catch let error as ProviderError {
                fail(error, &held)
                throw error
            }
        }
    }

    /// Ends the session: `shutdown`, stdin closed, a short wait for the exit, then a kill.
    func shutdown() {
        connection.withLock { held in
            if held.dead == nil {
                let until = ContinuousClock.now + exitGrace
                let request: JSON = ["jsonrpc": "2.0", "id": .int(held.nextID), "method": "shutdown"]
                held.nextID += 1
                do {
                    let bytes = Array((request.text + "\n").utf8)
                    try write(bytes, to: held.input, until: until, method: "shutdown", deadline: exitGrace)
                    _ = try readLine(&held.buffer, until: until, method: "shutdown", deadline: exitGrace)
                } catch {
                    // It is going away either way: a plugin that cannot take `shutdown` is killed below.
                }
                held.dead = ProviderError("plugin \(name): was shut down")
            }
            closeInput(&held.input)
            if !waitForExit(exitGrace) { kill() }
        }
    }

    // MARK: Failures

    /// Marks the connection dead and stops the plugin.
    private func fail(_ error: ProviderError, _ held: inout Connection) {
        held.dead = error
        closeInput(&held.input)
        kill()
    }

    private func closeInput(_ input: inout Int32) {
        if input >= 0 {
            close(input)
            input = -1
        }
    }

    /// SIGKILL, then waits for Foundation to reap it.
    private func kill() {
        guard process.isRunning else { return }
        #if canImport(Glibc)
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
        #else
            _ = Darwin.kill(process.processIdentifier, SIGKILL)
        #endif
        _ = waitForExit(.seconds(5))
    }

    /// Whether it exited within `limit`.
    private func waitForExit(_ limit: Duration) -> Bool {
        let until = ContinuousClock.now + limit
        while process.isRunning {
            if ContinuousClock.now >= until { return false }
            usleep(5_000)
        }
        return true
    }

    private func error(_ what: String) -> ProviderError {
        ProviderError("plugin \(name): \(what)")
    }

    /// The error for a plugin whose stdout closed: how it exited, once it has.
    private func exited(_ method: String) -> ProviderError {
        guard waitForExit(exitGrace) else {
            return error("closed its output while answering \(method)")
        }
        let status = process.terminationStatus
        switch process.terminationReason {
        case .uncaughtSignal: return error("was killed by signal \(status) while answering \(method)")
        default: return error("exited with status \(status) while answering \(method)")
        }
    }

    private func timedOut(_ method: String, _ deadline: Duration) -> ProviderError {
        error("no answer to \(method) within \(Self.seconds(deadline)); stopped it")
    }

    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        let value = Double(whole) + Double(attoseconds) / 1e18
        return String(format: "%g s", value)
    }

    /// At most 80 characters of what a plugin wrote, masked and escaped, for an error message.
    private func excerpt(_ bytes: [UInt8]) -> String {
        let masked = mask(String(decoding: bytes, as: UTF8.self))
        let cut = masked.count > 80 ? String(masked.prefix(80)) + "…" : masked
        return "\"" + Escape.terminal(cut, newlines: false) + "\""
    }

    // MARK: I/O

    private func remainingMilliseconds(_ until: ContinuousClock.Instant) -> Int32? {
        let left = until - ContinuousClock.now
        guard left > .zero else { return nil }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: milliseconds)
    }

    private func write(
        _ bytes: [UInt8],
        to input: Int32,
        until: ContinuousClock.Instant,
        method: String,
        deadline: Duration
    ) throws(ProviderError) {
        guard input >= 0 else { throw exited(method) }
        #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
        #else
            let flags: Int32 = 0
        #endif
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                send(input, raw.baseAddress.map { $0 + offset }, bytes.count - offset, flags)
            }
            if sent > 0 {
                offset += sent
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                guard let wait = remainingMilliseconds(until) else { throw timedOut(method, deadline) }
                var descriptor = pollfd(fd: input, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, wait)
            default:
                throw exited(method)
            }
        }
    }

    /// The next non-empty line from stdout.
    private func readLine(
        _ buffer: inout [UInt8],
        until: ContinuousClock.Instant,
        method: String,
        deadline: Duration
    ) throws(ProviderError) -> [UInt8] {
        let fd = output.fileHandleForReading.fileDescriptor
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { return line }
            }
            guard buffer.count <= Self.maximumLine else {
                throw error("answered \(method) with a line longer than \(Self.maximumLine >> 20) MiB")
            }
            guard let wait = remainingMilliseconds(until) else { throw timedOut(method, deadline) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, wait)
            if ready < 0 && errno != EINTR {
                throw error("cannot read its answer: \(String(cString: strerror(errno)))")
            }
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                throw exited(method)
            } else if errno != EINTR && errno != EAGAIN {
                throw error("cannot read its answer: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The result of the response `line`, which must answer request `id`.
    private func response(_ line: [UInt8], id: Int, method: String) throws -> JSON {
        guard let json = JSON(parsing: Data(line)) else {
            throw error("answered \(method) with something that is not JSON: \(excerpt(line))")
        }
        guard case .object(let message) = json, message["jsonrpc"] == "2.0",
            (message["result"] == nil) != (message["error"] == nil)
        else {
            throw error("answered \(method) with something that is not a JSON-RPC 2.0 response: \(excerpt(line))")
        }
        guard message["id"] == .int(id) else {
            let other = message["id"].map { $0.text } ?? "no id"
            throw error("answered \(method) with a response to request \(other), not \(id)")
        }
        if let result = message["result"] { return result }
        guard let failure = message["error"], let code = failure["code"]?.intValue,
            let text = failure["message"]?.stringValue
        else {
            throw error("answered \(method) with an error that has no code and message: \(excerpt(line))")
        }
        throw PluginRPCError(code: code, message: text, data: failure["data"])
    }
}

/// The last 64 KiB a plugin wrote on stderr, read on a thread of its own so the plugin never
/// blocks on a full pipe.
private final class StderrLog: Sendable {
    static let limit = 64 << 10
    private let bytes = Mutex<[UInt8]>([])

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            // The handle is captured so its descriptor stays open until the plugin closes its end.
            let fd = handle.fileDescriptor
            var chunk = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    self.append(chunk[..<count])
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            try? handle.close()
        }
        thread.name = "plugin stderr"
        thread.start()
    }

    private func append(_ chunk: ArraySlice<UInt8>) {
        bytes.withLock { bytes in
            bytes.append(contentsOf: chunk)
            if bytes.count > Self.limit { bytes.removeFirst(bytes.count - Self.limit) }
        }
    }

    var lines: [String] {
        let copy = bytes.withLock { $0 }
        return copy.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    }
}
