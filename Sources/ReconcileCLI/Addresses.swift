import ArgumentParser
import Spec

struct Addresses: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every prefix of the spec, who holds it, and each AddressPool's free space.",
        discussion: """
            Pools, VNets and their subnets, hubs, sites and point-to-site pools, each with \
            whether it was allocated (and from which pool) or written literally; then each \
            pool's free blocks, its free address count and how many more VNets of the usual \
            size (the most common one taken from it; /16 when none) fit. Allocations kept by \
            the last apply are reused, as plan does. docs/addresses.md.

            Example:
              reconcile addresses examples/pools-and-costs
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var spec: SpecOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var color: ColorOptions

    @Option(help: "Output format: text or json.") var format: Format = .text

    func run() throws {
        let result = EngineRunner.pipeline(spec, stateDir: state.stateDir, backend: state.backend)
        if result.hasErrors {
            Output.report(result, color: color)
            throw ExitCode(1)
        }
        let report = AddressReport(result.topology)
        Output.out(format == .json ? JSONOutput.encode(report) : report.text)
    }
}
