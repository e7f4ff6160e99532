import Drift
import Foundation
import Reconciler
import Spec
import TestSupport
import Testing

/// Whatever names, tags and config lines the world holds, every report and plan format prints
/// them as text: no terminal control sequence acts, no Markdown table breaks, and the JUnit
/// report stays XML that a parser this project did not write reads.
@Suite("Hostile names in reports")
struct HostileOutputTests {
    /// An ANSI sequence that clears the screen and fakes a line, a bidirectional override, a
    /// NUL, a bell, a form feed, a C1 control, markup and Markdown that would break out.
    static let hostile =
        "evil\u{1B}[2J\u{1B}[0;32mNo drift\u{1B}[0m\u{202E}cba\u{0}\u{7}\u{0C}\u{9B}31m"
        + "</failure><script>x</script>]]>|`a`|```"

    static func report() -> DriftReport {
        let finding = { (drift: DriftClass, id: String) in
            Finding(
                id: id,
                kind: "Microsoft.Network/virtualNetworks",
                class: drift,
                object: "VirtualNetwork '\(hostile)'",
                source: "azure.yaml:1:1",
                summary: "a name: \(hostile)",
                changes: [
                    DriftChange(path: "tags.\(hostile)", lastApplied: nil, observed: .string(hostile), desired: nil)
                ],
                lines: ["- banner motd ^C\(hostile)^C"]
            )
        }
        return DriftReport(
            spec: "spec",
            generatedAt: "2026-12-07T09:00:00Z",
            epochSeconds: 0,
            findings: [
                finding(.unmanaged, "azure:virtualNetworks/\(hostile)"),
                finding(.changed, "azure:virtualNetworks/b\(hostile)"),
            ],
            checked: [
                CheckedResource(id: "azure:virtualNetworks/\(hostile)", kind: "Microsoft.Network/virtualNetworks"),
                CheckedResource(id: "azure:virtualNetworks/b\(hostile)", kind: "Microsoft.Network/virtualNetworks"),
            ]
        )
    }

    /// Characters a terminal, a log or a browser would act on rather than show.
    static func unsafe(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter {
            ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value)
                || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value)
        }
    }

    /// JSON is data for tools: it keeps every value exactly, its encoder escaping C0 controls.
    @Test(arguments: DriftRenderer.Format.allCases.filter { $0 != .json })
    func noFormatLetsAControlCharacterThrough(_ format: DriftRenderer.Format) {
        let rendered = DriftRenderer.render(Self.report(), format: format)
        #expect(Self.unsafe(rendered).isEmpty, "\(format): \(Self.unsafe(rendered).map(\.value))")
        if format == .text || format == .markdown {
            #expect(rendered.contains("\\u{1B}[2J"), "the escape is shown, not dropped")
        }
    }

    @Test func markdownTablesKeepTheirColumns() {
        let rendered = DriftRenderer.render(Self.report(), format: .markdown)
        let rows = rendered.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Resource") }
        #expect(rows.count == 2)
        for row in rows {
            // Outside code spans, markup is text.
            #expect(row.contains("&lt;/failure&gt;&lt;script&gt;"))
            var breaks = 0
            var previous: Character = " "
            for c in row {
                if c == "|" && previous != "\\" { breaks += 1 }
                previous = c
            }
            #expect(breaks == 4, "\(row)")
        }
    }

    @Test func jsonKeepsTheValueExactly() throws {
        let rendered = DriftRenderer.render(Self.report(), format: .json)
        #expect(!rendered.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let object = try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: Any]
        let findings = try #require(object?["findings"] as? [[String: Any]])
        #expect(findings.first?["summary"] as? String == "a name: \(Self.hostile)")
    }

    @Test func junitStaysXMLForARealParser() async throws {
        let dir = try Fixture.temporaryDirectory("drift-hostile")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("drift.xml")
        try Data(DriftRenderer.render(Self.report(), format: .junit).utf8).write(to: file)
        let run = try await Fixture.python(
            "Tests/DriftTests/Scripts/check_xml.py",
            [file.path, "testcase", "2"]
        )
        #expect(run.status == 0, "\(run.output)")
    }

    @Test func planTextAndMarkdownShowWhatTheWorldHolds() {
        let shown = PlanRenderer.show(.string(Self.hostile))
        #expect(Self.unsafe(shown).isEmpty)
        #expect(shown.hasPrefix("\"evil\\u{1B}[2J"))
        #expect(Escape.markdownCode("a`b``c").hasPrefix("```a`b``c```"))
        #expect(Escape.markdownBlock(["```", "x"]).hasPrefix("````\n"))
    }
}
