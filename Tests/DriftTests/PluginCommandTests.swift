import Crypto
import Foundation
import TestSupport
import Testing

/// A provider out of process, through the real binary.
///
/// The reference strongSwan plugin (Python) beside the lab's Azure, and plugins that crash
/// mid-apply, answer garbage, or are not the program the spec pinned. Each failure is a clear error naming the plugin, and state stays
/// as it was: the next run converges.
@Suite("Provider plugins through the commands")
struct PluginCommandTests {
    /// The strongSwan example in a workspace, its plugin where `plugin.yaml` pins it.
    static func workspace() throws -> LabWorkspace {
        let ws = try LabWorkspace("plugins/strongswan/spec")
        try addPlugin(to: ws)
        return ws
    }

    /// The reference plugin where the example's `plugin.yaml` pins it: beside the spec directory.
    static func addPlugin(to ws: LabWorkspace) throws {
        try FileManager.default.copyItem(
            atPath: Fixture.path("examples/plugins/strongswan/reconcile-provider-strongswan"),
            toPath: ws.root.appendingPathComponent("reconcile-provider-strongswan").path
        )
    }

    static func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    static func sha256(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    @Test func planApplyDriftAndDestroyGoThroughThePlugin() throws {
        let ws = try Self.workspace()
        defer { ws.remove() }
        let conf = ws.spec.appendingPathComponent("out/osaka-gw/conf.d/osaka-vpn.conf")
        let plan = try ws.run(["plan", "spec"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("+ strongswan:osaka-gw/conn/osaka-vpn (create)"))
        #expect(plan.stdout.contains("secret = <sensitive>"))
        #expect(!FileManager.default.fileExists(atPath: conf.path), "a plan writes nothing")

        let apply = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let written = Self.read(conf)
        // The gateway's address, known only once Azure allocated it, reached the plugin.
        #expect(written.contains("remote_addrs = "))
        #expect(!written.contains("<azure:"))
        #expect(written.contains(LabWorkspace.secrets["OSAKA_PSK"]!))
        let mode = try FileManager.default.attributesOfItem(atPath: conf.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let diff = try ws.run(["diff", "spec"])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        // The plugin reports its router's facts: its end is checked (verifyChecksThePluginsRouterEnd).
        let verify = try ws.run(["verify", "spec"])
        #expect(!(verify.stdout + verify.stderr).contains("its end is unchecked"), "\(verify.stdout)")
        // It ran, and said what it could not see rather than failing.
        #expect(verify.status == 2, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("osaka-vpn is unknown:"), "\(verify.stdout)")

        // Someone edits the file on the box: drift names the attribute, apply puts it back.
        try Data(written.replacingOccurrences(of: "rekey_time = 24300s", with: "rekey_time = 3600s").utf8).write(
            to: conf
        )
        let drift = try ws.run(["drift", "spec"])
        #expect(drift.status == 2, "\(drift.stdout)\(drift.stderr)")
        #expect(drift.stdout.contains("strongswan:osaka-gw/conn/osaka-vpn"))
        #expect(drift.stdout.contains("rekeyTime: last applied 24300, now 3600, spec 24300"))
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        #expect(Self.read(conf).contains("rekey_time = 24300s"))

        let destroy = try ws.run(["destroy", "spec", "--auto-approve"])
        #expect(destroy.status == 0, "\(destroy.stdout)\(destroy.stderr)")
        #expect(!FileManager.default.fileExists(atPath: conf.path))

        // The key went to the file only: never to output, state or the plugin's environment.
        let secret = LabWorkspace.secrets["OSAKA_PSK"]!
        for run in [plan, apply, diff, drift, destroy] {
            #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
        }
        let state = Self.read(ws.spec.appendingPathComponent(".reconcile/state.json"))
        #expect(!state.isEmpty && !state.contains(secret))
    }

    /// `reconcile verify` through the plugin's `facts`: the box's end is checked against Azure's
    /// (its tunnel, peer and local address, its key by fingerprint), its SA state is reported as
    /// unknown rather than up or down, and no key is printed; a plugin without `facts` leaves the
    /// end unchecked, as protocol version 1 always did.
    @Test func verifyChecksThePluginsRouterEnd() throws {
        let ws = try Self.workspace()
        defer { ws.remove() }
        let apply = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let secret = LabWorkspace.secrets["OSAKA_PSK"]!

        let verify = try ws.run(["verify", "spec"])
        // Not up (the exit status says so), but not called down either.
        #expect(verify.status == 2, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("osaka-vpn is unknown:"), "\(verify.stdout)")
        #expect(
            verify.stdout.contains("configured as Azure expects; plugin strongswan cannot see the SA state ("),
            "\(verify.stdout)"
        )
        #expect(verify.stdout.contains("0 of 1 tunnels are down, 1 unknown."), "\(verify.stdout)")
        #expect(!verify.stdout.contains("its end is unchecked"))
        let json = try ws.run(["verify", "spec", "--format", "json"])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any],
            "\(json.stdout)\(json.stderr)"
        )
        let tunnel = try #require((report["tunnels"] as? [[String: Any]])?.first)
        #expect(tunnel["device"] as? String == "osaka-gw")
        #expect(tunnel["tunnel"] as? String == "osaka-vpn")
        #expect(tunnel["ike"] as? String == "unknown" && tunnel["ipsec"] as? String == "unknown")
        #expect(tunnel["up"] as? Bool == false)
        let checks = Dictionary(
            ((tunnel["checks"] as? [[String: Any]]) ?? []).map { ($0["name"] as? String ?? "", $0) }
        ) { first, _ in first }
        for name in ["peer address", "local address", "pre-shared key", "IKE version"] {
            #expect(checks[name]?["ok"] as? Bool == true, "\(name): \(checks[name] ?? [:])")
        }
        #expect(checks["pre-shared key"]?["detail"] as? String == "equal on both sides")

        // Someone changes the key on the box: verify says the keys differ, and still prints neither.
        let conf = ws.spec.appendingPathComponent("out/osaka-gw/conf.d/osaka-vpn.conf")
        try Data(Self.read(conf).replacingOccurrences(of: secret, with: "another key entirely").utf8).write(to: conf)
        let mismatch = try ws.run(["verify", "spec"])
        #expect(mismatch.status == 2)
        #expect(mismatch.stdout.contains("osaka-vpn is down:"), "\(mismatch.stdout)")
        #expect(mismatch.stdout.contains("pre-shared key: the router's and Azure's pre-shared keys differ"))

        for run in [verify, json, mismatch] {
            #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
            #expect(!run.stdout.contains("another key entirely") && !run.stderr.contains("another key entirely"))
        }

        // A plugin that does not offer `facts` (pinned anew): its router's end stays unchecked.
        let program = ws.root.appendingPathComponent("reconcile-provider-strongswan")
        try Data(
            Self.read(program).replacingOccurrences(of: "\"import\", \"facts\"]", with: "\"import\"]").utf8
        ).write(to: program)
        try ws.edit("plugin.yaml") {
            $0.replacingOccurrences(
                of: $0.components(separatedBy: "sha256: ")[1].trimmingCharacters(in: .whitespacesAndNewlines),
                with: (try? Self.sha256(program.path)) ?? ""
            )
        }
        let unchecked = try ws.run(["verify", "spec"])
        #expect(unchecked.status == 2)
        #expect(unchecked.stdout.contains("its end is unchecked"), "\(unchecked.stdout)\(unchecked.stderr)")
    }

    /// `reconcile import --plugin`: the applied example's Azure side over ARM and its strongSwan
    /// box through the plugin, into a spec that pins the plugin, validates and diffs empty.
    @Test func importThroughThePluginGivesASpecThatDiffsEmpty() throws {
        let served = try ImportRoundTripTests.Served("plugins/strongswan/spec", group: "rg-s2s-osaka") {
            try Self.addPlugin(to: $0)
        }
        defer { served.stop() }
        let configDir = served.ws.spec.appendingPathComponent("out/osaka-gw").path
        let program = served.ws.root.appendingPathComponent("reconcile-provider-strongswan").path
        let imported = try served.importInto(
            "imported",
            extra: [
                "--plugin", "strongswan=\(configDir)",
                "--plugin-pin", "strongswan=reconcile-provider-strongswan@\(try Self.sha256(program))",
            ]
        )
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stdout.contains("OSAKA_PSK"), "\(imported.stdout)")
        // The box's key, read by the plugin, is the other end of the Azure connection's.
        #expect(imported.stdout.contains("agrees with strongswan: \(configDir) psk:"), "\(imported.stdout)")

        let directory = served.ws.root.appendingPathComponent("imported")
        let plugins = Self.read(directory.appendingPathComponent("plugins.yaml"))
        #expect(plugins.contains("kind: Plugin"), "\(plugins)")
        #expect(plugins.contains("path: ../reconcile-provider-strongswan"), "\(plugins)")
        // The box goes with its Site, as a router does.
        let site = Self.read(directory.appendingPathComponent("osaka.yaml"))
        #expect(site.contains("kind: Site"), "\(site)")
        #expect(site.contains("kind: StrongSwanRouter"), "\(site)")
        #expect(site.contains("configDir: \(configDir)"))

        let validate = try served.run(["validate", "imported"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let diff = try served.run(["diff", "imported"])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")

        // The key is in the box's files only: never in output, the written spec or its state.
        let secret = LabWorkspace.secrets["OSAKA_PSK"]!
        for run in [imported, validate, diff] {
            #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
        }
        let written = FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []
        #expect(written.contains { $0.hasSuffix("state.json") }, "\(written)")
        for file in written {
            #expect(!Self.read(directory.appendingPathComponent(file)).contains(secret), "\(file) holds the key")
        }
    }

    @Test func theSchemaAndTheChecksIncludeThePluginsKinds() throws {
        let ws = try Self.workspace()
        defer { ws.remove() }
        let schema = try ws.run(["schema", "spec"])
        #expect(schema.status == 0, "\(schema.stderr)")
        #expect(schema.stdout.contains("\"plugin:StrongSwanRouter\""))
        // The plugin's JSON Schema, at the line of the field.
        try ws.edit("onprem.yaml") { $0.replacingOccurrences(of: "  configDir: out/osaka-gw", with: "  confDir: out") }
        var validate = try ws.run(["validate", "spec"])
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("onprem.yaml:19:3: error[schema-unknown-field]"), "\(validate.stderr)")
        #expect(validate.stderr.contains("error[schema-required]"))
        // The plugin's own check, at the field it names.
        try ws.edit("onprem.yaml") {
            $0.replacingOccurrences(of: "  confDir: out", with: "  configDir: out").replacingOccurrences(
                of: "  site: osaka\n  configDir",
                with: "  site: kyoto\n  configDir"
            )
        }
        validate = try ws.run(["validate", "spec"])
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("onprem.yaml:18:9: error[plugin-check]: strongswan:"), "\(validate.stderr)")
    }

    @Test func aProgramThatIsNotThePinnedOneNeverRuns() throws {
        let ws = try Self.workspace()
        defer { ws.remove() }
        // A pull request changes the program but not the digest.
        let program = ws.root.appendingPathComponent("reconcile-provider-strongswan")
        let changed = Self.read(program).replacingOccurrences(
            of: "import sys",
            with: "import sys\nopen('ran', 'w').write('ran')"
        )
        try Data(changed.utf8).write(to: program)
        let plan = try ws.run(["plan", "spec"])
        #expect(plan.status == 1)
        #expect(plan.stderr.contains("plugin.yaml:7:9: error[plugin-run]"), "\(plan.stderr)")
        #expect(plan.stderr.contains("sha256"))
        #expect(!FileManager.default.fileExists(atPath: ws.spec.appendingPathComponent("ran").path))
        #expect(!FileManager.default.fileExists(atPath: ws.spec.appendingPathComponent(".reconcile/state.json").path))

        // Named by PATH instead, and not on it: the error says where to put it.
        try ws.edit("plugin.yaml") { $0.components(separatedBy: "spec:")[0] }
        let missing = try ws.run(["plan", "spec"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("reconcile-provider-strongswan"), "\(missing.stderr)")
        #expect(missing.stderr.contains("put reconcile-provider-strongswan on PATH"))
    }

    @Test func aPluginThatDiesMidApplyLeavesStateWholeAndTheNextRunConverges() throws {
        let ws = try Self.workspace()
        defer { ws.remove() }
        let crashy = Fixture.path("Tests/Plugins/reconcile-provider-crashy")
        try ws.edit("plugin.yaml") {
            $0.replacingOccurrences(of: "name: strongswan", with: "name: crashy")
                .replacingOccurrences(of: "../reconcile-provider-strongswan", with: crashy)
                .replacingOccurrences(
                    of: $0.components(separatedBy: "sha256: ")[1].trimmingCharacters(in: .whitespacesAndNewlines),
                    with: (try? Self.sha256(crashy)) ?? ""
                )
        }
        try ws.edit("onprem.yaml") { $0.replacingOccurrences(of: "kind: StrongSwanRouter", with: "kind: CrashyRouter") }
        let configDir = ws.spec.appendingPathComponent("out/osaka-gw")
        try FileManager.default.createDirectory(at: configDir, withIntermediateDirectories: true)
        try Data().write(to: configDir.appendingPathComponent(".crash-on-apply"))

        let first = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        let said = first.stdout + first.stderr
        #expect(said.contains("plugin crashy: exited with status 9 while answering apply"), "\(said)")
        // Azure's side went through and is recorded; the plugin's is not.
        let state = Self.read(ws.spec.appendingPathComponent(".reconcile/state.json"))
        #expect(state.contains("azure:connections/osaka-vpn"))
        #expect(!state.contains("crashy:osaka-gw/conn/osaka-vpn"))

        let second = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let diff = try ws.run(["diff", "spec"])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
    }

    @Test func aPluginThatAnswersGarbageIsAClearErrorAndChangesNothing() throws {
        let ws = try Self.workspace()
        defer { ws.remove() }
        let garbage = Fixture.path("Tests/Plugins/reconcile-provider-garbage")
        try ws.edit("plugin.yaml") {
            $0.replacingOccurrences(of: "name: strongswan", with: "name: garbage")
                .replacingOccurrences(of: "../reconcile-provider-strongswan", with: garbage)
                .replacingOccurrences(
                    of: $0.components(separatedBy: "sha256: ")[1].trimmingCharacters(in: .whitespacesAndNewlines),
                    with: (try? Self.sha256(garbage)) ?? ""
                )
        }
        try ws.edit("onprem.yaml") {
            $0.replacingOccurrences(of: "kind: StrongSwanRouter", with: "kind: GarbageRouter")
        }
        let plan = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(plan.status == 1, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stderr.contains("error[plugin-run]: plugin garbage:"), "\(plan.stderr)")
        #expect(plan.stderr.contains("not JSON"), "\(plan.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.spec.appendingPathComponent(".reconcile/state.json").path))
    }
}
