import Cisco
import Foundation
import TestSupport
import Testing

/// Trouble on a lab router as an engineer makes and meets it.
///
/// A tunnel shut at the console, the ISP line down, `show` commands typed at the console: each
/// is seen by `verify`, `diff` and `drift` in the engineer's words, through the real binary.
@Suite("Seeing trouble on the lab", .serialized)
struct LabTroubleTests {
    static let example = "s2s-cisco891-pppoe"

    @Test func aShutTunnelIsDownDriftedAndRepaired() throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        #expect(try ws.run(["verify", "spec"]).status == 0)

        try ws.console("tokyo-rtr1", ["configure terminal", "interface Tunnel1", "shutdown", "end"])
        // The simulator takes it down: no IKE SA, the interface administratively down.
        let shown = try ws.run(
            ["lab", "cli", "spec", "tokyo-rtr1", "show crypto ikev2 sa", "show ip interface brief"]
        )
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(!shown.stdout.contains("READY"), "\(shown.stdout)")
        #expect(shown.stdout.contains("IPv4 Crypto IKEv2  SA"), "\(shown.stdout)")
        let row = shown.stdout.split(separator: "\n").first { $0.hasPrefix("Tunnel1 ") }
        #expect(row?.hasSuffix("administratively down down    ") == true, "\(shown.stdout)")

        let verify = try ws.run(["verify", "spec"])
        #expect(verify.status == 2, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("Tunnel1 is administratively down (shutdown)"), "\(verify.stdout)")
        #expect(verify.stdout.contains("NotConnected"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("READY"), "\(verify.stdout)")

        let diff = try ws.run(["diff", "spec"])
        #expect(diff.status == 2, "\(diff.stdout)\(diff.stderr)")
        #expect(diff.stdout.contains("interface Tunnel1"), "\(diff.stdout)")
        #expect(diff.stdout.contains("no shutdown"), "\(diff.stdout)")

        let (status, report) = try DriftLabTests.drift(ws)
        #expect(status == 2)
        let found = DriftLabTests.findings(report)
        let tunnel = found.first { $0.key.hasPrefix("cisco:tokyo-rtr1/tunnel") }?.value
        #expect(tunnel?["class"] as? String == "changed", "\(found)")
        #expect(tunnel?["summary"] as? String == "changed out of band: shutdown", "\(found)")

        let repair = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        let up = try ws.run(["verify", "spec"])
        #expect(up.status == 0, "\(up.stdout)")

        // `no shutdown` at the console brings it back as well.
        try ws.console("tokyo-rtr1", ["configure terminal", "interface Tunnel1", "shutdown", "end"])
        #expect(try ws.run(["verify", "spec"]).status == 2)
        try ws.console("tokyo-rtr1", ["configure terminal", "interface Tunnel1", "no shutdown", "end"])
        let back = try ws.run(["verify", "spec"])
        #expect(back.status == 0, "\(back.stdout)")
        #expect(back.stdout.contains("Connected  READY  ACTIVE ("), "\(back.stdout)")
        #expect(try ws.run(["diff", "spec"]).status == 0)
    }

    @Test func aDownLineIsNamedAndEgressIsTheRoutersTable() throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        #expect(try ws.run(["lab", "line", "spec", "tokyo-rtr1", "down"]).status == 0)
        let verify = try ws.run(["verify", "spec"])
        #expect(verify.status == 2, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("Dialer1 has no address: the PPPoE session is down"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("comes from unknown"), "\(verify.stdout)")
        // No default route out of a dialer without its session: the router's own table says so.
        let egress = "Internet traffic from tokyo-rtr1 goes nowhere: the router has no route to the internet."
        #expect(verify.stdout.contains(egress), "\(verify.stdout)")
        #expect(!verify.stdout.contains("via Dialer1"), "\(verify.stdout)")
        let routes = try ws.run(["lab", "cli", "spec", "tokyo-rtr1", "show ip route"])
        #expect(routes.stdout.contains("Gateway of last resort is not set"), "\(routes.stdout)")

        #expect(try ws.run(["lab", "line", "spec", "tokyo-rtr1", "up"]).status == 0)
        let up = try ws.run(["verify", "spec"])
        #expect(up.status == 0, "\(up.stdout)")
        #expect(up.stdout.contains("goes out of the site's own WAN (0.0.0.0/0 via Dialer1)."), "\(up.stdout)")

        // The Ethernet port under the dialer shut: the same session down, and why.
        try ws.console("tokyo-rtr1", ["configure terminal", "interface GigabitEthernet8", "shutdown", "end"])
        let port = try ws.run(["verify", "spec"])
        #expect(
            port.stdout.contains(
                "Dialer1 has no address: the PPPoE session is down (GigabitEthernet8 is administratively down)"
            ),
            "\(port.stdout)"
        )
        let diff = try ws.run(["diff", "spec"])
        #expect(diff.status == 2 && diff.stdout.contains("no shutdown"), "\(diff.stdout)")
    }

    /// The console and SSH are one CLI: the same `show` commands print the same.
    @Test func theConsoleAnswersShowCommandsAsSSHDoes() throws {
        let ws = try LabWorkspace(Self.example)
        defer { ws.remove() }
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        let commands = ["show crypto ikev2 sa", "show ip route", "show ip interface brief"]
        let lab = try Watched(["lab", "serve", "spec"], in: ws)
        defer {
            lab.process.interrupt()
            _ = try? lab.wait()
        }
        _ = try lab.line(containing: "Stop with Ctrl-C")
        let oob = try OutOfBand(from: lab.output, group: "rg-s2s-tokyo", in: ws)
        let overSSH = try oob.show("tokyo-rtr1", commands)
        let console = try ws.run(["lab", "cli", "spec", "tokyo-rtr1"] + commands)
        #expect(console.status == 0, "\(console.stderr)")
        let typed = Self.normalized(console.stdout)
        for (command, output) in zip(commands, overSSH) {
            let expected = Self.normalized(output)
            #expect(!expected.isEmpty, "\(command) printed nothing over SSH")
            #expect(typed.contains(expected), "\(command): over SSH\n\(output)\nat the console\n\(console.stdout)")
        }
        #expect(typed.contains("READY"), "\(console.stdout)")
        #expect(typed.contains("Gateway of last resort is 0.0.0.0 to network 0.0.0.0"), "\(console.stdout)")
        #expect(typed.contains("Tunnel1"), "\(console.stdout)")
    }

    /// Lines without trailing blanks or empty lines, and the IKE SA's age (it differs between
    /// the two processes that serve the lab).
    static func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map {
            String($0).replacingOccurrences(
                of: #"Life/Active Time: (\d+)/\d+ sec"#,
                with: "Life/Active Time: $1/N sec",
                options: .regularExpression
            ).replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
        }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

extension OutOfBand {
    /// Logs in to a lab router over SSH and runs `commands`; their outputs, in order.
    func show(_ device: String, _ commands: [String]) throws -> [String] {
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
        _ = try session.run("terminal length 0")
        return try commands.map { try session.run($0) }
    }
}
