import Azure
import AzureModel
import ReconcileCLI
import Reconciler
import Spec

/// The lab's Azure model, kept alive for the whole command.
nonisolated(unsafe) var labServer: AzureModelServer?

/// The real providers, built from the spec's AzureScope. With `endpoint: lab` the Azure
/// model runs in this process on 127.0.0.1, persisted under `.reconcile/lab/`; the tool
/// always says which target it talks to and never falls back from one to the other.
await Reconcile.main { context in
    var providers: [any Provider] = []
    if let scope = context.topology.scope?.spec {
        let client: ARMClient
        switch scope.endpoint {
        case .lab:
            let path = context.stateDirectory + "/lab/azure.json"
            let server = AzureModelServer(model: AzureModel(persistence: path))
            try await server.start()
            labServer = server
            context.say("azure: the lab (local Azure model at \(server.url), world in \(path))")
            client = ARMClient(
                baseURL: server.url,
                token: { "lab" },
                operations: OperationJournal(file: context.stateDirectory + "/azure-operations.json")
            )
        case .publicCloud, .url:
            let base = scope.endpoint == .publicCloud ? "https://management.azure.com" : scope.endpoint.description
            context.say("azure: \(base) (subscription \(scope.subscriptionId), resource group \(scope.resourceGroup))")
            let credential = AzureCredential()
            client = ARMClient(
                baseURL: base,
                token: { try await credential.token() },
                operations: OperationJournal(file: context.stateDirectory + "/azure-operations.json")
            )
        }
        providers.append(AzureProvider(client: client, subscription: scope.subscriptionId, group: scope.resourceGroup))
    }
    return ProviderRegistry(providers)
}
