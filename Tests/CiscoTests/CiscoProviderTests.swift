import Azure
import AzureModel
import BuiltInProviders
import Cisco
import Foundation
import IOSSimulator
import Reconciler
import Spec
import TestSupport
import Testing

/// The Cisco provider through the engine, against a simulated 891FJ over real SSH (the
/// system OpenSSH client to the swift-nio-ssh server) and the Azure model over HTTP, as
/// `reconcile apply` runs them.
@Suite("Cisco provider against the simulator", .serialized)
struct CiscoProviderTests {
    static let environment = [
        "TOKYO_PSK": "tokyo-psk-Alpha1", "RTR_PASSWORD": "login-pw-Bravo2", "RTR_ENABLE": "enable-pw-Charlie3",
        "PPP_PASSWORD": "ppp-pw-Delta4",
    ]
    /// Every secret value the tests use: none may show up in anything but the router.
    static let secretValues = environment.values.sorted() + ["tokyo-psk-Echo5"]

    /// What the engine printed or returned, collected from its progress callbacks too.
    final class Printed: @unchecked Sendable {
        private let lock = NSLock()
        private var texts: [String] = []
        func append(_ text: String) { lock.withLock { texts.append(text) } }
        var all: [String] { lock.withLock { texts } }
    }

    final class Lab {
        let azure: AzureModelServer
        let device: IOSDevice
        let router: IOSSSHServer
        let directory: URL
        let backend: LocalStateBackend
        var environment = CiscoProviderTests.environment
        var knownHosts: URL
        /// Everything the engine printed or returned, to search for secrets.
        let printed = Printed()

        init(_ label: String, config: IOSConfig = IOSDevice.dayZero(model: "C891FJ-K9")) async throws {
            azure = AzureModelServer(model: AzureModel())
            try await azure.start()
            device = IOSDevice(config: config)
            device.minute = .milliseconds(400)
            router = IOSSSHServer(
                device: device,
                username: "netops",
                password: CiscoProviderTests.environment["RTR_PASSWORD"] ?? "",
                enableSecret: CiscoProviderTests.environment["RTR_ENABLE"],
                privilegedLogin: false
            )
            router.clientAddress = "192.168.10.254"
            try router.start()
            directory = try Fixture.temporaryDirectory(label)
            backend = LocalStateBackend(directory: directory.appendingPathComponent("state").path)
            knownHosts = directory.appendingPathComponent("known_hosts")
            try Data("[127.0.0.1]:\(router.port) \(router.hostKeyLine)\n".utf8).write(to: knownHosts)
            try FileManager.default.copyItem(
                atPath: Fixture.path("examples/s2s-cisco891-pppoe"),
                toPath: directory.appendingPathComponent("spec").path
            )
            // State a developer's own run left in the example is not this test's.
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("spec/.reconcile"))
        }

        var specPath: String { directory.appendingPathComponent("spec").path }

        /// Rewrites part of the copied spec (`file` relative to it).
        func edit(_ file: String, _ old: String, _ new: String) throws {
            let url = URL(fileURLWithPath: specPath).appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(old), "\(file) has no '\(old)'")
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }

        var registry: ProviderRegistry {
            let environment = environment
            let root = specPath
            let resolver = SecretResolver(specRoot: root, environment: environment)
            let cisco = CiscoProvider(
                routers: [
                    "tokyo-rtr1": CiscoProvider.Access(
                        host: "127.0.0.1",
                        port: router.port,
                        username: "netops",
                        password: .environment("RTR_PASSWORD"),
                        enableSecret: .environment("RTR_ENABLE"),
                        knownHosts: knownHosts.path,
                        timeout: .seconds(20)
                    )
                ],
                revertMinutes: 1,
                secret: { try resolver.resolve(SecretRef(source: $0, location: .whole(root))) }
            )
            let arm = AzureProvider(
                client: ARMClient(
                    baseURL: azure.url,
                    token: { "lab" },
                    sleep: { _ in try await Task.sleep(for: .milliseconds(20)) }
                ),
                subscription: "00000000-0000-0000-0000-000000000000",
                group: "rg-s2s-tokyo"
            )
            return ProviderRegistry([arm, cisco])
        }

        func graph() throws -> DesiredGraph {
            let spec = SpecPipeline.run(specPath, lowering: BuiltIn.lowering)
            return try #require(spec.graph, "\(spec.diagnostics)")
        }

        func plan(registry: ProviderRegistry? = nil) async throws -> Plan {
            let registry = registry ?? self.registry
            let graph = try graph()
            let engine = Engine(registry: registry, backend: backend)
            let state = try engine.loadState()
            let observed = try await engine.refresh(
                desired: graph,
                state: state,
                specRoot: specPath,
                environment: environment
            )
            let printer = try engine.fingerprinter()
            let resolver = SecretResolver(specRoot: specPath, environment: environment)
            let root = specPath
            let changes = Planner.plan(
                Planner.Input(
                    desired: graph,
                    observed: observed,
                    state: state,
                    registry: registry,
                    fingerprint: { source in
                        (try? resolver.resolve(SecretRef(source: source, location: .whole(root)))).map(
                            printer.fingerprint
                        )
                    }
                )
            )
            let plan = Plan(
                lineage: state.lineage,
                serial: state.serial,
                specDigest: "",
                spec: specPath,
                changes: changes
            )
            printed.append(PlanRenderer.render(plan, format: .text))
            printed.append(PlanRenderer.render(plan, format: .json))
            return plan
        }

        @discardableResult
        func apply() async throws -> ApplyReport {
            let plan = try await plan()
            let registry = registry
            try backend.commit(try backend.load() ?? State(lineage: "cisco-test"))
            let executor = Executor(
                registry: registry,
                backend: backend,
                fingerprinter: Fingerprinter(key: try backend.fingerprintKey()),
                secrets: SecretResolver(specRoot: specPath, environment: environment),
                options: ApplyOptions(sleep: { _ in try await Task.sleep(for: .milliseconds(5)) }),
                progress: { [printed] event in printed.append(ProgressRenderer.line(event)) }
            )
            var report = await executor.apply(plan.changes, state: try backend.load() ?? State(lineage: "cisco-test"))
            report.state.serial += 1
            try backend.commit(report.state)
            printed.append(ProgressRenderer.summary(report))
            return report
        }

        var running: String { device.runningConfig.render() }

        /// The lines typed since `mark` (an index into the configuration log).
        func typed(since mark: Int) -> [String] { Array(device.configurationLog.dropFirst(mark)) }

        /// Nothing the engine printed, returned or stored holds a secret's value.
        func expectNoSecretLeaked(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            var texts = printed.all
            let files = FileManager.default.enumerator(atPath: directory.appendingPathComponent("state").path)
            while let file = files?.nextObject() as? String {
                let path = directory.appendingPathComponent("state").appendingPathComponent(file).path
                if let data = FileManager.default.contents(atPath: path) {
                    texts.append(String(decoding: data, as: UTF8.self))
                }
            }
            for secret in CiscoProviderTests.secretValues {
                for text in texts where text.contains(secret) {
                    Issue.record("a secret leaked into: \(text.prefix(300))", sourceLocation: sourceLocation)
                }
            }
        }

        func stop() {
            router.stop()
            azure.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func theSeedAppliesToABlankRouterThenPlansEmpty() async throws {
        let lab = try await Lab("seed")
        defer { lab.stop() }
        let report = try await lab.apply()
        #expect(report.ok, "\(report.failed)")
        // The router now runs the seed's config: the rendered intended config, with the
        // gateway's public IP and the secrets filled in, has nothing left to send.
        let graph = try lab.graph()
        let sections = graph.resources.filter { $0.provider == "cisco" }
        let state = try #require(try lab.backend.load())
        let ip = try #require(
            state[ResourceAddress.azure("publicIPAddresses/hub-vpngw-pip1")]?.outputs["ipAddress"]?.scalarText
        )
        let resolver = SecretResolver(specRoot: lab.specPath, environment: lab.environment)
        let intended = IOSRenderer.device(
            sections,
            context: IOSRenderer.Context(
                output: { $0.output == "ipAddress" ? .string(ip) : nil },
                secret: { try? resolver.resolve(SecretRef(source: $0, location: .whole("."))) }
            )
        )
        let owned = Remediation.commands(running: lab.device.runningConfig, intended: intended) { text in
            sections.contains { IOSSections.owns(type: $0.type, identity: $0.attributes, line: text) }
        }
        #expect(owned.lines.isEmpty, "\(Remediation.script(owned))")
        #expect(lab.running.contains("tunnel destination \(ip)"))
        #expect(lab.running.contains("enable secret 5 $1$"))
        #expect(lab.device.startupConfig == lab.device.runningConfig, "write memory saved it")
        // And then: nothing to do, the one-way enable secret compared by re-hashing.
        let plan = try await lab.plan()
        let pending = plan.changes.filter { $0.action != .noop }
        #expect(pending.isEmpty, "perpetual diff: \(pending.map { "\($0.address) \($0.changes.map(\.path))" })")
        let before = lab.device.configurationLog.count
        #expect(try await lab.apply().ok)
        #expect(lab.typed(since: before).isEmpty, "a converged router got commands")
        try lab.expectNoSecretLeaked()
    }

    @Test func eachRemediationRuleEndToEnd() async throws {
        let lab = try await Lab("rules")
        defer { lab.stop() }
        #expect(try await lab.apply().ok)

        // A new pre-shared key: replaced in place under its peer, never printed, then the
        // SAs cleared so it takes effect; the plan shows the CLI with the key masked.
        lab.environment["TOKYO_PSK"] = "tokyo-psk-Echo5"
        let plan = try await lab.plan()
        let keyring = try #require(plan.changes.first { $0.address == .cisco("tokyo-rtr1", "crypto-ikev2-keyring") })
        #expect(keyring.action == .update)
        #expect(keyring.preview.contains("  pre-shared-key <sensitive>"), "\(keyring.preview)")
        var mark = lab.device.configurationLog.count
        #expect(try await lab.apply().ok)
        #expect(
            lab.typed(since: mark) == [
                "crypto ikev2 keyring azure-keyring", "peer azure", "pre-shared-key tokyo-psk-Echo5",
            ]
        )
        #expect(lab.running.contains("pre-shared-key tokyo-psk-Echo5"))

        // A single-valued line is overwritten, not negated first.
        try lab.edit("onprem.yaml", "tcpAdjustMss: 1350", "tcpAdjustMss: 1360")
        mark = lab.device.configurationLog.count
        #expect(try await lab.apply().ok)
        #expect(lab.typed(since: mark) == ["interface Tunnel1", "ip tcp adjust-mss 1360"])

        // A route moves make-before-break: the new prefix is in before the old one goes.
        try lab.edit("azure.yaml", "addressSpace: [10.10.0.0/16]", "addressSpace: [10.20.0.0/16]")
        try lab.edit("azure.yaml", "prefix: 10.10.1.0/24", "prefix: 10.20.1.0/24")
        try lab.edit("azure.yaml", "prefix: 10.10.120.0/27", "prefix: 10.20.120.0/27")
        mark = lab.device.configurationLog.count
        let moved = try await lab.apply()
        #expect(moved.ok, "\(moved.failed)")
        let routes = lab.typed(since: mark).filter { $0.contains("ip route") }
        #expect(routes == ["ip route 10.20.0.0 255.255.0.0 Tunnel1", "no ip route 10.10.0.0 255.255.0.0 Tunnel1"])

        // A numbered ACL is one list: a changed NAT source rewrites it whole.
        try lab.edit("onprem.yaml", "overload: [192.168.10.0/24]", "overload: [192.168.10.0/25]")
        mark = lab.device.configurationLog.count
        #expect(try await lab.apply().ok)
        #expect(
            lab.typed(since: mark).filter { $0.contains("access-list") } == [
                "no access-list 11", "access-list 11 permit 192.168.10.0 0.0.0.127",
            ]
        )

        // Teardown in the order docs/ios.md gives: routes, the tunnel, then crypto from the
        // IPsec profile back to the proposal; the NAT prompt is answered on the way.
        try FileManager.default.removeItem(atPath: lab.specPath + "/connection.yaml")
        // Without the tunnel the app subnet is out of reach: the intent must say so, or the
        // spec is refused (rule intent-violated).
        try lab.edit("policy.yaml", "to: hub-vnet/app, expect: reachable", "to: hub-vnet/app, expect: blocked")
        try lab.edit("onprem.yaml", "  nat:\n    overload: [192.168.10.0/25]\n", "")
        mark = lab.device.configurationLog.count
        let teardown = try await lab.apply()
        #expect(teardown.ok, "\(teardown.failed)")
        let removed = lab.typed(since: mark).filter {
            $0.hasPrefix("no ") && !$0.hasPrefix("no ip nat") && !$0.hasPrefix("no ip virtual-reassembly")
        }
        #expect(
            removed.filter { !$0.contains("access-list") } == [
                "no ip route 10.20.0.0 255.255.0.0 Tunnel1", "no interface Tunnel1",
                "no crypto ipsec profile azure-vti",
                "no crypto ipsec transform-set azure-ipsec-proposal-set", "no crypto ikev2 profile azure-profile",
                "no crypto ikev2 keyring azure-keyring", "no crypto ikev2 policy azure-policy",
                "no crypto ikev2 proposal azure-proposal",
            ]
        )
        #expect(!lab.running.contains("ip nat inside source"), "the NAT rule's question was answered")
        #expect(!lab.running.contains("crypto"))
        let after = try await lab.plan()
        #expect(after.changes.allSatisfy { $0.action == .noop }, "\(after.changes.filter { $0.action != .noop })")
        try lab.expectNoSecretLeaked()
    }

    /// LAN routes (`lan.routes`) through the engine, on a router without tunnels (whose
    /// static-routes section holds only them): pushed, seen when someone takes one off the
    /// router, removed when the spec drops them.
    @Test func aLanRouteIsPushedWatchedAndRemoved() async throws {
        let lab = try await Lab("lan-routes")
        defer { lab.stop() }
        let route = "ip route 192.168.20.0 255.255.255.0 192.168.10.254"
        let declared = "    routes:\n      - {prefix: 192.168.20.0/24, nextHop: 192.168.10.254}\n"
        try FileManager.default.removeItem(atPath: lab.specPath + "/connection.yaml")
        try lab.edit("policy.yaml", "to: hub-vnet/app, expect: reachable", "to: hub-vnet/app, expect: blocked")
        try lab.edit(
            "onprem.yaml",
            "addressSpace: [192.168.10.0/24]",
            "addressSpace: [192.168.10.0/24, 192.168.20.0/24]"
        )
        try lab.edit("onprem.yaml", "    address: 192.168.10.1/24\n", "    address: 192.168.10.1/24\n" + declared)
        let applied = try await lab.apply()
        #expect(applied.ok, "\(applied.failed)")
        #expect(lab.running.contains(route + "\n"))
        #expect(!lab.running.contains("Tunnel"))
        let clean = try await lab.plan()
        #expect(clean.changes.allSatisfy { $0.action == .noop }, "\(clean.changes.filter { $0.action != .noop })")

        // Taken off the router out of band: the plan sees it and puts it back.
        let console = IOSSession(device: lab.device, privileged: true)
        for line in ["configure terminal", "no " + route, "end"] { _ = console.input(line) }
        #expect(!lab.running.contains(route))
        let drifted = try await lab.plan()
        let routes = try #require(drifted.changes.first { $0.address == .cisco("tokyo-rtr1", "routes") })
        // Its only line gone, the section is not on the router at all: made again.
        #expect(routes.action == .create)
        #expect(routes.preview.contains(route), "\(routes.preview)")
        var mark = lab.device.configurationLog.count
        #expect(try await lab.apply().ok)
        #expect(lab.typed(since: mark) == [route])

        // Dropped from the spec: removed.
        try lab.edit("onprem.yaml", declared, "")
        mark = lab.device.configurationLog.count
        let dropped = try await lab.apply()
        #expect(dropped.ok, "\(dropped.failed)")
        #expect(lab.typed(since: mark) == ["no " + route])
        let after = try await lab.plan()
        #expect(after.changes.allSatisfy { $0.action == .noop }, "\(after.changes.filter { $0.action != .noop })")
        try lab.expectNoSecretLeaked()
    }

    /// A route whose prefix and next hop both leave the spec, while the section stays: the
    /// section still owns what it applied, so the line is removed, not left as someone else's.
    @Test func aRouteDroppedWithItsNextHopIsRemovedNotLeftBehind() async throws {
        let lab = try await Lab("lan-routes-dropped")
        defer { lab.stop() }
        let kept = "ip route 192.168.20.0 255.255.255.0 192.168.10.254"
        let dropped = "ip route 192.168.30.0 255.255.255.0 192.168.10.253"
        let declared =
            "    routes:\n      - {prefix: 192.168.20.0/24, nextHop: 192.168.10.254}\n"
            + "      - {prefix: 192.168.30.0/24, nextHop: 192.168.10.253}\n"
        try lab.edit(
            "onprem.yaml",
            "addressSpace: [192.168.10.0/24]",
            "addressSpace: [192.168.10.0/24, 192.168.20.0/24, 192.168.30.0/24]"
        )
        try lab.edit("onprem.yaml", "    address: 192.168.10.1/24\n", "    address: 192.168.10.1/24\n" + declared)
        #expect(try await lab.apply().ok)
        #expect(lab.running.contains(kept + "\n") && lab.running.contains(dropped + "\n"))
        try lab.edit("onprem.yaml", "      - {prefix: 192.168.30.0/24, nextHop: 192.168.10.253}\n", "")
        let plan = try await lab.plan()
        let routes = try #require(plan.changes.first { $0.address == .cisco("tokyo-rtr1", "routes") })
        #expect(routes.action == .update, "\(routes.preview)")
        let mark = lab.device.configurationLog.count
        #expect(try await lab.apply().ok)
        #expect(lab.typed(since: mark) == ["no " + dropped])
        #expect(lab.running.contains(kept + "\n") && !lab.running.contains(dropped))
        let after = try await lab.plan()
        #expect(after.changes.allSatisfy { $0.action == .noop }, "\(after.changes.filter { $0.action != .noop })")
    }

    @Test func anErrorMidPushRollsBackToTheExactPreviousConfig() async throws {
        let lab = try await Lab("rollback")
        defer { lab.stop() }
        #expect(try await lab.apply().ok)
        let before = lab.running
        // Two sections change in one session; the router refuses the second one's line.
        lab.environment["TOKYO_PSK"] = "tokyo-psk-Echo5"
        try lab.edit("onprem.yaml", "tcpAdjustMss: 1350", "tcpAdjustMss: 1360")
        lab.device.refuse(linesStartingWith: "ip tcp adjust-mss")
        let report = try await lab.apply()
        #expect(!report.ok)
        let failure = report.failed.map(\.message).joined(separator: "\n")
        #expect(failure.contains("the router refused 'ip tcp adjust-mss 1360'"), "\(failure)")
        #expect(failure.contains("Rolled back: the running config is again exactly what it was before"), "\(failure)")
        #expect(lab.running == before)
        #expect(lab.device.file("reconcile-backup.cfg") == before)
        // The keyring line that went through before the failure was undone too.
        #expect(lab.typed(since: 0).contains("pre-shared-key tokyo-psk-Echo5"))
        #expect(!lab.running.contains("tokyo-psk-Echo5"))
        try lab.expectNoSecretLeaked()
    }

    @Test func previewsAndUnmanagedLinesComeFromTheObservationsNotFromAnEarlierReadOnTheSameProvider() async throws {
        // The provider once cached the last running config it read, so a provider that had not
        // read (a new instance, a plan made elsewhere) previewed nothing and found no unmanaged
        // line. What it read now travels with the observations.
        let lab = try await Lab("observed-source")
        defer { lab.stop() }
        let graph = try lab.graph()
        let reading = lab.registry
        let engine = Engine(registry: reading, backend: lab.backend)
        let state = try engine.loadState()
        let observed = try await engine.refresh(
            desired: graph,
            state: state,
            specRoot: lab.specPath,
            environment: lab.environment
        )
        func previews(_ registry: ProviderRegistry) -> [ResourceAddress: [String]] {
            let changes = Planner.plan(
                Planner.Input(desired: graph, observed: observed, state: state, registry: registry)
            )
            return Dictionary(uniqueKeysWithValues: changes.map { ($0.address, $0.preview) })
        }
        let fresh = lab.registry
        let byReader = previews(reading)
        #expect(byReader.values.contains { !$0.isEmpty }, "the blank router needs commands")
        #expect(previews(fresh) == byReader)
        let managed = Set(graph.resources.map(\.address))
        let unmanaged = try await fresh["cisco"]?.listUnmanaged(managed: managed, observed: observed) ?? []
        #expect(!unmanaged.isEmpty, "a day-zero router has lines no section owns")
        #expect(try await reading["cisco"]?.listUnmanaged(managed: managed, observed: observed) == unmanaged)
        // The running config it carries is never written: an observation encodes as its four fields.
        let router = try #require(observed.values.first { $0.address.provider == "cisco" })
        #expect(router.source != nil)
        // Printed or dumped, an observation shows none of the config it carries (keys included).
        var dumped = ""
        dump(observed, to: &dumped)
        #expect(lab.running.contains("line con 0"))
        #expect(!dumped.contains("line con 0"), "\(dumped)")
        #expect(!"\(router)".contains("line con 0"))
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(router)) as? [String: Any]
        #expect(json.map { Set($0.keys) } == ["address", "type", "attributes", "outputs"])
    }

    @Test func aLANChangeAndANewNATSourceApplyWithCommandsIOSTakes() async throws {
        // The blank router's `no ip address` on Vlan1 was negated as a bare
        // `ip address`, and a new NAT source rewrote access-list 11 from nothing.
        let lab = try await Lab("lan-change")
        defer { lab.stop() }
        try lab.edit("onprem.yaml", "sshAllowedFrom: [192.168.10.0/24]", "sshAllowedFrom: [192.168.0.0/16]")
        #expect(try await lab.apply().ok)
        #expect(!lab.typed(since: 0).contains("ip address"))
        try lab.edit("onprem.yaml", "address: 192.168.10.1/24", "address: 192.168.20.1/24")
        try lab.edit("onprem.yaml", "addressSpace: [192.168.10.0/24]", "addressSpace: [192.168.20.0/24]")
        try lab.edit("onprem.yaml", "overload: [192.168.10.0/24]", "overload: [192.168.10.0/24, 192.168.20.0/24]")
        let mark = lab.device.configurationLog.count
        let report = try await lab.apply()
        #expect(report.ok, "\(report.failed)")
        let typed = lab.typed(since: mark)
        #expect(typed.contains("ip address 192.168.20.1 255.255.255.0"), "\(typed)")
        #expect(typed.contains("access-list 11 permit 192.168.20.0 0.0.0.255"), "\(typed)")
        #expect(!typed.contains("no access-list 11"), "\(typed)")
        #expect(lab.running.contains("access-list 11 permit 192.168.10.0 0.0.0.255"))
        let after = try await lab.plan()
        #expect(after.changes.allSatisfy { $0.action == .noop }, "\(after.changes.filter { $0.action != .noop })")
    }

    @Test func aManagementPathChangeThatLocksUsOutIsNotConfirmedAndIsUndone() async throws {
        let lab = try await Lab("lockout")
        defer { lab.stop() }
        #expect(try await lab.apply().ok)
        let before = lab.running
        // SSH only from a network the engineer's station is not on: the vty ACL is on the
        // management path, so it goes last behind `reload in`, and the new session that should
        // confirm it is refused.
        // (A list that leaves the whole LAN out no longer validates: device-management-path.
        // Half of it still locks out the station at 192.168.10.254.)
        try lab.edit("onprem.yaml", "sshAllowedFrom: [192.168.10.0/24]", "sshAllowedFrom: [192.168.10.0/25]")
        let mark = lab.device.configurationLog.count
        let report = try await lab.apply()
        #expect(!report.ok)
        let failure = report.failed.map(\.message).joined(separator: "\n")
        #expect(failure.contains("no new session could be opened after the management-path change"), "\(failure)")
        // The cause once, naming what was sent and access-class; the other
        // sections of the push point at it.
        #expect(failure.contains("'access-list 12 permit 192.168.10.0 0.0.0.127'"), "\(failure)")
        #expect(failure.contains("access-class"), "\(failure)")
        #expect(report.failed.filter { $0.message.contains("Rolled back") }.count == 1, "\(failure)")
        #expect(
            report.failed.filter { !$0.message.contains("Rolled back") }.allSatisfy {
                $0.message.hasPrefix("not applied: it was in one push with cisco:tokyo-rtr1/")
            }
        )
        #expect(failure.contains("Rolled back"), "\(failure)")
        #expect(lab.running == before)
        #expect(lab.device.pendingRevert == nil, "the reload was cancelled after the rollback")
        // Without an archive path the guard is `reload in`: armed once on the blank router's
        // vty change, and once for this change.
        #expect(lab.device.scheduledReverts == [.reload, .reload])
        #expect(lab.typed(since: mark).contains("access-list 12 permit 192.168.10.0 0.0.0.127"))
    }

    @Test func aRouterWithAnArchiveUsesTheRevertTimerWhichRevertsUnconfirmedChanges() async throws {
        var config = IOSDevice.dayZero(model: "C891FJ-K9")
        config.lines.append(IOSLine("archive", children: [IOSLine("path flash:archive")]))
        let lab = try await Lab("revert", config: config)
        defer { lab.stop() }
        #expect(try await lab.apply().ok)
        // With an archive path the guard is the revert timer, never a reload, and a new
        // session confirmed it.
        #expect(lab.device.scheduledReverts.count == 1)
        if case .timer? = lab.device.scheduledReverts.first {
        } else {
            Issue.record("the guard was \(lab.device.scheduledReverts), not the revert timer")
        }
        #expect(lab.device.pendingRevert == nil, "confirmed from a new session")
        // The timer itself: a change made under it and never confirmed goes away.
        let before = lab.device.runningConfig
        let session = IOSSession(device: lab.device, privileged: true)
        _ = session.input("configure terminal revert timer 1")
        _ = session.input("hostname unconfirmed")
        _ = session.input("end")
        #expect(lab.device.hostname == "unconfirmed")
        try await Task.sleep(for: .milliseconds(900))
        #expect(lab.device.runningConfig == before)
    }

    @Test func aHostKeyThatIsNotThePinnedOneRefusesTheRouter() async throws {
        let lab = try await Lab("hostkey")
        defer { lab.stop() }
        let impostor = IOSSSHServer(device: IOSDevice(), username: "x", password: "y")
        try impostor.start()
        defer { impostor.stop() }
        try Data("[127.0.0.1]:\(lab.router.port) \(impostor.hostKeyLine)\n".utf8).write(to: lab.knownHosts)
        await #expect {
            _ = try await lab.plan()
        } throws: { error in
            "\(error)".contains("host key check failed")
        }
        #expect(lab.device.configurationLog.isEmpty)
    }
}
