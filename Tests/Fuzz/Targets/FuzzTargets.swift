internal import BuiltInProviders
internal import Cisco
internal import Spec

/// What the fuzzers run on one input, and the properties that must hold for every input.
///
/// Each target returns the properties an input breaks (empty when it is fine); a crash, a
/// hang or unbounded memory is a finding too, caught by the fuzzer around it. The libFuzzer
/// driver (`reconcile-fuzz`, built by `.ci/fuzz`) and the regression test that replays
/// `Tests/Fuzz/Regressions` call the same functions, so a finding stays found.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `YAMLReader` alone: bytes to trees and diagnostics.
    case yaml
    /// The whole spec pipeline (load, validate, lower) and both diagnostic renderers.
    case spec
    /// The IOS running-config parser and printer.
    case ios

    /// The file name an input is read as, in diagnostics.
    static let file = "fuzz/spec.yaml"
    /// The spec directory the input is read as being in (whole-spec findings name it).
    static let root = "fuzz"

    /// Runs the target on one input.
    public func run(_ bytes: [UInt8]) -> [String] {
        switch self {
        case .yaml: Self.yaml(bytes)
        case .spec: Self.spec(bytes)
        case .ios: Self.ios(bytes)
        }
    }

    /// Every diagnostic points into the input (or at it whole), counting lines as the
    /// snippets do: a mark past the last line prints a location no editor can open and a
    /// snippet of the wrong line.
    static func locationProblems(_ diagnostics: [Diagnostic], sources: SourceFiles) -> [String] {
        let lines = sources.lineCount(of: file)
        return diagnostics.compactMap { d in
            let l = d.location
            if l.file == root && l.line == 0 { return nil }
            if l.file != file { return "diagnostic in another file: \(d.summary)" }
            // libyaml's end-of-input mark sits on the line after a final line break.
            if l.line < 0 || l.column < 0 || l.line > lines + 1 || (l.line > 0 && l.column == 0) {
                return "diagnostic outside the input (\(lines) lines): \(d.summary)"
            }
            return nil
        }
    }

    static func yaml(_ bytes: [UInt8]) -> [String] {
        let (_, diagnostics) = YAMLReader.read(bytes, file: file)
        var sources = SourceFiles()
        sources.add(file, bytes)
        return locationProblems(diagnostics, sources: sources)
    }

    static func spec(_ bytes: [UInt8]) -> [String] {
        let first = SpecPipeline.process(
            SpecLoader.load(files: [(file, bytes)], root: root),
            lowering: BuiltIn.lowering
        )
        var problems = locationProblems(first.diagnostics, sources: first.loaded.sources)
        // The pipeline runs on all cores: the same bytes must give the same diagnostics.
        let second = SpecPipeline.process(
            SpecLoader.load(files: [(file, bytes)], root: root),
            lowering: BuiltIn.lowering
        )
        if first.diagnostics != second.diagnostics {
            problems.append("two runs on the same input gave different diagnostics")
        }
        if (first.graph == nil) != first.hasErrors {
            problems.append("a graph was \(first.graph == nil ? "not " : "")built with errors=\(first.hasErrors)")
        }
        _ = DiagnosticRenderer(sources: first.loaded.sources).text(first.diagnostics)
        _ = DiagnosticRenderer.json(first.diagnostics)
        return problems
    }

    static func ios(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        let config: IOSConfig
        do {
            config = try IOSParser.parse(text)
        } catch {
            let lines = bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            return error.line >= 1 && error.line <= lines ? [] : ["parse error outside the input: \(error)"]
        }
        // What the parser prints, it reads back to the same tree (the remediation engine
        // compares printed configs, so a print that reads differently is a wrong diff).
        let printed = config.render()
        do {
            let again = try IOSParser.parse(printed).render()
            return again == printed ? [] : ["printing is not stable:\n\(printed)\n---\n\(again)"]
        } catch {
            return ["the printed config does not parse: \(error)\n\(printed)"]
        }
    }
}
