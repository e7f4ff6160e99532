import ArgumentParser
import Azure
import Cisco
import Foundation
import Reconciler
import Spec
import Verify

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every connection works, from both ends, and say why one does not.",
        discussion: """
            For each VPN connection of the spec: Azure's connectionStatus; the router's \
            `show crypto ikev2 sa` (READY) and `show crypto ipsec sa` (ACTIVE, packets); the \
            BGP session to the gateway and its prefixes; the routes through the tunnel. When a \
            tunnel is down it names the cause: the peer address, the local network gateway's \
            address, the pre-shared key, the IKE proposal or IPsec transform, the IKE version, \
            NAT. The same against the lab and against real Azure and routers. Exit 0 when all \
            are up, 2 when any is down, 1 on error.

            Examples:
              reconcile verify examples/s2s-cisco891-pppoe
              reconcile verify specs/ --format markdown >> "$GITHUB_STEP_SUMMARY"
            """
    )

    @OptionGroup var spec: SpecOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var color: ColorOptions
    @Option(help: "Output format: text, json or markdown.") var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown
    }

    func run() async throws {
        let validated = try EngineRunner.validated(spec, color: color)
        let engine = try await EngineRunner.engine(
            for: validated,
            stateDirectory: state.directory(for: spec.path),
            connection: connection
        )
        let verifier = Verifier(topology: validated.topology, registry: engine.registry)
        let report: VerifyReport
        do {
            report = try await verifier.run()
        } catch {
            Output.err("error: \(error)\n")
            throw ExitCode(1)
        }
        Output.out(report.render(VerifyReport.Format(rawValue: format.rawValue) ?? .text))
        if !report.up { throw ExitCode(2) }
    }
}

/// Gathers both ends of every connection through the providers (ARM reads, one SSH session
/// per router) and assesses them.
struct Verifier {
    let topology: Topology
    let registry: ProviderRegistry

    static let apiVersion = "2024-05-01"

    func run() async throws -> VerifyReport {
        let azure = registry["azure"] as? AzureProvider
        let cisco = registry["cisco"] as? CiscoProvider
        var facts: [String: RouterFacts] = [:]
        var tunnels: [TunnelStatus] = []
        for c in topology.vpnConnections.sorted(by: { $0.name < $1.name }) {
            let device = topology.sites[c.spec.site]?.spec.device
            let end = try await azureEnd(azure) { provider in
                let body = try await provider.client.get(
                    provider.path(Lowering.AzureAddress.connection(c.name)),
                    apiVersion: Self.apiVersion
                )
                guard let body else { return nil }
                let key = try? await provider.client.get(
                    provider.path(Lowering.AzureAddress.connection(c.name)) + "/sharedkey",
                    apiVersion: Self.apiVersion
                )
                let lookup = try await resolve(body, provider: provider)
                return AzureEnd.vnetConnection(
                    name: c.name,
                    body,
                    sharedKey: key?["value"]?.scalarText,
                    lookup: { lookup[$0.lowercased()] }
                )
            }
            let prefixes =
                topology.gateways[c.spec.gateway].flatMap { topology.virtualNetworks[$0.spec.virtualNetwork] }?.spec
                .addressSpace.map(\.description) ?? []
            let learned = try? await azure?.routes(.learned(gateway: c.spec.gateway)).map(\.prefix)
            tunnels.append(
                try await status(
                    c.name,
                    device: device,
                    azure: end,
                    cisco: cisco,
                    facts: &facts,
                    expected: c.spec.routing == .bgp ? end?.advertised ?? [] : prefixes,
                    learned: (learned, sitePrefixes(c.spec.site))
                )
            )
        }
        for c in topology.hubVpnConnections.sorted(by: { $0.name < $1.name }) {
            let device = topology.sites[c.spec.site]?.spec.device
            let gatewayPath = Lowering.AzureAddress.hubVpnGateway(c.spec.hub).path
            let end = try await azureEnd(azure) { provider in
                let path = provider.path(.azure("\(gatewayPath)/vpnConnections/\(c.name)"))
                guard let body = try await provider.client.get(path, apiVersion: Self.apiVersion) else { return nil }
                let gateway = try await provider.client.get(
                    provider.path(.azure(gatewayPath)),
                    apiVersion: Self.apiVersion
                )
                let lookup = try await resolve(body, provider: provider)
                return AzureEnd.hubConnection(name: c.name, body, gateway: gateway, lookup: { lookup[$0.lowercased()] })
            }
            let learned = try? await azure?.routes(.hub(c.spec.hub, connection: nil)).map(\.prefix)
            tunnels.append(
                try await status(
                    c.name,
                    device: device,
                    azure: end,
                    cisco: cisco,
                    facts: &facts,
                    expected: end?.advertised ?? [],
                    learned: (learned, sitePrefixes(c.spec.site))
                )
            )
        }
        return VerifyReport(tunnels: tunnels)
    }

    func azureEnd(_ provider: AzureProvider?, _ body: (AzureProvider) async throws -> AzureEnd?) async throws
        -> AzureEnd?
    {
        guard let provider else { throw ProviderError("verify needs the Azure provider (an AzureScope in the spec)") }
        return try await body(provider)
    }

    /// The resources a body refers to by id, and theirs (a connection's gateway and its
    /// public IPs, its local network gateway, a VPN site).
    func resolve(_ body: Attributes, provider: AzureProvider) async throws -> [String: Attributes] {
        var found: [String: Attributes] = [:]
        var pending = ids(in: .map(body))
        var depth = 0
        while !pending.isEmpty && depth < 3 {
            var next: [String] = []
            for id in pending where found[id.lowercased()] == nil {
                guard id.contains("/providers/Microsoft.Network/") || id.contains("/providers/microsoft.network/"),
                    let path = id.split(separator: "/").count % 2 == 0 ? id : nil,
                    let resource = try await provider.client.get(path, apiVersion: Self.apiVersion)
                else { continue }
                found[id.lowercased()] = resource
                next += ids(in: .map(resource))
            }
            pending = next
            depth += 1
        }
        return found
    }

    func ids(in value: Value) -> [String] {
        switch value {
        case .map(let m):
            var result: [String] = []
            for entry in m {
                if entry.key == "id" { continue }
                if case .map(let inner) = entry.value, case .string(let id)? = inner["id"], inner.count == 1 {
                    result.append(id)
                } else {
                    result += ids(in: entry.value)
                }
            }
            return result
        case .list(let items): return items.flatMap(ids)
        default: return []
        }
    }

    struct RouterFacts {
        var config: IOSConfig
        var addresses: [String: String]
        var ikev2: [IOSShow.IKEv2SA]
        var ipsec: [IOSShow.IPsecSA]
        var bgp: IOSShow.BGPSummary
        var routes: IOSShow.RoutingTable
    }

    func status(
        _ connection: String,
        device: String?,
        azure: AzureEnd?,
        cisco: CiscoProvider?,
        facts: inout [String: RouterFacts],
        expected: [String],
        learned: (routes: [String]?, site: [String])
    ) async throws -> TunnelStatus {
        var router: RouterEnd?
        var seen: RouterFacts?
        if let device, let cisco {
            if facts[device] == nil {
                let out = try await cisco.show(
                    device,
                    [
                        "show running-config", "show ip interface brief", "show crypto ikev2 sa",
                        "show crypto ipsec sa",
                        "show ip bgp summary", "show ip route",
                    ]
                )
                facts[device] = RouterFacts(
                    config: (try? IOSParser.parse(out[0])) ?? IOSConfig(),
                    addresses: IOSShow.interfaceAddresses(out[1]),
                    ikev2: IOSShow.ikev2SAs(out[2]),
                    ipsec: IOSShow.ipsecSAs(out[3]),
                    bgp: IOSShow.bgpSummary(out[4]),
                    routes: IOSShow.routes(out[5])
                )
            }
            seen = facts[device]
            // The tunnel the spec gives this connection, by its interface name.
            let graphTunnel = tunnelInterface(device: device, connection: connection)
            let ends = seen.map { RouterEnd.tunnels(device: device, config: $0.config, addresses: $0.addresses) } ?? []
            router = ends.first { $0.tunnel == graphTunnel } ?? ends.first
        }
        return TunnelStatus.assess(
            connection: connection,
            device: device,
            azure: azure,
            router: router,
            ikev2: seen?.ikev2 ?? [],
            ipsec: seen?.ipsec ?? [],
            bgp: seen?.bgp,
            routes: seen?.routes,
            expectedRoutes: expected,
            azureLearned: learned.routes,
            sitePrefixes: learned.site
        )
    }

    /// The prefixes a site announces (its address space).
    func sitePrefixes(_ site: String) -> [String] {
        topology.sites[site]?.spec.addressSpace.map(\.description) ?? []
    }

    func tunnelInterface(device: String, connection: String) -> String? {
        let graph = Lowering.lower(topology)
        return graph[.cisco(device, Lowering.CiscoSection.tunnel(connection))]?.attributes["interface"]?.scalarText
    }
}
