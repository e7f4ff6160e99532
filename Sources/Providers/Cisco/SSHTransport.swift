internal import Foundation
internal import Spec

#if canImport(Glibc)
    internal import Glibc
#endif

/// A CLI session with a router through the system's OpenSSH client on a pseudo-terminal
/// (scrapli's "system" transport): real IOS 15.x offers only RSA host keys and older key
/// exchanges that swift-nio-ssh lacks, and users' `~/.ssh/config`, bastions and agents then
/// just work.
///
/// The password is typed at ssh's own prompt, on the terminal; the host key is checked against
/// a pinned known_hosts file (refused on mismatch, never accepted blindly unless told to). ssh
/// gets a scrubbed environment and stays this process's child until `close()` reaps it.
public final class SSHTransport {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        /// A known_hosts file holding the router's pinned key.
        public var knownHosts: String?
        /// Accept whatever key the router shows (`--insecure-accept-host-key`).
        public var insecureAcceptHostKey: Bool
        public var timeout: Duration

        public init(
            host: String,
            port: Int = 22,
            username: String,
            password: String? = nil,
            knownHosts: String? = nil,
            insecureAcceptHostKey: Bool = false,
            timeout: Duration = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.knownHosts = knownHosts
            self.insecureAcceptHostKey = insecureAcceptHostKey
            self.timeout = timeout
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case hostKey(String)
        case authentication(String)
        case timeout(String)
        case closed(String)
        /// A configuration line IOS refused (its secret masked), with what it printed.
        case command(line: String, output: String)

        /// What the router and ssh said is data: shown, never acted on by a terminal.
        public var description: String {
            let text =
                switch self {
                case .hostKey(let detail): "host key check failed: \(detail)"
                case .authentication(let detail): "login failed: \(detail)"
                case .timeout(let detail): "timed out \(detail)"
                case .closed(let detail): "the session closed: \(detail)"
                case .command(let line, let output): "the router refused '\(line)': \(output)"
                }
            return Escape.terminal(text)
        }
    }

    let options: Options
    /// The ssh child: our own child, in a session of its own, reaped by `close()`.
    public private(set) var pid: Int32 = 0
    var exited = false
    var master: Int32 = -1
    var pending: [UInt8] = []
    /// The prompt the router showed last (`R891#`, `R891(config-if)#`).
    public private(set) var prompt = ""

    /// Connects, logs in and reads up to the first prompt.
    public init(_ options: Options) throws {
        self.options = options
        try spawn()
        try login()
    }

    /// The ssh child's whole environment: nothing of ours but what ssh needs.
    ///
    /// Secrets often travel in the environment (the spec's `fromEnv`, a CI runner's tokens);
    /// ssh needs only PATH and HOME (its config and known_hosts), and the agent's socket only
    /// when it logs in by key rather than by password. SSH_ASKPASS and DISPLAY are left out so
    /// ssh asks on the terminal, where this side answers.
    static func environment(_ parent: [String: String], password: Bool) -> [String: String] {
        var environment = ["TERM": "vt100"]
        for name in ["PATH", "HOME"] + (password ? [] : ["SSH_AUTH_SOCK"]) {
            environment[name] = parent[name]
        }
        return environment
    }

    /// Starts ssh on a new pseudo-terminal as its controlling terminal, so ssh asks for the
    /// password there.
    ///
    /// posix_spawn's SETSID makes ssh a session leader and the child then opens the terminal
    /// (glibc runs the file actions after setsid), so ssh stays our own child: `close()` can end
    /// and reap it. `/usr/bin/setsid` forked when run as a group leader and left ssh to init.
    /// If this process dies, the terminal's master closes and ssh gets SIGHUP.
    func spawn() throws {
        var slave: Int32 = -1
        var name = [CChar](repeating: 0, count: 256)
        guard openpty(&master, &slave, &name, nil, nil) == 0 else { throw Failure.closed("no pseudo-terminal") }
        defer { Glibc.close(slave) }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, name, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes,
            Int16(Self.spawnSetsid | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        )
        let arguments = ["/usr/bin/ssh"] + Self.arguments(options)
        let environment = Self.environment(ProcessInfo.processInfo.environment, password: options.password != nil)
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        let status = posix_spawn(&pid, "/usr/bin/ssh", &actions, &attributes, argv, envp)
        guard status == 0 else {
            Glibc.close(master)
            master = -1
            throw Failure.closed("cannot start /usr/bin/ssh: \(String(cString: strerror(status)))")
        }
    }

    /// glibc's POSIX_SPAWN_SETSID (2.26+), which the Glibc module does not export (it is a GNU extension).
    static let spawnSetsid: Int32 = 0x80

    /// Whether ssh still runs; reaps it once it has exited.
    var running: Bool {
        guard pid > 0, !exited else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid || (result < 0 && errno == ECHILD) { exited = true }
        return !exited
    }

    static func arguments(_ o: Options) -> [String] {
        var arguments = [
            "-p", String(o.port), "-l", o.username, "-o", "ConnectTimeout=\(Int(o.timeout.components.seconds))",
            "-o", "NumberOfPasswordPrompts=1", "-o", "ServerAliveInterval=15",
            // IOS 15.x speaks only these; adding them does not weaken a modern server.
            "-o", "KexAlgorithms=+diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
            "-o", "HostKeyAlgorithms=+ssh-rsa", "-o", "PubkeyAcceptedAlgorithms=+ssh-rsa",
        ]
        if o.insecureAcceptHostKey {
            arguments += ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
        } else {
            arguments += ["-o", "StrictHostKeyChecking=yes"]
            if let knownHosts = o.knownHosts { arguments += ["-o", "UserKnownHostsFile=\(knownHosts)"] }
        }
        if o.password != nil { arguments += ["-o", "PreferredAuthentications=keyboard-interactive,password"] }
        return arguments + [o.host]
    }

    /// What to do when no key for the router is pinned (an empty or missing known_hosts file).
    static func nothingPinned(_ o: Options) -> String {
        let file = o.knownHosts ?? "~/.ssh/known_hosts"
        let scan = o.port == 22 ? "ssh-keyscan \(o.host)" : "ssh-keyscan -p \(o.port) \(o.host)"
        return "no key for \(o.host) is pinned (\(file) has none for it); set the router's management.hostKey, "
            + "or add its key to \(file) (`\(scan)`, after checking the fingerprint on the router's console)"
    }

    func login() throws {
        var answered = false
        let text = try read { text in
            // ssh says "No ED25519 host key is known for HOST" when nothing is pinned at all.
            if text.contains("host key is known for") && !text.contains("different type")
                && text.contains("Host key verification failed")
            {
                throw Failure.hostKey(Self.nothingPinned(self.options))
            }
            if text.contains("Host key verification failed") || text.contains("HOST IDENTIFICATION HAS CHANGED") {
                throw Failure.hostKey("the router's key is not the pinned one (\(self.options.host))")
            }
            if text.contains("Permission denied") {
                throw Failure.authentication("\(self.options.username)@\(self.options.host)")
            }
            if text.lowercased().hasSuffix("password: ") || text.lowercased().hasSuffix("password:") {
                guard let password = self.options.password, !answered else {
                    throw Failure.authentication("\(self.options.username)@\(self.options.host): password refused")
                }
                answered = true
                self.pending = []
                try self.write(password + "\n")
                return false
            }
            return Self.promptAtEnd(text) != nil
        }
        prompt = Self.promptAtEnd(text) ?? ""
    }

    /// Questions some commands ask before they act, and the answer that lets them
    /// (removing a NAT rule in use, copying to startup-config).
    static let questions: [(asks: String, answer: String)] = [
        ("Dynamic mapping in use", "yes"), ("[confirm]", ""), ("Destination filename [", ""),
        // `reload in` on a router with unsaved changes: the revert must not save them.
        ("Save? [yes/no]", "no"),
    ]

    /// Runs one command; returns its output without the echoed command and the prompt.
    ///
    /// A question the command asks is answered (`questions`).
    public func run(_ command: String) throws -> String {
        try write(command + "\n")
        var answered = Set<String>()
        let text = try read { text in
            let last = text.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            if let question = Self.questions.first(where: { last.contains($0.asks) }),
                !answered.contains(question.asks),
                last.hasSuffix(": ") || last.hasSuffix("? ") || last.hasSuffix("]")
            {
                answered.insert(question.asks)
                try self.write(question.answer + "\n")
                return false
            }
            return Self.promptAtEnd(text) != nil || text.hasSuffix("Password: ")
        }
        prompt = Self.promptAtEnd(text) ?? (text.hasSuffix("Password: ") ? "Password: " : prompt)
        var lines = text.components(separatedBy: "\n")
        if !lines.isEmpty { lines.removeLast() }  // the prompt
        if !lines.isEmpty, lines[0].hasSuffix(command) { lines.removeFirst() }  // the echo
        return lines.joined(separator: "\n")
    }

    /// `enable`, answering the password prompt with the secret.
    public func enable(secret: String) throws {
        guard !prompt.hasSuffix("#") else { return }
        _ = try run("enable")
        if prompt == "Password: " {
            try write(secret + "\n")
            let text = try read { Self.promptAtEnd($0) != nil }
            prompt = Self.promptAtEnd(text) ?? prompt
        }
        guard prompt.hasSuffix("#") else { throw Failure.authentication("enable refused") }
    }

    /// Sends configuration lines (`configure terminal` … `end`); the first line IOS refuses
    /// stops the push and is reported with IOS's message.
    ///
    /// `entering` is the command that enters configuration mode (`configure terminal revert
    /// timer 5` for a push that reverts unless confirmed).
    public func configure(_ lines: [String], entering: String = "configure terminal") throws {
        let entered = try run(entering)
        if let error = Self.failure(entered) { throw Failure.command(line: entering, output: error) }
        for line in lines {
            let output = try run(line)
            if let error = Self.failure(output) {
                _ = try? run("end")
                throw Failure.command(
                    line: IOSRules.masked(line.trimmingCharacters(in: .whitespaces)),
                    output: error
                )
            }
        }
        _ = try run("end")
    }

    /// The `%` line that says a command failed; syslog `%FACILITY-N-MNEMONIC:` lines do not.
    public static func failure(_ output: String) -> String? {
        for line in output.components(separatedBy: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("%") else { continue }
            if text.range(of: #"^%[A-Z0-9_]+-\d-[A-Z0-9_]+:"#, options: .regularExpression) != nil { continue }
            return text
        }
        return nil
    }

    /// Logs out, and ends and reaps ssh if it does not leave by itself.
    public func close() {
        if running { try? write("exit\n") }
        var deadline = ContinuousClock.now + .seconds(2)
        while running && ContinuousClock.now < deadline { usleep(10_000) }
        if running { kill(pid, SIGTERM) }
        deadline = ContinuousClock.now + .seconds(2)
        while running && ContinuousClock.now < deadline { usleep(10_000) }
        if running {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            exited = true
        }
        if master >= 0 {
            Glibc.close(master)
            master = -1
        }
    }

    deinit { close() }

    // MARK: The terminal

    func write(_ text: String) throws {
        var bytes = Array(text.utf8)
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure.closed("cannot write to the session") }
            bytes.removeFirst(written)
        }
    }

    /// Reads until `done` says the text so far is complete; CR dropped.
    func read(until done: (String) throws -> Bool) throws -> String {
        let deadline = ContinuousClock.now + options.timeout
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: pending, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
            if try done(text) {
                pending = []
                return text
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                // What the router printed last, with any secret in it masked (a running config
                // shows pre-shared keys in clear).
                let tail = text.suffix(200).split(separator: "\n").map { IOSRules.masked(String($0)) }
                throw Failure.timeout("waiting for \(options.host): \(tail.joined(separator: "\n"))")
            }
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining.components.seconds * 1000 + 1, 1000)))
            guard ready > 0 else { continue }
            let count = Glibc.read(master, &chunk, chunk.count)
            guard count > 0 else {
                let said = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
                throw Failure.closed(said.map { IOSRules.masked(String($0)) }.joined(separator: "\n"))
            }
            pending += chunk[0..<count]
        }
    }

    /// The prompt ending `text`, if it ends with one (`R891>`, `R891#`, `R891(config-if)#`).
    static func promptAtEnd(_ text: String) -> String? {
        guard let last = text.split(separator: "\n", omittingEmptySubsequences: false).last else { return nil }
        let line = String(last)
        let pattern = #"^[A-Za-z0-9.\-@/:]{1,63}(\([A-Za-z0-9.\-@/:+]{0,32}\))?[>#] ?$"#
        return line.range(of: pattern, options: .regularExpression) != nil
            ? line.trimmingCharacters(in: .whitespaces)
            : nil
    }
}
