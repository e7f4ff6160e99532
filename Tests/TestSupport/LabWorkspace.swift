public import Foundation
import Testing

/// A copy of an example in a temporary directory, run against the lab through the real
/// `reconcile` binary with the lab's secrets in its environment.
public struct LabWorkspace {
    /// What the examples read from the environment.
    public static let secrets = [
        "TOKYO_PSK": "lab-tokyo-psk", "OSAKA_PSK": "lab-osaka-psk", "ER_AUTH": "lab-er-auth",
        "RTR_PASSWORD": "lab-login", "RTR_ENABLE": "lab-enable", "PPP_PASSWORD": "lab-ppp",
    ]

    /// The grant that lets the examples read those variables (`fromEnv` reads only granted names).
    public static let grant = ["RECONCILE_ALLOWED_SECRETS": secrets.keys.sorted().joined(separator: ",")]

    public let root: URL

    /// The spec directory (`spec/` inside the workspace).
    public var spec: URL { root.appendingPathComponent("spec") }

    public init(_ example: String) throws {
        root = try Fixture.temporaryDirectory("lab-\(example)")
        try FileManager.default.copyItem(atPath: Fixture.path("examples/\(example)"), toPath: spec.path)
        try? FileManager.default.removeItem(at: spec.appendingPathComponent(".reconcile"))
    }

    @discardableResult
    public func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Fixture.Run {
        try Fixture.run(
            "reconcile",
            arguments,
            environment: Self.secrets.merging(Self.grant) { _, b in b }.merging(environment) { _, b in b },
            directory: root
        )
    }

    /// Types IOS lines on the lab router, as someone at its console.
    public func console(_ device: String, _ lines: [String]) throws {
        let typed = try run(["lab", "cli", "spec", device] + lines)
        #expect(typed.status == 0, "\(typed.stderr)")
    }

    /// Rewrites a spec file (a path relative to the spec directory).
    public func edit(_ file: String, _ change: (String) -> String) throws {
        let url = spec.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = change(text)
        #expect(changed != text, "the edit of \(file) changed nothing")
        try Data(changed.utf8).write(to: url)
    }

    public func remove() { try? FileManager.default.removeItem(at: root) }
}
