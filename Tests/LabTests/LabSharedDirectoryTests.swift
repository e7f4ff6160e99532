import Foundation
import TestSupport
import Testing

/// Two checkouts of one repository share one lab (`RECONCILE_LAB_DIR`), as two CI runners share
/// one Azure subscription and one set of routers.
@Suite("Two checkouts on one lab directory", .serialized)
struct LabSharedDirectoryTests {
    @Test func whatOneCheckoutAppliesTheOtherFindsInSync() throws {
        let first = try LabWorkspace("s2s-cisco891-pppoe")
        let second = try LabWorkspace("s2s-cisco891-pppoe")
        let shared = try Fixture.temporaryDirectory("shared-lab")
        defer {
            first.remove()
            second.remove()
            try? FileManager.default.removeItem(at: shared)
        }
        let lab = shared.appendingPathComponent("lab").path
        // State shared as a backend would share it; the lab through the environment.
        let state = ["--state-dir", shared.appendingPathComponent("state").path]
        let environment = ["RECONCILE_LAB_DIR": lab]
        let applied = try first.run(["apply", "spec", "--auto-approve"] + state, environment: environment)
        #expect(applied.status == 0, "\(applied.stderr)")
        let world = (try? FileManager.default.contentsOfDirectory(atPath: lab)) ?? []
        #expect(world.contains("azure.log") || world.contains("azure.json"), "the world lives in the shared directory")
        #expect(world.contains("devices"), "\(world)")
        #expect(!FileManager.default.fileExists(atPath: first.spec.path + "/.reconcile/lab"))
        let diff = try second.run(["diff", "spec"] + state, environment: environment)
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        // --lab-dir is the same as the variable.
        let option = try second.run(["diff", "spec", "--lab-dir", lab] + state)
        #expect(option.status == 0, "\(option.stdout)\(option.stderr)")
        #expect(option.stderr.contains("world in \(lab)/azure.json"), "\(option.stderr)")
        // Without the shared lab the second checkout sees an empty world: everything to create.
        let alone = try second.run(["diff", "spec", "--state-dir", second.root.appendingPathComponent("own").path])
        #expect(alone.status == 2, "\(alone.stdout)\(alone.stderr)")
    }
}
