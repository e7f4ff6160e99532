import BuiltInProviders
import Foundation
import TestSupport
import Testing

@testable import Spec

extension Fixture {
    static let examples = [
        "forced-tunneling", "point-to-site", "pools-and-costs", "routeserver-nva-default-route",
        "s2s-cisco891-pppoe", "vwan-internet-via-azure",
    ]

    /// Loads, validates and lowers YAML text given inline.
    static func run(_ yaml: String, file: String = "spec.yaml", allowPlaintext: Bool = false) -> ValidatedSpec {
        SpecPipeline.process(
            SpecLoader.load(text: yaml, file: file, options: LoadOptions(allowPlaintextSecrets: allowPlaintext)),
            lowering: BuiltIn.lowering
        )
    }

    /// Runs the built `reconcile` binary in the package root.
    static func reconcile(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        try run("reconcile", arguments, environment: environment)
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
