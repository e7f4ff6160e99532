import Azure
import AzureCommands
import AzureModel
import BuiltInProviders
import Cisco
import CiscoCommands
import Lab
import LabCommands
import ReconcileCLI
import Reconciler
import Spec
import Synchronization

/// The labs this command started: alive until it exits, whoever holds its providers.
let labs = Mutex<[LabWorld]>([])

/// The real providers, built from the spec.
///
/// With `endpoint: lab` the Azure model, and with
/// `management.lab: true` a simulated router, run in this process on 127.0.0.1 (`LabWorld`),
/// persisted under `.reconcile/lab/`; the tool always says which target it talks to and
/// never falls back from one to the other.
@Sendable func providers(_ context: ProviderContext) async throws -> ProviderRegistry {
    let topology = context.topology
    var lab: LabWorld?
    if topology.scope?.spec.endpoint == .lab || topology.routers.contains(where: { $0.spec.management.lab }) {
        let secrets = SecretResolver(specRoot: topology.root)
        lab = try await LabWorld.start(topology: topology, stateDirectory: context.stateDirectory, secrets: secrets)
    }
    let azureLab = lab?.azure.map { (url: $0.url, world: LabWorld.directory(context.stateDirectory) + "/azure.json") }
    let simulated = (lab?.routers ?? [:]).mapValues {
        CiscoProvider.Simulated(port: $0.port, knownHosts: $0.knownHosts, path: $0.path)
    }
    if let lab { labs.withLock { $0.append(lab) } }
    let built: [(any Provider)?] = [
        AzureProvider.make(context, lab: azureLab),
        try CiscoProvider.make(context, simulated: simulated),
    ]
    return ProviderRegistry(built.compactMap { $0 })
}

// What this executable brings: each provider, its lowering, prices, state backend, import options and commands.
await Reconcile.main(
    Wiring(
        lowering: BuiltIn.lowering,
        pricing: [AzurePricing()],
        stateBackends: [
            "azblob": { url, environment, stateDirectory in
                try AzureBlobStateBackend.open(url: url, environment: environment) {
                    try LabBlob.url(stateDirectory: stateDirectory)
                }
            }
        ],
        importOptions: [AzureImportOptions.self, CiscoImportOptions.self],
        commit: buildCommit,
        commands: [RenderCommand.self, IOSCommand.self, LabCommand.self],
        providers: providers
    )
)
