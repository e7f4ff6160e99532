import Foundation
import Spec

/// Cost estimates and a plan's cost change as text, JSON and Markdown.
public enum CostRenderer {
    public enum Format: String, Sendable, CaseIterable {
        case text, json, markdown
    }

    public static func render(_ estimate: CostEstimate, title: String, format: Format) -> String {
        switch format {
        case .text: return text(estimate, title: title)
        case .json: return JSONOutput.encode(rounded(estimate))
        case .markdown: return markdown(estimate, title: title)
        }
    }

    /// `¥3,794/month`, `¥20,000/year`, `¥100,000 once`, or `unknown`.
    static func amount(_ line: CostLine, _ currency: String) -> String {
        guard let amount = line.amount else { return "unknown" }
        let money = Money.format(amount, currency)
        switch line.period {
        case CostItem.Period.yearly.rawValue: return money + "/year"
        case CostItem.Period.once.rawValue: return money + " once"
        default: return money + "/month"
        }
    }

    /// `744 h × $0.195`, empty for a declared cost.
    static func usage(_ line: CostLine, _ currency: String) -> String {
        guard let quantity = line.quantity, let unit = line.unit else { return "" }
        let price = line.unitPrice.map { " × " + Money.unitPrice($0, currency) } ?? ""
        return "\(Money.plain(quantity)) \(unit)\(price)"
    }

    static func text(_ e: CostEstimate, title: String) -> String {
        var out = "\(title) (\(e.currency))\n\n"
        let rows =
            [["OWNER", "ITEM", "USAGE", "COST"]]
            + e.lines.map { [$0.owner, $0.item, usage($0, e.currency), amount($0, e.currency)] }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            var line = ""
            for column in 0..<3 {
                line += row[column].padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
            }
            line += String(repeating: " ", count: widths[3] - row[3].count) + row[3]
            out += "  " + line.trimmingTrailingSpaces() + "\n"
            if index > 0, let note = e.lines[index - 1].note { out += "      \(note)\n" }
        }
        out += "\n"
        out += totals(e).map { "  \($0.0.padding(toLength: 12, withPad: " ", startingAt: 0))\($0.1)\n" }.joined()
        let unknown = e.lines.filter { $0.amount == nil }
        if !unknown.isEmpty {
            out += "\n  \(unknown.count) line\(unknown.count == 1 ? "" : "s") with no price, left out of the totals:\n"
            for line in unknown { out += "    \(line.owner) \(line.item): \(line.unknown ?? "unknown")\n" }
        }
        out += "\n  Assumes " + e.assumptions.joined(separator: "; ") + ".\n  " + e.prices + "\n"
        return out
    }

    static func totals(_ e: CostEstimate) -> [(String, String)] {
        [
            ("Monthly", Money.format(e.monthly, e.currency)),
            ("Yearly", Money.format(e.yearly, e.currency) + " (contracts paid once a year)"),
            ("One-time", Money.format(e.once, e.currency)),
            ("First year", Money.format(e.firstYear, e.currency) + " (12 × monthly + yearly + one-time)"),
        ]
    }

    static func markdown(_ e: CostEstimate, title: String) -> String {
        var out =
            "### \(Escape.markdownCell(title))  (\(e.currency))\n\n| Owner | Item | Usage | Cost |\n|---|---|---|---:|\n"
        for line in e.lines {
            let item = Escape.markdownCell(line.item) + (line.note.map { "<br>_\(Escape.markdownCell($0))_" } ?? "")
            out +=
                "| \(Escape.markdownCode(line.owner)) | \(item) | \(usage(line, e.currency)) | \(amount(line, e.currency)) |\n"
        }
        out += "\n" + totals(e).map { "**\($0.0)**: \($0.1)" }.joined(separator: "  \n") + "\n"
        let unknown = e.lines.filter { $0.amount == nil }
        if !unknown.isEmpty {
            out += "\n\(unknown.count) line(s) with no price, left out of the totals:\n\n"
            for line in unknown {
                out +=
                    "- \(Escape.markdownCode(line.owner)) \(Escape.markdownCell(line.item)): \(line.unknown ?? "unknown")\n"
            }
        }
        out += "\n_Assumes " + e.assumptions.joined(separator: "; ") + ". " + Escape.markdownCell(e.prices) + "._\n"
        return out
    }

    /// The estimate with every amount rounded as it is shown, for JSON.
    public static func rounded(_ e: CostEstimate) -> CostEstimate {
        var copy = e
        let round = { (value: Decimal) in Money.rounded(value, e.currency) }
        copy.lines = e.lines.map { line in
            var line = line
            line.amount = line.amount.map(round)
            line.unitPrice = line.unitPrice.map { value in
                var value = value
                var result = Decimal()
                NSDecimalRound(&result, &value, 6, .plain)
                return result
            }
            return line
        }
        copy.monthly = round(e.monthly)
        copy.yearly = round(e.yearly)
        copy.once = round(e.once)
        copy.firstYear = round(e.firstYear)
        return copy
    }

    /// The change with every amount rounded as it is shown, for JSON.
    public static func rounded(_ change: CostChange) -> CostChange {
        var copy = change
        let round = { (value: Decimal) in Money.rounded(value, change.currency) }
        copy.monthlyBefore = round(change.monthlyBefore)
        copy.monthlyAfter = round(change.monthlyAfter)
        copy.delta = round(change.delta)
        copy.lines = change.lines.map { line in
            var line = line
            line.before = line.before.map(round)
            line.after = line.after.map(round)
            return line
        }
        return copy
    }

    // MARK: Plans

    /// The plan's cost lines for text output: `Cost: +¥3,794/month (¥0 → ¥3,794)` and a line
    /// per resource that changes it; nothing when the plan changes no cost.
    public static func planText(_ change: CostChange) -> [String] {
        guard !change.lines.isEmpty || !change.unknown.isEmpty else { return [] }
        var out = [
            "Cost: \(Money.format(change.delta, change.currency, signed: true))/month "
                + "(\(Money.format(change.monthlyBefore, change.currency)) → "
                + "\(Money.format(change.monthlyAfter, change.currency)) a month, list prices)"
        ]
        for line in change.lines {
            let delta = (line.after ?? 0) - (line.before ?? 0)
            out.append("  \(Money.format(delta, change.currency, signed: true))/month  \(line.owner)  \(line.item)")
        }
        for reason in change.unknown { out.append("  unknown: \(reason)") }
        return out
    }

    /// The same for a pull request.
    public static func planMarkdown(_ change: CostChange) -> String {
        guard !change.lines.isEmpty || !change.unknown.isEmpty else { return "" }
        var out =
            "**Cost:** \(Money.format(change.delta, change.currency, signed: true))/month "
            + "(\(Money.format(change.monthlyBefore, change.currency)) → "
            + "\(Money.format(change.monthlyAfter, change.currency)) a month, list prices)\n\n"
        if !change.lines.isEmpty {
            out += "| Change | Resource | Item |\n|---:|---|---|\n"
            for line in change.lines {
                let delta = (line.after ?? 0) - (line.before ?? 0)
                out +=
                    "| \(Money.format(delta, change.currency, signed: true))/month | \(Escape.markdownCode(line.owner)) | \(Escape.markdownCell(line.item)) |\n"
            }
        }
        for reason in change.unknown { out += "\n- unknown: \(Escape.markdownCell(reason))" }
        return out + "\n"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
