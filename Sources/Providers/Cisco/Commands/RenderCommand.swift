public import ArgumentParser
import Cisco
import Foundation
import ReconcileCLI
import Reconciler
import Spec

/// The configuration the spec asks one router to run, as IOS prints it.
public struct RenderCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the configuration the spec wants a router to run, as IOS prints it.",
        discussion: """
            Every section the spec manages on the device, in `show running-config` order,
            written the way IOS 15.x / IOS-XE prints it. Values Azure produces (the gateway's
            public IP, its BGP address) come from the last apply's state, and print as
            <azure:…​.output> until there is one. Secrets print as <sensitive> unless
            --show-secrets is given (then they are read from their source).

            Examples:
              reconcile render examples/s2s-cisco891-pppoe --device tokyo-rtr1
              reconcile render --device tokyo-rtr1 --show-secrets > intended.cfg
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var color: ColorOptions

    @Option(help: "The CiscoRouter to render (its metadata.name).")
    var device: String

    @Flag(help: "Print secrets in clear (type 7 where IOS would show type 7).")
    var showSecrets = false

    public init() {}

    public func run() throws {
        let (result, prior) = EngineRunner.pipelineAndState(spec, stateDir: state.stateDir, backend: state.backend)
        guard let graph = result.graph else {
            Output.report(result, color: color)
            throw ExitCode(1)
        }
        let sections = graph.resources.filter { $0.provider == "cisco" && $0.address.path.hasPrefix(device + "/") }
        guard !sections.isEmpty else {
            let routers = Set(
                graph.resources.filter { $0.provider == "cisco" }.compactMap {
                    $0.address.path.split(separator: "/").first.map(String.init)
                }
            ).sorted()
            Output.err(
                "error: no CiscoRouter named '\(device)' in \(spec.path)"
                    + (routers.isEmpty ? "" : "; the routers are: \(routers.joined(separator: ", "))") + "\n"
            )
            throw ExitCode(1)
        }
        // Shown only when every secret is granted and set, as any command that reads them.
        if showSecrets { try EngineRunner.readSecrets(of: result, spec: spec, color: color, mask: false) }
        let outputs = prior?.resources.mapValues(\.outputs) ?? [:]  // keyed by address text
        // Only what this run grants (`--allow-secret`, RECONCILE_ALLOWED_SECRETS) is shown.
        let secrets = spec.secretResolver(root: result.topology.root)
        let reveal = showSecrets
        let context = IOSRenderer.Context(
            output: { outputs[$0.address.description]?[$0.output] },
            secret: { source in
                guard reveal else { return nil }
                return try? secrets.resolve(SecretRef(source: source, location: .whole(result.topology.root)))
            }
        )
        Output.out(IOSRenderer.device(sections, context: context).render())
    }
}
