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
}
