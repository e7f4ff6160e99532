import ArgumentParser
import Spec

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of the spec language (schemas/reconcile.schema.json).",
        discussion: """
            Example:
              reconcile schema > schemas/reconcile.schema.json
            """
    )

    func run() throws {
        Output.out(JSONSchemaExporter.generate())
    }
}
