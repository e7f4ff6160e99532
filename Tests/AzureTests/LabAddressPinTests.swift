import Foundation
import TestSupport
import Testing

/// Allocations from an AddressPool, applied to the lab, stay where they were applied
/// (docs/addresses.md): the state pins them and every later plan reuses the pins.
@Suite("Address pins against the lab")
struct LabAddressPinTests {
    /// A VNet whose name sorts before the applied ones would take their blocks by first fit;
    /// with the pins, plan shows only its create, and each choice on one line.
    @Test func addingAVnetThatSortsFirstMovesNothingApplied() throws {
        let root = try Fixture.temporaryDirectory("lab-pins")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = root.appendingPathComponent("spec")
        try FileManager.default.copyItem(atPath: Fixture.path("examples/pools-and-costs"), toPath: spec.path)
        // The Azure side alone: no router, no secret.
        try FileManager.default.removeItem(at: spec.appendingPathComponent("onprem.yaml"))
        try? FileManager.default.removeItem(at: spec.appendingPathComponent(".reconcile"))
        let apply = try Fixture.run("reconcile", ["apply", "spec", "--auto-approve"], directory: root)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("address: hub-vnet = 10.20.0.0/22 from pool 'azure'\n"))
        let state = try String(
            contentsOfFile: spec.appendingPathComponent(".reconcile/state.json").path,
            encoding: .utf8
        )
        #expect(state.contains("VirtualNetwork/spoke-vnet/addressSpace/azure/0"))

        try """
        apiVersion: reconcile/v1
        kind: VirtualNetwork
        metadata: {name: aaa-vnet}
        spec:
          addressSpace: [{fromPool: azure, size: 22}]

        """.write(to: spec.appendingPathComponent("aaa.yaml"), atomically: true, encoding: .utf8)
        let plan = try Fixture.run("reconcile", ["plan", "spec"], directory: root)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Plan: 1 to create, 0 to update, 0 to replace, 0 to delete"), "\(plan.stdout)")
        #expect(plan.stdout.contains("address: aaa-vnet = 10.20.8.0/22 from pool 'azure'\n"))
        #expect(plan.stdout.contains("address: hub-vnet = 10.20.0.0/22 from pool 'azure', kept from the last apply\n"))
        let json = try Fixture.run("reconcile", ["plan", "spec", "--format", "json"], directory: root)
        #expect(json.stdout.contains("\"note\" : \"address: aaa-vnet = 10.20.8.0/22 from pool 'azure'\""))
        let markdown = try Fixture.run("reconcile", ["plan", "spec", "--format", "markdown"], directory: root)
        #expect(markdown.stdout.contains("- `address: aaa-vnet = 10.20.8.0/22 from pool 'azure'`\n"))
    }
}
