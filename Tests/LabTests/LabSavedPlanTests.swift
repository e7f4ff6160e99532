import Foundation
import TestSupport
import Testing

/// Saved plans against the lab, through the real `reconcile` binary.
@Suite("Saved plans against the lab")
struct LabSavedPlanTests {
    /// README's key rotation, through `plan --out` and `apply PLANFILE`: the plan changes a
    /// secret (the sharedKey and the router's keyring), and the file it was saved to applies.
    @Test func aSavedPlanThatRotatesAPreSharedKeyApplies() throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        let secrets = ["TOKYO_PSK": "lab-psk-1"]
        let first = try ws.run(["apply", "spec", "--auto-approve"], environment: secrets)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let rotated = ["TOKYO_PSK": "lab-psk-new"]
        let plan = try ws.run(["plan", "spec", "--out", "rotate.json"], environment: rotated)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("sharedKey"), "\(plan.stdout)")
        #expect(plan.stdout.contains("cisco:tokyo-rtr1/crypto-ikev2-keyring"), "\(plan.stdout)")
        let apply = try ws.run(["apply", "rotate.json"], environment: rotated)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(!apply.stderr.contains("no longer applies"))
        let diff = try ws.run(["diff", "spec"], environment: rotated)
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
    }
}
