internal import Foundation
internal import Reconciler
public import Spec

/// Prints a drift report: text for people, JSON for tools (`schemas/drift-report.schema.json`),
/// Markdown for pull requests and CI summaries, JUnit XML for CI test views, a
/// self-contained HTML page with the topology marked, Prometheus text exposition.
///
/// Pure; same report, same bytes.
public enum DriftRenderer {
    public enum Format: String, CaseIterable, Sendable {
        case text, json, markdown, junit, html, prometheus
    }

    /// `topology` draws the HTML report's diagram; without it the page has the tables only.
    public static func render(_ report: DriftReport, format: Format, topology: Topology? = nil) -> String {
        switch format {
        case .text: return text(report)
        case .json: return json(report)
        case .markdown: return markdown(report)
        case .junit: return junit(report)
        case .html: return DriftHTML.page(report, topology: topology)
        case .prometheus: return prometheus(report)
        }
    }

    // MARK: Text

    static func text(_ report: DriftReport) -> String {
        // Everything from the world is one line with its control characters shown, not acted on.
        let t = { (text: String) in Escape.terminal(text, newlines: false) }
        var out = "Drift in \(t(report.spec)) (\(t(report.generatedAt))): \(t(report.headline))\n"
        if report.status == .failed { return out }
        if report.findings.isEmpty {
            return out + "No drift: \(report.checked.count) resources match the spec and the last apply.\n"
        }
        for (title, findings) in groups(report) {
            out += "\n\(title)\n"
            for finding in findings {
                let origin = [finding.object, finding.source].compactMap { $0 }.joined(separator: ", ")
                out += "  \(t(finding.id))" + (origin.isEmpty ? "" : " (\(t(origin)))") + "\n"
                out += "    \(t(finding.summary))\n"
                for line in details(finding) { out += "    \(t(line))\n" }
            }
        }
        if let cost = report.costOverSpec {
            out += "\nWhat exists costs more than the spec:\n"
            out += CostRenderer.planText(cost).map { "  " + t($0) + "\n" }.joined()
        }
        return out
    }

    /// Findings by class, acknowledged ones last, in a fixed order.
    static func groups(_ report: DriftReport) -> [(String, [Finding])] {
        var result: [(String, [Finding])] = []
        for drift in DriftClass.allCases {
            let found = report.findings.filter { $0.class == drift && !$0.isAcknowledged }
            if !found.isEmpty { result.append((drift.title, found)) }
        }
        let acknowledged = report.findings.filter(\.isAcknowledged)
        if !acknowledged.isEmpty { result.append(("acknowledged (not drift until they expire)", acknowledged)) }
        return result
    }

    /// A finding's attribute changes, config lines and acknowledgement, one per line.
    static func details(_ finding: Finding) -> [String] {
        var lines: [String] = []
        for change in finding.changes {
            if change.sensitive {
                lines.append("\(change.path): (sensitive) differs (compared by fingerprint)")
                continue
            }
            var parts: [String] = []
            if finding.class != .pending || change.lastApplied != change.observed {
                parts.append("last applied \(PlanRenderer.show(change.lastApplied))")
            }
            parts.append("now \(PlanRenderer.show(change.observed))")
            parts.append("spec \(PlanRenderer.show(change.desired))")
            lines.append("\(change.path): " + parts.joined(separator: ", "))
        }
        lines += finding.lines
        if let ack = finding.acknowledgement {
            let by = ack.by.map { " by \($0)" } ?? ""
            lines.append(
                ack.expired
                    ? "acknowledgement expired \(ack.expires)\(by) (\(ack.source)): \(ack.reason)"
                    : "acknowledged until \(ack.expires)\(by) (\(ack.source)): \(ack.reason)"
            )
        }
        return lines
    }

    // MARK: JSON

    struct JSONView: Encodable {
        struct Summary: Encodable {
            var changed, missing, unmanaged, operational, pending, acknowledged, ignored: Int
        }
        struct FindingView: Encodable {
            var finding: Finding
            func encode(to encoder: any Encoder) throws {
                try finding.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(finding.isDrift, forKey: .drift)
            }
            enum Key: String, CodingKey { case drift }
        }
        var formatVersion: Int
        var spec: String
        var generatedAt: String
        var status: String
        var error: String?
        var drifted: Bool
        var digest: String
        var summary: Summary
        var findings: [FindingView]
        var connections: [ConnectionState]
        var checked: [CheckedResource]
        var costOverSpec: CostChange?
    }

    static func json(_ report: DriftReport) -> String {
        let c = report.counts
        return JSONOutput.encode(
            JSONView(
                formatVersion: report.formatVersion,
                spec: report.spec,
                generatedAt: report.generatedAt,
                status: report.status.rawValue,
                error: report.error,
                drifted: report.drifted,
                digest: report.digest,
                summary: .init(
                    changed: c["changed", default: 0],
                    missing: c["missing", default: 0],
                    unmanaged: c["unmanaged", default: 0],
                    operational: c["operational", default: 0],
                    pending: c["pending", default: 0],
                    acknowledged: c["acknowledged", default: 0],
                    ignored: report.ignored
                ),
                findings: report.findings.map(JSONView.FindingView.init),
                connections: report.connections,
                checked: report.checked,
                costOverSpec: report.costOverSpec.map(CostRenderer.rounded)
            )
        )
    }

    // MARK: Markdown

    static func markdown(_ report: DriftReport) -> String {
        var out = "## Drift: \(Escape.markdownCell(report.headline))\n\n"
        out += "\(Escape.markdownCode(report.spec)) at \(Escape.markdownCell(report.generatedAt))\n"
        if report.status == .failed { return out }
        if report.findings.isEmpty {
            return out + "\nNo drift: \(report.checked.count) resources match the spec and the last apply.\n"
        }
        for (title, findings) in groups(report) {
            out +=
                "\n### \(title.prefix(1).uppercased() + title.dropFirst())\n\n| Resource | From | What |\n|---|---|---|\n"
            for finding in findings {
                let origin = [finding.object, finding.source].compactMap { $0 }.joined(separator: ", ")
                let what = ([Escape.markdownCell(finding.summary)] + details(finding).map(Escape.markdownCode))
                    .joined(separator: "<br>")
                out += "| \(Escape.markdownCode(finding.id)) | \(Escape.markdownCell(origin)) | \(what) |\n"
            }
        }
        if let cost = report.costOverSpec {
            out += "\n### What exists costs more than the spec\n\n" + CostRenderer.planMarkdown(cost)
        }
        return out
    }

    // MARK: JUnit

    /// One test case per resource looked at (and per unmanaged object and connection):
    /// failing on drift, skipped when only pending, passing otherwise.
    static func junit(_ report: DriftReport) -> String {
        let esc = Escape.xml
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        if report.status == .failed {
            out += "<testsuites name=\"reconcile drift\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n"
            out +=
                "  <testsuite name=\"drift\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" timestamp=\"\(esc(report.generatedAt))\">\n"
            out += "    <testcase classname=\"reconcile.drift\" name=\"drift run\">"
            out += "<error message=\"\(esc(report.error ?? "failed"))\" type=\"failed-run\"/></testcase>\n"
            return out + "  </testsuite>\n</testsuites>\n"
        }
        let byID = Dictionary(report.findings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let suites = Dictionary(grouping: report.checked) { String($0.id.prefix { $0 != ":" }) }
        let outcome = { (item: CheckedResource) -> (failed: Bool, skipped: Bool) in
            guard let finding = byID[item.id] else { return (false, false) }
            return (finding.isDrift, finding.class == .pending && !finding.isAcknowledged)
        }
        let all = report.checked.map(outcome)
        out += "<testsuites name=\"reconcile drift\" tests=\"\(all.count)\" failures=\"\(all.filter(\.failed).count)\" "
        out += "errors=\"0\" skipped=\"\(all.filter(\.skipped).count)\">\n"
        for name in suites.keys.sorted() {
            let items = suites[name] ?? []
            let results = items.map(outcome)
            out +=
                "  <testsuite name=\"\(esc(name))\" tests=\"\(items.count)\" failures=\"\(results.filter(\.failed).count)\" "
            out +=
                "errors=\"0\" skipped=\"\(results.filter(\.skipped).count)\" timestamp=\"\(esc(report.generatedAt))\">\n"
            for item in items {
                out += "    <testcase classname=\"\(esc(name)).\(esc(item.kind))\" name=\"\(esc(item.id))\""
                guard let finding = byID[item.id] else {
                    out += "/>\n"
                    continue
                }
                out += ">"
                let body = esc(details(finding).joined(separator: "\n"))
                if finding.isDrift {
                    out += "<failure message=\"\(esc(finding.class.title)): \(esc(finding.summary))\" "
                    out += "type=\"\(finding.class.rawValue)\">\(body)</failure>"
                } else if finding.class == .pending && !finding.isAcknowledged {
                    out += "<skipped message=\"pending: \(esc(finding.summary))\"/>"
                } else {
                    out += "<system-out>\(body)</system-out>"
                }
                out += "</testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    // MARK: Prometheus

    static func prometheus(_ report: DriftReport) -> String {
        func label(_ text: String) -> String {
            Escape.terminal(text, newlines: true).replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        }
        var counts: [String: Int] = [:]
        for finding in report.findings {
            let drift = finding.isAcknowledged ? "acknowledged" : finding.class.rawValue
            counts["class=\"\(drift)\",kind=\"\(label(finding.kind))\"", default: 0] += 1
        }
        var out = "# HELP reconcile_drift_findings Findings of the last drift run, by resource kind and class.\n"
        out += "# TYPE reconcile_drift_findings gauge\n"
        for key in counts.keys.sorted() { out += "reconcile_drift_findings{\(key)} \(counts[key] ?? 0)\n" }
        out += "# HELP reconcile_drift_drifted_resources Findings of the last run that are drift.\n"
        out += "# TYPE reconcile_drift_drifted_resources gauge\n"
        out += "reconcile_drift_drifted_resources \(report.findings.filter(\.isDrift).count)\n"
        out += "# HELP reconcile_drift_last_run_timestamp_seconds When the last drift run ran.\n"
        out += "# TYPE reconcile_drift_last_run_timestamp_seconds gauge\n"
        out += "reconcile_drift_last_run_timestamp_seconds \(report.epochSeconds)\n"
        out +=
            "# HELP reconcile_drift_last_run_success 1 when the last run read everything it needed, 0 when it failed.\n"
        out += "# TYPE reconcile_drift_last_run_success gauge\n"
        out += "reconcile_drift_last_run_success \(report.status == .ok ? 1 : 0)\n"
        return out
    }
}
