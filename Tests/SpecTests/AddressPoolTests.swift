import BuiltInProviders
import Foundation
import TestSupport
import Testing

@testable import Spec

/// AddressPool and `{fromPool, size}`: first fit, default sizes, pins, and each rule.
@Suite("Address pools")
struct AddressPoolTests {
    static let scope = """
        apiVersion: reconcile/v1
        kind: AzureScope
        metadata: {name: lab}
        spec: {subscriptionId: 00000000-0000-0000-0000-000000000000, resourceGroup: rg, location: japaneast}
        ---
        apiVersion: reconcile/v1
        kind: AddressPool
        metadata: {name: azure}
        spec: {prefixes: [10.10.0.0/16]}
        ---
        apiVersion: reconcile/v1
        kind: AddressPool
        metadata: {name: onprem}
        spec: {prefixes: [192.168.0.0/16], use: onPrem}
        ---
        apiVersion: reconcile/v1
        kind: Site
        metadata: {name: tokyo}
        spec: {publicIp: 203.0.113.10, addressSpace: [192.168.10.0/24]}

        """

    static func vnet(_ name: String, _ spec: String) -> String {
        "---\napiVersion: reconcile/v1\nkind: VirtualNetwork\nmetadata: {name: \(name)}\nspec:\n" + spec + "\n"
    }

    static let hub = vnet(
        "hub-vnet",
        """
          addressSpace: [{fromPool: azure, size: 20}]
          subnets:
            - {name: app, prefix: {size: 24}}
            - {name: GatewaySubnet, prefix: {}}
        """
    )

    static func gateway(_ name: String, type: String = "Vpn", sku: String = "VpnGw1AZ") -> String {
        "---\napiVersion: reconcile/v1\nkind: VirtualNetworkGateway\nmetadata: {name: \(name)}\n"
            + "spec: {virtualNetwork: hub-vnet, gatewayType: \(type), sku: \(sku)}\n"
    }

    static func run(_ yaml: String, pins: [String: String] = [:]) -> ValidatedSpec {
        SpecPipeline.process(SpecLoader.load(text: yaml, file: "spec.yaml"), pins: pins, lowering: BuiltIn.lowering)
    }

    static func prefixes(_ spec: ValidatedSpec) -> [String: String] {
        AddressAllocation.pins(spec.topology.allocations)
    }

    @Test func literalsFirstThenFirstFitWithDefaultSizes() {
        let spec = Self.run(
            Self.scope + Self.vnet("a-literal", "  addressSpace: [10.10.0.0/20]") + Self.hub + Self.gateway("gw")
        )
        #expect(spec.diagnostics.isEmpty, "\(spec.codes)")
        #expect(
            Self.prefixes(spec) == [
                "VirtualNetwork/hub-vnet/addressSpace/azure/0": "10.10.16.0/20",
                "VirtualNetwork/hub-vnet/subnets/app": "10.10.16.0/24",
                "VirtualNetwork/hub-vnet/subnets/GatewaySubnet": "10.10.17.0/27",
            ]
        )
        let hub = spec.topology.virtualNetworks["hub-vnet"]
        #expect(hub?.spec.addressSpace.map(\.description) == ["10.10.16.0/20"])
        #expect(hub?.spec.subnet(named: "GatewaySubnet")?.prefix.description == "10.10.17.0/27")
        #expect(spec.graph != nil)
        #expect(
            spec.topology.allocations.map(\.line).contains(
                "address: hub-vnet/GatewaySubnet = 10.10.17.0/27 from the VNet "
                    + "(GatewaySubnet: /27 default, the smallest every VPN SKU but Basic accepts)"
            )
        )
        #expect(spec.topology.allocations.map(\.line).contains("address: hub-vnet = 10.10.16.0/20 from pool 'azure'"))
    }

    @Test func gatewaySubnetIsA26WithVpnAndExpressRoute() {
        let spec = Self.run(
            Self.scope + Self.hub + Self.gateway("vpngw") + Self.gateway("ergw", type: "ExpressRoute", sku: "ErGw1AZ")
        )
        #expect(Self.prefixes(spec)["VirtualNetwork/hub-vnet/subnets/GatewaySubnet"] == "10.10.1.0/26")
    }

    @Test func aSubnetFromAPoolLandsInsideItsVnetAndThePool() {
        let spec = Self.run(
            Self.scope
                + Self.vnet(
                    "wide",
                    """
                      addressSpace: [10.9.0.0/16, {fromPool: azure, size: 20}]
                      subnets:
                        - {name: app, prefix: {fromPool: azure, size: 24}}
                    """
                )
        )
        #expect(spec.diagnostics.isEmpty, "\(spec.codes)")
        #expect(Self.prefixes(spec)["VirtualNetwork/wide/subnets/app"] == "10.10.0.0/24")
    }

    /// The article's lesson: a /29 GatewaySubnet fits only Basic; the existing rule still says so.
    @Test func anExplicitSmallGatewaySubnetMeetsTheExistingRule() {
        let hub = Self.hub.replacingOccurrences(of: "prefix: {}", with: "prefix: {size: 29}")
        let spec = Self.run(Self.scope + hub + Self.gateway("gw"))
        #expect(spec.errorRules == ["gateway-subnet-size"])
    }

    /// Applied VNets keep their addresses when a VNet whose name sorts first is added.
    @Test func pinsKeepWhatWasAppliedWhenANameSortsBefore() {
        let two =
            Self.scope + Self.vnet("b-vnet", "  addressSpace: [{fromPool: azure, size: 20}]")
            + Self.vnet("c-vnet", "  addressSpace: [{fromPool: azure, size: 20}]")
        let applied = Self.prefixes(Self.run(two))
        #expect(applied.values.sorted() == ["10.10.0.0/20", "10.10.16.0/20"])
        let three = two + Self.vnet("a-vnet", "  addressSpace: [{fromPool: azure, size: 20}]")
        let pinned = Self.run(three, pins: applied)
        let after = Self.prefixes(pinned)
        #expect(
            after["VirtualNetwork/b-vnet/addressSpace/azure/0"] == applied["VirtualNetwork/b-vnet/addressSpace/azure/0"]
        )
        #expect(
            after["VirtualNetwork/c-vnet/addressSpace/azure/0"] == applied["VirtualNetwork/c-vnet/addressSpace/azure/0"]
        )
        #expect(after["VirtualNetwork/a-vnet/addressSpace/azure/0"] == "10.10.32.0/20")
        #expect(pinned.topology.allocations.filter(\.kept).count == 2)
        // Without the pins, first fit by name would have moved both.
        #expect(Self.prefixes(Self.run(three))["VirtualNetwork/a-vnet/addressSpace/azure/0"] == "10.10.0.0/20")
    }

    @Test func aPinOfAnotherSizeIsReallocated() {
        let spec = Self.run(
            Self.scope + Self.vnet("b-vnet", "  addressSpace: [{fromPool: azure, size: 20}]"),
            pins: ["VirtualNetwork/b-vnet/addressSpace/azure/0": "10.10.64.0/24"]
        )
        #expect(Self.prefixes(spec)["VirtualNetwork/b-vnet/addressSpace/azure/0"] == "10.10.0.0/20")
        #expect(spec.topology.allocations.allSatisfy { !$0.kept })
    }

    @Test func anExhaustedPoolSaysThePoolTheSizeAndTheLargestFreeBlock() throws {
        let spec = Self.run(
            Self.scope + Self.vnet("a-vnet", "  addressSpace: [{fromPool: azure, size: 17}]")
                + Self.vnet("b-vnet", "  addressSpace: [{fromPool: azure, size: 16}]")
        )
        let problem = try #require(spec.diagnostics.first { $0.rule == .poolExhausted })
        #expect(problem.message.contains("pool 'azure' has no free /16"))
        #expect(problem.message.contains("largest free block: /17"))
        #expect((problem.location.line, problem.location.column) == (31, 18))
        #expect(spec.graph == nil)
    }

    @Test func aSubnetThatDoesNotFitItsVnetIsExhausted() {
        let spec = Self.run(
            Self.scope
                + Self.vnet(
                    "a-vnet",
                    "  addressSpace: [10.10.0.0/24]\n  subnets:\n    - {name: app, prefix: {size: 23}}"
                )
        )
        #expect(spec.errorRules == ["pool-exhausted"])
    }

    @Test func anUnknownPoolIsNamedWithASuggestion() throws {
        let spec = Self.run(Self.scope + Self.vnet("a-vnet", "  addressSpace: [{fromPool: azur, size: 20}]"))
        let problem = try #require(spec.diagnostics.first { $0.rule == .poolUnknown })
        #expect(problem.hint == "did you mean 'azure'?")
        #expect((problem.location.line, problem.location.column) == (25, 29))
    }

    @Test func aLiteralOnTopOfAKeptAllocationIsAnError() {
        let spec = Self.run(
            Self.scope + Self.vnet("b-vnet", "  addressSpace: [{fromPool: azure, size: 20}]")
                + Self.vnet("a-vnet", "  addressSpace: [10.10.0.0/24]"),
            pins: ["VirtualNetwork/b-vnet/addressSpace/azure/0": "10.10.0.0/20"]
        )
        #expect(spec.errorRules == ["pool-allocation-overlap"])
    }

    @Test func anAzurePoolMustLeaveSitesAndOnPremPoolsAlone() {
        let overSite = Self.scope.replacingOccurrences(of: "[10.10.0.0/16]", with: "[10.10.0.0/16, 192.168.10.0/23]")
        #expect(Self.run(overSite).errorRules == ["pool-overlap"])
        let site = Self.scope.replacingOccurrences(of: "192.168.10.0/24", with: "172.16.10.0/24")
        let overPool = site.replacingOccurrences(of: "[10.10.0.0/16]", with: "[10.10.0.0/16, 192.168.128.0/17]")
        #expect(Self.run(overPool).errorRules == ["pool-overlap"])
    }

    @Test func nothingInAzureMayUseAnOnPremPool() {
        #expect(
            Self.run(Self.scope + Self.vnet("a", "  addressSpace: [192.168.200.0/24]")).errorRules == ["pool-onprem"]
        )
        #expect(
            Self.run(Self.scope + Self.vnet("a", "  addressSpace: [{fromPool: onprem, size: 24}]")).errorRules == [
                "pool-onprem"
            ]
        )
    }

    @Test(arguments: [
        ("  addressSpace: [{fromPool: azure, size: 30}]", "pool-size"),
        ("  addressSpace: [{fromPool: azure}]", "pool-size"),
        ("  addressSpace: [{size: 20}]", "pool-unknown"),
        ("  addressSpace: [10.10.0.0/20]\n  subnets:\n    - {name: app, prefix: {}}", "pool-size"),
        ("  addressSpace: [10.10.0.0/20]\n  subnets:\n    - {name: app, prefix: {size: 7}}", "pool-size"),
    ])
    func impossibleRequestsAreRefused(spec: String, rule: String) {
        #expect(Self.run(Self.scope + Self.vnet("a-vnet", spec)).errorRules == [rule])
    }

    @Test func anUnknownFieldInARequestIsNamed() {
        let spec = Self.run(Self.scope + Self.vnet("a-vnet", "  addressSpace: [{fromPol: azure, size: 20}]"))
        #expect(spec.diagnostics.first?.hint == "did you mean 'fromPool'?")
    }

    /// `reconcile addresses`, text and JSON, on the example: every prefix, who holds it, each pool's room.
    @Test(arguments: ["text", "json"])
    func addressesGolden(format: String) throws {
        let run = try Fixture.reconcile(["addresses", "examples/pools-and-costs", "--format", format])
        #expect(run.status == 0, "\(run.stderr)")
        Fixture.assertGolden(
            run.stdout,
            "Tests/SpecTests/Golden/addresses/pools-and-costs.\(format == "json" ? "json" : "txt")"
        )
    }

    /// `validate` prints each allocation on standard output, as plan does.
    @Test func validatePrintsEachChoice() throws {
        let run = try Fixture.reconcile(["validate", "examples/pools-and-costs"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout.contains(
                "address: hub-vnet/GatewaySubnet = 10.20.1.0/27 from the VNet "
                    + "(GatewaySubnet: /27 default, the smallest every VPN SKU but Basic accepts)\n"
            )
        )
        #expect(run.stdout.hasSuffix("examples/pools-and-costs: valid (3 files, 19 resources)\n"))
    }

    /// A thousand VNets each get their address space and subnet.
    ///
    /// How fast is `bench --cost`'s business: speed targets live in benchmarks, not tests.
    @Test func aThousandVnetsAllocate() {
        var yaml = Self.scope.replacingOccurrences(of: "[10.10.0.0/16]", with: "[10.0.0.0/8]")
        for i in 0..<1000 {
            yaml += Self.vnet(
                "vnet-\(i)",
                "  addressSpace: [{fromPool: azure, size: 22}]\n  subnets:\n    - {name: app, prefix: {size: 24}}"
            )
        }
        let loaded = SpecLoader.load(text: yaml, file: "spec.yaml")
        var topology = loaded.topology
        _ = AddressAllocator.allocate(&topology)
        #expect(topology.allocations.count == 2000)
    }
}
