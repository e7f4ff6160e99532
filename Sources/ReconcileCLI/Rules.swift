import ArgumentParser
import Spec

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every validation rule with its stable ID (the Markdown of docs/rules.md).",
        discussion: """
            Example:
              reconcile rules > docs/rules.md
            """
    )

    func run() throws {
        Output.out(RuleID.markdownCatalogue())
    }
}
