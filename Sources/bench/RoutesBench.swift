import BuiltInProviders
import Foundation
import Spec

/// The routing analysis of the generated spec (issue: routing analysis).
///
/// The generated spec gets one more file: an Intent with, for every site, its internet egress
/// (on-prem: static routing leaves it local) and its reachability to its VNet's app subnet,
/// both ways. Timed in the same run: the baseline is the spec pipeline without that file
/// (load + validate + lower); then the route model alone, the model plus every intent, and the
/// pipeline with the intents (validation judges them).
enum RoutesBench {
    static func intents(sites: Int) -> (String, [UInt8]) {
        var text = """
            apiVersion: reconcile/v1
            kind: Intent
            metadata: {name: every-site}
            spec:
              internetEgress:

            """
        for s in 0..<sites { text += "    - {from: site-\(s), via: onprem}\n" }
        text += "  reachability:\n"
        for s in 0..<sites { text += "    - {from: site-\(s), to: vnet-\(s / 100)/app, expect: reachable}\n" }
        return ("bench/intents.yaml", Array(text.utf8))
    }

    static func run(sites: Int, files: [(String, [UInt8])], iterations: Int) {
        let withIntents = files + [intents(sites: sites)]
        let baseline = measure(iterations) {
            SpecPipeline.process(SpecLoader.load(files: files, root: "bench"), lowering: BuiltIn.lowering)
        }
        let topology = SpecLoader.load(files: withIntents, root: "bench").topology
        var routes = 0
        var places = 0
        let model = measure(iterations) { () -> RouteModel in
            let model = RouteModel(topology)
            routes = model.tables.values.reduce(0) { $0 + $1.count }
            places = model.tables.count
            return model
        }
        var statements = 0
        var failing = 0
        let analysis = measure(iterations) { () -> [IntentResult] in
            let results = RouteModel(topology).checkIntents()
            statements = results.count
            failing = results.filter { !$0.holds }.count
            return results
        }
        var errors = 0
        let pipeline = measure(iterations) { () -> ValidatedSpec in
            let result = SpecPipeline.process(
                SpecLoader.load(files: withIntents, root: "bench"),
                lowering: BuiltIn.lowering
            )
            errors = result.diagnostics.filter { $0.severity == .error }.count
            return result
        }
        func ratio(_ d: Duration) -> Double { EngineBench.seconds(d) / max(EngineBench.seconds(baseline), 1e-9) }
        print("routes    spec of \(sites) sites; median of \(iterations) runs")
        print("routes    baseline: pipeline without intents       \(ms(baseline))")
        print(
            String(
                format: "routes    route model (%d places, %d routes)   %@ (%.2fx)",
                places,
                routes,
                ms(model),
                ratio(model)
            )
        )
        print(
            String(
                format: "routes    model + %d intent statements        %@ (%.2fx), %d failing",
                statements,
                ms(analysis),
                ratio(analysis),
                failing
            )
        )
        print(
            String(
                format: "routes    pipeline with the intents           %@ (%.2fx), %d errors",
                ms(pipeline),
                ratio(pipeline),
                errors
            )
        )
        print(String(format: "          memory peak %.0f MB", peakResidentMB()))
        if failing > 0 || errors > 0 { print("warning: intents fail; the figures do not measure the intended work") }
    }
}
