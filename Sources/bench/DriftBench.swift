import Azure
import AzureModel
import BuiltInProviders
import Cisco
import Drift
import Foundation
import Lab
import Reconciler
import Spec
import Verify

/// Drift of the generated spec against the lab.
///
/// The lab (the Azure model over loopback HTTP, one simulated router per site over SSH) runs
/// in a child process, `bench --lab-world DIR`, as `reconcile lab serve` would, so that its
/// thousand listening sockets are not file descriptors of the reader (Foundation's
/// `Process.run`, spawning `ssh`, reads them all each time). The spec is applied
/// first (not timed as drift); then, in the same run, the baseline is a refresh + plan (the
/// same reads `reconcile diff` makes) and drift is measured with and without its operational
/// checks. Requests are counted by the ARM client: what drift sends.
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

    /// The secrets the generated spec names.
    static func setSecrets(sites: Int) {
        for (name, value) in [
            ("RTR_PASSWORD", "bench-login"), ("RTR_ENABLE", "bench-enable"), ("PPP_PASSWORD", "bench-ppp"),
        ] {
            setenv(name, value, 1)
        }
        for s in 0..<sites { setenv("PSK_\(s)", "bench-psk-\(s)", 1) }
    }

    /// `bench --lab-world DIR`: starts the lab of the spec in DIR, prints where it listens (one
    /// JSON line) and serves until killed.
    static func serve(_ root: String, sites: Int) {
        setSecrets(sites: sites)
        let validated = SpecPipeline.run(root, lowering: BuiltIn.lowering)
        Task {
            do {
                let lab = try await LabWorld.start(
                    topology: validated.topology,
                    stateDirectory: root + "/.reconcile",
                    secrets: SecretResolver(specRoot: root)
                )
                var routers: [String: [String]] = [:]
                for (name, router) in lab.routers { routers[name] = [String(router.port), router.knownHosts] }
                let line: [String: Any] = ["azure": lab.azure?.url ?? "", "routers": routers]
                let text = String(decoding: try JSONSerialization.data(withJSONObject: line), as: UTF8.self)
                FileHandle.standardOutput.write(Data((text + "\n").utf8))
                await lab.serve()
            } catch {
                FileHandle.standardOutput.write(Data("{\"error\": \"\(error)\"}\n".utf8))
            }
        }
        dispatchMain()
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
        setSecrets(sites: sites)
        let validated = SpecPipeline.run(root, lowering: BuiltIn.lowering)
        guard validated.graph != nil else { throw ProviderError("the generated spec has errors") }
        let stateDirectory = root + "/.reconcile"
        let secrets = SecretResolver(specRoot: root)
        let clock = ContinuousClock()
        var start = clock.now
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--lab-world", root, "--sites", String(sites)]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        defer { kill(child.processIdentifier, SIGKILL) }
        var buffer = Data()
        while !buffer.contains(0x0A) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw ProviderError("the lab process ended") }
            buffer.append(chunk)
        }
        guard let world = try JSONSerialization.jsonObject(with: buffer.prefix { $0 != 0x0A }) as? [String: Any],
            let url = world["azure"] as? String, let ports = world["routers"] as? [String: [String]]
        else { throw ProviderError("the lab process said: \(String(decoding: buffer, as: UTF8.self))") }
        print(
            "drift     lab of \(ports.count) routers and the Azure model started in \(ms(clock.now - start)) (own process)"
        )
        var routers: [String: CiscoProvider.Access] = [:]
        for router in validated.topology.routers {
            guard let found = ports[router.name], let port = Int(found[0]) else { continue }
            routers[router.name] = CiscoProvider.Access(
                host: "127.0.0.1",
                port: port,
                username: router.spec.management.username,
                password: router.spec.management.password.source,
                enableSecret: router.spec.management.enableSecret?.source,
                knownHosts: found[1],
                platform: router.spec.platform.rawValue
            )
        }
        let client = ARMClient(baseURL: url, token: { "lab" })
        let engine = Engine(
            registry: ProviderRegistry([
                AzureProvider(client: client, subscription: "00000000-0000-0000-0000-000000000000", group: "rg-bench"),
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

        var before = client.sent.value
        start = clock.now
        let baseline = try await engine.plan(validated)
        let planTime = clock.now - start
        let planRequests = client.sent.value - before
        print(
            "drift     baseline refresh + plan of \(baseline.changes.count) resources: \(ms(planTime)), "
                + "\(planRequests) ARM requests, \(routers.count) router sessions"
        )
        var driftTime = Duration.zero
        for operational in [false, true] {
            before = client.sent.value
            start = clock.now
            let found = await Drift.run(
                validated,
                engine: engine,
                path: root,
                operational: operational ? connections : nil
            )
            let elapsed = clock.now - start
            if !operational { driftTime = elapsed }
            let requests = client.sent.value - before
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
        try await measureImport(
            validated: validated,
            client: client,
            url: url,
            ports: ports,
            engine: engine,
            baseline: driftTime
        )
    }

    /// `reconcile import` of the same lab, the code the command runs: read the resource group
    /// and every router, join and write the spec, load it back, and adopt it into a new state.
    static func measureImport(
        validated: ValidatedSpec,
        client: ARMClient,
        url: String,
        ports: [String: [String]],
        engine: Engine,
        baseline: Duration
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "reconcile-import-bench-\(getpid())"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = ProcessInfo.processInfo.environment
        var routers: [CiscoImporter.Router] = []
        for router in validated.topology.routers.sorted(by: { $0.name < $1.name }) {
            guard let found = ports[router.name], let port = Int(found[0]) else { continue }
            routers.append(
                CiscoImporter.Router(
                    name: router.name,
                    options: SSHTransport.Options(
                        host: "127.0.0.1",
                        port: port,
                        username: router.spec.management.username,
                        password: environment["RTR_PASSWORD"],
                        knownHosts: found[1]
                    ),
                    enableSecret: environment["RTR_ENABLE"],
                    management: .fields([
                        ("host", .string("127.0.0.1")), ("port", .int(port)),
                        ("username", .string(router.spec.management.username)),
                        ("password", .fromEnv("RTR_PASSWORD")), ("enableSecret", .fromEnv("RTR_ENABLE")),
                        ("knownHostsFile", .string(found[1])),
                    ])
                )
            )
        }
        let clock = ContinuousClock()
        let before = client.sent.value
        let start = clock.now
        let scopes = try await ImportPipeline.read([
            AzureImporter(
                client: client,
                subscription: "00000000-0000-0000-0000-000000000000",
                resourceGroup: "rg-bench",
                endpoint: url
            ),
            CiscoImporter(routers: routers),
        ])
        let read = clock.now - start
        let requests = client.sent.value - before
        let names = ["RTR_PASSWORD", "RTR_ENABLE", "PPP_PASSWORD"] + (0..<routers.count).map { "PSK_\($0)" }
        let written = try ImportPipeline.write(
            scopes.map(\.scope),
            candidates: names.compactMap { name in environment[name].map { (name, $0) } },
            to: directory,
            lowering: BuiltIn.lowering
        )
        let writeTime = clock.now - start - read
        guard !written.spec.hasErrors else { throw ProviderError("the imported spec has errors") }
        var values = environment
        for (name, value) in written.secrets.values { values[name] = value }
        let adopting = Engine(
            registry: engine.registry,
            backend: LocalStateBackend(directory: directory + "/.reconcile"),
            options: ApplyOptions(parallelism: 20)
        )
        let adoption = try await adopting.planAdoption(
            written.spec,
            environment: values,
            alreadyRead: ImportPipeline.alreadyRead(scopes)
        )
        let adopted = try await adopting.locked(command: "bench") { try adopting.record(adoption) }
        let total = clock.now - start
        print(
            String(
                format:
                    "import    read %@ (%d ARM requests, %d SSH sessions), write + validate %@, adopt %@: %@ in all, "
                    + "%d documents, %d adopted, %d differences (%.2fx drift config only)",
                ms(read),
                requests,
                scopes.first { $0.provider == "cisco" }?.scope.requests ?? 0,
                ms(writeTime),
                ms(total - read - writeTime),
                ms(total),
                written.documents.count,
                adopted,
                adoption.differences.count,
                EngineBench.seconds(total) / max(EngineBench.seconds(baseline), 1e-9)
            )
        )
        if let first = adoption.differences.first {
            print("          first difference: \(first.address) \(first.changes.map(\.path))")
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
