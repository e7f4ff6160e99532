import ArgumentParser
import Foundation
import Reconciler
import Spec

struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what apply would change, resource by resource.",
        discussion: """
            Reads what Azure and the routers hold (one batched read per provider), compares \
            it with the spec and the last applied state, and prints each change: create, \
            update (attribute by attribute), replace (and what forces it), delete. Values \
            known only after apply say so; secrets show as (sensitive). Routers show the CLI \
            lines that will be sent, in order. --out saves the plan for `apply PLANFILE`.

            Examples:
              reconcile plan examples/s2s-cisco891-pppoe
              reconcile plan examples/s2s-cisco891-pppoe --out plan.json --format markdown
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: PlanFormatOption
    @OptionGroup var color: ColorOptions

    @Option(help: "Save the plan to this file (no secret values, stamped with the state and spec it was made against).")
    var out: String?

    @Flag(help: "Exit 0 when in sync, 2 when changes are pending, 1 on error (as `diff`).")
    var detailedExitcode = false

    @Option(name: .customLong("target"), help: "Plan only this resource id and what it depends on (repeatable).")
    var targets: [String] = []

    func run() async throws {
        let validated = try EngineRunner.validated(spec, stateDir: state.stateDir, backend: state.backend, color: color)
        let engine = try await EngineRunner.engine(
            for: validated,
            stateDirectory: state.directory(for: spec.path),
            state: state,
            connection: connection
        )
        let targetSet = try EngineRunner.targets(targets)
        let plan = try await EngineRunner.run { () async throws(Engine.Failure) -> Reconciler.Plan in
            try await engine.plan(validated, targets: targetSet)
        }
        Output.out(PlanRenderer.render(plan, format: output.renderer, color: color.enabled(for: STDOUT_FILENO)))
        if let out {
            guard
                FileManager.default.createFile(
                    atPath: out,
                    contents: Data(Output.redact(PlanRenderer.render(plan, format: .json)).utf8),
                    attributes: [.posixPermissions: 0o600]
                )
            else {
                Output.err("error: cannot write \(out)\n")
                throw ExitCode(1)
            }
            Output.err("Saved the plan to \(out); apply it with `reconcile apply \(out)`.\n")
        }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }
}

struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Like plan, for CI: exit 0 in sync, 2 changes pending, 1 error.",
        discussion: """
            Examples:
              reconcile diff examples/s2s-cisco891-pppoe
              reconcile diff specs/ --format markdown > plan.md; echo "exit $?"
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: PlanFormatOption
    @OptionGroup var color: ColorOptions

    func run() async throws {
        let validated = try EngineRunner.validated(spec, stateDir: state.stateDir, backend: state.backend, color: color)
        let engine = try await EngineRunner.engine(
            for: validated,
            stateDirectory: state.directory(for: spec.path),
            state: state,
            connection: connection
        )
        let plan = try await EngineRunner.run { () async throws(Engine.Failure) -> Reconciler.Plan in
            try await engine.plan(validated)
        }
        Output.out(PlanRenderer.render(plan, format: output.renderer, color: color.enabled(for: STDOUT_FILENO)))
        if plan.hasChanges { throw ExitCode(2) }
    }
}
