internal import Foundation
public import Spec

/// Prints a plan for people (text, optionally coloured), for tools (JSON, documented in `schemas/plan.schema.json`) or for pull requests (Markdown).
///
/// Pure; same plan, same bytes.
public enum PlanRenderer {
    public enum Format: String, CaseIterable, Sendable {
        case text, json, markdown
    }

    public static func render(_ plan: Plan, format: Format, color: Bool = false) -> String {
        switch format {
        case .text: return addressText(plan) + text(plan, color: color)
        case .json: return json(plan)
        case .markdown: return markdown(plan) + addressMarkdown(plan)
        }
    }

    /// One line per address the allocation pass chose, and why (docs/addresses.md).
    static func addressText(_ plan: Plan) -> String {
        guard let allocations = plan.allocations, !allocations.isEmpty else { return "" }
        return allocations.map { $0.line + "\n" }.joined() + "\n"
    }

    static func addressMarkdown(_ plan: Plan) -> String {
        guard let allocations = plan.allocations, !allocations.isEmpty else { return "" }
        return "\n**Addresses:**\n\n" + allocations.map { "- `\($0.line)`\n" }.joined()
    }

    static let symbols: [Action: String] = [
        .create: "+", .update: "~", .replace: "-/+", .delete: "-", .noop: " ",
    ]
    static let colors: [Action: String] = [.create: "32", .update: "33", .replace: "35", .delete: "31", .noop: "0"]

    /// What a plan shows for a secret, wherever it sits.
    public static let sensitive = "(sensitive)"

    /// What a plan or report may show of a value: secrets and fingerprints never.
    public static func masked(_ value: Value) -> Value {
        switch value {
        case .secret, .fingerprint: return .string(sensitive)
        case .list(let items): return .list(items.map(masked))
        case .map(let entries):
            var result = entries
            for entry in entries { result[entry.key] = masked(entry.value) }
            return .map(result)
        default: return value
        }
    }

    /// One line for a value: strings quoted, references "(known after apply)".
    public static func show(_ value: Value?) -> String {
        guard let value else { return "(none)" }
        switch value {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        // A value read from the world is shown, never acted on by the terminal.
        case .string(let s): return s == sensitive ? sensitive : "\"\(Escape.terminal(s, newlines: false))\""
        case .list(let items): return "[" + items.map { show($0) }.joined(separator: ", ") + "]"
        case .map(let entries):
            return "{" + entries.map { "\($0.key): \(show($0.value))" }.joined(separator: ", ") + "}"
        case .reference: return "(known after apply)"
        case .secret, .fingerprint: return "(sensitive)"
        }
    }

    static func summaryLine(_ plan: Plan) -> String {
        let s = plan.summary
        return "Plan: \(s[.create] ?? 0) to create, \(s[.update] ?? 0) to update, \(s[.replace] ?? 0) to replace, "
            + "\(s[.delete] ?? 0) to delete, \(s[.noop] ?? 0) unchanged."
    }

    static func text(_ plan: Plan, color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let pending = plan.pending
        guard !pending.isEmpty else {
            // The NVAs' announcements are not resources: routing can move with nothing to apply.
            return "No changes: the infrastructure matches the spec (\(plan.changes.count) resources).\n"
                + routingText(plan) + costText(plan)
        }
        var out = "reconcile will make these changes:\n"
        for change in pending {
            let symbol = symbols[change.action] ?? "?"
            let code = colors[change.action] ?? "0"
            var header =
                "\n\(paint(symbol, code)) \(paint(change.address.description, "1")) (\(change.action.rawValue))"
            if change.action == .replace {
                header += " — " + change.replaceReasons.joined(separator: ", ") + " forces replacement"
            }
            if change.adopt {
                header += " — exists and matches, but is not in state (an interrupted apply?): it will be recorded"
            }
            out += header + "\n"
            for attribute in change.changes {
                let marker = attribute.forcesReplacement ? paint(" # forces replacement", "35") : ""
                switch change.action {
                case .create:
                    out += "    \(attribute.path) = \(show(attribute.after))\n"
                case .delete:
                    out += "    \(attribute.path) = \(show(attribute.before))\n"
                default:
                    out += "    ~ \(attribute.path): \(show(attribute.before)) -> \(show(attribute.after))\(marker)\n"
                }
            }
            if !change.preview.isEmpty {
                out += "    commands, in order:\n"
                for line in change.preview { out += "      \(line)\n" }
            }
        }
        out += routingText(plan) + costText(plan)
        return out + "\n" + summaryLine(plan) + "\n"
    }

    /// The plan's effect on the monthly bill, when it has one.
    static func costText(_ plan: Plan) -> String {
        guard let cost = plan.cost else { return "" }
        let lines = CostRenderer.planText(cost)
        return lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n") + "\n"
    }

    /// "Routing changes:" with each path that moves, before and after.
    static func routingText(_ plan: Plan) -> String {
        guard let moves = plan.routingChanges, !moves.isEmpty else { return "" }
        var out = "\nRouting changes:\n"
        for move in moves {
            out += "  \(move.sentence)\n"
            if let before = move.before { out += "      before: \(before.path)\n" }
            if let after = move.after { out += "      after:  \(after.path)\n" }
        }
        return out
    }

    static func json(_ plan: Plan) -> String {
        struct Document: Encodable {
            enum AddressKeys: String, CodingKey { case allocations }
            var plan: Plan
            var summary: [String: Int]

            enum CodingKeys: String, CodingKey {
                case formatVersion, lineage, serial, specDigest, spec, changes, summary, routingChanges, cost
            }

            func encode(to encoder: any Encoder) throws {
                var addresses = encoder.container(keyedBy: AddressKeys.self)
                try addresses.encodeIfPresent(plan.allocations.flatMap { $0.isEmpty ? nil : $0 }, forKey: .allocations)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(plan.formatVersion, forKey: .formatVersion)
                try container.encode(plan.lineage, forKey: .lineage)
                try container.encode(plan.serial, forKey: .serial)
                try container.encode(plan.specDigest, forKey: .specDigest)
                try container.encode(plan.spec, forKey: .spec)
                try container.encode(plan.changes, forKey: .changes)
                try container.encode(summary, forKey: .summary)
                try container.encodeIfPresent(plan.routingChanges, forKey: .routingChanges)
                try container.encodeIfPresent(plan.cost.map(CostRenderer.rounded), forKey: .cost)
            }
        }
        var summary: [String: Int] = [:]
        for action in Action.allCases { summary[action.rawValue] = plan.summary[action] ?? 0 }
        return JSONOutput.encode(Document(plan: plan, summary: summary))
    }

    static func markdown(_ plan: Plan) -> String {
        let s = plan.summary
        var out = "### reconcile plan\n\n"
        out += "| create | update | replace | delete | unchanged |\n|---:|---:|---:|---:|---:|\n"
        out +=
            "| \(s[.create] ?? 0) | \(s[.update] ?? 0) | \(s[.replace] ?? 0) | \(s[.delete] ?? 0) | \(s[.noop] ?? 0) |\n\n"
        let destructive = plan.pending.filter(\.action.isDestructive)
        if !destructive.isEmpty {
            out += "**⚠️ Destructive changes:**\n\n"
            for change in destructive {
                out += "- `\(change.address)` will be **\(change.action == .delete ? "deleted" : "replaced")**"
                if change.action == .replace {
                    out += " (\(change.replaceReasons.joined(separator: ", ")) forces replacement)"
                }
                out += "\n"
            }
            out += "\n"
        }
        if let moves = plan.routingChanges, !moves.isEmpty {
            out += "**Routing changes:**\n\n"
            for move in moves { out += "- \(move.sentence)\n" }
            out += "\n"
        }
        if let cost = plan.cost {
            let text = CostRenderer.planMarkdown(cost)
            if !text.isEmpty { out += text + "\n" }
        }
        if plan.pending.isEmpty { return out + "No changes.\n" }
        for change in plan.pending {
            let flag = change.action.isDestructive ? " ⚠️" : ""
            out +=
                "<details><summary><code>\(symbols[change.action] ?? "") \(change.address)</code> \(change.action.rawValue)\(flag)</summary>\n\n"
            if !change.changes.isEmpty {
                out += "| attribute | before | after |\n|---|---|---|\n"
                for attribute in change.changes {
                    out += "| `\(attribute.path)` | \(cell(attribute.before)) | \(cell(attribute.after)) |\n"
                }
            }
            if !change.preview.isEmpty {
                out += "\n" + Escape.markdownBlock(change.preview)
            }
            out += "\n</details>\n\n"
        }
        return out
    }

    private static func cell(_ value: Value?) -> String {
        guard value != nil else { return "" }
        return Escape.markdownCode(show(value))
    }
}

/// One line per resource as it starts and ends, with elapsed time (for `apply`).
public enum ProgressRenderer {
    public static func line(_ event: ProgressEvent) -> String {
        switch event {
        case .started(let address, let action): return "\(address): \(action.rawValue) started"
        case .finished(let address, let action, let elapsed):
            return "\(address): \(action.rawValue) done after \(seconds(elapsed))"
        case .stillRunning(let address, let elapsed): return "\(address): still running (\(seconds(elapsed)))"
        case .retrying(let address, let attempt, let after, let reason):
            return "\(address): attempt \(attempt) failed (\(Escape.terminal(reason))); retrying in \(seconds(after))"
        case .failed(let address, let message): return "\(address): FAILED: \(Escape.terminal(message))"
        case .skipped(let address, let cause): return "\(address): skipped because \(cause) failed"
        }
    }

    /// A duration as progress prints it: `61.5s`.
    public static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1fs", value)
    }

    public static func summary(_ report: ApplyReport) -> String {
        var out =
            "Apply: \(report.succeeded.count) succeeded, \(report.failed.count) failed, \(report.skipped.count) skipped.\n"
        for failure in report.failed { out += "  failed:  \(failure.address): \(Escape.terminal(failure.message))\n" }
        for skip in report.skipped { out += "  skipped: \(skip.address) (because \(skip.cause) failed)\n" }
        return out
    }
}
