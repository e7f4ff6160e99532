import Foundation
import TestSupport
import Testing

/// A lab router with BGP, read over SSH by the parsers network teams use: ntc-templates'
/// TextFSM templates for `show ip route`, `show ip bgp summary` and `show ip interface brief`,
/// and NAPALM's `get_bgp_neighbors` (CI installs them; elsewhere the test is skipped without).
@Suite("Lab routers read by TextFSM and NAPALM")
struct LabParsersTests {
    @Test(
        .enabled(
            if: Fixture.pythonHas("napalm", "netmiko", "ntc_templates")
                || ProcessInfo.processInfo.environment["CI"] == "true",
            "napalm, netmiko or ntc-templates is not installed (pip install napalm ntc-templates)"
        )
    )
    func routesBGPAndInterfacesParseAsARealRoutersDo() async throws {
        let ws = try LabWorkspace("routeserver-nva-default-route")
        defer { ws.remove() }
        let applied = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(applied.status == 0, "\(applied.stderr)")
        let (process, out, _) = try Fixture.start(
            "reconcile",
            ["lab", "serve", "spec"],
            environment: LabWorkspace.secrets.merging(LabWorkspace.grant) { _, b in b },
            directory: ws.root
        )
        defer {
            process.interrupt()
            process.waitUntilExit()
        }
        // The router's SSH port, from the line `lab serve` prints for it.
        let port = try await Fixture.offThePool { () throws -> String in
            var printed = ""
            while !printed.contains("Stop with Ctrl-C") {
                let data = out.fileHandleForReading.availableData
                guard !data.isEmpty else { break }
                printed += String(decoding: data, as: UTF8.self)
            }
            let line = printed.split(separator: "\n").first { $0.hasPrefix("tokyo-rtr1: ssh -p ") }
            guard let port = line?.split(separator: " ").dropFirst(3).first else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: printed])
            }
            return String(port)
        }
        // What Azure's side sends the site: the hub VNet and the NVA's halves of the internet
        // from both gateway instances, over the two tunnels (a /32 static route each).
        let expected: [String: Any] = [
            "routes": [
                ["S", "0.0.0.0", "0", "", "Dialer1"], ["B", "0.0.0.0", "1", "10.10.120.4", ""],
                ["B", "128.0.0.0", "1", "10.10.120.4", ""], ["B", "10.10.0.0", "16", "10.10.120.4", ""],
                // (The gateway's public IPs, pinned via Dialer1, are allocated in whichever order
                // the lab's model finishes them: the parser's row count covers those lines.)
                ["S", "10.10.120.4", "32", "", "Tunnel1"], ["S", "10.10.120.5", "32", "", "Tunnel2"],
                ["C", "192.168.10.0", "24", "", "Vlan1"], ["L", "192.168.10.1", "32", "", "Vlan1"],
            ],
            "neighbors": ["10.10.120.4": [65515, 4], "10.10.120.5": [65515, 4]],
            "interfaces": [
                "Tunnel1": ["unassigned", "up", "up"], "Tunnel2": ["unassigned", "up", "up"],
                "Vlan1": ["192.168.10.1", "up", "up"],
            ],
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: expected), as: UTF8.self)
        let (status, output) = try await Fixture.python(
            "Tests/CiscoTests/Scripts/lab_router_parsers.py",
            [port, "netops", "lab-login", "lab-enable", json]
        )
        #expect(status == 0, "\(output)")
        #expect(output.contains("parsers OK"), "\(output)")
    }
}
