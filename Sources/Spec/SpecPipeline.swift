/// A spec read, checked and (when it has no errors) lowered.
public struct ValidatedSpec: Sendable {
    public var loaded: LoadedSpec
    /// Every diagnostic, sorted by file, line and column, duplicates removed.
    public var diagnostics: [Diagnostic]
    /// The desired-state graph; nil when any diagnostic is an error.
    public var graph: DesiredGraph?

    public var topology: Topology { loaded.topology }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Load, validate and lower: the front half of the data flow (docs/architecture.md).
///
/// Pure apart from reading the spec files; never reads a secret's value.
public enum SpecPipeline {
    /// Loads, allocates, validates and lowers the spec at `path`.
    ///
    /// `lowering`: each provider's part of lowering (its resources). `pins`: the allocations the
    /// last apply recorded (`State.allocations`), kept where they still fit.
    public static func run(
        _ path: String,
        options: LoadOptions = LoadOptions(),
        pins: [String: String] = [:],
        lowering: [any ResourceLowering]
    ) -> ValidatedSpec {
        process(SpecLoader.load(path, options: options), pins: pins, lowering: lowering)
    }

    /// Every rule on a topology: the core's (`Validator`) and each provider's on its kinds.
    public static func check(_ topology: Topology, lowering: [any ResourceLowering]) -> [Diagnostic] {
        Validator.validate(topology) + lowering.flatMap { $0.check(topology) }
    }

    /// Allocates, validates and lowers an already loaded spec.
    public static func process(
        _ loaded: LoadedSpec,
        pins: [String: String] = [:],
        lowering: [any ResourceLowering]
    ) -> ValidatedSpec {
        var loaded = loaded
        var diagnostics = loaded.diagnostics
        // Nothing was read: the reading error says it all; rules would only add noise.
        if loaded.files.isEmpty && diagnostics.hasErrors {
            return ValidatedSpec(loaded: loaded, diagnostics: diagnostics.sorted, graph: nil)
        }
        // Rules and lowering see only literal prefixes (docs/addresses.md).
        diagnostics.append(contentsOf: AddressAllocator.allocate(&loaded.topology, pins: pins))
        // Validation and the pieces of lowering only read the topology: run them all at once
        // on all cores, and drop the graph if the spec turns out to have errors.
        enum Output: Sendable {
            case diagnostics([Diagnostic])
            case lowered(Lowered)
        }
        let topology = loaded.topology
        // The core's rules and the providers' in one task, as when they were one validator: more
        // tasks than cores only shuffle the same work between them.
        var tasks: [@Sendable () -> Output] = [{ .diagnostics(check(topology, lowering: lowering)) }]
        if !diagnostics.hasErrors {
            tasks += Lowering.tasks(topology, lowering: lowering).map { task in { .lowered(task()) } }
        }
        var resources: [Resource] = []
        for output in Parallel.map(tasks, minimumPerChunk: 1, { $0() }) {
            switch output {
            case .diagnostics(let found): diagnostics.append(contentsOf: found)
            case .lowered(let lowered):
                resources.append(contentsOf: lowered.resources)
                diagnostics.append(contentsOf: lowered.diagnostics)
            }
        }
        var graph: DesiredGraph?
        if !diagnostics.hasErrors {
            let lowered = DesiredGraph(resources)
            if lowered.hasCycle, case .failure(let cycle) = lowered.topologicalOrder() {
                let at = cycle.cycles.first?.first.flatMap { lowered[$0]?.source } ?? .whole(loaded.topology.root)
                diagnostics.error(.refCycle, "resources depend on each other in a cycle: \(cycle)", at: at)
            } else {
                graph = lowered
            }
        }
        return ValidatedSpec(loaded: loaded, diagnostics: diagnostics.sorted, graph: graph)
    }
}
