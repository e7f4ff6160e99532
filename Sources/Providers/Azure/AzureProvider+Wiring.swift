public import Reconciler
public import Spec

extension AzureProvider {
    /// The Azure provider a spec's AzureScope asks for; nil without one.
    ///
    /// `lab`: the lab's Azure model (its URL, and the file its world is kept in) when this run
    /// started it; a scope with `endpoint: lab` then talks to it. The user is always told which
    /// target it is, and a run never falls back from one to the other.
    public static func make(_ context: ProviderContext, lab: (url: String, world: String)?) -> AzureProvider? {
        guard let scope = context.topology.scope?.spec else { return nil }
        let client: ARMClient
        let operations = OperationJournal(file: context.stateDirectory + "/azure-operations.json")
        if scope.endpoint == .lab, let lab {
            context.say("azure: the lab (local Azure model at \(lab.url), world in \(lab.world))")
            client = ARMClient(baseURL: lab.url, token: { "lab" }, operations: operations)
        } else {
            let base = scope.endpoint == .publicCloud ? "https://management.azure.com" : scope.endpoint.description
            context.say("azure: \(base) (subscription \(scope.subscriptionId), resource group \(scope.resourceGroup))")
            let credential = AzureCredential()
            client = ARMClient(baseURL: base, token: { try await credential.token() }, operations: operations)
        }
        return AzureProvider(client: client, subscription: scope.subscriptionId, group: scope.resourceGroup)
    }
}
