import ArgumentParser
import AzureModel
import Foundation

struct Lab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the local lab on its own: the Azure model (and, later, the router simulators).",
        discussion: """
            Commands start the lab by themselves when a spec says `endpoint: lab`; `lab serve` \
            keeps it running so other tools (the Azure SDKs, curl) can use it too. The world \
            is saved after every change in .reconcile/lab/ inside the spec directory.

            Examples:
              reconcile lab serve examples/point-to-site
              reconcile lab serve examples/point-to-site --port 8443
              reconcile lab reset examples/point-to-site
            """,
        subcommands: [Serve.self, Reset.self]
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the lab's Azure model until interrupted.")

        @Argument(help: "The spec directory whose lab to serve.") var spec: String = "."
        @OptionGroup var state: StateOptions
        @Option(help: "The address to bind (loopback unless told otherwise).") var host: String = "127.0.0.1"
        @Option(help: "The port (0: any free port).") var port: Int = 0

        func run() async throws {
            let path = state.directory(for: spec) + "/lab/azure.json"
            let server = AzureModelServer(model: AzureModel(persistence: path))
            try await server.start(host: host, port: port)
            Output.out("Azure model: http://\(host):\(server.port)  (ARM; any bearer token; world in \(path))\n")
            Output.out("Stop with Ctrl-C: the world is saved after every change.\n")
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the lab's world (the state is kept).")

        @Argument(help: "The spec directory whose lab to reset.") var spec: String = "."
        @OptionGroup var state: StateOptions

        func run() throws {
            let directory = state.directory(for: spec) + "/lab"
            try? FileManager.default.removeItem(atPath: directory)
            Output.out("Reset the lab in \(directory); the next apply builds it again.\n")
        }
    }
}
