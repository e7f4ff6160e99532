public import ArgumentParser
import AzureModel
import Cisco
import Foundation
import IOSSimulator
import Lab
import ReconcileCLI
import Spec

public struct LabCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "The local lab: the Azure model and the simulated routers, on their own.",
        discussion: """
            Commands start the lab by themselves when a spec says `endpoint: lab` or \
            `management.lab: true`; `lab serve` keeps it running so other tools (the Azure \
            SDKs, curl, ssh, netmiko) can use it too, `lab cli` types IOS commands on a lab \
            router as someone at its console would (a change out of band), and `lab reset` \
            starts the world again. The world is saved after every change in .reconcile/lab/ \
            inside the spec directory.

            Examples:
              reconcile lab serve examples/s2s-cisco891-pppoe
              reconcile lab cli examples/s2s-cisco891-pppoe tokyo-rtr1 "show running-config | section keyring"
              reconcile lab reset examples/point-to-site
            """,
        subcommands: [Serve.self, CLI.self, Line.self, Reset.self]
    )

    public init() {}

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the lab until interrupted.",
            discussion: """
                With a spec, its lab: the Azure model holding what was applied, and its routers. \
                Without one, a bare Azure model (empty, in memory) to point clients you did not \
                write at: the Azure SDKs, `az rest`, curl. It prints the endpoint, a subscription \
                and how to authenticate (docs/azure-model.md shows a Python SDK script).
                """
        )

        @Argument(help: "A spec directory or file; without one, a bare Azure model.") var path: String?
        @Flag(help: "Accept literal values in secret fields (for throwaway labs only).")
        var allowPlaintextSecrets = false
        @OptionGroup var grants: SecretGrants
        @OptionGroup var state: StateOptions
        @OptionGroup var color: ColorOptions
        @Option(help: "The address to bind (loopback unless told otherwise).") var host: String = "127.0.0.1"
        @Option(help: "The Azure model's port (0: any free port).") var port: Int = 0

        func run() async throws {
            guard let path else { return try await serveBare() }
            var spec = try SpecOptions.parse([path])
            spec.allowPlaintextSecrets = allowPlaintextSecrets
            spec.grants = grants
            let validated = try EngineRunner.validated(
                spec,
                stateDir: state.stateDir,
                backend: state.backend,
                color: color
            )
            let directory = state.directory(for: spec.path)
            let world = try await LabWorld.start(
                topology: validated.topology,
                stateDirectory: directory,
                secrets: SecretResolver(specRoot: validated.topology.root),
                host: host,
                azurePort: port
            )
            let lab = LabWorld.directory(directory)
            if let azure = world.azure {
                Output.out("Azure model: \(azure.url)  (ARM; any bearer token; world in \(lab)/azure.json)\n")
            }
            if let blob = world.blob {
                Output.out(
                    "Blob storage: \(blob.url)/ACCOUNT  (any bearer token, SAS or the lab's account key; blobs in \(lab)/blob)\n"
                )
            }
            for router in world.routers.values.sorted(by: { $0.name < $1.name }) {
                Output.out(
                    "\(router.name): ssh -p \(router.port) \(validated.topology.routers[router.name]?.spec.management.username ?? "user")@\(host)"
                        + "  (host key in \(router.knownHosts); config in \(router.path))\n"
                )
            }
            Output.out("Stop with Ctrl-C: the world is saved after every change.\n")
            await world.serve()
        }

        /// An empty Azure model, in memory, and what a client needs to reach it.
        func serveBare() async throws {
            let server = AzureModelServer(model: AzureModel())
            try await server.start(host: host, port: port)
            Output.out(Self.bareBanner(url: server.url))
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            server.stop()
        }

        /// What `lab serve` prints for a bare model: every value a client's configuration asks for.
        static func bareBanner(url: String) -> String {
            """
            Azure model: \(url)  (ARM, bare: an empty world in memory, gone when stopped)
              endpoint:        \(url)  (use it as the ARM base URL / resource manager endpoint)
              subscription:    \(AzureModel.labSubscription)  (any id works)
              token:           any bearer token is accepted (the Authorization header must be present)
              token endpoint:  \(url)/<tenant>/oauth2/v2.0/token  (client credentials: any id and secret)
              plain HTTP:      the Python SDK needs enforce_https=False on each call
              example:         python3 docs/examples/azure_sdk_lab.py \(url)
            Stop with Ctrl-C.

            """
        }
    }

    struct CLI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cli",
            abstract: "Type IOS commands on a lab router, at privileged level, and print what it answers.",
            discussion: """
                The console of the same router `lab serve` puts behind SSH: the lab is started \
                for the command, so `show` commands (`show crypto ikev2 sa`, `show ip route`, \
                `show ip interface brief`) answer from the linked world as they do over SSH. The \
                lines go to the router's saved config in .reconcile/lab/devices/NAME.cfg, as if \
                typed at its console; `configure terminal` … `end` work as on IOS. Use it to \
                change a router out of band and watch `diff` and `verify` notice.

                Example (a different pre-shared key on the router only):
                  reconcile lab cli examples/s2s-cisco891-pppoe tokyo-rtr1 "configure terminal" \
                    "crypto ikev2 keyring azure-keyring" "peer azure" "pre-shared-key not-the-same" "end"
                """
        )

        @Argument(help: "The spec directory whose lab router to use.") var spec: String
        @Argument(help: "The router (its CiscoRouter name).") var device: String
        @Argument(help: "The lines to type, in order.") var lines: [String]
        @OptionGroup var grants: SecretGrants
        @OptionGroup var state: StateOptions
        @OptionGroup var color: ColorOptions

        func run() async throws {
            let directory = state.directory(for: spec)
            let path = LabWorld.directory(directory) + "/devices/\(device).cfg"
            guard FileManager.default.fileExists(atPath: path) else {
                Output.err("error: there is no lab router '\(device)' in \(path); apply the spec to the lab first\n")
                throw ExitCode(1)
            }
            // The lab as `lab serve` starts it, so the console's `show` commands see the linked
            // world (a bare device answered them with nothing).
            var options = try SpecOptions.parse([spec])
            options.grants = grants
            let validated = try EngineRunner.validated(
                options,
                stateDir: state.stateDir,
                backend: state.backend,
                color: color
            )
            let world: LabWorld
            do {
                world = try await LabWorld.start(
                    topology: validated.topology,
                    stateDirectory: directory,
                    secrets: SecretResolver(specRoot: validated.topology.root)
                )
            } catch {
                Output.err("error: \(path): \(error)\n")
                throw ExitCode(1)
            }
            defer { world.stop() }
            guard let router = world.routers[device] else {
                Output.err("error: '\(device)' is not a lab router of \(spec)\n")
                throw ExitCode(1)
            }
            let session = IOSSession(device: router.server.device, privileged: true)
            for line in lines {
                let prompt = session.prompt
                let (output, _) = session.answer(line)
                // What is typed, and what the router answers (its running config holds keys in
                // clear), is printed with every secret masked, as everywhere else.
                let answer = output.replacingOccurrences(of: "\r\n", with: "\n").split(
                    separator: "\n",
                    omittingEmptySubsequences: false
                ).map { Self.masked(String($0)) }
                Output.out("\(prompt)\(Self.masked(line))\n" + answer.joined(separator: "\n"))
            }
            // What was typed in configuration mode is running; a console user saves it too.
            _ = session.answer("end")
            _ = session.answer("write memory")
        }

        /// A line with its secret masked; a line without one as IOS printed it, spaces and
        /// all (a `show` table's columns).
        static func masked(_ line: String) -> String {
            let masked = IOSRules.masked(line)
            return masked.split(separator: " ") == line.split(separator: " ") ? line : masked
        }
    }

    struct Line: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a lab router's ISP line down, or bring it back (an outage, not a config change).",
            discussion: """
                With the line down the router's PPPoE dialer gets no address from the lab's ISP, \
                so its tunnels stay down whatever the config says: what `verify` and `drift` \
                report as operational. Takes effect for the next command that starts the lab.

                Example:
                  reconcile lab line examples/s2s-cisco891-pppoe tokyo-rtr1 down
                """
        )

        enum State: String, ExpressibleByArgument, CaseIterable { case up, down }

        @Argument(help: "The spec directory whose lab to use.") var spec: String
        @Argument(help: "The router (its CiscoRouter name).") var device: String
        @Argument(help: "up or down.") var state: State
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            do {
                try LabWorld.setLine(device, up: state == .up, stateDirectory: stateOptions.directory(for: spec))
            } catch {
                Output.err("error: \(error)\n")
                throw ExitCode(1)
            }
            Output.out("\(device)'s ISP line is \(state.rawValue) in the lab of \(spec).\n")
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the lab's world (the state is kept).")

        @Argument(help: "The spec directory whose lab to reset.") var spec: String = "."
        @OptionGroup var state: StateOptions

        func run() throws {
            let directory = LabWorld.directory(state.directory(for: spec))
            try? FileManager.default.removeItem(atPath: directory)
            Output.out("Reset the lab in \(directory); the next apply builds it again.\n")
        }
    }
}
