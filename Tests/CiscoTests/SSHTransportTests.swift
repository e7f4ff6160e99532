import BuiltInProviders
import Cisco
import Foundation
import IOSSimulator
import Spec
import TestSupport
import Testing

/// The transport to real routers (the system OpenSSH client on a pseudo-terminal) against
/// the simulator's SSH server: login at ssh's own password prompt, enable, commands, a push
/// stopped at the line IOS refuses, and a host key that is not the pinned one.
@Suite("SSH transport against the simulator", .serialized)
struct SSHTransportTests {
    static func server(password: String = "n3tops-pw") throws -> IOSSSHServer {
        let server = IOSSSHServer(
            device: IOSDevice(config: try IOSParser.parse("hostname R1\n")),
            username: "netops",
            password: password,
            enableSecret: "3nable",
            privilegedLogin: false
        )
        try server.start()
        return server
    }

    static func knownHosts(_ server: IOSSSHServer, key: String? = nil) throws -> URL {
        let directory = try Fixture.temporaryDirectory("transport")
        let file = directory.appendingPathComponent("known_hosts")
        try Data("[127.0.0.1]:\(server.port) \(key ?? server.hostKeyLine)\n".utf8).write(to: file)
        return file
    }

    static func options(_ server: IOSSSHServer, knownHosts: URL, password: String = "n3tops-pw")
        -> SSHTransport.Options
    {
        SSHTransport.Options(
            host: "127.0.0.1",
            port: server.port,
            username: "netops",
            password: password,
            knownHosts: knownHosts.path,
            timeout: .seconds(20)
        )
    }

    @Test func logsInEnablesRunsAndConfigures() throws {
        let server = try Self.server()
        defer { server.stop() }
        let hosts = try Self.knownHosts(server)
        let session = try SSHTransport(Self.options(server, knownHosts: hosts))
        defer { session.close() }
        #expect(session.prompt == "R1>")
        #expect(try session.run("show privilege") == "Current privilege level is 1")
        try session.enable(secret: "3nable")
        #expect(session.prompt == "R1#")
        try session.configure(["hostname R2", "interface Tunnel1", " ip mtu 1400"])
        #expect(session.prompt == "R2#")
        #expect(try session.run("show running-config | include hostname|mtu") == "hostname R2\n ip mtu 1400")
        // A refused line stops the push there and says what IOS said.
        #expect(
            throws: SSHTransport.Failure.command(
                line: "interfce Tunnel2",
                output: "% Invalid input detected at '^' marker."
            )
        ) {
            try session.configure(["interfce Tunnel2", "hostname R3"])
        }
        #expect(server.device.hostname == "R2")
        #expect(session.prompt == "R2#")
        // A refused line that carries a secret is reported with the secret masked.
        #expect(
            throws: SSHTransport.Failure.command(
                line: "pre-shared-key <sensitive>",
                output: "% Invalid input detected at '^' marker."
            )
        ) {
            try session.configure(["pre-shared-key S3cr3t-psk"])
        }
        // A command that asks before acting is answered.
        let nat = "ip nat inside source list 11 interface Dialer1 overload"
        try session.configure([nat])
        try session.configure(["no \(nat)"])
        #expect(!server.device.runningConfig.lines.contains { $0.text == nat })
        #expect(session.prompt == "R2#")
    }

    @Test func theSeedConfigPushedOverSSHToABlankRouterReadsBackClean() throws {
        let server = IOSSSHServer(device: IOSDevice(), username: "netops", password: "n3tops-pw")
        try server.start()
        defer { server.stop() }
        let session = try SSHTransport(Self.options(server, knownHosts: try Self.knownHosts(server)))
        defer { session.close() }
        _ = try session.run("terminal length 0")
        let graph = try #require(
            SpecPipeline.run(Fixture.path("examples/s2s-cisco891-pppoe"), lowering: BuiltIn.lowering).graph
        )
        let intended = IOSRenderer.device(
            graph.resources.filter { $0.provider == "cisco" },
            context: IOSRenderer.Context(output: { _ in .string("198.51.100.20") }, secret: { _ in "Sup3rS3cretPsk" })
        )
        func running() throws -> IOSConfig { try IOSParser.parse(try session.run("show running-config")) }
        try session.configure(Remediation.script(Remediation.commands(running: try running(), intended: intended)))
        #expect(session.prompt == "tokyo-rtr1#")
        #expect(Remediation.commands(running: try running(), intended: intended).lines.isEmpty)
        #expect(try session.run("write memory").hasSuffix("[OK]"))
        #expect(server.device.startupConfig == server.device.runningConfig)
    }

    @Test func aHostKeyThatIsNotThePinnedOneIsRefused() throws {
        let server = try Self.server()
        defer { server.stop() }
        let impostor = IOSSSHServer(device: IOSDevice(), username: "x", password: "y")
        let hosts = try Self.knownHosts(server, key: impostor.hostKeyLine)
        #expect(throws: SSHTransport.Failure.hostKey("the router's key is not the pinned one (127.0.0.1)")) {
            _ = try SSHTransport(Self.options(server, knownHosts: hosts))
        }
    }

    @Test func aWrongPasswordIsALoginFailureThatDoesNotPrintIt() throws {
        let server = try Self.server(password: "other")
        defer { server.stop() }
        let hosts = try Self.knownHosts(server)
        do {
            _ = try SSHTransport(Self.options(server, knownHosts: hosts, password: "n3tops-pw"))
            Issue.record("logged in with a wrong password")
        } catch let failure as SSHTransport.Failure {
            guard case .authentication = failure else {
                Issue.record("\(failure)")
                return
            }
            #expect(!failure.description.contains("n3tops-pw"))
        }
    }

    /// ssh inherits none of our secret variables, is our own child rather than
    /// init's, and is gone, reaped, once the session closes.
    @Test func theSSHChildGetsAScrubbedEnvironmentAndIsReaped() throws {
        setenv("RECONCILE_TEST_TOKYO_PSK", "lab psk never for ssh", 1)
        defer { unsetenv("RECONCILE_TEST_TOKYO_PSK") }
        let server = try Self.server()
        defer { server.stop() }
        let session = try SSHTransport(Self.options(server, knownHosts: try Self.knownHosts(server)))
        let pid = session.pid
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        let names = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self).prefix { $0 != "=" } }
        #expect(Set(names).isSubset(of: ["PATH", "HOME", "TERM"]), "ssh's environment: \(names)")
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        #expect(fields.first == "S" || fields.first == "R")
        #expect(Int32(fields[1]) == getpid(), "ssh is not this process's child")
        #expect(Int32(fields[3]) == pid, "ssh leads its own session (the terminal is its controlling one)")
        session.close()
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "ssh was not reaped")
    }
}

/// What a router answers is data: an error quoting it shows its control characters as text.
@Suite("SSH errors as text")
struct SSHTransportErrorTests {
    @Test func aRefusalQuotingTheRouterIsShownNotActedOn() {
        let failure = SSHTransport.Failure.command(line: "banner motd", output: "% Invalid \u{1B}]0;owned\u{7} input")
        #expect(!failure.description.unicodeScalars.contains { $0.value < 0x20 })
        #expect(failure.description.contains("\\u{1B}]0;owned\\u{7}"))
    }
}
