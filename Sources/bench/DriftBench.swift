import Azure
import AzureModel
import Cisco
import Drift
import Foundation
import Lab
import Reconciler
import Spec
import Verify

/// Drift of the generated spec against the lab, all in this process.
///
/// The Azure model over loopback HTTP and one simulated router per site over SSH. The spec is applied first (not
/// timed as drift); then, in the same run, the baseline is a refresh + plan (the same reads
/// `reconcile diff` makes) and drift is measured with and without its operational checks.
enum DriftBench {
    static func run(sites: Int, files: [(String, [UInt8])]) {
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await measure(sites: sites, files: files)
            } catch {
                print("drift     failed: \(error)")
            }
            done.signal()
        }
        done.wait()
    }

    static func measure(sites: Int, files: [(String, [UInt8])]) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-drift-bench-\(getpid())")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (path, bytes) in files {
            let target = root + "/" + path.dropFirst("bench/".count)
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try Data(bytes).write(to: URL(fileURLWithPath: target))
        }
        for (name, value) in [
            ("RTR_PASSWORD", "bench-login"), ("RTR_ENABLE", "bench-enable"), ("PPP_PASSWORD", "bench-ppp"),
        ] {
            setenv(name, value, 1)
        }
        for s in 0..<sites { setenv("PSK_\(s)", "bench-psk-\(s)", 1) }
        let validated = SpecPipeline.run(root)
        guard validated.graph != nil else { throw ProviderError("the generated spec has errors") }
        let stateDirectory = root + "/.reconcile"
        let secrets = SecretResolver(specRoot: root)
        let clock = ContinuousClock()
        var start = clock.now
        let lab = try await LabWorld.start(
            topology: validated.topology,
            stateDirectory: stateDirectory,
            secrets: secrets
        )
        defer { lab.stop() }
        guard let model = lab.azure else { throw ProviderError("no Azure model") }
        print("drift     lab of \(sites) routers and the Azure model started in \(ms(clock.now - start))")
        var routers: [String: CiscoProvider.Access] = [:]
        for router in validated.topology.routers {
            guard let simulated = lab.routers[router.name] else { continue }
            routers[router.name] = CiscoProvider.Access(
                host: "127.0.0.1",
                port: simulated.port,
                username: router.spec.management.username,
                password: router.spec.management.password.source,
                enableSecret: router.spec.management.enableSecret?.source,
                knownHosts: simulated.knownHosts,
                platform: router.spec.platform.rawValue
            )
        }
        let engine = Engine(
            registry: ProviderRegistry([
                AzureProvider(
                    client: ARMClient(baseURL: model.url, token: { "lab" }),
                    subscription: "00000000-0000-0000-0000-000000000000",
                    group: "rg-bench"
                ),
                CiscoProvider(routers: routers) { try secrets.resolve(SecretRef(source: $0, location: .whole(root))) },
            ]),
            backend: LocalStateBackend(directory: stateDirectory),
            options: ApplyOptions(parallelism: 20)
        )
        start = clock.now
        let plan = try await engine.plan(validated)
        let report = try await engine.locked(command: "bench") {
            try await engine.apply(plan, specRoot: root, specCommit: nil)
        }
        print(
            "drift     setup: applied \(plan.pending.count) changes in \(ms(clock.now - start)) "
                + "(\(report.failed.count) failed)"
        )

        var before = await model.model.requestCount
        start = clock.now
        let baseline = try await engine.plan(validated)
        let planTime = clock.now - start
        let planRequests = await model.model.requestCount - before
        print(
            "drift     baseline refresh + plan of \(baseline.changes.count) resources: \(ms(planTime)), "
                + "\(planRequests) ARM requests, \(routers.count) router sessions"
        )
        for operational in [false, true] {
            before = await model.model.requestCount
            start = clock.now
            let found = await Drift.run(
                validated,
                engine: engine,
                path: root,
                operational: operational ? connections : nil
            )
            let elapsed = clock.now - start
            let requests = await model.model.requestCount - before
            let label = operational ? "with operational checks" : "config only (--no-operational)"
            print(
                String(
                    format:
                        "drift     %@: %@, %d ARM requests, %d router sessions, %@, %d findings (%.2fx the baseline)",
                    label,
                    ms(elapsed),
                    requests,
                    routers.count * (operational ? 2 : 1),
                    found.status.rawValue,
                    found.findings.count,
                    EngineBench.seconds(elapsed) / max(EngineBench.seconds(planTime), 1e-9)
                )
            )
            if let first = found.findings.first {
                print("          first finding: \(first.id): \(first.summary) \(first.lines.prefix(2))")
            }
        }
        print(String(format: "          memory peak %.0f MB", peakResidentMB()))
    }

    @Sendable static func connections(
        _ validated: ValidatedSpec,
        _ desired: DesiredGraph,
        _ registry: ProviderRegistry
    ) async throws -> [ConnectionState] {
        let report = try await Verifier(topology: validated.topology, graph: desired, registry: registry).run()
        return report.tunnels.map {
            ConnectionState(name: $0.connection, device: $0.device, up: $0.up, causes: $0.causes)
        }
    }
}
