import Azure
import BuiltInProviders
import Foundation
import Reconciler
import Spec

/// `reconcile cost` and address-pool allocation on the generated spec with pools and declared
/// costs, against `reconcile validate` of the same spec in the same run.
enum CostBench {
    static func run(sites: Int, iterations: Int) {
        let files = generate(sites: sites, planning: true)
        let once = SpecPipeline.process(SpecLoader.load(files: files, root: "bench"), lowering: BuiltIn.lowering)
        guard let graph = once.graph, !once.hasErrors else {
            print("the generated spec has errors:")
            for diagnostic in once.diagnostics.prefix(5) { print("  \(diagnostic.summary)") }
            exit(1)
        }
        let estimator = CostEstimator(
            pricing: [AzurePricing()],
            book: CostEstimator.builtInBook([AzurePricing()]),
            settings: once.topology.scope?.spec.pricing ?? PricingSettings(),
            currency: "JPY"
        )
        func priced(_ graph: DesiredGraph) -> [PricedResource] {
            graph.resources.map { PricedResource(address: $0.address, type: $0.type, attributes: $0.attributes) }
        }
        print(
            "spec: \(sites) sites with pools and costs, \(graph.resources.count) resources; median of \(iterations) runs"
        )
        // What `reconcile validate` does: load, allocate, validate, lower.
        let validate = measure(iterations) {
            SpecPipeline.process(SpecLoader.load(files: files, root: "bench"), lowering: BuiltIn.lowering)
        }
        // What `reconcile cost` does: the same, then the estimate.
        var lines = 0
        let cost = measure(iterations) { () -> CostEstimate in
            let validated = SpecPipeline.process(
                SpecLoader.load(files: files, root: "bench"),
                lowering: BuiltIn.lowering
            )
            let estimate = estimator.estimate(
                priced(validated.graph ?? graph),
                declared: validated.topology.declaredCosts
            )
            lines = estimate.lines.count
            return estimate
        }
        let loaded = SpecLoader.load(files: files, root: "bench")
        var allocations = 0
        let allocate = measure(iterations) { () -> Topology in
            var topology = loaded.topology
            _ = AddressAllocator.allocate(&topology)
            allocations = topology.allocations.count
            return topology
        }
        let rules = measure(iterations) { SpecPipeline.check(once.topology, lowering: BuiltIn.lowering) }
        let estimate = measure(iterations) {
            estimator.estimate(priced(graph), declared: once.topology.declaredCosts)
        }
        print("validate  load + allocate + validate + lower  \(ms(validate))")
        print("cost      the same + the estimate             \(ms(cost))  (\(lines) lines)")
        print(
            String(
                format: "ratio     cost / validate                     %.2fx  (target < 1.2x)",
                ratio(cost, validate)
            )
        )
        print(
            "phases    allocation \(ms(allocate)) (\(allocations) prefixes), rules \(ms(rules)), "
                + "estimate \(ms(estimate))"
        )
        print(String(format: "ratio     allocation / rules                  %.2fx", ratio(allocate, rules)))
        print(String(format: "memory    peak resident                       %.0f MB", peakResidentMB()))
    }

    static func ratio(_ a: Duration, _ b: Duration) -> Double {
        let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        return seconds(a) / seconds(b)
    }
}
