public import ArgumentParser
import Cisco
import Foundation
import ReconcileCLI
import Reconciler
import Spec

/// Tools for engineers at the terminal that need no spec: IOS configuration files in, text out.
public struct IOSCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ios",
        abstract: "Work with Cisco IOS configuration files directly (no spec needed).",
        subcommands: [Parse.self, Remediate.self, Import.self]
    )

    public init() {}

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
            let config = try IOSCommand.read(file)
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
            let have = try IOSCommand.read(running)
            let want = try IOSCommand.read(intended)
            func show(_ commands: IOSConfig) -> String {
                script ? Remediation.script(commands).map { $0 + "\n" }.joined() : commands.render()
            }
            var out = show(Remediation.commands(running: have, intended: want))
            if rollback { out += "! rollback\n" + show(Remediation.rollback(running: have, intended: want)) }
            Output.out(out)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a saved running-config as a CiscoRouter spec document.",
            discussion: """
                Prints the CiscoRouter the config amounts to, in the spec language, with the
                lines the spec cannot say listed in a comment above it (secrets masked), and the
                environment variables its secrets are read from. Nothing of a secret is printed:
                the document names each one as {fromEnv: NAME}. A saved file does not say how to
                reach the router: management.host is the LAN interface's address (change it if
                the router is reached another way), the user is the config's first privilege-15
                user. json prints the document's text, the claimed and unmanaged lines, the lines
                the spec would add, notes and the secrets' names.

                Examples:
                  reconcile ios import tokyo-rtr1.cfg > tokyo-rtr1.yaml
                  reconcile ios import saved.cfg --name osaka-rtr1 --format json
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case yaml, json
        }

        @Argument(help: "A configuration file.")
        var file: String

        @Option(help: "The CiscoRouter's name (default: the config's hostname).")
        var name: String?

        @Option(help: "yaml or json.")
        var format: Format = .yaml

        /// What the json format prints.
        struct Report: Encodable {
            var document: String
            var claimed: [String]
            var unmanaged: [String]
            var missing: [String]
            var notes: [String]
            var secrets: [String]
        }

        func run() throws {
            let config = try IOSCommand.read(file)
            let texts = config.lines.map(\.text)
            let hostname = texts.first { $0.hasPrefix("hostname ") }.map { String($0.dropFirst("hostname ".count)) }
            let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let router = name ?? hostname ?? stem
            // The first privilege-15 user is the one a reconciler logs in as.
            let user = texts.first { text in
                let words = text.split(separator: " ")
                return words.count > 3 && words[0] == "username" && words[2] == "privilege" && words[3] == "15"
            }.map { text -> String in String(text.split(separator: " ")[1]) }
            var fields: [SpecField] = [
                SpecField("host", .string("TODO")), SpecField("username", .string(user ?? "TODO")),
                SpecField("password", .fromEnv(IOSImport.secretName(router: router, "PASSWORD"))),
            ]
            if texts.contains(where: { $0.hasPrefix("enable secret ") }) {
                fields.append(
                    SpecField("enableSecret", .fromEnv(IOSImport.secretName(router: router, "ENABLE_SECRET")))
                )
            }
            let management = SpecValue.map(fields)
            let result = IOSImport(config: config, name: router, management: management)
            var document = result.document.document
            if case .string(let lan)? = document.value(at: "lan.address"),
                let index = document.spec.firstIndex(where: { $0.key == "management" }),
                case .map(var fields) = document.spec[index].value,
                let host = fields.firstIndex(where: { $0.key == "host" })
            {
                fields[host].value = .string(String(lan.prefix { $0 != "/" }))
                document.spec[index].value = .map(fields)
            }
            let secrets = document.environmentNames
            switch format {
            case .yaml:
                var comments = ["Imported from \(file) by reconcile ios import."]
                if !secrets.isEmpty {
                    comments.append("Set these environment variables: " + secrets.joined(separator: ", "))
                }
                comments.append("management.host is the LAN address: change it if the router is reached another way.")
                comments += result.notes.map { "Note: \($0)" }
                comments.append("\(result.unmanaged.count) line(s) of the config this spec does not manage:")
                comments += result.unmanaged.flatMap { $0.text.split(separator: "\n").map { "  \($0)" } }
                document.comments = comments
                Output.out(SpecWriter.file([document]))
            case .json:
                let report = Report(
                    document: SpecWriter.file([document]),
                    claimed: result.claimed,
                    unmanaged: result.unmanaged.map(\.text),
                    missing: result.missing,
                    notes: result.notes,
                    secrets: secrets
                )
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Output.out(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
            }
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
