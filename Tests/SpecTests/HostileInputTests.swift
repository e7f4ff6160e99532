import BuiltInProviders
import Foundation
import TestSupport
import Testing

@testable import Spec

/// A spec comes from a repository anyone can send a pull request to: files built to cost
/// time or memory end in a clear error, quickly.
@Suite("Hostile spec input")
struct HostileInputTests {
    // MARK: Diagnostics on many lines

    @Test func sourceFilesIndexLineStartsOnceAndReadLinesThroughIt() {
        var sources = SourceFiles()
        sources.add("f.yaml", Array("a\nbc\n\nd".utf8))
        #expect(sources.lineRanges["f.yaml"] == [0..<1, 2..<4, 5..<5, 6..<7])
        #expect((1...4).map { sources.line($0, of: "f.yaml") } == ["a", "bc", "", "d"])
        #expect(sources.line(5, of: "f.yaml") == nil)
        sources.add("g.yaml", Array("x\n".utf8))
        #expect(sources.line(1, of: "g.yaml") == "x")
        #expect(sources.line(2, of: "g.yaml") == nil)
        sources.add("empty.yaml", [])
        #expect(sources.line(1, of: "empty.yaml") == nil)
    }

    /// 10,000 snippets each scanning the file from byte 0 took 183 s; through the index this
    /// is a fraction of a second (no clock is asserted: the old code would simply not finish).
    @Test func tenThousandDuplicateKeysPrintAsTextWithTheirLines() {
        let text = String(repeating: "a: 1\n", count: 10_001)
        let loaded = SpecLoader.load(text: text, file: "dup.yaml")
        let duplicates = loaded.diagnostics.all.filter { $0.rule == .yamlDuplicateKey }
        #expect(duplicates.count == 10_000)
        let printed = DiagnosticRenderer(sources: loaded.sources, limit: .max).text(duplicates)
        #expect(printed.components(separatedBy: "error[yaml-duplicate-key]").count == 10_001)
        #expect(printed.contains("dup.yaml:10001:1: error[yaml-duplicate-key]: duplicate key 'a'\n 10001 | a: 1\n"))
    }

    /// A spec with thousands of problems prints the first 200 (errors before warnings) and
    /// counts the rest; JSON keeps every one, and both summaries count all.
    @Test func textPrintsAtMost200DiagnosticsAndCountsTheRest() throws {
        let text = String(repeating: "a: 1\n", count: 1_001)
        let loaded = SpecLoader.load(text: text, file: "dup.yaml")
        let duplicates = loaded.diagnostics.all.filter { $0.rule == .yamlDuplicateKey }
        #expect(duplicates.count == 1_000)
        // Warnings first in the list: when some must go, they go before any error.
        let warnings = (1...300).map {
            Diagnostic(.warning, .ioSymlink, "link\($0) leads nowhere", at: .whole("link\($0)"))
        }
        let all = warnings + duplicates
        let printed = DiagnosticRenderer(sources: loaded.sources).text(all)
        #expect(DiagnosticRenderer.defaultLimit == 200)
        #expect(printed.components(separatedBy: "error[yaml-duplicate-key]").count == 201)
        #expect(!printed.contains("warning["))
        #expect(printed.contains("dup.yaml:201:1: error[yaml-duplicate-key]: duplicate key 'a'\n 201 | a: 1\n"))
        #expect(!printed.contains("dup.yaml:202:1"))
        #expect(
            printed.hasSuffix(
                "… and 1100 more diagnostics not shown (reconcile validate --format json lists them all)\n"
                    + "1000 errors, 300 warnings\n"
            )
        )
        // Under the limit nothing is left out, warnings included, in the list's order.
        let few = DiagnosticRenderer(sources: loaded.sources).text(Array(warnings.prefix(2)) + duplicates.prefix(3))
        #expect(few.components(separatedBy: "\n").filter { $0.contains("]: ") }.count == 5)
        #expect(!few.contains("not shown"))
        let json = try JSONSerialization.jsonObject(with: Data(DiagnosticRenderer.json(all).utf8)) as? [String: Any]
        #expect((json?["diagnostics"] as? [Any])?.count == 1_300)
        #expect(json?["errors"] as? Int == 1_000)
    }

    @Test func aLongLineIsShownAsAnExcerptAroundTheColumn() throws {
        var sources = SourceFiles()
        let line = String(repeating: "x", count: 3_999) + "Y" + String(repeating: "z", count: 5_000)
        sources.add("long.yaml", Array(line.utf8))
        let snippet = DiagnosticRenderer(sources: sources).snippet(
            SourceLocation(file: "long.yaml", line: 1, column: 4_000)
        )
        let rows = snippet.split(separator: "\n").map(String.init)
        #expect(rows.count == 2)
        #expect(rows[0].count < DiagnosticRenderer.snippetWidth + 10)
        #expect(rows[0].hasPrefix(" 1 | …x") && rows[0].hasSuffix("z…"))
        // The caret stands under the Y.
        let y = try #require(rows[0].firstIndex(of: "Y"))
        let caret = try #require(rows[1].firstIndex(of: "^"))
        #expect(
            rows[0].distance(from: rows[0].startIndex, to: y) == rows[1].distance(from: rows[1].startIndex, to: caret)
        )
    }

    /// libyaml breaks lines at a lone CR, CR LF, NEL, LS and PS too; the snippets must count
    /// lines as its marks do (the fuzzer found marks on line 103 of a "6-line" file).
    @Test func snippetsBreakLinesWhereLibyamlMarksDo() throws {
        let text = "a: 1\rb: 2\r\nc: 3\u{85}d: 4\u{2028}e: [\n"
        let loaded = SpecLoader.load(text: text, file: "breaks.yaml")
        #expect(loaded.sources.lineCount(of: "breaks.yaml") == 5)
        #expect((1...5).map { loaded.sources.line($0, of: "breaks.yaml") } == ["a: 1", "b: 2", "c: 3", "d: 4", "e: ["])
        let syntax = try #require(loaded.diagnostics.all.first { $0.rule == .yamlSyntax })
        #expect(syntax.location.line == 6)
        let (_, duplicate) = YAMLReader.read(Array("k: 1\rk: 2\r".utf8), file: "cr.yaml")
        #expect(duplicate.map(\.location.description) == ["cr.yaml:2:1"])
    }

    // MARK: Symbolic links in the spec directory

    /// A spec directory with one valid file, for the link tests.
    func specDirectory(_ label: String) throws -> URL {
        let dir = try Fixture.temporaryDirectory(label)
        let text = """
            apiVersion: reconcile/v1
            kind: AzureScope
            metadata: {name: links}
            spec: {subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, location: japaneast}

            """
        try text.write(to: dir.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func linksToDirectoriesAreNotFollowedAndEachIsAWarning() throws {
        let dir = try specDirectory("links-self")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Two links to the directory itself made the walk endless; one read the spec 41 times.
        for name in ["X", "Y"] {
            try FileManager.default.createSymbolicLink(atPath: dir.path + "/" + name, withDestinationPath: ".")
        }
        let result = SpecPipeline.run(dir.path, lowering: BuiltIn.lowering)
        #expect(result.loaded.files == [dir.path + "/spec.yaml"])
        let warnings = result.diagnostics.filter { $0.rule == .ioSymlink }
        #expect(warnings.map(\.location) == [.whole(dir.path + "/X"), .whole(dir.path + "/Y")])
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.message.contains("link to a directory") })
        #expect(!result.hasErrors)
    }

    @Test func aYAMLLinkThatLeadsNowhereIsAWarningNotSilence() throws {
        let dir = try specDirectory("links-dangling")
        defer { try? FileManager.default.removeItem(at: dir) }
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: dir.path + "/gone.yaml", withDestinationPath: "missing.yaml")
        try manager.createSymbolicLink(atPath: dir.path + "/loop.yml", withDestinationPath: "loop.yml")
        // A link to a file is read like the file; a dangling link not named *.yaml is no spec file.
        try manager.createSymbolicLink(atPath: dir.path + "/same.yaml", withDestinationPath: "spec.yaml")
        try manager.createSymbolicLink(atPath: dir.path + "/notes.txt", withDestinationPath: "missing.txt")
        let result = SpecPipeline.run(dir.path, lowering: BuiltIn.lowering)
        #expect(result.loaded.files == [dir.path + "/same.yaml", dir.path + "/spec.yaml"])
        let warnings = result.diagnostics.filter { $0.rule == .ioSymlink }
        #expect(warnings.map(\.location) == [.whole(dir.path + "/gone.yaml"), .whole(dir.path + "/loop.yml")])
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.message.contains("leads nowhere") })
    }

    // MARK: Size limits

    /// Every size error names file:line:column and the whole printed report stays short.
    func expectOneSizeError(_ loaded: LoadedSpec, at expected: String) {
        let errors = loaded.diagnostics.all.filter { $0.severity == .error }
        #expect(errors.map(\.rule) == [.ioSizeLimit])
        #expect(errors.first?.location.description == expected)
        let printed = DiagnosticRenderer(sources: loaded.sources).text(errors)
        #expect(printed.utf8.count < 1_000, "printed \(printed.utf8.count) bytes")
    }

    @Test func aFileOverTheLimitIsRefusedWithoutBeingReadWhole() throws {
        let dir = try Fixture.temporaryDirectory("size-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let limit = YAMLReader.Limits.defaultMaxFileBytes
        // One long scalar over many lines: before the limit, it was read whole and printed twice.
        let body =
            "name: |\n" + String(repeating: "  " + String(repeating: "v", count: 1_000) + "\n", count: limit / 1_000)
        try body.write(to: dir.appendingPathComponent("big.yaml"), atomically: true, encoding: .utf8)
        let loaded = SpecLoader.load(dir.path)
        expectOneSizeError(loaded, at: dir.path + "/big.yaml:1:1")
        #expect(loaded.sources.files[dir.path + "/big.yaml"]?.count == limit + 1)
        #expect(loaded.diagnostics.all.first?.message.contains("8 MiB") == true)
    }

    @Test func aLineOverTheLimitIsAnErrorAtTheColumnWhereItPassesIt() {
        let limit = YAMLReader.Limits.defaultMaxLineBytes
        let text =
            "apiVersion: reconcile/v1\nkind: Site\nmetadata: {name: " + String(repeating: "n", count: limit) + "}\n"
        let loaded = SpecLoader.load(text: text, file: "line.yaml")
        expectOneSizeError(loaded, at: "line.yaml:3:\(limit + 1)")
        // Columns count Unicode scalars, as every other mark does.
        let wide = String(repeating: "東", count: limit / 3 + 1)
        expectOneSizeError(
            SpecLoader.load(text: "a: " + wide + "\n", file: "wide.yaml"),
            at: "wide.yaml:1:\(3 + (limit - 3) / 3 + 1)"
        )
    }

    @Test func aValueOverTheLimitIsAnErrorAtTheValueAndIsNotEchoed() {
        let limit = YAMLReader.Limits.defaultMaxScalarBytes
        let rows = String(repeating: "  " + String(repeating: "s", count: 99) + "\n", count: limit / 100 + 1)
        let loaded = SpecLoader.load(text: "apiVersion: reconcile/v1\nbanner: |\n" + rows, file: "value.yaml")
        expectOneSizeError(loaded, at: "value.yaml:2:9")
        #expect(loaded.diagnostics.all.allSatisfy { !$0.message.contains("sss") })
    }

    @Test func messagesQuoteOnlyAnExcerptOfAValue() {
        let value = String(repeating: "k", count: 10_000)
        let result = Fixture.run("apiVersion: reconcile/v1\nkind: \(value)\nmetadata: {name: a}\nspec: {}\n")
        let kind = result.diagnostics.filter { $0.rule == .schemaKind }
        #expect(kind.count == 1)
        #expect(kind.first?.message == "unknown kind '\(String(repeating: "k", count: Excerpt.maxScalars))…'")
        let printed = DiagnosticRenderer(sources: result.loaded.sources).text(result.diagnostics)
        #expect(printed.utf8.count < 2_000, "printed \(printed.utf8.count) bytes")
        #expect(Excerpt.of("one\ntwo") == "one…")
        #expect(Excerpt.of("short") == "short")
    }
}
