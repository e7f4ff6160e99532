import Foundation
import Testing

@testable import Spec

/// Paths and helpers shared by the tests.
enum Fixture {
    /// The package root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static let examples = [
        "forced-tunneling", "point-to-site", "routeserver-nva-default-route", "s2s-cisco891-pppoe",
        "vwan-internet-via-azure",
    ]

    /// Loads, validates and lowers YAML text given inline.
    static func run(_ yaml: String, file: String = "spec.yaml", allowPlaintext: Bool = false) -> ValidatedSpec {
        SpecPipeline.process(
            SpecLoader.load(text: yaml, file: file, options: LoadOptions(allowPlaintextSecrets: allowPlaintext))
        )
    }

    /// Compares `actual` with the golden file; with RECONCILE_RECORD=1 rewrites it and still
    /// fails, so a re-record is never mistaken for a pass.
    static func assertGolden(
        _ actual: String,
        _ relative: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let url = root.appendingPathComponent("Tests/SpecTests/Golden").appendingPathComponent(relative)
        if ProcessInfo.processInfo.environment["RECONCILE_RECORD"] == "1" {
            try? FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try? Data(actual.utf8).write(to: url)
            Issue.record("re-recorded \(relative); run again without RECONCILE_RECORD", sourceLocation: sourceLocation)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing golden \(relative); run with RECONCILE_RECORD=1", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
            let want = line < e.count ? String(e[line]) : "<end>"
            let got = line < a.count ? String(a[line]) : "<end>"
            Issue.record(
                "\(relative) differs at line \(line + 1):\n  golden: \(want)\n  actual: \(got)",
                sourceLocation: sourceLocation
            )
        }
    }

    /// The `reconcile` executable next to the test runner.
    static var binary: URL {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        if dir.path.hasSuffix(".xctest/Contents/MacOS") {
            dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return dir.appendingPathComponent("reconcile")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the built binary with `arguments`, in the package root.
    static func reconcile(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}

extension ValidatedSpec {
    /// `severity[rule]@line:col` for each diagnostic, for compact assertions.
    var codes: [String] {
        diagnostics.map { "\($0.severity.rawValue)[\($0.rule.rawValue)]@\($0.location.line):\($0.location.column)" }
    }

    var errorRules: Set<String> { Set(diagnostics.filter { $0.severity == .error }.map(\.rule.rawValue)) }
    var warningRules: Set<String> { Set(diagnostics.filter { $0.severity == .warning }.map(\.rule.rawValue)) }
    var allRules: Set<String> { Set(diagnostics.map(\.rule.rawValue)) }
}
