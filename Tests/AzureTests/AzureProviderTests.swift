import Azure
import AzureModel
import BuiltInProviders
import Foundation
import Reconciler
import Spec
import TestSupport
import Testing

/// The Azure provider against the Azure model over loopback HTTP: the same client code
/// that talks to Azure.
@Suite("Azure provider against the Azure model", .serialized)
struct AzureProviderTests {
    struct Lab {
        let server: AzureModelServer
        let provider: AzureProvider
        let backend: LocalStateBackend
        let directory: URL
        /// Where file secrets (`fromFile:`) are read from.
        var specRoot = "."

        init(_ label: String, group: String = "rg-s2s-tokyo", options: AzureModel.Options = AzureModel.Options())
            async throws
        {
            server = AzureModelServer(model: AzureModel(options: options))
            try await server.start()
            let url = server.url
            provider = AzureProvider(
                client: ARMClient(
                    baseURL: url,
                    token: { "lab-token" },
                    sleep: { _ in try await Task.sleep(for: .milliseconds(20)) }
                ),
                subscription: "00000000-0000-0000-0000-000000000000",
                group: group
            )
            directory = try Fixture.temporaryDirectory(label)
            backend = LocalStateBackend(directory: directory.appendingPathComponent("state").path)
        }

        /// The Azure side of an example, as lowered.
        func azureGraph(_ example: String) throws -> DesiredGraph {
            let spec = SpecPipeline.run(Fixture.path("examples/\(example)"), lowering: BuiltIn.lowering)
            let graph = try #require(spec.graph)
            return DesiredGraph(graph.resources.filter { $0.provider == "azure" })
        }

        /// The plan of `graph` against the model, from this lab's state or from `state`'s.
        func plan(_ graph: DesiredGraph, environment: [String: String], state: LocalStateBackend? = nil) async throws
            -> [PlannedChange]
        {
            let engine = Engine(registry: ProviderRegistry([provider]), backend: state ?? backend)
            let state = try engine.loadState()
            let observed = try await engine.refresh(desired: graph, state: state)
            let printer = try engine.fingerprinter()
            return Planner.plan(
                Planner.Input(
                    desired: graph,
                    observed: observed,
                    state: state,
                    registry: ProviderRegistry([provider]),
                    fingerprint: { [specRoot] source in
                        let secrets = SecretResolver(specRoot: specRoot, environment: environment)
                        let ref = SecretRef(source: source, location: .whole(specRoot))
                        return (try? secrets.resolve(ref)).map(printer.fingerprint)
                    }
                )
            )
        }

        func destroyPlan(_ graph: DesiredGraph) async throws -> [PlannedChange] {
            let engine = Engine(registry: ProviderRegistry([provider]), backend: backend)
            let state = try engine.loadState()
            return Planner.plan(
                Planner.Input(
                    desired: graph,
                    observed: try await engine.refresh(desired: graph, state: state),
                    state: state,
                    registry: ProviderRegistry([provider]),
                    destroy: true
                )
            )
        }

        func apply(_ graph: DesiredGraph, environment: [String: String]) async throws -> ApplyReport {
            try await applyChanges(try await plan(graph, environment: environment), environment: environment)
        }

        func applyChanges(_ changes: [PlannedChange], environment: [String: String]) async throws -> ApplyReport {
            try backend.commit(try backend.load() ?? State(lineage: "azure-test"))
            let executor = Executor(
                registry: ProviderRegistry([provider]),
                backend: backend,
                fingerprinter: Fingerprinter(key: try backend.fingerprintKey()),
                secrets: SecretResolver(specRoot: specRoot, environment: environment),
                options: ApplyOptions(sleep: { _ in try await Task.sleep(for: .milliseconds(5)) })
            )
            var report = await executor.apply(changes, state: try backend.load() ?? State(lineage: "azure-test"))
            report.state.serial += 1
            try backend.commit(report.state)
            return report
        }

        func stop() {
            server.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static let environment = ["TOKYO_PSK": "psk-value-1", "OSAKA_PSK": "osaka-psk-2", "ER_AUTH": "er-auth-3"]

    static let examples = [
        ("s2s-cisco891-pppoe", "rg-s2s-tokyo"), ("vwan-internet-via-azure", "rg-vwan-japan"),
        ("routeserver-nva-default-route", "rg-rs-hub"),
    ]

    @Test(arguments: examples)
    func anExamplesAzureSideAppliesAndThenPlansClean(_ example: String, _ group: String) async throws {
        let lab = try await Lab("example", group: group)
        defer { lab.stop() }
        let graph = try lab.azureGraph(example)
        let report = try await lab.apply(graph, environment: Self.environment)
        #expect(report.ok, "\(report.failed)")
        #expect(report.succeeded.count == graph.resources.count)
        let again = try await lab.plan(graph, environment: Self.environment)
        let pending = again.filter { $0.action != .noop }
        #expect(pending.isEmpty, "perpetual diff: \(pending.map { "\($0.address) \($0.changes.map(\.path))" })")
        // What Azure received is ARM's shape: references as {"id": …} objects.
        if example == "vwan-internet-via-azure" {
            let path = lab.provider.path(.azure("virtualHubs/japan-hub/hubVirtualNetworkConnections/app-vnet"))
            let body = try #require(try await lab.provider.client.get(path, apiVersion: "2024-05-01"))
            let text = JSONOutput.encode(Value.map(body))
            #expect(text.contains("\"remoteVirtualNetwork\" : {\n      \"id\" : \"/subscriptions/"))
        }
        // Destroy: children before parents, and nothing is left.
        let destroy = try await lab.destroyPlan(graph)
        #expect(destroy.allSatisfy { $0.action == .delete })
        let gone = try await lab.applyChanges(destroy, environment: Self.environment)
        #expect(gone.ok, "\(gone.failed)")
        let leftover = try await lab.provider.read(
            graph.resources.map(\.address),
            context: ReadContext(fingerprint: { $0 })
        )
        #expect(leftover.isEmpty, "left behind: \(leftover.keys.sorted())")
        // Public IPs came from Azure and were in state as outputs before the destroy.
        let backup = try String(contentsOfFile: lab.backend.directory + "/state.json.backup", encoding: .utf8)
        #expect(!graph.resources.contains { $0.type == AzureTypes.publicIP } || backup.contains("\"ipAddress\""))
        // No secret reached the state or a plan, nor came back from the model.
        let text = try String(contentsOfFile: lab.backend.directory + "/state.json", encoding: .utf8)
        let rendered = PlanRenderer.render(
            Plan(lineage: "l", serial: 1, specDigest: "d", spec: "s", changes: again),
            format: .json
        )
        for secret in Self.environment.values {
            #expect(!text.contains(secret) && !rendered.contains(secret))
        }
    }

    /// Azure takes one write at a time per gateway, not per subscription: connections to two
    /// gateways the same apply creates must not share a queue, and a connection is queued with
    /// its gateway's others whether the gateway is new (a reference) or exists (an ARM id).
    @Test func connectionsQueuePerGatewayEvenWhenTheGatewaysAreNew() throws {
        let provider = AzureProvider(
            client: ARMClient(baseURL: "http://127.0.0.1:9", token: { "unused" }),
            subscription: "00000000-0000-0000-0000-000000000000",
            group: "rg"
        )
        func connection(_ name: String, gateway: Value) -> PlannedChange {
            PlannedChange(
                address: .azure("connections/\(name)"),
                type: AzureTypes.connection,
                action: .create,
                desired: ["virtualNetworkGateway1": gateway],
                dependencies: []
            )
        }
        let new1 = Value.reference(OutputReference(.azure("virtualNetworkGateways/vpngw-1"), "id"))
        let new2 = Value.reference(OutputReference(.azure("virtualNetworkGateways/vpngw-2"), "id"))
        let existing1 = Value.string(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
                + "Microsoft.Network/virtualNetworkGateways/VPNGW-1"
        )
        let keys = [new1, new2, existing1].map { provider.serializationKey(connection("c", gateway: $0)) }
        #expect(keys[0] != nil)
        #expect(keys[0] != keys[1])
        #expect(keys[0] == keys[2])
    }

    @Test func aRefreshCostsRequestsPerTypeNotPerResource() async throws {
        let lab = try await Lab("refresh", options: AzureModel.Options(pageSize: 7))
        defer { lab.stop() }
        let graph = try lab.azureGraph("s2s-cisco891-pppoe")
        _ = try await lab.apply(graph, environment: Self.environment)
        let before = await lab.server.model.requestCount
        let engine = Engine(registry: ProviderRegistry([lab.provider]), backend: lab.backend)
        _ = try await engine.refresh(desired: graph, state: try engine.loadState())
        let requests = await lab.server.model.requestCount - before
        // resource group (1) + one list per type (5): 6, whatever the number of resources.
        #expect(requests == 6)
    }

    @Test func aRefreshOf500ResourcesCostsOneListPerType() async throws {
        let lab = try await Lab("refresh500", group: "rg-big", options: AzureModel.Options(pageSize: 100))
        defer { lab.stop() }
        let client = lab.provider.client
        _ = try await client.put(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-big",
            apiVersion: "2021-04-01",
            body: ["location": "japaneast"]
        )
        var addresses: [ResourceAddress] = []
        for i in 0..<250 {
            for type in ["localNetworkGateways", "publicIPAddresses"] {
                let address = ResourceAddress.azure("\(type)/r\(i)")
                let body: Attributes =
                    type == "publicIPAddresses"
                    ? [
                        "location": "japaneast", "sku": .map(["name": "Standard"]),
                        "properties": .map(["publicIPAllocationMethod": "Static"]),
                    ]
                    : [
                        "location": "japaneast",
                        "properties": .map(["gatewayIpAddress": .string("203.0.113.\(i % 250 + 1)")]),
                    ]
                _ = try await client.put(lab.provider.path(address), apiVersion: "2024-05-01", body: body)
                addresses.append(address)
            }
        }
        let before = await lab.server.model.requestCount
        let found = try await lab.provider.read(addresses, context: ReadContext(fingerprint: { $0 }))
        let requests = await lab.server.model.requestCount - before
        #expect(found.count == 500)
        // Two types, three pages of 100 each: 6 requests for 500 resources.
        #expect(requests == 6)
    }

    @Test func subnetsTheSpecDoesNotOwnSurviveAndAreNotADiff() async throws {
        let lab = try await Lab("subnets")
        defer { lab.stop() }
        let graph = try lab.azureGraph("s2s-cisco891-pppoe")
        #expect(try await lab.apply(graph, environment: Self.environment).ok)
        // Someone adds a subnet in the portal.
        let client = lab.provider.client
        let vnetPath = lab.provider.path(.azure("virtualNetworks/hub-vnet"))
        var body = try #require(try await client.get(vnetPath, apiVersion: "2024-05-01"))
        guard case .map(var properties)? = body["properties"], case .list(var subnets)? = properties["subnets"] else {
            Issue.record("no subnets")
            return
        }
        subnets.append(.map(["name": "portal-made", "properties": .map(["addressPrefix": "10.10.50.0/24"])]))
        properties["subnets"] = .list(subnets)
        body["properties"] = .map(properties)
        _ = try await client.put(vnetPath, apiVersion: "2024-05-01", body: body)
        // Not a diff...
        #expect(try await lab.plan(graph, environment: Self.environment).allSatisfy { $0.action == .noop })
        // ...and an update of the VNet keeps it.
        let changed = DesiredGraph(
            graph.resources.map { resource in
                guard resource.type == AzureTypes.virtualNetwork else { return resource }
                var moved = resource
                moved.attributes["dnsServers"] = .list(["10.10.1.4"])
                return moved
            }
        )
        #expect(try await lab.apply(changed, environment: Self.environment).ok)
        let after = try #require(try await client.get(vnetPath, apiVersion: "2024-05-01"))
        #expect(JSONOutput.encode(Value.map(after)).contains("portal-made"))
        #expect(try await lab.plan(changed, environment: Self.environment).allSatisfy { $0.action == .noop })
    }

    @Test func anInterruptedOperationIsResumedNotStartedAgain() async throws {
        // Gateways take 45 min x 0.004 = about 11 s here: long enough to interrupt.
        let server = AzureModelServer(model: AzureModel(options: AzureModel.Options(timeScale: 0.004)))
        try await server.start()
        defer { server.stop() }
        let directory = try Fixture.temporaryDirectory("resume")
        defer { try? FileManager.default.removeItem(at: directory) }
        let journalFile = directory.appendingPathComponent("azure-operations.json").path
        func client() -> ARMClient {
            ARMClient(baseURL: server.url, token: { "lab" }, operations: OperationJournal(file: journalFile))
        }
        let base = "/subscriptions/s/resourceGroups/rg"
        let first = client()
        _ = try await first.put(base, apiVersion: "2021-04-01", body: ["location": "japaneast"])
        let vnet: Attributes = [
            "location": "japaneast",
            "properties": .map([
                "addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])]),
                "subnets": .list([
                    .map(["name": "GatewaySubnet", "properties": .map(["addressPrefix": "10.0.255.0/27"])])
                ]),
            ]),
        ]
        _ = try await first.put(
            base + "/providers/Microsoft.Network/virtualNetworks/v",
            apiVersion: "2024-05-01",
            body: vnet
        )
        let gatewayPath = base + "/providers/Microsoft.Network/virtualNetworkGateways/g"
        let gateway: Attributes = [
            "location": "japaneast",
            "properties": .map([
                "gatewayType": "Vpn", "sku": .map(["name": "VpnGw1AZ"]),
                "ipConfigurations": .list([
                    .map([
                        "name": "c",
                        "properties": .map([
                            "subnet": .map([
                                "id": .string(
                                    base + "/providers/Microsoft.Network/virtualNetworks/v/subnets/GatewaySubnet"
                                )
                            ])
                        ]),
                    ])
                ]),
            ]),
        ]
        // The first run starts the gateway and is killed while Azure builds it.
        let run = Task { try await first.put(gatewayPath, apiVersion: "2024-05-01", body: gateway) }
        while OperationJournal(file: journalFile).operation(for: gatewayPath) == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        run.cancel()
        _ = await run.result
        // The next run finds the operation and follows it: no second PUT.
        let result = try await client().put(gatewayPath, apiVersion: "2024-05-01", body: gateway)
        if case .map(let properties)? = result["properties"] {
            #expect(properties["provisioningState"] == "Succeeded")
        }
        #expect(await server.model.puts[gatewayPath.lowercased()] == 1)
        #expect(OperationJournal(file: journalFile).operation(for: gatewayPath) == nil)
    }

    @Test func aLongDeleteIsPolledThroughItsLocation() async throws {
        let p2s = try await Lab("long-delete")
        defer { p2s.stop() }
        let gatewayGraph = try p2s.azureGraph("s2s-cisco891-pppoe")
        #expect(try await p2s.apply(gatewayGraph, environment: Self.environment).ok)
        // The connection goes first (it uses the gateway), then the gateway, which takes long.
        try await p2s.provider.client.delete(p2s.provider.path(.azure("connections/azure")), apiVersion: "2024-05-01")
        let path = p2s.provider.path(.azure("virtualNetworkGateways/hub-vpngw"))
        let answer = try await p2s.provider.client.send("DELETE", path, apiVersion: "2024-05-01")
        #expect(answer.status == 202)
        #expect(answer.headers["location"]?.contains("/operationResults/") == true)
        #expect(answer.headers["azure-asyncoperation"]?.contains("/operations/") == true)
        let during = try #require(try await p2s.provider.client.get(path, apiVersion: "2024-05-01"))
        if case .map(let properties)? = during["properties"] { #expect(properties["provisioningState"] == "Deleting") }
        // Following the Location alone (as a client that knows only it does) ends when the gateway is gone.
        var locationOnly = answer
        locationOnly.headers["azure-asyncoperation"] = nil
        try await p2s.provider.client.waitForOperation(
            locationOnly,
            path: path,
            apiVersion: "2024-05-01",
            deleting: true
        )
        #expect(try await p2s.provider.client.get(path, apiVersion: "2024-05-01") == nil)
    }

    @Test func changingAnImmutableAttributeReplaces() async throws {
        let lab = try await Lab("replace")
        defer { lab.stop() }
        let graph = try lab.azureGraph("s2s-cisco891-pppoe")
        #expect(try await lab.apply(graph, environment: Self.environment).ok)
        // Move the gateway's public IP to another SKU: Azure cannot change it in place.
        let changed = DesiredGraph(
            graph.resources.map { resource in
                guard resource.type == AzureTypes.publicIP else { return resource }
                var moved = resource
                moved.attributes["sku"] = "Basic"
                return moved
            }
        )
        let plan = try await lab.plan(changed, environment: Self.environment)
        let pip = try #require(plan.first { $0.type == AzureTypes.publicIP })
        #expect(pip.action == .replace)
        #expect(pip.replaceReasons == ["sku"])
    }

    @Test func azureRulesComeBackWithAzuresErrorCodes() async throws {
        let lab = try await Lab("rules")
        defer { lab.stop() }
        let client = lab.provider.client
        _ = try await client.put(
            "/subscriptions/s/resourceGroups/rg",
            apiVersion: "2021-04-01",
            body: ["location": "japaneast"]
        )
        let vnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"
        func subnets(_ prefixes: [String]) -> Attributes {
            [
                "location": "japaneast",
                "properties": .map([
                    "addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])]),
                    "subnets": .list(
                        prefixes.enumerated().map { i, p in
                            .map([
                                "name": .string(i == 0 ? "GatewaySubnet" : "s\(i)"),
                                "properties": .map(["addressPrefix": .string(p)]),
                            ])
                        }
                    ),
                ]),
            ]
        }
        for (prefixes, code) in [
            (["10.1.0.0/24"], "NetcfgSubnetRangeOutsideVnet"),
            (["10.0.0.0/24", "10.0.0.128/25"], "NetcfgSubnetRangesOverlap"),
            (["10.0.0.0/30"], "NetcfgInvalidSubnet"),
        ] {
            await #expect(throws: ARMError.self) {
                _ = try await client.put(vnet, apiVersion: "2024-05-01", body: subnets(prefixes))
            }
            do {
                _ = try await client.put(vnet, apiVersion: "2024-05-01", body: subnets(prefixes))
            } catch let error as ARMError {
                #expect(error.code == code)
                #expect(error.status == 400)
            }
        }
        _ = try await client.put(vnet, apiVersion: "2024-05-01", body: subnets(["10.0.255.0/28"]))
        let gateway = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/g"
        do {
            _ = try await client.put(
                gateway,
                apiVersion: "2024-05-01",
                body: [
                    "location": "japaneast",
                    "properties": .map([
                        "sku": .map(["name": "VpnGw1AZ"]),
                        "ipConfigurations": .list([
                            .map([
                                "name": "c",
                                "properties": .map(["subnet": .map(["id": .string(vnet + "/subnets/GatewaySubnet")])]),
                            ])
                        ]),
                    ]),
                ]
            )
            Issue.record("a /28 GatewaySubnet for VpnGw1AZ was accepted")
        } catch let error as ARMError {
            #expect(error.code == "GatewaySubnetTooSmall")
        }
    }

    @Test func moreOfAzuresRulesAreEnforced() async throws {
        let lab = try await Lab("more-rules")
        defer { lab.stop() }
        let client = lab.provider.client
        let base = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network"
        _ = try await client.put(
            "/subscriptions/s/resourceGroups/rg",
            apiVersion: "2021-04-01",
            body: ["location": "japaneast"]
        )
        func code(_ path: String, _ body: Attributes) async -> String? {
            do {
                _ = try await client.put(base + path, apiVersion: "2024-05-01", body: body)
                return nil
            } catch let error as ARMError {
                return error.code
            } catch {
                return "\(error)"
            }
        }
        let vnet: Attributes = [
            "location": "japaneast",
            "properties": .map([
                "addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])]),
                "subnets": .list([
                    .map(["name": "GatewaySubnet", "properties": .map(["addressPrefix": "10.0.255.0/27"])]),
                    .map(["name": "RouteServerSubnet", "properties": .map(["addressPrefix": "10.0.254.0/27"])]),
                ]),
            ]),
        ]
        #expect(await code("/virtualNetworks/v", vnet) == nil)
        func gateway(sku: String, asn: Int = 65515) -> Attributes {
            [
                "location": "japaneast",
                "properties": .map([
                    "gatewayType": "Vpn", "sku": .map(["name": .string(sku)]), "bgpSettings": .map(["asn": .int(asn)]),
                    "ipConfigurations": .list([
                        .map([
                            "name": "c",
                            "properties": .map([
                                "subnet": .map(["id": .string(base + "/virtualNetworks/v/subnets/GatewaySubnet")])
                            ]),
                        ])
                    ]),
                ]),
            ]
        }
        #expect(await code("/virtualNetworkGateways/g", gateway(sku: "VpnGw1")) == "InvalidGatewaySku")
        var misplaced = gateway(sku: "VpnGw1AZ")
        misplaced["properties"] = .map([
            "gatewayType": "Vpn", "sku": .map(["name": "VpnGw1AZ"]),
            "ipConfigurations": .list([
                .map([
                    "name": "c",
                    "properties": .map(["subnet": .map(["id": .string(base + "/virtualNetworks/v/subnets/app")])]),
                ])
            ]),
        ])
        #expect(await code("/virtualNetworkGateways/g", misplaced) == "InvalidGatewaySubnet")
        #expect(
            await code(
                "/virtualHubs/rs/ipConfigurations/ipconfig1",
                [
                    "properties": .map([
                        "subnet": .map(["id": .string(base + "/virtualNetworks/v/subnets/GatewaySubnet")])
                    ])
                ]
            ) == "InvalidRouteServerSubnet"
        )
        #expect(await code("/virtualNetworkGateways/g", gateway(sku: "VpnGw1AZ", asn: 65517)) == "BgpAsnReserved")
        #expect(
            await code(
                "/localNetworkGateways/l",
                ["location": "japaneast", "properties": .map(["bgpSettings": .map(["asn": 65515])])]
            ) == "BgpAsnReserved"
        )
        #expect(
            await code(
                "/virtualHubs/rs/ipConfigurations/ipconfig1",
                [
                    "properties": .map([
                        "subnet": .map(["id": .string(base + "/virtualNetworks/v/subnets/RouteServerSubnet")])
                    ])
                ]
            ) == "RouteServerSubnetTooSmall"
        )
        // A subnet a gateway uses cannot be dropped by a VNet update.
        #expect(await code("/virtualNetworkGateways/g", gateway(sku: "VpnGw1AZ")) == nil)
        var withoutGatewaySubnet = vnet
        withoutGatewaySubnet["properties"] = .map([
            "addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])]),
            "subnets": .list([
                .map(["name": "RouteServerSubnet", "properties": .map(["addressPrefix": "10.0.254.0/26"])])
            ]),
        ])
        try await Task.sleep(for: .seconds(2))  // let the gateway finish provisioning
        #expect(await code("/virtualNetworks/v", withoutGatewaySubnet) == "InUseSubnetCannotBeDeleted")
    }

    @Test func oneGatewayPerTypeMissingReferencesAndBusyResources() async throws {
        let lab = try await Lab("gateway-rules", options: AzureModel.Options(timeScale: 0.002))
        defer { lab.stop() }
        let graph = try lab.azureGraph("s2s-cisco891-pppoe")
        #expect(try await lab.apply(graph, environment: Self.environment).ok)
        let client = lab.provider.client
        let existing = try #require(
            try await client.get(
                lab.provider.path(.azure("virtualNetworkGateways/hub-vpngw")),
                apiVersion: "2024-05-01"
            )
        )
        var second = existing
        second["id"] = nil
        second["etag"] = nil
        do {
            _ = try await client.put(
                lab.provider.path(.azure("virtualNetworkGateways/second")),
                apiVersion: "2024-05-01",
                body: second
            )
            Issue.record("a second VPN gateway in one VNet was accepted")
        } catch let error as ARMError {
            #expect(error.code == "VirtualNetworkGatewayAlreadyExists")
        }
        // A connection to a gateway that does not exist.
        do {
            _ = try await client.put(
                lab.provider.path(.azure("connections/dangling")),
                apiVersion: "2024-05-01",
                body: [
                    "location": "japaneast",
                    "properties": .map([
                        "connectionType": "IPsec",
                        "virtualNetworkGateway1": .map([
                            "id": .string(lab.provider.path(.azure("virtualNetworkGateways/nope")))
                        ]),
                    ]),
                ]
            )
            Issue.record("a dangling reference was accepted")
        } catch let error as ARMError {
            #expect(error.code == "InvalidResourceReference")
        }
        // While an operation runs, another write gets 409 AnotherOperationInProgress; the
        // client waits and retries, so the second write lands after the first.
        let path = lab.provider.path(.azure("virtualNetworkGateways/hub-vpngw"))
        var update = existing
        update["tags"] = .map(["owner": "netops", "changed": "yes"])
        let answer = try await client.send("PUT", path, apiVersion: "2024-05-01", body: .map(update))
        #expect(answer.status == 200)
        let raw = await lab.server.model.handle(
            ARMRequest(
                method: "PUT",
                path: path,
                query: ["api-version": "2024-05-01"],
                headers: ["authorization": "Bearer x"],
                body: Array(JSONOutput.encode(Value.map(update)).utf8),
                base: lab.server.url
            )
        )
        #expect(raw.status == 409)
        #expect(String(decoding: raw.body, as: UTF8.self).contains("AnotherOperationInProgress"))
        let patient = ARMClient(baseURL: lab.server.url, token: { "lab" })  // real backoff: 409 waits 2 s
        let retried = try await patient.put(path, apiVersion: "2024-05-01", body: update)
        if case .map(let tags)? = retried["tags"] { #expect(tags["changed"] == "yes") }
        // And what no spec owns is listed, one list per type.
        let unmanaged = try await lab.provider.listUnmanaged(
            managed: Set(graph.resources.map(\.address)),
            observed: [:]
        )
        #expect(unmanaged.isEmpty)
    }

    @Test func theWireContractIsARMs() async throws {
        let lab = try await Lab("wire")
        defer { lab.stop() }
        let model = lab.server.model
        let path = "/subscriptions/s/resourceGroups/rg"
        let noVersion = await model.handle(
            ARMRequest(
                method: "GET",
                path: path,
                query: [:],
                headers: ["authorization": "Bearer x"],
                body: [],
                base: ""
            )
        )
        #expect(noVersion.status == 400)
        #expect(String(decoding: noVersion.body, as: UTF8.self).contains("MissingApiVersionParameter"))
        let noToken = await model.handle(
            ARMRequest(
                method: "GET",
                path: path,
                query: ["api-version": "2021-04-01"],
                headers: [:],
                body: [],
                base: ""
            )
        )
        #expect(noToken.status == 401)
        // azure-mgmt-network 33's version for a network type (resource groups have their own).
        let sdkVersion = await model.handle(
            ARMRequest(
                method: "GET",
                path: path + "/providers/Microsoft.Network/virtualNetworks/v",
                query: ["api-version": "2026-03-01"],
                headers: ["authorization": "Bearer x"],
                body: [],
                base: ""
            )
        )
        #expect(sdkVersion.status == 404)  // accepted version; the VNet does not exist
        #expect(String(decoding: sdkVersion.body, as: UTF8.self).contains("ResourceNotFound"))
    }

    @Test func throttlingServerErrorsAndDroppedConnectionsAreRetried() async throws {
        let lab = try await Lab(
            "faults",
            options: AzureModel.Options(faults: .init(throttleEvery: 3, serverErrorEvery: 7, dropEvery: 5))
        )
        defer { lab.stop() }
        let graph = try lab.azureGraph("s2s-cisco891-pppoe")
        let report = try await lab.apply(graph, environment: Self.environment)
        #expect(report.ok, "\(report.failed)")
        // Every fifth answer was lost after the model acted on it; nothing is missing or doubled.
        let requests = await lab.server.model.requestCount
        #expect(requests >= 15)
        let again = try await lab.plan(graph, environment: Self.environment)
        #expect(again.allSatisfy { $0.action == .noop }, "\(again.filter { $0.action != .noop }.map(\.address))")
        // A connection that drops every time is an error that names the call, not a hang.
        let flaky = AzureModelServer(model: AzureModel(options: .init(faults: .init(dropEvery: 1))))
        try await flaky.start()
        defer { flaky.stop() }
        let client = ARMClient(baseURL: flaky.url, token: { "t" }, maxAttempts: 3, sleep: { _ in })
        do {
            _ = try await client.get("/subscriptions/s/resourceGroups/rg", apiVersion: "2021-04-01")
            Issue.record("a call whose answers were all lost succeeded")
        } catch let error as ARMError {
            #expect(
                error.code == "ConnectionFailed" && error.message.contains("GET /subscriptions/s/resourceGroups/rg")
            )
        }
        #expect(await flaky.model.requestCount == 3)
    }

    /// The client's retries are the retries: an error it gave up on is not retryable again, so the
    /// executor's own tries do not multiply them (8 x 5 = 40 requests for one write).
    @Test func anErrorTheClientGaveUpOnIsNotRetriedAgain() async throws {
        let failing = AzureModelServer(model: AzureModel(options: .init(faults: .init(serverErrorEvery: 1))))
        try await failing.start()
        defer { failing.stop() }
        let provider = AzureProvider(
            client: ARMClient(baseURL: failing.url, token: { "t" }, maxAttempts: 3, sleep: { _ in }),
            subscription: "00000000-0000-0000-0000-000000000000",
            group: "rg"
        )
        let change = ResolvedChange(
            address: Lowering.AzureAddress.resourceGroup,
            type: AzureTypes.resourceGroup,
            action: .create,
            attributes: ["name": "rg", "location": "japaneast"],
            prior: nil
        )
        do {
            _ = try await provider.apply([change])
            Issue.record("a write Azure always refused succeeded")
        } catch let error as ProviderError {
            #expect(!error.retryable, "\(error.message)")
            #expect(error.message.contains("InternalServerError"), "\(error.message)")
        }
        #expect(await failing.model.requestCount == 3)
        // A refusal the client does not retry at all (a 400) is not retryable either.
        let refused = ARMError(status: 400, code: "InvalidRequestFormat", message: "bad")
        #expect(!refused.retryable && !refused.attemptsExhausted)
    }

    /// An endpoint that keeps refusing costs one client budget per change, not that budget
    /// times the executor's tries, and the failure says how long the client tried.
    @Test(arguments: [
        (AzureModel.Faults(throttleEvery: 1), "TooManyRequests (429)", "62.0s"),
        (AzureModel.Faults(serverErrorEvery: 1), "InternalServerError (500)", "61.5s"),
    ])
    func anApplyAgainstARefusingEndpointSpendsOneClientBudget(
        _ faults: AzureModel.Faults,
        _ refusal: String,
        _ waited: String
    ) async throws {
        let lab = try await Lab("refusing")
        defer { lab.stop() }
        let planned = try await lab.plan(try lab.azureGraph("s2s-cisco891-pppoe"), environment: Self.environment)
        let changes = planned.filter { $0.address == Lowering.AzureAddress.resourceGroup }
        #expect(changes.map(\.action) == [.create])
        let refusing = AzureModelServer(model: AzureModel(options: .init(faults: faults)))
        try await refusing.start()
        defer { refusing.stop() }
        let client = ARMClient(baseURL: refusing.url, token: { "t" }, sleep: { _ in })
        let provider = AzureProvider(client: client, subscription: lab.provider.subscription, group: "rg-s2s-tokyo")
        let executor = Executor(
            registry: ProviderRegistry([provider]),
            backend: lab.backend,
            fingerprinter: Fingerprinter(key: try lab.backend.fingerprintKey()),
            secrets: SecretResolver(specRoot: ".", environment: Self.environment),
            // A sleep that can be cancelled: the executor's heartbeat loops on it until the unit ends.
            options: ApplyOptions(sleep: { _ in try await Task.sleep(for: .milliseconds(5)) })
        )
        #expect(executor.options.maxAttempts > 1)
        let report = await executor.apply(changes, state: State(lineage: "azure-test"))
        let failure = try #require(report.failed.first)
        #expect(report.failed.count == 1 && failure.address == Lowering.AzureAddress.resourceGroup)
        #expect(
            failure.message.hasPrefix(refusal)
                && failure.message.hasSuffix("(gave up after \(client.maxAttempts) attempts over \(waited))"),
            "\(failure.message)"
        )
        #expect(await refusing.model.requestCount == client.maxAttempts)
        #expect(client.sent.value == client.maxAttempts)
    }

    /// A refresh that fails keeps the provider's error under the engine's: a caller reads the
    /// ARM error (and how often the client tried) from it, not from the text, which is unchanged.
    @Test func aFailedRefreshKeepsTheProvidersError() async throws {
        let refusing = AzureModelServer(model: AzureModel(options: .init(faults: .init(throttleEvery: 1))))
        try await refusing.start()
        defer { refusing.stop() }
        let client = ARMClient(baseURL: refusing.url, token: { "t" }, sleep: { _ in })
        let lab = try await Lab("refresh-fails")
        defer { lab.stop() }
        let provider = AzureProvider(client: client, subscription: lab.provider.subscription, group: "rg-s2s-tokyo")
        let engine = Engine(registry: ProviderRegistry([provider]), backend: lab.backend)
        let graph = try lab.azureGraph("s2s-cisco891-pppoe")
        var failure: Engine.Failure?
        do {
            _ = try await engine.refresh(desired: graph, state: State(lineage: ""))
        } catch {
            failure = error
        }
        let arm = try #require(failure?.underlying as? ARMError, "\(String(describing: failure))")
        #expect(arm.status == 429 && arm.exhausted?.attempts == client.maxAttempts)
        #expect(failure?.description == "reading azure failed: \(arm.description)")
    }

    @Test func anOperationThatEndsFailedFailsTheApplyAndIsPlannedAgain() async throws {
        let lab = try await Lab(
            "failed-op",
            options: AzureModel.Options(faults: .init(failingTypes: ["virtualNetworkGateways"]))
        )
        defer { lab.stop() }
        let graph = try lab.azureGraph("s2s-cisco891-pppoe")
        let report = try await lab.apply(graph, environment: Self.environment)
        let gateway = ResourceAddress.azure("virtualNetworkGateways/hub-vpngw")
        let failure = try #require(report.failed.first)
        #expect(report.failed.count == 1 && failure.address == gateway)
        #expect(failure.message.contains("InternalServerError"), "\(failure.message)")
        #expect(report.skipped.map(\.address) == [.azure("connections/azure")])
        // The gateway exists but Failed: the next plan applies it again, and says why.
        let again = try await lab.plan(graph, environment: Self.environment)
        let retry = try #require(again.first { $0.address == gateway })
        #expect(retry.action == .update)
        #expect(retry.changes.map(\.path) == ["provisioningState"])
        #expect(again.first { $0.address == .azure("connections/azure") }?.action == .create)
    }

    @Test func anETagGuardsAWriteAgainstAChangeMadeSinceTheRead() async throws {
        let lab = try await Lab("etag")
        defer { lab.stop() }
        let client = lab.provider.client
        let group = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-s2s-tokyo"
        _ = try await client.put(group, apiVersion: "2021-04-01", body: ["location": "japaneast"])
        let path = group + "/providers/Microsoft.Network/localNetworkGateways/site"
        let body: Attributes = ["location": "japaneast", "properties": .map(["gatewayIpAddress": "203.0.113.9"])]
        let first = try await client.put(path, apiVersion: "2024-05-01", body: body)
        guard case .string(let seen)? = first["etag"] else {
            Issue.record("no ETag in \(first)")
            return
        }
        // Someone else writes: the ETag changes.
        let second = try await client.put(path, apiVersion: "2024-05-01", body: body)
        #expect(second["etag"] != first["etag"])
        await #expect(throws: ARMError.self) {
            _ = try await client.put(path, apiVersion: "2024-05-01", body: body, ifMatch: seen)
        }
        do {
            _ = try await client.put(path, apiVersion: "2024-05-01", body: body, ifMatch: seen)
        } catch let error as ARMError {
            #expect(error.status == 412 && error.code == "PreconditionFailed")
        }
        guard case .string(let current)? = second["etag"] else { return }
        _ = try await client.put(path, apiVersion: "2024-05-01", body: body, ifMatch: current)
        // If-None-Match: * creates only; If-Match: * updates only.
        func refusal(_ method: String, _ target: String, _ headers: [String: String]) async -> String? {
            do {
                _ = try await client.send(method, target, apiVersion: "2024-05-01", body: .map(body), headers: headers)
                return nil
            } catch let error as ARMError {
                return "\(error.status) \(error.code)"
            } catch {
                return "\(error)"
            }
        }
        #expect(await refusal("PUT", path, ["If-None-Match": "*"]) == "412 PreconditionFailed")
        let nothing = group + "/providers/Microsoft.Network/localNetworkGateways/nothing"
        #expect(await refusal("DELETE", nothing, ["If-Match": "*"]) == "412 PreconditionFailed")
        #expect(await refusal("PUT", nothing, ["If-None-Match": "*"]) == nil)
    }

    /// One mutable attribute per resource type: tags where ARM has them, else a setting the
    /// type owns.
    ///
    /// IP configurations have none (every field forces a replacement).
    static func changed(_ resource: Resource) -> Attributes? {
        var a = resource.attributes
        if case .map(var tags)? = a["tags"] {
            tags["reconcile-test"] = "updated"
            a["tags"] = .map(tags)
            return a
        }
        switch resource.type.split(separator: "/").last {
        case "hubVirtualNetworkConnections", "vpnConnections", "expressRouteConnections":
            a["enableInternetSecurity"] = .bool(a["enableInternetSecurity"] != true)
        case "routingIntent":
            guard case .list(let policies)? = a["routingPolicies"] else { return nil }
            a["routingPolicies"] = .list(Array(policies.prefix(1)))
        case "bgpConnections":
            a["peerAsn"] = 65101
        default:
            return nil
        }
        return a
    }

    static let everyExample = examples + [("forced-tunneling", "rg-forced-tunnel"), ("point-to-site", "rg-p2s")]

    @Test(arguments: everyExample)
    func everyResourceTypeUpdatesInPlace(_ example: String, _ group: String) async throws {
        var lab = try await Lab("update", group: group)
        lab.specRoot = Fixture.path("examples/\(example)")
        defer { lab.stop() }
        let graph = try lab.azureGraph(example)
        #expect(try await lab.apply(graph, environment: Self.environment).ok)
        var expected: [ResourceAddress: Attributes] = [:]
        let edited = DesiredGraph(
            graph.resources.map { resource in
                var r = resource
                if let attributes = Self.changed(resource) {
                    r.attributes = attributes
                    expected[r.address] = attributes
                }
                return r
            }
        )
        let plan = try await lab.plan(edited, environment: Self.environment)
        for change in plan {
            let wanted: Action = expected[change.address] == nil ? .noop : .update
            #expect(
                change.action == wanted,
                "\(change.address): \(change.action) \(change.changes.filter(\.forcesReplacement).map { "\($0.path): \(String(describing: $0.before)) -> \(String(describing: $0.after))" })"
            )
        }
        let report = try await lab.applyChanges(plan, environment: Self.environment)
        #expect(report.ok, "\(report.failed)")
        let clean = try await lab.plan(edited, environment: Self.environment)
        let pending = clean.filter { $0.action != .noop }
        #expect(pending.isEmpty, "\(pending.map { "\($0.address) \($0.changes.map(\.path))" })")
        // Azure holds the new values.
        let observed = try await lab.provider.read(Array(expected.keys), context: ReadContext(fingerprint: { $0 }))
        for (address, attributes) in expected {
            let seen = try #require(observed[address]?.attributes, "\(address) is gone")
            for key in ["tags", "enableInternetSecurity", "routingPolicies", "peerAsn"] where attributes[key] != nil {
                if case .list(let policies)? = attributes[key] {
                    #expect(
                        seen[key].map { if case .list(let l) = $0 { l.count } else { -1 } } == policies.count,
                        "\(address).\(key)"
                    )
                } else {
                    #expect(seen[key] == attributes[key], "\(address).\(key)")
                }
            }
        }
    }
}
