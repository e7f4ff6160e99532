import Cisco
import Foundation
import IOSSimulator
import TestSupport
import Testing

/// The simulator behind its SSH server, driven by the system's OpenSSH client over loopback,
/// as the Cisco transport will drive it.
@Suite("IOS simulator over SSH", .serialized)
struct SimulatorSSHTests {
    struct Client {
        let directory: URL
        let port: Int

        init(server: IOSSSHServer, knownKey: String) throws {
            directory = try Fixture.temporaryDirectory("ios-ssh")
            port = server.port
            try Data("[127.0.0.1]:\(port) \(knownKey)\n".utf8).write(
                to: directory.appendingPathComponent("known_hosts")
            )
            let askpass = directory.appendingPathComponent("askpass")
            try Data("#!/bin/sh\necho n3tops-pw\n".utf8).write(to: askpass)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: askpass.path)
        }

        /// Runs ssh with `arguments` after the connection options; stdin from `input`.
        func ssh(_ arguments: [String], input: String = "") throws -> (status: Int32, out: String, err: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
            process.arguments =
                [
                    "-F", "/dev/null", "-p", String(port), "-o", "UserKnownHostsFile=\(directory.path)/known_hosts",
                    "-o", "StrictHostKeyChecking=yes", "-o", "PubkeyAuthentication=no", "-o",
                    "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=10",
                ] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["SSH_ASKPASS"] = directory.appendingPathComponent("askpass").path
            environment["SSH_ASKPASS_REQUIRE"] = "force"
            environment["DISPLAY"] = ":0"
            process.environment = environment
            let stdin = Pipe()
            let stdout = Pipe()
            let stderr = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
            let out = stdout.fileHandleForReading.readDataToEndOfFile()
            let err = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (
                process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self)
            )
        }
    }

    static func server() throws -> IOSSSHServer {
        let server = IOSSSHServer(
            device: IOSDevice(config: try IOSParser.parse("hostname R1\n")),
            username: "netops",
            password: "n3tops-pw",
            enableSecret: "3nable",
            privilegedLogin: false
        )
        try server.start()
        return server
    }

    @Test func openSSHRunsACommandAndAnInteractiveSession() throws {
        let server = try Self.server()
        defer { server.stop() }
        let client = try Client(server: server, knownKey: server.hostKeyLine)
        defer { try? FileManager.default.removeItem(at: client.directory) }

        let exec = try client.ssh(["netops@127.0.0.1", "show privilege"])
        #expect(exec.status == 0, "\(exec.err)")
        #expect(exec.out == "Current privilege level is 1\r\n")

        // A terminal session as netmiko drives one: enable, configure, read back, leave.
        let shell = try client.ssh(
            ["-tt", "netops@127.0.0.1"],
            input:
                "terminal length 0\nenable\n3nable\nconf t\nhostname R2\nend\nshow running-config | include hostname\nexit\n"
        )
        #expect(shell.status == 0, "\(shell.err)")
        #expect(shell.out.contains("R1>terminal length 0\r\nR1>enable\r\nPassword: \r\nR1#conf t\r\n"))
        #expect(shell.out.contains("R2#show running-config | include hostname\r\nhostname R2\r\nR2#exit\r\n"))
        #expect(!shell.out.contains("3nable"))  // the enable secret is not echoed
        #expect(server.device.hostname == "R2")
    }

    @Test func longOutputPagesAtMoreUntilTerminalLengthZero() throws {
        var lines = [IOSLine("hostname R1")]
        lines += (1...40).map { IOSLine("interface Loopback\($0)", children: [IOSLine("description loop \($0)")]) }
        let server = IOSSSHServer(
            device: IOSDevice(config: IOSConfig(lines: lines)),
            username: "netops",
            password: "n3tops-pw"
        )
        try server.start()
        defer { server.stop() }
        let client = try Client(server: server, knownKey: server.hostKeyLine)
        defer { try? FileManager.default.removeItem(at: client.directory) }
        // Space for the next page, `q` to stop; then the same with paging off.
        let paged = try client.ssh(["-tt", "netops@127.0.0.1"], input: "show running-config\n q\nexit\n")
        #expect(paged.status == 0, "\(paged.err)")
        #expect(paged.out.components(separatedBy: " --More-- ").count == 3, "\(paged.out)")
        #expect(paged.out.contains("interface Loopback10\r\n"))
        #expect(!paged.out.contains("interface Loopback40"))
        let whole = try client.ssh(
            ["-tt", "netops@127.0.0.1"],
            input: "terminal length 0\nshow running-config\nexit\n"
        )
        #expect(!whole.out.contains("--More--"))
        #expect(whole.out.contains(" description loop 40\r\nend\r\nR1#exit"))
    }

    static var automationClientsInstalled: Bool { Fixture.pythonHas("netmiko", "scrapli", "paramiko", "ntc_templates") }

    /// netmiko, and scrapli over OpenSSH and over paramiko, as network teams' scripts use them,
    /// with ntc-templates parsing the output (CI installs them; elsewhere the test needs `pip
    /// install netmiko 'scrapli[paramiko]' ntc-templates` and is skipped without them).
    @Test(
        .enabled(
            if: automationClientsInstalled || ProcessInfo.processInfo.environment["CI"] == "true",
            "netmiko, scrapli, paramiko or ntc-templates is not installed (pip install netmiko 'scrapli[paramiko]' ntc-templates)"
        )
    )
    func netmikoAndScrapliDriveTheSimulator() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let (status, output) = try await Fixture.python(
            "Tests/CiscoTests/Scripts/automation_clients.py",
            [String(server.port), "netops", "n3tops-pw", "3nable"]
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("automation clients OK"))
        #expect(server.device.startupConfig.render().contains("description netmiko"))
    }

    /// NAPALM's `ios` driver (netmiko underneath), its getters called as a user would
    /// (`pip install napalm`; CI installs it, elsewhere the test is skipped without it).
    @Test(
        .enabled(
            if: Fixture.pythonHas("napalm") || ProcessInfo.processInfo.environment["CI"] == "true",
            "napalm is not installed (pip install napalm)"
        )
    )
    func napalmGettersReadTheSimulator() async throws {
        let config = """
            hostname R1
            ip domain name lab.example
            interface Loopback0
             description napalm
             ip address 10.255.0.1 255.255.255.255
            interface GigabitEthernet8
             no ip address
             shutdown

            """
        let server = IOSSSHServer(
            device: IOSDevice(config: try IOSParser.parse(config)),
            username: "netops",
            password: "n3tops-pw",
            enableSecret: "3nable",
            privilegedLogin: false
        )
        try server.start()
        defer { server.stop() }
        let (status, output) = try await Fixture.python(
            "Tests/CiscoTests/Scripts/napalm_ios.py",
            [String(server.port), "netops", "n3tops-pw", "3nable"]
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("napalm OK"))
    }

    @Test func aHostKeyThatIsNotThePinnedOneIsRefused() throws {
        let server = try Self.server()
        defer { server.stop() }
        let impostor = IOSSSHServer(device: IOSDevice(), username: "x", password: "y")
        let client = try Client(server: server, knownKey: impostor.hostKeyLine)
        defer { try? FileManager.default.removeItem(at: client.directory) }
        let refused = try client.ssh(["netops@127.0.0.1", "show privilege"])
        #expect(refused.status == 255)
        #expect(refused.err.contains("Host key verification failed"), "\(refused.err)")
        #expect(refused.out.isEmpty)
    }

    @Test func aWrongPasswordGetsNoSession() throws {
        let server = IOSSSHServer(device: IOSDevice(), username: "netops", password: "other")
        try server.start()
        defer { server.stop() }
        let client = try Client(server: server, knownKey: server.hostKeyLine)
        defer { try? FileManager.default.removeItem(at: client.directory) }
        let denied = try client.ssh(["netops@127.0.0.1", "show privilege"])
        #expect(denied.status == 255)
        #expect(denied.err.contains("Permission denied"), "\(denied.err)")
    }
}
