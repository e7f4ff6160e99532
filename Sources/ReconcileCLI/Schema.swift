import ArgumentParser
import Spec

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of the spec language (schemas/reconcile.schema.json).",
        discussion: """
            With a spec, the kinds its plugins bring are merged in (the plugins are started to \
            ask them; nothing else is read).

            Examples:
              reconcile schema > schemas/reconcile.schema.json
              reconcile schema examples/plugins/strongswan/spec > spec.schema.json
            """
    )

    @Argument(help: "A spec whose Plugin documents bring kinds to merge in.")
    var spec: String?

    func run() throws {
        guard let spec else {
            Output.out(JSONSchemaExporter.generate())
            return
        }
        let loaded = SpecLoader.load(spec)
        let started = Plugins.start(for: loaded.topology)
        if !started.diagnostics.isEmpty {
            Output.err(DiagnosticRenderer(sources: loaded.sources, color: false).text(started.diagnostics))
            throw ExitCode(1)
        }
        Output.out(JSONSchemaExporter.generate(pluginKinds: started.kinds))
    }
}
