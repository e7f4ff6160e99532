import ArgumentParser
import Cisco
import Foundation

/// Tools for engineers at the terminal that need no spec: IOS configuration files in, text out.
struct IOS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ios",
        abstract: "Work with Cisco IOS configuration files directly (no spec needed).",
        subcommands: [Parse.self]
    )

    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a running-config into its tree and print it normalised, or as JSON.",
            discussion: """
                Reads `show running-config` output or a saved config. Text prints the tree the
                way IOS would, one space of indentation per level, without `!` separators, header
                or comments (the normalisation of docs/ios.md); json prints each line with its
                source line number and children. A file cut short inside a banner or
                certificate is an error naming the line; nothing else is refused.

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

    /// Reads and parses a file; an unreadable or malformed one is reported as `FILE:LINE: message`.
    static func read(_ file: String) throws -> IOSConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            Output.err("\(file): cannot be read\n")
            throw ExitCode(1)
        }
        do {
            return try IOSParser.parse(String(decoding: data, as: UTF8.self))
        } catch {
            Output.err("\(file):\(error.line): error: \(error.message)\n")
            throw ExitCode(1)
        }
    }
}
