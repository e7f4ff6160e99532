import ArgumentParser
import Drift
import Foundation
import Reconciler
import Spec
import Verify

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Report what changed out of band, and whether it matters. Read-only.",
        discussion: """
            Reads what Azure and the routers hold and compares it with the spec and with the \
            last applied state. Each finding is one of: changed (out of band), missing \
            (deleted out of band), unmanaged (no spec owns it; with reportUnmanaged), \
            operational (config matches but a tunnel or BGP session is down) or pending (the \
            spec changed and was not applied: not drift). The DriftPolicy's ignore rules and \
            acknowledgements apply. Never changes anything and takes no lock; repairing drift \
            is `reconcile apply` (or `apply --target ID` for what drifted). Exit 0 no drift, 2 \
            drift, 1 error. With --every it runs until SIGTERM or Ctrl-C, appending each run to \
            the history and rewriting the --report files; see docs/drift.md.

            Examples:
              reconcile drift examples/s2s-cisco891-pppoe
              reconcile drift specs/ --format markdown >> "$GITHUB_STEP_SUMMARY"
              reconcile drift specs/ --report html=drift.html --report junit=drift.xml
              reconcile drift specs/ --every 30m --report prometheus=/var/lib/node_exporter/textfile/reconcile.prom
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions

    @Option(help: "Output format: text, json (schemas/drift-report.schema.json), markdown, junit, html or prometheus.")
    var format: Format = .text

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp("Also write a report to a file, replaced atomically (repeatable).", valueName: "format=path")
    )
    var reports: [String] = []

    @Option(help: "Run every interval until stopped (30s, 30m, 1h), jittered by up to 10%.")
    var every: String?

    @Option(help: "With --every: stop after this many runs.")
    var maxRuns: Int?

    @Option(help: "The history file, one JSON line per run (default: drift-history.jsonl in the state directory).")
    var history: String?

    @Flag(help: "Skip the operational checks (tunnels and BGP sessions, as `verify` does them).")
    var noOperational = false

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, junit, html, prometheus
    }

    func run() async throws {
        let interval = try every.map(Self.duration)
        let files = try reports.map(Self.report)
        let validated = try EngineRunner.validated(spec, stateDir: state.stateDir, backend: state.backend, color: color)
        let directory = state.directory(for: spec.path)
        let engine = try await EngineRunner.engine(
            for: validated,
            stateDirectory: directory,
            state: state,
            connection: connection
        )
        let policy = validated.topology.driftPolicy?.spec
        var webhook: Webhook?
        if let url = policy?.webhookURL {
            var secret: String?
            if let ref = policy?.webhookSecret {
                do {
                    secret = try SecretResolver(specRoot: validated.topology.root).resolve(ref)
                } catch {
                    Output.err("error: the webhook secret: \(error)\n")
                    throw ExitCode(1)
                }
            }
            webhook = Webhook(url: url, secret: secret)
        }
        let schedule = Schedule(
            interval: interval,
            maxRuns: interval == nil ? 1 : maxRuns,
            history: history ?? directory + "/drift-history.jsonl",
            reports: files,
            webhook: webhook,
            say: { Output.err($0 + "\n") },
            redact: { Output.redact($0) }
        )
        let format = DriftRenderer.Format(rawValue: self.format.rawValue) ?? .text
        let path = spec.path
        let operational = !noOperational
        let topology = validated.topology
        let last = await schedule.run(topology: topology) {
            let report = await Drift.run(
                validated,
                engine: engine,
                path: path,
                operational: operational ? Self.connections : nil
            )
            Output.out(DriftRenderer.render(report, format: format, topology: topology))
            return report
        }
        if let last, last.exitCode != 0 { throw ExitCode(last.exitCode) }
    }

    /// Each connection's state by `verify`'s checks, for operational findings.
    static func connections(
        _ validated: ValidatedSpec,
        _ desired: DesiredGraph,
        _ registry: ProviderRegistry
    ) async throws -> [ConnectionState] {
        let topology = validated.topology
        guard registry["azure"] != nil, !(topology.vpnConnections.isEmpty && topology.hubVpnConnections.isEmpty)
        else { return [] }
        let report = try await Verifier(topology: topology, graph: desired, registry: registry).run()
        return report.tunnels.map {
            ConnectionState(name: $0.connection, device: $0.device, up: $0.up, causes: $0.causes)
        }
    }

    /// `30s`, `30m`, `1h`, `2h30m`.
    static func duration(_ text: String) throws -> Duration {
        var total = 0
        var number = ""
        var valid = !text.isEmpty
        for c in text where valid {
            if c.isNumber {
                number.append(c)
            } else if let n = Int(number), let unit = ["s": 1, "m": 60, "h": 3_600, "d": 86_400][String(c)] {
                total += n * unit
                number = ""
            } else {
                valid = false
            }
        }
        guard valid, number.isEmpty, total > 0 else {
            Output.err("error: --every '\(text)' is not a duration (30s, 30m, 1h, 2h30m)\n")
            throw ExitCode(1)
        }
        return .seconds(total)
    }

    /// `format=path`.
    static func report(_ text: String) throws -> (format: DriftRenderer.Format, path: String) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let format = DriftRenderer.Format(rawValue: parts[0]), !parts[1].isEmpty else {
            let formats = DriftRenderer.Format.allCases.map(\.rawValue).joined(separator: ", ")
            Output.err("error: --report '\(text)' is not format=path (formats: \(formats))\n")
            throw ExitCode(1)
        }
        return (format, parts[1])
    }
}
