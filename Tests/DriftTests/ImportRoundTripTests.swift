import Foundation
import TestSupport
import Testing

/// `reconcile import` against a running lab, as a user adopts a network that already exists:
/// apply an example, serve its lab, import it into a new directory over ARM and SSH, and the
/// imported spec validates, diffs empty and applies as nothing.
@Suite("reconcile import round trip on the lab")
struct ImportRoundTripTests {
    static let examples: [(example: String, group: String)] = [
        ("s2s-cisco891-pppoe", "rg-s2s-tokyo"),
        ("vwan-internet-via-azure", "rg-vwan-japan"),
        ("routeserver-nva-default-route", "rg-rs-hub"),
        ("forced-tunneling", "rg-forced-tunnel"),
        ("point-to-site", "rg-p2s"),
        ("pools-and-costs", "rg-pools"),
    ]

    /// A served lab and what importing it takes.
    struct Served {
        let ws: LabWorkspace
        let serve: Watched
        let oob: OutOfBand
        /// The secrets' values: the examples' variables, and the root certificate's file as one.
        let environment: [String: String]

        /// `prepare` readies the workspace before the example is applied (puts a plugin beside it).
        init(_ example: String, group: String, prepare: (LabWorkspace) throws -> Void = { _ in }) throws {
            ws = try LabWorkspace(example)
            try prepare(ws)
            let applied = try ws.run(["apply", "spec", "--auto-approve"])
            #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
            serve = try Watched(["lab", "serve", "spec"], in: ws)
            _ = try serve.line(containing: "Stop with Ctrl-C")
            oob = try OutOfBand(from: serve.output, group: group, in: ws)
            var environment = LabWorkspace.secrets
            environment["AZURE_ACCESS_TOKEN"] = "lab"
            let certificate = ws.spec.appendingPathComponent("certs/root.cer")
            if let text = try? String(contentsOf: certificate, encoding: .utf8) {
                environment["P2S_ROOT_CERT"] = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            self.environment = environment
        }

        func stop() {
            serve.process.terminate()
            _ = try? serve.wait(timeout: .seconds(30))
            ws.remove()
        }

        /// `reconcile import imported …` with every router the lab serves.
        func importInto(_ directory: String, extra: [String] = []) throws -> Fixture.Run {
            // One known_hosts for all the routers: each pins its own key for 127.0.0.1.
            let hosts = ws.root.appendingPathComponent("known_hosts")
            var pins = ""
            for router in oob.routers.values {
                pins += (try? String(contentsOfFile: router.knownHosts, encoding: .utf8)) ?? ""
            }
            try Data(pins.utf8).write(to: hosts)
            var arguments = [
                "import", directory, "--azure", "\(OutOfBand.subscription)/\(oob.group)", "--endpoint", oob.armURL,
            ]
            for (name, router) in oob.routers.sorted(by: { $0.key < $1.key }) {
                arguments += ["--router", "\(name)=netops@127.0.0.1:\(router.port)"]
            }
            if !oob.routers.isEmpty {
                arguments += [
                    "--known-hosts", hosts.path, "--password-env", "RTR_PASSWORD", "--enable-env", "RTR_ENABLE",
                ]
            }
            for name in environment.keys.sorted() where name != "AZURE_ACCESS_TOKEN" {
                arguments += ["--secret-env", name]
            }
            return try ws.run(arguments + extra, environment: environment)
        }

        /// A command on the imported spec, with every secret granted.
        func run(_ arguments: [String]) throws -> Fixture.Run {
            var environment = self.environment
            environment["RECONCILE_ALLOWED_SECRETS"] = environment.keys.sorted().joined(separator: ",")
            return try ws.run(arguments, environment: environment)
        }
    }

    @Test(arguments: examples)
    func anExampleImportsToASpecThatDiffsEmpty(_ example: String, _ group: String) throws {
        let served = try Served(example, group: group)
        defer { served.stop() }
        let imported = try served.importInto("imported")
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        for value in served.environment.values where value.count > 3 && value != "lab" {
            #expect(!imported.stdout.contains(value) && !imported.stderr.contains(value), "a secret was printed")
        }
        let files = try FileManager.default.contentsOfDirectory(
            atPath: served.ws.root.appendingPathComponent("imported").path
        )
        for file in files where file.hasSuffix(".yaml") {
            let text = try String(
                contentsOfFile: served.ws.root.appendingPathComponent("imported/\(file)").path,
                encoding: .utf8
            )
            for value in served.environment.values where value.count > 3 && value != "lab" {
                #expect(!text.contains(value), "\(file) holds a secret")
            }
        }
        let validate = try served.run(["validate", "imported"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let diff = try served.run(["diff", "imported"])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        let apply = try served.run(["apply", "imported", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("No changes"), "\(apply.stdout)")
    }

    @Test func aSecondImportIntoTheSameDirectoryIsRefusedAndChangesNothing() throws {
        let served = try Served("s2s-cisco891-pppoe", group: "rg-s2s-tokyo")
        defer { served.stop() }
        #expect(try served.importInto("imported").status == 0)
        let azure = served.ws.root.appendingPathComponent("imported/azure.yaml")
        let before = try Data(contentsOf: azure)
        let again = try served.importInto("imported")
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds a spec"), "\(again.stderr)")
        #expect(try Data(contentsOf: azure) == before)
    }

    /// `--strict` refuses a network with anything the spec cannot say, and writes nothing:
    /// neither the spec nor state.
    @Test func strictRefusesWhatTheSpecCannotSayAndWritesNothing() throws {
        let served = try Served("s2s-cisco891-pppoe", group: "rg-s2s-tokyo")
        defer { served.stop() }
        let strict = try served.importInto("imported", extra: ["--strict"])
        #expect(strict.status == 1, "\(strict.stdout)\(strict.stderr)")
        #expect(strict.stderr.contains("--strict"), "\(strict.stderr)")
        #expect(strict.stderr.contains("no ip http server"), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: served.ws.root.appendingPathComponent("imported").path))
        let beside = try FileManager.default.contentsOfDirectory(atPath: served.ws.root.path)
        #expect(!beside.contains { $0.hasPrefix("imported.import-") }, "\(beside)")
    }

    /// Out-of-band changes made before the import are in what it writes and reports.
    @Test func outOfBandChangesAreImportedOrReported() async throws {
        let served = try Served("s2s-cisco891-pppoe", group: "rg-s2s-tokyo")
        defer { served.stop() }
        // A subnet added in the portal, a LAN route typed at the router.
        try await served.oob.update("virtualNetworks/hub-vnet") { body in
            var properties = body["properties"] as? [String: Any] ?? [:]
            var subnets = properties["subnets"] as? [[String: Any]] ?? []
            subnets.append(["name": "added", "properties": ["addressPrefix": "10.10.50.0/24"]])
            properties["subnets"] = subnets
            body["properties"] = properties
        }
        try served.oob.configure("tokyo-rtr1", ["ip route 172.31.0.0 255.255.0.0 192.168.10.254"])
        let imported = try served.importInto("imported")
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let azure = try String(
            contentsOf: served.ws.root.appendingPathComponent("imported/azure.yaml"),
            encoding: .utf8
        )
        #expect(azure.contains("{name: added, prefix: 10.10.50.0/24}"), "\(azure)")
        let site = try String(
            contentsOf: served.ws.root.appendingPathComponent("imported/tokyo-hq.yaml"),
            encoding: .utf8
        )
        #expect(site.contains("172.31.0.0/16"), "\(site)")
        #expect(try served.run(["diff", "imported"]).status == 0)
        // What the import could not say, drift lists as unmanaged from now on: the same lines.
        let section = imported.stdout.components(separatedBy: "Not managed").last?.components(separatedBy: "\n\n").first
        let listed = (section ?? "").split(separator: "\n").filter { $0.hasPrefix("    ") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(listed.contains("no ip http server"), "\(imported.stdout)")
        let drift = try served.run(["drift", "imported"])
        #expect(drift.status == 2, "\(drift.stdout)\(drift.stderr)")
        #expect(drift.stdout.contains("\(listed.count) line(s) on tokyo-rtr1 that no spec owns"), "\(drift.stdout)")
        for line in listed { #expect(drift.stdout.contains("- \(line)"), "\(line) is not in drift:\n\(drift.stdout)") }
    }

    /// A pre-shared key changed on the router only: the report says the two ends differ, and
    /// the imported spec (Azure's key) diffs as that key on the router, nothing else.
    @Test func aKeyChangedOnOneSideIsAFinding() throws {
        let served = try Served("s2s-cisco891-pppoe", group: "rg-s2s-tokyo")
        defer { served.stop() }
        let gateway = try served.run(["lab", "cli", "spec", "tokyo-rtr1", "show running-config | section keyring"])
        let peer = gateway.stdout.split(separator: "\n").first { $0.contains("address ") }
        let address = try #require(peer?.split(separator: " ").last.map(String.init), "\(gateway.stdout)")
        try served.oob.configure(
            "tokyo-rtr1",
            [
                "crypto ikev2 keyring azure-keyring", "peer azure", "address \(address)",
                "pre-shared-key changed-on-router",
            ]
        )
        let imported = try served.importInto("imported")
        // Everything else is adopted; the keyring is the one difference, and exits 2.
        #expect(imported.status == 2, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stdout.contains("DIFFERS from cisco"), "\(imported.stdout)")
        #expect(imported.stdout.contains("differs from what exists in 1 place(s)"), "\(imported.stdout)")
        #expect(imported.stdout.contains("cisco:tokyo-rtr1/crypto-ikev2-keyring"), "\(imported.stdout)")
        #expect(!imported.stdout.contains("changed-on-router"))
        let diff = try served.run(["diff", "imported"])
        #expect(diff.status == 2, "\(diff.stdout)\(diff.stderr)")
        #expect(diff.stdout.contains("cisco:tokyo-rtr1"), "\(diff.stdout)")
        #expect(!diff.stdout.contains("~ azure:") && !diff.stdout.contains("+ azure:"), "\(diff.stdout)")
    }
}
