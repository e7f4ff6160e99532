import ArgumentParser
import Foundation
import Reconciler
import Spec
import Verify

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every connection works, from both ends, and say why one does not.",
        discussion: """
            For each VPN connection of the spec: Azure's connectionStatus; the router's \
            `show crypto ikev2 sa` (READY) and `show crypto ipsec sa` (ACTIVE, packets); the \
            BGP session to the gateway and its prefixes; the routes through the tunnel. When a \
            tunnel is down it names the cause: the peer address, the local network gateway's \
            address, the pre-shared key, the IKE proposal or IPsec transform, the IKE version, \
            NAT. The same against the lab and against real Azure and routers. A plugin's router \
            is read through its `facts`; a tunnel whose SAs its router's provider cannot see is \
            unknown, not up. Exit 0 when all are up, 2 when any is down or unknown, 1 on error.

            Examples:
              reconcile verify examples/s2s-cisco891-pppoe
              reconcile verify specs/ --format markdown >> "$GITHUB_STEP_SUMMARY"
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions
    @Option(help: "Output format: text, json or markdown.") var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    func run() async throws {
        let validated = try EngineRunner.validated(spec, stateDir: state.stateDir, backend: state.backend, color: color)
        let engine = try await EngineRunner.engine(
            for: validated,
            stateDirectory: state.directory(for: spec.path),
            state: state,
            connection: connection
        )
        guard let graph = validated.graph else { throw ExitCode(1) }
        let verifier = Verifier(topology: validated.topology, graph: graph, registry: engine.registry)
        let report: VerifyReport
        do {
            report = try await verifier.run()
        } catch {
            Output.err("error: \(error)\n")
            throw ExitCode(1)
        }
        Output.out(report.render(VerifyReport.Format(rawValue: format.rawValue) ?? .text))
        if !report.up { throw ExitCode(2) }
    }
}
