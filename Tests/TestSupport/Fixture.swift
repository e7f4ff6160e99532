public import Foundation
public import Testing

/// Paths, golden files and child processes, shared by the test targets.
public enum Fixture {
    /// The package root, found from this file's path.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// An example's YAML files as one text, in name order, with `edits` (old → new) applied;
    /// an edit whose old text is not there is a test failure, not a silent no-op.
    public static func exampleText(
        _ name: String,
        _ edits: [(String, String)] = [],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> String {
        let directory = path("examples/\(name)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
            .sorted()
        var text = try files.map { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
            .joined(separator: "\n---\n")
        for (old, new) in edits {
            #expect(text.contains(old), "the edit's text is in \(name): \(old)", sourceLocation: sourceLocation)
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    /// Compares `actual` with a golden file (a path relative to the package root); with
    /// RECONCILE_RECORD=1 rewrites it and still fails, so a re-record is never taken for a pass.
    public static func assertGolden(
        _ actual: String,
        _ relative: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let url = root.appendingPathComponent(relative)
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

    /// An executable built next to the test runner (`reconcile`, `reconcile-harness`).
    public static func binary(_ name: String) -> URL {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return runner.deletingLastPathComponent().appendingPathComponent(name)
    }

    public struct Run: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Starts a process; the caller waits for it or kills it.
    public static func start(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil
    ) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = binary(executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? root
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Whether python3 can import every one of `modules` (compatibility tests skip without).
    public static func pythonHas(_ modules: String...) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import " + modules.joined(separator: ", ")]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Runs a Python script of the tests (a path relative to the package root) to completion:
    /// its exit status and everything it printed.
    public static func python(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path(script)] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        return await offThePool {
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }
    }

    /// Runs blocking work (a read from a child, a socket) on a thread of its own and awaits it.
    ///
    /// Never block on Swift's cooperative pool in a test: it has a thread per core (two here),
    /// and a script or socket waiting on a server in this process (the Azure model, an actor)
    /// would hold the very threads that server needs to answer it. CI hung that way.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// `offThePool` for work that throws.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Runs a built executable to completion.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        directory: URL? = nil
    ) throws -> Run {
        let (process, out, err) = try start(executable, arguments, environment: environment, directory: directory)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    /// A fresh temporary directory, removed by the caller.
    public static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "reconcile-\(label)-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
