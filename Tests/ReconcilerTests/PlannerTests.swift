import Azure
import Cisco
import Foundation
import Reconciler
import Spec
import TestProvider
import TestSupport
import Testing

@Suite("Planner")
struct PlannerTests {
    let registry = ProviderRegistry([TestWorldProvider(name: "azure"), TestWorldProvider(name: "cisco")])

    func plan(
        _ resources: [Resource],
        observed: [ObservedResource] = [],
        state: State = State(lineage: "l"),
        ignore: [IgnoreRule] = [],
        targets: Set<ResourceAddress> = [],
        secrets: [String: String] = [:],
        destroy: Bool = false,
        knownToState: Bool = true,
        registry: ProviderRegistry? = nil
    ) -> [String: PlannedChange] {
        let printer = Fingerprinter(key: Array(repeating: 7, count: 32))
        var state = state
        // What exists was applied before, unless the test says otherwise.
        for resource in observed where knownToState && state[resource.address] == nil {
            state[resource.address] = StateResource(
                address: resource.address,
                type: resource.type,
                attributes: resource.attributes,
                outputs: resource.outputs,
                dependencies: []
            )
        }
        let changes = Planner.plan(
            Planner.Input(
                desired: DesiredGraph(resources),
                observed: Dictionary(uniqueKeysWithValues: observed.map { ($0.address, $0) }),
                state: state,
                registry: registry ?? self.registry,
                ignore: ignore,
                fingerprint: { source in
                    guard case .environment(let name) = source else { return nil }
                    return secrets[name].map(printer.fingerprint)
                },
                targets: targets,
                destroy: destroy
            )
        )
        return Dictionary(uniqueKeysWithValues: changes.map { ($0.address.description, $0) })
    }

    func observed(_ address: String, type: String = "t", _ attributes: Attributes, outputs: Attributes = [:])
        -> ObservedResource
    {
        ObservedResource(
            address: ResourceAddress(address) ?? .azure("?"),
            type: type,
            attributes: attributes,
            outputs: outputs
        )
    }

    @Test func absentResourcesAreCreatedAndUnknownsSaySo() throws {
        let changes = plan([
            Graphs.resource("azure:pip", ["sku": "Standard"]),
            Graphs.resource("cisco:r/tunnel", ["destination": Graphs.ref("azure:pip", "ipAddress")]),
        ])
        #expect(changes["azure:pip"]?.action == .create)
        let tunnel = try #require(changes["cisco:r/tunnel"])
        #expect(tunnel.action == .create)
        #expect(PlanRenderer.show(tunnel.changes.first?.after) == "(known after apply)")
        #expect(tunnel.dependencies == [.azure("pip")])
    }

    @Test func matchingResourcesAreNoOpsAndKnownOutputsResolve() {
        let changes = plan(
            [
                Graphs.resource("azure:pip", ["sku": "Standard"]),
                Graphs.resource("cisco:r/tunnel", ["destination": Graphs.ref("azure:pip", "ipAddress")]),
            ],
            observed: [
                observed("azure:pip", ["sku": "Standard"], outputs: ["ipAddress": "198.51.100.20"]),
                observed("cisco:r/tunnel", ["destination": "198.51.100.20"]),
            ]
        )
        #expect(changes.values.allSatisfy { $0.action == .noop })
    }

    @Test func aReplacedDependencyMakesDependantsWaitForItsOutputs() {
        let changes = plan(
            [
                Graphs.resource("azure:pip", ["sku": "Standard", "location": "japanwest"]),
                Graphs.resource("cisco:r/tunnel", ["destination": Graphs.ref("azure:pip", "ipAddress")]),
            ],
            observed: [
                observed(
                    "azure:pip",
                    ["sku": "Standard", "location": "japaneast"],
                    outputs: ["ipAddress": "198.51.100.20"]
                ),
                observed("cisco:r/tunnel", ["destination": "198.51.100.20"]),
            ]
        )
        #expect(changes["azure:pip"]?.action == .replace)
        #expect(changes["azure:pip"]?.replaceReasons == ["location"])
        #expect(changes["cisco:r/tunnel"]?.action == .update)
    }

    @Test func anUpdatedDependencyKeepsItsIdSoDependantsAreNotReplaced() {
        let changes = plan(
            [
                Graphs.resource("azure:gw", ["sku": "VpnGw2AZ"]),
                // `gateway` forces replacement; an id that does not change must not trigger it.
                Graphs.resource("azure:conn", ["gateway": Graphs.ref("azure:gw", "id"), "location": "japaneast"]),
                Graphs.resource("cisco:r/bgp", ["neighbor": Graphs.ref("azure:gw", "bgpPeeringAddress")]),
            ],
            observed: [
                observed("azure:gw", ["sku": "VpnGw1AZ"], outputs: ["id": "/gw", "bgpPeeringAddress": "10.0.0.254"]),
                observed("azure:conn", ["gateway": "/gw", "location": "japaneast"]),
                observed("cisco:r/bgp", ["neighbor": "10.0.0.254"]),
            ],
            registry: ProviderRegistry([
                TestWorldProvider(name: "azure", immutable: ["gateway"]), TestWorldProvider(name: "cisco"),
            ])
        )
        #expect(changes["azure:gw"]?.action == .update)
        #expect(changes["azure:conn"]?.action == .noop)
        // Other outputs may change with an update: they are known only after it.
        #expect(changes["cisco:r/bgp"]?.action == .update)
        #expect(PlanRenderer.show(changes["cisco:r/bgp"]?.changes.first?.after) == "(known after apply)")
    }

    @Test func mapsAreDiffedKeyByKeyAndIgnoreRulesApply() throws {
        let resources = [Graphs.resource("azure:vnet", ["tags": .map(["owner": "netops", "costCenter": "a"])])]
        let drifted = [observed("azure:vnet", ["tags": .map(["owner": "netops", "costCenter": "b"])])]
        let change = try #require(plan(resources, observed: drifted)["azure:vnet"])
        #expect(change.action == .update)
        #expect(change.changes.map(\.path) == ["tags.costCenter"])
        let ignored = plan(
            resources,
            observed: drifted,
            ignore: [IgnoreRule(resource: "azure:*", path: "tags.costCenter")]
        )
        #expect(ignored["azure:vnet"]?.action == .noop)
        let other = plan(resources, observed: drifted, ignore: [IgnoreRule(resource: "cisco:*", path: "tags.*")])
        #expect(other["azure:vnet"]?.action == .update)
    }

    @Test func providerDefaultsAndComputedAttributesNeverShowAsDiffs() {
        let provider = DefaultsProvider()
        let registry = ProviderRegistry([provider])
        let changes = Planner.plan(
            Planner.Input(
                desired: DesiredGraph([Graphs.resource("azure:gw", type: "gw", ["sku": "VpnGw1AZ"])]),
                observed: [
                    .azure("gw"): ObservedResource(
                        address: .azure("gw"),
                        type: "gw",
                        attributes: ["sku": "VpnGw1AZ", "activeActive": false, "provisioningState": "Succeeded"]
                    )
                ],
                state: {
                    var state = State(lineage: "l")
                    state[.azure("gw")] = StateResource(
                        address: .azure("gw"),
                        type: "gw",
                        attributes: ["sku": "VpnGw1AZ"],
                        outputs: [:],
                        dependencies: []
                    )
                    return state
                }(),
                registry: registry
            )
        )
        #expect(changes.map(\.action) == [.noop])
    }

    @Test func aMatchingResourceStateDoesNotKnowIsAdopted() throws {
        let changes = plan(
            [Graphs.resource("azure:a", ["sku": "Standard"])],
            observed: [observed("azure:a", ["sku": "Standard"])],
            knownToState: false
        )
        let change = try #require(changes["azure:a"])
        #expect(change.action == .update)
        #expect(change.adopt)
        #expect(change.changes.isEmpty)
    }

    @Test func secretsAreComparedByFingerprintAndNeverShown() throws {
        let printer = Fingerprinter(key: Array(repeating: 7, count: 32))
        let resources = [Graphs.resource("azure:conn", ["sharedKey": .secret(.environment("PSK"))])]
        let same = [observed("azure:conn", ["sharedKey": .fingerprint(printer.fingerprint("one"))])]
        #expect(plan(resources, observed: same, secrets: ["PSK": "one"])["azure:conn"]?.action == .noop)
        let change = try #require(plan(resources, observed: same, secrets: ["PSK": "two"])["azure:conn"])
        #expect(change.action == .update)
        #expect(change.changes.first?.sensitive == true)
        #expect(PlanRenderer.show(change.changes.first?.after) == "(sensitive)")
        let rendered = PlanRenderer.render(
            Plan(lineage: "l", serial: 0, specDigest: "d", spec: "s", changes: [change]),
            format: .json
        )
        #expect(!rendered.contains("one") && !rendered.contains("two"))
    }

    @Test func aSecretTheProviderCannotReadIsComparedWithTheLastApplied() {
        let printer = Fingerprinter(key: Array(repeating: 7, count: 32))
        let resources = [Graphs.resource("cisco:r/keyring", ["psk": .secret(.environment("PSK"))])]
        var state = State(lineage: "l")
        state[.cisco("r", "keyring")] = StateResource(
            address: .cisco("r", "keyring"),
            type: "t",
            attributes: ["psk": .fingerprint(printer.fingerprint("one"))],
            outputs: [:],
            dependencies: []
        )
        let unreadable = [observed("cisco:r/keyring", ["psk": .null])]
        #expect(
            plan(resources, observed: unreadable, state: state, secrets: ["PSK": "one"])["cisco:r/keyring"]?.action
                == .noop
        )
        #expect(
            plan(resources, observed: unreadable, state: state, secrets: ["PSK": "two"])["cisco:r/keyring"]?.action
                == .update
        )
    }

    @Test func resourcesLeftInStateAreDeletedAndDestroyDeletesAll() {
        var state = State(lineage: "l")
        for name in ["old", "kept"] {
            state[.azure(name)] = StateResource(
                address: .azure(name),
                type: "t",
                attributes: ["a": 1],
                outputs: [:],
                dependencies: []
            )
        }
        let changes = plan(
            [Graphs.resource("azure:kept", ["a": 1])],
            observed: [observed("azure:kept", ["a": 1])],
            state: state
        )
        #expect(changes["azure:old"]?.action == .delete)
        #expect(changes["azure:kept"]?.action == .noop)
        let destroy = plan([Graphs.resource("azure:kept", ["a": 1])], state: state, destroy: true)
        #expect(destroy.values.map(\.action) == [.delete, .delete])
    }

    @Test func targetsKeepTheirDependenciesOnly() {
        let changes = plan(
            [
                Graphs.resource("azure:a"), Graphs.resource("azure:b", after: ["azure:a"]),
                Graphs.resource("azure:c"),
            ],
            targets: [.azure("b")]
        )
        #expect(changes.keys.sorted() == ["azure:a", "azure:b"])
    }

    @Test func theSamePlanComesOutByteForByte() {
        let resources = (0..<50).map { Graphs.resource("azure:r\($0)", ["n": .int($0), "tags": .map(["x": "y"])]) }
        let a = Planner.plan(
            Planner.Input(
                desired: DesiredGraph(resources),
                observed: [:],
                state: State(lineage: "l"),
                registry: registry
            )
        )
        let b = Planner.plan(
            Planner.Input(
                desired: DesiredGraph(resources.reversed()),
                observed: [:],
                state: State(lineage: "l"),
                registry: registry
            )
        )
        let render = { (c: [PlannedChange]) in
            PlanRenderer.render(Plan(lineage: "l", serial: 0, specDigest: "d", spec: "s", changes: c), format: .json)
        }
        #expect(render(a) == render(b))
    }
}

extension PlannerTests {
    /// The action planned for one `vnet` of KeyedProvider that the spec wants with `wanted` and
    /// the provider reads with `observed`, state knowing it.
    static func keyedAction(wanted: Attributes, observed: Attributes) -> Action? {
        var state = State(lineage: "l")
        state[.azure("vnet")] = StateResource(
            address: .azure("vnet"),
            type: "vnet",
            attributes: [:],
            outputs: [:],
            dependencies: []
        )
        return Planner.plan(
            Planner.Input(
                desired: DesiredGraph([Graphs.resource("azure:vnet", type: "vnet", wanted)]),
                observed: [
                    .azure("vnet"): ObservedResource(address: .azure("vnet"), type: "vnet", attributes: observed)
                ],
                state: state,
                registry: ProviderRegistry([KeyedProvider()])
            )
        ).first?.action
    }

    @Test func keyedListsMatchByKeyAndIgnoreItemsTheSpecDoesNotName() {
        let a: Value = .map(["name": "a", "prefix": "10.0.1.0/24"])
        let b: Value = .map(["name": "b", "prefix": "10.0.2.0/24"])
        func plan(_ observed: [Value]) -> Action? {
            Self.keyedAction(wanted: ["subnets": .list([a, b])], observed: ["subnets": .list(observed)])
        }
        let other: Value = .map(["name": "portal", "prefix": "10.0.9.0/24"])
        #expect(plan([b, a]) == .noop)  // order does not matter
        #expect(plan([a, other, b]) == .noop)  // someone else's subnet is not a diff
        #expect(plan([a]) == .update)  // ours missing
        #expect(plan([a, .map(["name": "b", "prefix": "10.0.3.0/24"])]) == .update)  // ours changed
    }

    /// A router's routes come back in the router's order, not the spec's: an unordered list is
    /// the same in any order, and still differs by an item or a count.
    @Test func unorderedListsCompareAsCollections() {
        let a: Value = .map(["prefix": "20.0.0.1", "nextHop": "Dialer1"])
        let b: Value = .map(["prefix": "20.0.0.2", "nextHop": "Dialer1"])
        func plan(_ observed: [Value]) -> Action? {
            Self.keyedAction(wanted: ["routes": .list([a, b])], observed: ["routes": .list(observed)])
        }
        #expect(plan([b, a]) == .noop)
        #expect(plan([a, a]) == .update)
        #expect(plan([a]) == .update)
        #expect(plan([a, b, b]) == .update)
    }
}

struct KeyedProvider: Provider {
    var name: String { "azure" }
    var schemas: [ResourceTypeSchema] {
        [
            ResourceTypeSchema(
                type: "vnet",
                attributes: [AttributeSchema("subnets", keyedBy: "name"), AttributeSchema("routes", unordered: true)]
            )
        ]
    }
    func schema(for type: String) -> ResourceTypeSchema? { schemas.first }
    func read(_ resources: [ResourceAddress], context: ReadContext) async throws -> [ResourceAddress: ObservedResource]
    { [:] }
    func apply(_ unit: [ResolvedChange]) async throws -> [ResourceAddress: Attributes] { [:] }
}

/// A provider that declares defaults and computed attributes (as the Azure provider will).
struct DefaultsProvider: Provider {
    var name: String { "azure" }
    var schemas: [ResourceTypeSchema] {
        [
            ResourceTypeSchema(
                type: "gw",
                attributes: [AttributeSchema("sku", .required), AttributeSchema("provisioningState", .computed)],
                defaults: ["activeActive": false]
            )
        ]
    }
    func schema(for type: String) -> ResourceTypeSchema? { schemas.first { $0.type == type } }
    func read(_ resources: [ResourceAddress], context: ReadContext) async throws -> [ResourceAddress: ObservedResource]
    { [:] }
    func apply(_ unit: [ResolvedChange]) async throws -> [ResourceAddress: Attributes] { [:] }
}
