import AzureModel
import Foundation
import TestSupport
import Testing

/// `destroy` against the lab, through the real `reconcile` binary: every example goes back to
/// where it began.
@Suite("Destroy against the lab")
struct LabDestroyTests {
    /// Apply then destroy leaves each router running, line for line, what it ran before the
    /// first apply, leaves the Azure model without the spec's resources, and `diff` then plans
    /// what it planned at the start: the spec's resources to create again, and an update of the
    /// router sections a router has out of the box (its hostname, its ports).
    @Test(arguments: [
        "s2s-cisco891-pppoe", "vwan-internet-via-azure", "routeserver-nva-default-route", "forced-tunneling",
        "point-to-site", "pools-and-costs",
    ])
    func applyThenDestroyGivesEverythingBack(example: String) async throws {
        // The runs block on a child's output: off Swift's cooperative pool (`Fixture.offThePool`).
        let root = try await Fixture.offThePool {
            let ws = try LabWorkspace(example)
            do { try Self.applyAndDestroy(ws) } catch {
                ws.remove()
                throw error
            }
            return ws.root
        }
        defer { try? FileManager.default.removeItem(at: root) }
        // The model's world is its snapshot plus its change log: load it as the lab does.
        let model = AzureModel(persistence: root.appendingPathComponent("spec/.reconcile/lab/azure.json").path)
        let listed = await model.handle(
            ARMRequest(
                method: "GET",
                path: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups",
                query: ["api-version": "2021-04-01"],
                headers: ["authorization": "Bearer lab"],
                body: [],
                base: "http://127.0.0.1"
            )
        )
        #expect(listed.status == 200)
        let groups = (try JSONSerialization.jsonObject(with: Data(listed.body)) as? [String: Any])?["value"] as? [Any]
        #expect(groups?.isEmpty == true, "the Azure model still holds \(String(decoding: listed.body, as: UTF8.self))")
    }

    static func applyAndDestroy(_ ws: LabWorkspace) throws {
        let first = try ws.run(["diff", "spec"])
        #expect(first.status == 2, "\(first.stdout)\(first.stderr)")
        let routers = try Self.routers(ws)
        let before = try routers.map { try Self.runningConfig(ws, $0) }

        let apply = try ws.run(["apply", "spec", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        for router in routers {
            let baseline = ws.spec.appendingPathComponent(".reconcile/cisco-baseline/\(router).cfg").path
            let mode = try FileManager.default.attributesOfItem(atPath: baseline)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(baseline) is mode \(String(mode ?? 0, radix: 8))")
        }
        let destroy = try ws.run(["destroy", "spec", "--auto-approve"])
        #expect(destroy.status == 0, "\(destroy.stdout)\(destroy.stderr)")

        for (router, old) in zip(routers, before) {
            let now = try Self.runningConfig(ws, router)
            #expect(now == old, "\(router) after destroy:\n\(now.joined(separator: "\n"))")
        }
        let state = try ws.run(["state", "list", "spec"])
        #expect(!state.stdout.contains(":"), "state still lists \(state.stdout)")

        let again = try ws.run(["diff", "spec"])
        #expect(again.status == 2, "\(again.stdout)\(again.stderr)")
        #expect(Self.actions(again.stdout) == Self.actions(first.stdout), "\(again.stdout)")
        #expect(
            Self.actions(again.stdout).allSatisfy { $0.hasSuffix("(create)") || $0.hasPrefix("~ cisco:") },
            "\(again.stdout)"
        )
    }

    /// The lab routers of a workspace (after a run has made them).
    static func routers(_ ws: LabWorkspace) throws -> [String] {
        let devices = ws.spec.appendingPathComponent(".reconcile/lab/devices").path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: devices)) ?? []
        return files.filter { $0.hasSuffix(".cfg") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// A router's `show running-config`, from its first config line to `end`.
    static func runningConfig(_ ws: LabWorkspace, _ router: String) throws -> [String] {
        let shown = try ws.run(["lab", "cli", "spec", router, "show running-config"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let lines = shown.stdout.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map(String.init)
        return Array(lines.drop { !$0.hasPrefix("version ") })
    }

    /// The plan's headline for each resource (`+ azure:resourceGroup (create)`), in order.
    static func actions(_ plan: String) -> [String] {
        plan.split(separator: "\n").map(String.init).filter { line in
            ["+ ", "~ ", "- ", "-/+ "].contains { line.hasPrefix($0) } && line.hasSuffix(")") && line.contains(":")
        }
    }
}
