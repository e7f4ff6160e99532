import BuiltInProviders
import Drift
import Foundation
import Spec
import TestSupport
import Testing

/// Every report format, from one report that has a finding of each class, golden-checked and
/// read back by parsers this project did not write: jsonschema for the JSON, junitparser for
/// JUnit, a headless Chromium for the HTML page (its DOM and a screenshot).
@Suite("Drift reports")
struct DriftReportTests {
    static let example = "examples/s2s-cisco891-pppoe"

    /// 2026-11-21T09:00:00Z.
    static let now = 1_795_251_600

    static func report() throws -> (DriftReport, Topology) {
        let spec = SpecPipeline.run(Fixture.path(example), lowering: BuiltIn.lowering)
        let graph = try #require(spec.graph)
        var checked = graph.resources.map { CheckedResource(id: $0.address.description, kind: $0.type) }
        checked.append(CheckedResource(id: "connection:azure", kind: "connection"))
        checked.append(
            CheckedResource(id: "azure:virtualNetworks/rogue-vnet", kind: "Microsoft.Network/virtualNetworks")
        )
        checked.append(CheckedResource(id: "cisco:tokyo-rtr1", kind: "ios.unmanaged-lines"))
        let findings = [
            Finding(
                id: "azure:virtualNetworks/hub-vnet",
                kind: "Microsoft.Network/virtualNetworks",
                class: .changed,
                object: "VirtualNetwork 'hub-vnet'",
                source: "azure.yaml:17:9",
                summary: "changed out of band: tags.owner",
                changes: [
                    DriftChange(path: "tags.owner", lastApplied: "netops", observed: "someone", desired: "netops")
                ]
            ),
            Finding(
                id: "cisco:tokyo-rtr1/system",
                kind: "ios.system",
                class: .changed,
                object: "CiscoRouter 'tokyo-rtr1'",
                source: "onprem.yaml:17:9",
                summary: "changed out of band: loggingBufferSize",
                changes: [DriftChange(path: "loggingBufferSize", lastApplied: 32768, observed: 4096, desired: 32768)],
                lines: ["- logging buffered 4096", "+ logging buffered 32768"]
            ),
            Finding(
                id: "azure:localNetworkGateways/tokyo-hq",
                kind: "Microsoft.Network/localNetworkGateways",
                class: .missing,
                object: "Site 'tokyo-hq'",
                source: "onprem.yaml:6:9",
                summary: "the last apply made it; it no longer exists"
            ),
            Finding(
                id: "azure:virtualNetworkGateways/hub-vpngw",
                kind: "Microsoft.Network/virtualNetworkGateways",
                class: .pending,
                object: "VirtualNetworkGateway 'hub-vpngw'",
                source: "azure.yaml:30:9",
                summary: "the spec changed: sku",
                changes: [DriftChange(path: "sku", lastApplied: "VpnGw1AZ", observed: "VpnGw1AZ", desired: "VpnGw2AZ")]
            ),
            Finding(
                id: "azure:virtualNetworks/rogue-vnet",
                kind: "Microsoft.Network/virtualNetworks",
                class: .unmanaged,
                summary: "Microsoft.Network/virtualNetworks 'rogue-vnet' is in the resource group; no spec owns it"
            ),
            Finding(
                id: "cisco:tokyo-rtr1",
                kind: "ios.unmanaged-lines",
                class: .unmanaged,
                summary: "2 line(s) on tokyo-rtr1 that no spec owns",
                lines: ["- snmp-server community <sensitive> RO", "- ip domain lookup"]
            ),
            Finding(
                id: "connection:azure",
                kind: "connection",
                class: .operational,
                summary: "down, though its config matches the spec (router tokyo-rtr1)",
                lines: ["local address: Azure expects the site at 203.0.113.10; the router's tunnel comes from unknown"]
            ),
            Finding(
                id: "cisco:tokyo-rtr1/crypto-ikev2-keyring",
                kind: "ios.crypto-ikev2-keyring",
                class: .changed,
                object: "VpnConnection 'azure'",
                source: "connection.yaml:8:9",
                summary: "changed out of band: peers",
                changes: [
                    DriftChange(
                        path: "peers",
                        lastApplied: "(sensitive)",
                        observed: "(sensitive)",
                        desired: "(sensitive)",
                        sensitive: true
                    )
                ],
                acknowledgement: AcknowledgementNote(
                    reason: "PSK rotation with the ISP, CHG-1234",
                    expires: "2026-12-31",
                    by: "netops",
                    source: "policy.yaml:23:7",
                    expired: false
                )
            ),
            Finding(
                id: "azure:publicIPAddresses/hub-vpngw-pip1",
                kind: "Microsoft.Network/publicIPAddresses",
                class: .changed,
                object: "VirtualNetworkGateway 'hub-vpngw'",
                source: "azure.yaml:30:9",
                summary: "changed out of band: tags.costCenter",
                changes: [DriftChange(path: "tags.costCenter", lastApplied: nil, observed: "cc-42", desired: nil)],
                acknowledgement: AcknowledgementNote(
                    reason: "finance tags by hand",
                    expires: "2026-11-01",
                    by: nil,
                    source: "policy.yaml:26:7",
                    expired: true
                )
            ),
        ]
        let report = DriftReport(
            spec: example,
            generatedAt: "2026-11-21T09:00:00Z",
            epochSeconds: now,
            findings: findings,
            checked: checked,
            connections: [
                ConnectionState(
                    name: "azure",
                    device: "tokyo-rtr1",
                    up: false,
                    causes: [
                        "local address: Azure expects the site at 203.0.113.10; the router's tunnel comes from unknown"
                    ]
                )
            ],
            ignored: 2
        )
        return (report, spec.topology)
    }

    @Test(arguments: DriftRenderer.Format.allCases)
    func everyFormatMatchesItsGoldenFile(_ format: DriftRenderer.Format) throws {
        let (report, topology) = try Self.report()
        let ext = [
            "text": "txt", "json": "json", "markdown": "md", "junit": "xml", "html": "html", "prometheus": "prom",
        ]
        let rendered = DriftRenderer.render(report, format: format, topology: topology)
        Fixture.assertGolden(rendered, "Tests/DriftTests/Golden/report.\(ext[format.rawValue] ?? "txt")")
        // Same report, same bytes.
        #expect(rendered == DriftRenderer.render(report, format: format, topology: topology))
        // No secret, no fingerprint, in any format.
        #expect(!rendered.contains("lab-psk"))
    }

    @Test func countsAndExitCodeFollowTheClasses() throws {
        let (report, _) = try Self.report()
        #expect(report.counts["changed"] == 3, "the expired acknowledgement counts as drift again")
        #expect(report.counts["acknowledged"] == 1)
        #expect(report.counts["pending"] == 1)
        #expect(report.exitCode == 2)
        let pendingOnly = DriftReport(
            spec: "s",
            generatedAt: "t",
            epochSeconds: 0,
            findings: report.findings.filter { $0.class == .pending || $0.isAcknowledged }
        )
        #expect(pendingOnly.exitCode == 0, "pending and acknowledged findings are not drift")
        #expect(DriftReport.failed(spec: "s", at: "t", epochSeconds: 0, error: "x").exitCode == 1)
        // The digest names what drifted, not when.
        var later = report
        later.generatedAt = "2026-11-22T09:00:00Z"
        #expect(later.digest == report.digest)
        #expect(pendingOnly.digest != report.digest)
    }

    @Test func jsonFollowsItsSchema() async throws {
        let (report, _) = try Self.report()
        let dir = try Fixture.temporaryDirectory("drift-schema")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("drift.json")
        try Data(DriftRenderer.render(report, format: .json).utf8).write(to: file)
        let failed = dir.appendingPathComponent("failed.json")
        let failure = DriftReport.failed(spec: "s", at: "2026-11-21T09:00:00Z", epochSeconds: 0, error: "azure: down")
        try Data(DriftRenderer.render(failure, format: .json).utf8).write(to: failed)
        let run = try await Fixture.python(
            "Tests/DriftTests/Scripts/check_json_schema.py",
            [Fixture.path("schemas/drift-report.schema.json"), file.path, failed.path]
        )
        #expect(run.status == 0, "\(run.output)")
    }

    @Test func junitIsReadByARealParser() async throws {
        let (report, _) = try Self.report()
        let dir = try Fixture.temporaryDirectory("drift-junit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("drift.xml")
        try Data(DriftRenderer.render(report, format: .junit).utf8).write(to: file)
        // One case per resource looked at: the example's 18, the connection, 2 unmanaged.
        let run = try await Fixture.python(
            "Tests/DriftTests/Scripts/check_junit.py",
            [file.path, "--tests", "21", "--failures", "7", "--skipped", "1"]
        )
        #expect(run.status == 0, "\(run.output)")
    }

    @Test func htmlShowsTheDiagramWithItsMarksInAHeadlessBrowser() async throws {
        let (report, topology) = try Self.report()
        let dir = try Fixture.temporaryDirectory("drift-html")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("drift.html")
        try Data(DriftRenderer.render(report, format: .html, topology: topology).utf8).write(to: file)
        let run = try await Fixture.python(
            "Tests/DriftTests/Scripts/check_html_report.py",
            [
                file.path, "--drifted", "site:tokyo-hq,vnet:hub-vnet,gateway:hub-vpngw", "--down", "connection:azure",
                "--png", dir.appendingPathComponent("drift.png").path,
            ]
        )
        #expect(run.status == 0, "\(run.output)")
        // A clean report marks nothing.
        let clean = DriftReport(spec: "s", generatedAt: "t", epochSeconds: 0, checked: report.checked)
        try Data(DriftRenderer.render(clean, format: .html, topology: topology).utf8).write(to: file)
        let none = try await Fixture.python(
            "Tests/DriftTests/Scripts/check_html_report.py",
            [file.path, "--drifted", "", "--down", "", "--png", dir.appendingPathComponent("clean.png").path]
        )
        #expect(none.status == 0, "\(none.output)")
    }

    @Test func prometheusExpositionIsReadByTheClientLibrarysParser() async throws {
        let (report, _) = try Self.report()
        let dir = try Fixture.temporaryDirectory("drift-prom")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("drift.prom")
        try Data(DriftRenderer.render(report, format: .prometheus).utf8).write(to: file)
        let run = try await Fixture.python("Tests/DriftTests/Scripts/check_prometheus.py", [file.path])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("reconcile_drift_drifted_resources 7"), "\(run.output)")
    }

    @Test func calendarDaysAndTheirEnds() {
        #expect(CalendarDay("2026-02-29") == nil)
        #expect(CalendarDay("2028-02-29")?.description == "2028-02-29")
        #expect(CalendarDay("2026-13-01") == nil)
        #expect(CalendarDay("26-1-1") == nil)
        // 2026-11-21 ends at 2026-11-22T00:00:00Z = 1795305600.
        #expect(CalendarDay("2026-11-21")?.endEpochSeconds == 1_795_305_600)
        #expect(CalendarDay(epochSeconds: Self.now).description == "2026-11-21")
    }
}
