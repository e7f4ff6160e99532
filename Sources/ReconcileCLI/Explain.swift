import ArgumentParser
import Spec

/// `reconcile explain route`: where traffic goes, from the spec alone.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain what the spec makes of the network, before anything is applied.",
        subcommands: [RouteCommand.self]
    )

    struct RouteCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "route",
            abstract: "Follow traffic hop by hop through the routing analysis of the spec.",
            discussion: """
                Each hop shows the route used, why it is there and what it beat (longest prefix, \
                then preference). When the route you expected is absent, "Not on this path" says \
                why (a VPN gateway never advertises 0.0.0.0/0, branch-to-branch is off, a route \
                table disables gateway route propagation, an AS-path loop). --from takes a site, \
                a VNet (each of its workload subnets) or VNET/SUBNET; --to also takes an IPv4 \
                address or `internet` (8.8.8.8). Runs even when an intent fails, so you can see \
                why. Exit 0 when the traffic is delivered or leaves for the internet, 2 when it \
                is dropped, finds no route or loops, 1 on error.

                Examples:
                  reconcile explain route examples/routeserver-nva-default-route --from tokyo-hq --to internet
                  reconcile explain route examples/vwan-internet-via-azure --from osaka-branch --to app-vnet/app --format json
                """
        )

        @OptionGroup var spec: SpecOptions
        @OptionGroup var color: ColorOptions

        @Option(help: "Where the traffic starts: SITE, VNET or VNET/SUBNET.") var from: String
        @Option(help: "Where it goes: an IPv4 address, internet, SITE, VNET or VNET/SUBNET.") var to: String

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
        @Option(help: "Output format: text or json.") var format: Format = .text

        func run() throws {
            let result = EngineRunner.pipeline(spec)
            // A failing intent is what this command is for; any other error stops it.
            let blocking = result.diagnostics.filter { $0.severity == .error && $0.rule != .intentViolated }
            if !blocking.isEmpty {
                Output.report(result, color: color)
                throw ExitCode(1)
            }
            let model = RouteModel(result.topology)
            let sources = model.sources(from)
            guard !sources.isEmpty else {
                if result.topology.virtualNetworks[from] != nil {
                    Output.err(
                        "error: --from '\(from)': the VNet has only Azure's own subnets; name one as \(from)/SUBNET\n"
                    )
                    throw ExitCode(1)
                }
                Output.err("error: --from '\(from)' is not a site, a VNet or VNET/SUBNET of this spec\n")
                throw ExitCode(1)
            }
            guard let destination = model.destination(to) else {
                Output.err(
                    "error: --to '\(to)' is not an address, internet, a site, a VNet or VNET/SUBNET of this spec\n"
                )
                throw ExitCode(1)
            }
            let paths = sources.map { model.trace(from: $0, to: destination.address) }
            switch format {
            case .text: Output.out(paths.map(RouteExplain.text).joined(separator: "\n"))
            case .json: Output.out(RouteExplain.json(paths))
            }
            let arrived = paths.allSatisfy {
                switch $0.outcome {
                case .delivered, .internet: true
                default: false
                }
            }
            if !arrived { throw ExitCode(2) }
        }
    }
}
