import Foundation
import TestSupport
import Testing

/// The `reconcile` binary against the lab: the Azure model in process, persisted under
/// `.reconcile/lab/`, reached over loopback HTTP by the real provider.
@Suite("reconcile against the lab's Azure model")
struct LabCLITests {
    @Test func anAzureOnlyExampleAppliesFromNothingAndThenDiffsClean() throws {
        let root = try Fixture.temporaryDirectory("lab-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(
            atPath: Fixture.path("examples/point-to-site"),
            toPath: root.appendingPathComponent("spec").path
        )
        let apply = try Fixture.run("reconcile", ["apply", "spec", "--auto-approve"], directory: root)
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stderr.contains("azure: the lab (local Azure model at http://127.0.0.1:"))
        #expect(apply.stdout.contains("Apply: 4 succeeded, 0 failed, 0 skipped."))
        // A new process, a new model loaded from .reconcile/lab/azure.json: nothing to do.
        let diff = try Fixture.run("reconcile", ["diff", "spec"], directory: root)
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        #expect(diff.stdout.contains("No changes"))
        let world = try String(
            contentsOfFile: root.appendingPathComponent("spec/.reconcile/lab/azure.json").path,
            encoding: .utf8
        )
        #expect(world.contains("hub-vpngw"))
        // Destroy empties the lab again.
        let destroy = try Fixture.run("reconcile", ["destroy", "spec", "--auto-approve"], directory: root)
        #expect(destroy.status == 0, "\(destroy.stderr)")
        let after = try Fixture.run("reconcile", ["plan", "spec"], directory: root)
        #expect(after.stdout.contains("Plan: 4 to create"))
    }

    /// The lab's secrets for the examples (README's first command sets the same names).
    static let secrets = [
        "TOKYO_PSK": "lab-tokyo-psk", "OSAKA_PSK": "lab-osaka-psk", "ER_AUTH": "lab-er-auth",
        "RTR_PASSWORD": "lab-login", "RTR_ENABLE": "lab-enable", "PPP_PASSWORD": "lab-ppp",
    ]

    /// Azure and the routers in one plan, from nothing: the gateway's public IP flows into the
    /// router's config, the simulated router is configured over SSH, and a second process
    /// finds nothing to do.
    @Test(arguments: ["s2s-cisco891-pppoe", "vwan-internet-via-azure", "routeserver-nva-default-route"])
    func anExampleWithRoutersAppliesToTheLabFromNothingAndThenDiffsClean(_ example: String) throws {
        let root = try Fixture.temporaryDirectory("lab-routers")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(
            atPath: Fixture.path("examples/\(example)"),
            toPath: root.appendingPathComponent("spec").path
        )
        try? FileManager.default.removeItem(at: root.appendingPathComponent("spec/.reconcile"))
        let apply = try Fixture.run(
            "reconcile",
            ["apply", "spec", "--auto-approve"],
            environment: Self.secrets.merging(LabWorkspace.grant) { _, b in b },
            directory: root
        )
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stderr.contains("is a lab router (simulated IOS at 127.0.0.1:"))
        #expect(apply.stdout.contains(" 0 failed, 0 skipped."))
        let diff = try Fixture.run(
            "reconcile",
            ["diff", "spec"],
            environment: Self.secrets.merging(LabWorkspace.grant) { _, b in b },
            directory: root
        )
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        // No secret in anything the tool printed or stored.
        var texts = [apply.stdout, apply.stderr, diff.stdout, diff.stderr]
        for file in ["state.json", "state.json.backup", "journal.jsonl"] {
            let path = root.appendingPathComponent("spec/.reconcile/\(file)").path
            if let data = FileManager.default.contents(atPath: path) {
                texts.append(String(decoding: data, as: UTF8.self))
            }
        }
        for secret in Self.secrets.values { #expect(!texts.contains { $0.contains(secret) }, "\(secret) leaked") }
    }
}
