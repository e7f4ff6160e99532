import Azure
import AzureModel
import Foundation
import Spec
import TestSupport
import Testing

/// The model takes each type's api-versions from Azure's published REST API specifications:
/// what current SDKs send is accepted, and only what ARM refuses is refused, with ARM's error.
@Suite("the Azure model's api-versions")
struct APIVersionTests {
    static let group = "/subscriptions/s/resourceGroups/rg"
    static let network = group + "/providers/Microsoft.Network"
    static let vnet: Value = .map([
        "location": "japaneast",
        "properties": .map(["addressSpace": .map(["addressPrefixes": .list(["10.0.0.0/16"])])]),
    ])

    /// A served model and a client that tries once.
    static func served() async throws -> (AzureModelServer, ARMClient) {
        let server = AzureModelServer(model: AzureModel())
        try await server.start()
        return (server, ARMClient(baseURL: server.url, token: { "lab" }, maxAttempts: 1))
    }

    /// The status of one request, or the ARM error it was refused with.
    static func send(
        _ client: ARMClient,
        _ method: String,
        _ path: String,
        _ version: String,
        _ body: Value? = nil
    ) async -> Result<Int, ARMError> {
        do {
            return .success(try await client.send(method, path, apiVersion: version, body: body).status)
        } catch let error as ARMError {
            return .failure(error)
        } catch {
            return .failure(ARMError(status: 0, code: "transport", message: "\(error)"))
        }
    }

    @Test func theTableNamesTheCommitItWasReadFrom() {
        let source = APIVersions.source
        #expect(source.repository == "Azure/azure-rest-api-specs")
        #expect(source.commit.count == 40 && source.commit.allSatisfy(\.isHexDigit), "\(source.commit)")
    }

    @Test func theNewestResourceGroupVersionIsAccepted() async throws {
        let newest = try #require(APIVersions.published(for: "Microsoft.Resources/resourceGroups").last)
        // What azure-mgmt-resource 26 sends by default; the table must not lag behind it.
        #expect(newest >= "2025-04-01")
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let put = await Self.send(client, "PUT", Self.group, newest, .map(["location": "japaneast"]))
        #expect((try? put.get()) == 201, "\(put)")
        #expect((try? await Self.send(client, "GET", Self.group, "2025-03-01").get()) == 200)
    }

    @Test func aNetworkTypeIsAcceptedAtItsNewestVersionAndAtTheProvidersOwn() async throws {
        let published = APIVersions.published(for: "Microsoft.Network/virtualNetworks")
        let newest = try #require(published.last)
        #expect(published.contains(AzureProvider.networkVersion))
        #expect(
            APIVersions.published(for: "Microsoft.Resources/resourceGroups").contains(AzureProvider.resourcesVersion)
        )
        let (server, client) = try await Self.served()
        defer { server.stop() }
        _ = await Self.send(client, "PUT", Self.group, AzureProvider.resourcesVersion, .map(["location": "japaneast"]))
        for version in [newest, AzureProvider.networkVersion] {
            let put = await Self.send(client, "PUT", Self.network + "/virtualNetworks/v", version, Self.vnet)
            #expect((try? put.get()).map { $0 < 300 } == true, "\(version): \(put)")
        }
    }

    @Test func anInventedVersionIsRefusedNamingTheSupportedOnes() async throws {
        let (server, client) = try await Self.served()
        defer { server.stop() }
        _ = await Self.send(client, "PUT", Self.group, AzureProvider.resourcesVersion, .map(["location": "japaneast"]))
        let refused = await Self.send(client, "PUT", Self.network + "/virtualNetworks/v", "2030-01-01", Self.vnet)
        guard case .failure(let error) = refused else {
            Issue.record("an invented version was accepted: \(refused)")
            return
        }
        #expect(error.status == 400)
        #expect(error.code == "NoRegisteredProviderFound")
        let supported = APIVersions.published(for: "Microsoft.Network/virtualNetworks").joined(separator: ", ")
        #expect(
            error.message
                == "No registered resource provider found for location 'japaneast' and API version '2030-01-01' for type 'virtualNetworks'. The supported api-versions are '\(supported)'."
        )
        // Nothing refused is stored.
        let read = await Self.send(client, "GET", Self.network + "/virtualNetworks/v", AzureProvider.networkVersion)
        #expect((try? read.get()) == 404, "\(read)")
        let group = await Self.send(client, "PUT", "/subscriptions/s/resourceGroups/rg2", "2030-01-01")
        guard case .failure(let groupError) = group else {
            Issue.record("an invented resource-group version was accepted")
            return
        }
        #expect(groupError.code == "NoRegisteredProviderFound")
        #expect(groupError.message.contains("for type 'resourceGroups'"))
    }

    /// Versions are per type: Route Server's BGP connections are younger than virtual hubs.
    @Test func aChildTypeHasItsOwnVersions() async throws {
        let hubs = APIVersions.published(for: "Microsoft.Network/virtualHubs")
        let peers = APIVersions.published(for: "Microsoft.Network/virtualHubs/bgpConnections")
        let older = try #require(hubs.first { !peers.contains($0) })
        let (server, client) = try await Self.served()
        defer { server.stop() }
        let answer = await Self.send(client, "GET", Self.network + "/virtualHubs/h/bgpConnections/p", older)
        guard case .failure(let error) = answer else {
            Issue.record("\(older) was accepted for virtualHubs/bgpConnections")
            return
        }
        #expect(error.code == "NoRegisteredProviderFound")
        #expect(error.message.contains("for type 'virtualHubs/bgpConnections'"))
    }
}
