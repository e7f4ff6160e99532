import Azure
import AzureModel
import Foundation
import Reconciler
import Spec

/// Refresh of 5,000 Azure resources against the Azure model over loopback HTTP: requests
/// made, wall time, memory; baseline: reading one resource with one GET.
enum AzureBench {
    static func refresh(resources count: Int) {
        let done = DispatchSemaphore(value: 0)
        let result = Box(Timed())
        let requests = Box(0)
        let single = Box(Duration.zero)
        Task {
            let server = AzureModelServer(model: AzureModel(options: AzureModel.Options(pageSize: 1000)))
            try? await server.start()
            let provider = AzureProvider(
                client: ARMClient(baseURL: server.url, token: { "lab-token" }),
                subscription: "00000000-0000-0000-0000-000000000000",
                group: "rg-bench"
            )
            _ = try? await provider.client.put(
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-bench",
                apiVersion: "2021-04-01",
                body: ["location": "japaneast"]
            )
            var addresses: [ResourceAddress] = []
            for i in 0..<count {
                let address = ResourceAddress.azure("localNetworkGateways/site-\(i)")
                _ = try? await provider.client.put(
                    provider.path(address),
                    apiVersion: "2024-05-01",
                    body: [
                        "location": "japaneast",
                        "properties": .map([
                            "gatewayIpAddress": .string("203.0.\(i / 250 % 250).\(i % 250 + 1)"),
                            "localNetworkAddressSpace": .map([
                                "addressPrefixes": .list([.string("172.16.\(i % 250).0/24")])
                            ]),
                        ]),
                    ]
                )
                addresses.append(address)
            }
            let clock = ContinuousClock()
            let one = clock.now
            _ = try? await provider.client.get(provider.path(addresses[0]), apiVersion: "2024-05-01")
            single.value = clock.now - one
            let before = await server.model.requestCount
            let start = clock.now
            let found = (try? await provider.read(addresses, context: ReadContext(fingerprint: { $0 }))) ?? [:]
            result.value = Timed(elapsed: clock.now - start, succeeded: found.count)
            requests.value = await server.model.requestCount - before
            server.stop()
            done.signal()
        }
        done.wait()
        let out = result.value
        print(
            "azure     refresh of \(count) resources against the model: \(ms(out.elapsed)), \(requests.value) requests, "
                + "\(out.succeeded) found"
        )
        print(
            String(
                format: "          per resource %.3f ms vs one GET %@ (%.4fx); memory peak %.0f MB",
                EngineBench.seconds(out.elapsed) * 1000 / Double(count),
                ms(single.value),
                EngineBench.seconds(out.elapsed) / Double(count) / max(EngineBench.seconds(single.value), 1e-9),
                peakResidentMB()
            )
        )
    }
}
