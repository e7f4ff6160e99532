import ArgumentParser
import AzureCommands
import CiscoCommands
import Foundation
import LabCommands
import ReconcileCLI
import Testing

/// Every `reconcile …` example that any command's `--help` shows is accepted by the parser
/// the binary uses, so none can rot again (`state list DIR` exited 64).
@Suite("Examples in --help")
struct HelpExamplesTests {
    /// Each command's help text, walking the subcommand tree from the root.
    static func helpTexts(_ command: any ParsableCommand.Type = Reconcile.self) -> [String] {
        [Reconcile.helpMessage(for: command, columns: 10_000)]
            + command.configuration.subcommands.flatMap { helpTexts($0) }
    }

    /// The `reconcile …` command lines in a help text, as argument lists: shell continuations
    /// joined, quotes removed, and cut at `&&`, `;` and `|`, with redirections dropped.
    static func examples(in help: String) -> [[String]] {
        let joined = help.replacingOccurrences(of: "\\\n", with: " ")
        var found: [[String]] = []
        for line in joined.split(separator: "\n") {
            let text = line.trimmingPrefix(while: \.isWhitespace)
            guard text.hasPrefix("reconcile ") else { continue }
            var command: [String] = []
            var skipNext = false
            func flush() {
                if command.first == "reconcile" { found.append(Array(command.dropFirst())) }
                command = []
            }
            for word in words(String(text)) {
                if skipNext {
                    skipNext = false
                    continue
                }
                switch word {
                case .operator(">"), .operator(">>"): skipNext = true
                case .operator: flush()
                case .word(let word): command.append(word)
                }
            }
            flush()
        }
        return found
    }

    enum Token: Equatable {
        case word(String)
        case `operator`(String)
    }

    /// Shell words and the operators between them (enough for help examples).
    static func words(_ line: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var characters = Array(line)[...]
        func end() {
            if inWord { tokens.append(.word(current)) }
            current = ""
            inWord = false
        }
        while let c = characters.popFirst() {
            if let open = quote {
                if c == open { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c.isWhitespace {
                end()
            } else if ">|;&".contains(c) {
                end()
                var op = String(c)
                if let next = characters.first, next == c || (c == ">" && next == ">") {
                    op.append(next)
                    characters.removeFirst()
                }
                tokens.append(.operator(op))
            } else {
                current.append(c)
                inWord = true
            }
        }
        end()
        return tokens
    }

    /// The import options and commands the executable adds to the core's (Sources/reconcile/main.swift).
    static let wiring = Wiring(
        importOptions: [AzureImportOptions.self, CiscoImportOptions.self],
        commands: [RenderCommand.self, IOSCommand.self, LabCommand.self]
    )

    static let all = Reconcile.with(wiring) { helpTexts().flatMap(examples) }

    @Test func theExtractorFindsTheExamples() {
        #expect(Self.all.count >= 30)
        #expect(Self.all.contains(["state", "list", "examples/s2s-cisco891-pppoe"]))
        #expect(Self.all.contains(["apply", "plan.json"]))
        #expect(
            Self.all.contains([
                "lab", "cli", "examples/s2s-cisco891-pppoe", "tokyo-rtr1", "configure terminal",
                "crypto ikev2 keyring azure-keyring", "peer azure", "pre-shared-key not-the-same", "end",
            ])
        )
    }

    @Test(arguments: all)
    func everyHelpExampleParses(_ arguments: [String]) {
        do {
            _ = try Reconcile.with(Self.wiring) { try Reconcile.parseAsRoot(arguments) }
        } catch {
            Issue.record(
                "`reconcile \(arguments.joined(separator: " "))`: \(Reconcile.message(for: error)) (exit \(Reconcile.exitCode(for: error).rawValue))"
            )
        }
    }
}
