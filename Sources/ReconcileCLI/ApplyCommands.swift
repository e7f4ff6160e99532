import ArgumentParser
import Foundation
import Reconciler
import Spec

struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the infrastructure match the spec, in dependency order.",
        discussion: """
            Plans, shows the plan and asks (only 'yes' proceeds); with --auto-approve it does \
            not ask, and without a terminal it refuses to go on unasked. Given a saved plan \
            (from `plan --out`), applies exactly that plan, or refuses if the state, the spec \
            or the world has moved since. Independent resources go in parallel; when one \
            fails, what depends on it is skipped, the rest finishes, and the run ends with a \
            summary and exit 1.

            Examples:
              reconcile apply examples/s2s-cisco891-pppoe --auto-approve
              reconcile plan examples/s2s-cisco891-pppoe --out plan.json && reconcile apply plan.json
              reconcile apply specs/ --target azure:connections/hub-to-tokyo
            """
    )

    @Argument(help: "A spec directory or file, or a plan file from `plan --out`.")
    var path: String = "."

    @Flag(help: "Accept literal values in secret fields (for throwaway labs only).")
    var allowPlaintextSecrets = false

    @OptionGroup var grants: SecretGrants

    @OptionGroup var state: StateOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    @Flag(help: "Apply without asking.")
    var autoApprove = false

    @Option(help: "How many resources may change at once.")
    var parallelism: Int = 10

    @Option(name: .customLong("target"), help: "Apply only this resource id and what it depends on (repeatable).")
    var targets: [String] = []

    func run() async throws {
        let saved = try Self.savedPlan(at: path)
        let specPath = saved?.spec ?? path
        let spec = try SpecOptions.parse(
            [specPath] + (allowPlaintextSecrets ? ["--allow-plaintext-secrets"] : [])
                + grants.names.flatMap { ["--allow-secret", $0] }
        )
        let validated = try EngineRunner.validated(spec, stateDir: state.stateDir, backend: state.backend, color: color)
        let directory = state.directory(for: specPath)
        let engine = try await EngineRunner.engine(
            for: validated,
            stateDirectory: directory,
            state: state,
            connection: connection,
            parallelism: parallelism,
            progress: true
        )
        let targetSet = try EngineRunner.targets(targets)
        let command = "reconcile apply " + StateBackendFactory.redacted(CommandLine.arguments.dropFirst(2))
        let report = try await EngineRunner.locked(engine, command: command) { () async throws -> ApplyReport? in
            let plan = try await EngineRunner.run { () async throws(Engine.Failure) -> Reconciler.Plan in
                let fresh = try await engine.plan(validated, targets: targetSet)
                if let saved { try engine.verify(saved: saved, fresh: fresh) }
                return fresh
            }
            Output.out(PlanRenderer.render(plan, format: .text, color: color.enabled(for: STDOUT_FILENO)))
            guard plan.hasChanges else {
                try await EngineRunner.run { () async throws(Engine.Failure) in try engine.recordRouting(plan) }
                return nil
            }
            try EngineRunner.confirm("Apply these changes?", autoApprove: autoApprove || saved != nil)
            return try await EngineRunner.run { () async throws(Engine.Failure) -> ApplyReport in
                try await engine.apply(plan, specRoot: specPath, specCommit: EngineRunner.gitCommit(of: specPath))
            }
        }
        guard let report else { return }
        Output.out("\n" + ProgressRenderer.summary(report))
        if !report.ok { throw ExitCode(1) }
    }

    /// The plan in a file written by `plan --out`, if `path` is one.
    ///
    /// A spec is YAML, so a `.json` file is a plan: one that cannot be read is refused with how
    /// to make a new one (it used to be taken for a spec, with a confusing error).
    static func savedPlan(at path: String) throws -> Reconciler.Plan? {
        var isDirectory: ObjCBool = false
        guard path.hasSuffix(".json"), FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else { return nil }
        struct Header: Decodable {
            var formatVersion: Int?
            var spec: String?
        }
        let data = FileManager.default.contents(atPath: path) ?? Data()
        let header = try? JSONDecoder().decode(Header.self, from: data)
        let again = "make a new one with `reconcile plan \(header?.spec ?? "SPEC") --out \(path)`"
        if let version = header?.formatVersion, version != Reconciler.Plan.formatVersion {
            Output.err(
                "error: \(path) is a plan of format \(version); this reconcile reads \(Reconciler.Plan.formatVersion): "
                    + "apply it with the reconcile that made it, or \(again)\n"
            )
            throw ExitCode(1)
        }
        do {
            return try JSONDecoder().decode(Reconciler.Plan.self, from: data)
        } catch {
            Output.err("error: \(path) is not a whole plan file from `reconcile plan --out`; \(again)\n")
            throw ExitCode(1)
        }
    }
}

struct Destroy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete everything the state says this spec manages.",
        discussion: """
            Shows what will be deleted and asks; --auto-approve skips the question.

            Example:
              reconcile destroy examples/s2s-cisco891-pppoe
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    @Flag(help: "Delete without asking.")
    var autoApprove = false

    func run() async throws {
        let validated = try EngineRunner.validated(spec, stateDir: state.stateDir, backend: state.backend, color: color)
        let engine = try await EngineRunner.engine(
            for: validated,
            stateDirectory: state.directory(for: spec.path),
            state: state,
            connection: connection,
            progress: true
        )
        let report = try await EngineRunner.locked(engine, command: "reconcile destroy \(spec.path)") {
            () async throws -> ApplyReport? in
            let plan = try await EngineRunner.run { () async throws(Engine.Failure) -> Reconciler.Plan in
                try await engine.plan(validated, destroy: true)
            }
            Output.out(PlanRenderer.render(plan, format: .text, color: color.enabled(for: STDOUT_FILENO)))
            guard plan.hasChanges else { return nil }
            try EngineRunner.confirm("Delete all \(plan.pending.count) resources?", autoApprove: autoApprove)
            return try await EngineRunner.run { () async throws(Engine.Failure) -> ApplyReport in
                try await engine.apply(plan, specRoot: spec.path, specCommit: nil)
            }
        }
        guard let report else { return }
        Output.out("\n" + ProgressRenderer.summary(report))
        if !report.ok { throw ExitCode(1) }
    }
}
