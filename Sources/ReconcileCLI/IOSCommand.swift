import ArgumentParser
import Cisco
import Foundation

/// Tools for engineers at the terminal that need no spec: IOS configuration files in, text out.
struct IOS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ios",
        abstract: "Work with Cisco IOS configuration files directly (no spec needed).",
        subcommands: [Parse.self, Remediate.self]
    )

    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a running-config into its tree and print it normalised, or as JSON.",
            discussion: """
                Reads `show running-config` output or a saved config. Text prints the tree the
                way IOS would, one space of indentation per level, without `!` separators, header
                or comments (the normalisation of docs/ios.md); json prints each line with its
                source line number and children. A file cut short inside a banner or
                certificate is an error naming its line and column; nothing else is refused.

                Examples:
                  reconcile ios parse router.cfg
                  reconcile ios parse router.cfg --format json | jq '.lines[].text'
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Argument(help: "A configuration file.")
        var file: String

        @Option(help: "text or json.")
        var format: Format = .text

        func run() throws {
            let config = try IOS.read(file)
            switch format {
            case .text: Output.out(config.render())
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(String(decoding: try encoder.encode(config), as: UTF8.self) + "\n")
            }
        }
    }

    struct Remediate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the commands that turn one running-config into another, in a safe order.",
            discussion: """
                Compares the two configs as trees (after the normalisation of docs/ios.md) and
                prints the smallest set of commands: single-valued lines replaced in place,
                numbered ACLs rewritten whole, physical interfaces defaulted rather than deleted,
                crypto objects created before use and removed after, routes made before broken,
                and what could cut the session last. --script adds the `exit`s a terminal
                session needs; --rollback also prints the commands that undo the change.

                Examples:
                  reconcile ios remediate --running running.cfg --intended intended.cfg
                  reconcile ios remediate --running running.cfg --intended intended.cfg --rollback
                """
        )

        @Option(help: "The config the router runs now.")
        var running: String

        @Option(help: "The config it should run.")
        var intended: String

        @Flag(help: "Also print the commands that undo the change, after '! rollback'.")
        var rollback = false

        @Flag(help: "Print the lines as typed at the router: sections closed with 'exit'.")
        var script = false

        func run() throws {
            let have = try IOS.read(running)
            let want = try IOS.read(intended)
            func show(_ commands: IOSConfig) -> String {
                script ? Remediation.script(commands).map { $0 + "\n" }.joined() : commands.render()
            }
            var out = show(Remediation.commands(running: have, intended: want))
            if rollback { out += "! rollback\n" + show(Remediation.rollback(running: have, intended: want)) }
            Output.out(out)
        }
    }

    /// Reads and parses a file; an unreadable or malformed one is reported as `FILE:LINE:COL: message`.
    static func read(_ file: String) throws -> IOSConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            Output.err("\(file): cannot be read\n")
            throw ExitCode(1)
        }
        do {
            return try IOSParser.parse(String(decoding: data, as: UTF8.self))
        } catch {
            Output.err("\(file):\(error.line):\(error.column): error: \(error.message)\n")
            throw ExitCode(1)
        }
    }
}
