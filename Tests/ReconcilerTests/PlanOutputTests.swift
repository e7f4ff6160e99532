import Cisco
import Foundation
import Reconciler
import Spec
import TestProvider
import TestSupport
import Testing

/// Golden files for the three plan formats, over one plan with every action.
@Suite("Plan output")
struct PlanOutputTests {
    static func scenario() async throws -> Plan {
        var bed = try TestBed("golden")
        defer { bed.remove() }
        bed.environment = ["PSK": "one"]
        let before = DesiredGraph([
            Graphs.resource("azure:resourceGroup", ["location": "japaneast"]),
            Graphs.resource("azure:routeTables/old", ["routes": .list([])], after: ["azure:resourceGroup"]),
            Graphs.resource(
                "azure:virtualNetworks/hub-vnet",
                ["location": "japaneast", "tags": .map(["owner": "netops", "costCenter": "a"])]
            ),
            Graphs.resource("azure:publicIPAddresses/gw-pip1", ["location": "japaneast", "sku": "Standard"]),
            Graphs.resource("azure:connections/c", ["sharedKey": .secret(.environment("PSK"))]),
        ])
        #expect(try await bed.apply(before).ok)
        bed.environment = ["PSK": "two"]
        let after = DesiredGraph([
            Graphs.resource("azure:resourceGroup", ["location": "japaneast"]),
            Graphs.resource(
                "azure:virtualNetworks/hub-vnet",
                ["location": "japaneast", "tags": .map(["owner": "netops", "costCenter": "b"])]
            ),
            Graphs.resource("azure:publicIPAddresses/gw-pip1", ["location": "japanwest", "sku": "Standard"]),
            Graphs.resource("azure:connections/c", ["sharedKey": .secret(.environment("PSK"))]),
            Graphs.resource(
                "cisco:tokyo-rtr1/tunnel/azure",
                [
                    "interface": "Tunnel1",
                    "destination": Graphs.ref("azure:publicIPAddresses/gw-pip1", "ipAddress"),
                    "tcpAdjustMss": 1350,
                ]
            ),
        ])
        let changes = try await bed.plan(after)
        return Plan(
            lineage: "golden-lineage",
            serial: 1,
            specDigest: "sha256:golden",
            spec: "examples/golden",
            changes: changes
        )
    }

    @Test(arguments: PlanRenderer.Format.allCases)
    func format(_ format: PlanRenderer.Format) async throws {
        let plan = try await Self.scenario()
        #expect(plan.summary == [.create: 1, .update: 2, .replace: 1, .delete: 1, .noop: 1])
        let ext = ["text": "txt", "json": "json", "markdown": "md"][format.rawValue] ?? "txt"
        Fixture.assertGolden(PlanRenderer.render(plan, format: format), "Tests/ReconcilerTests/Golden/plan.\(ext)")
    }

    @Test func colourIsOnlyWhereAskedFor() async throws {
        let plan = try await Self.scenario()
        #expect(PlanRenderer.render(plan, format: .text, color: true).contains("\u{1B}["))
        #expect(!PlanRenderer.render(plan, format: .text, color: false).contains("\u{1B}["))
    }

    /// The JSON plan follows schemas/plan.schema.json (checked with a validator this project
    /// did not write, when Python's jsonschema is on the machine).
    @Test func jsonPlanFollowsItsSchema() async throws {
        let plan = try await Self.scenario()
        let dir = try Fixture.temporaryDirectory("plan-schema")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plan.json")
        try Data(PlanRenderer.render(plan, format: .json).utf8).write(to: file)
        let script = """
            import json, sys
            try:
                from jsonschema import Draft202012Validator
            except ImportError:
                print("skip"); sys.exit(0)
            schema = json.load(open(sys.argv[1])); Draft202012Validator.check_schema(schema)
            errors = list(Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
            for e in errors: print(e.message)
            sys.exit(1 if errors else 0)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, Fixture.path("schemas/plan.schema.json"), file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
    }

    /// A saved plan decodes to the plan that was saved, a changed secret's `"before": null`
    /// (a secret no provider reads back) included: such a plan never applied from its file.
    @Test func aSavedPlanDecodesToThePlanThatWasSaved() async throws {
        var plan = try await Self.scenario()
        plan.changes.append(
            PlannedChange(
                address: .cisco("tokyo-rtr1", "crypto-ikev2-keyring"),
                type: "crypto-ikev2-keyring",
                action: .update,
                changes: [
                    AttributeChange(path: "peers", before: nil, after: .list([]), sensitive: false),
                    AttributeChange(
                        path: "preSharedKey",
                        before: .null,
                        after: .secret(.environment("PSK")),
                        sensitive: true
                    ),
                ],
                desired: ["preSharedKey": .secret(.environment("PSK"))],
                dependencies: []
            )
        )
        let saved = PlanRenderer.render(plan, format: .json)
        let decoded = try JSONDecoder().decode(Plan.self, from: Data(saved.utf8))
        #expect(decoded.changes == plan.changes)
        #expect(PlanRenderer.render(decoded, format: .json) == saved)
    }
}
