import Azure
import BuiltInProviders
import Lab
import ReconcileCLI
import Reconciler
import TestProvider

// The real commands, wired to the test provider (registered as both `azure` and `cisco`)
// over the world file named by RECONCILE_TEST_WORLD. Used by tests that run processes:
// lock contention, kill -9 during apply, exit codes. State can live where the real binary
// puts it, Azure Blob storage included (the lab's Blob listener with `endpoint=lab`).
await Reconcile.main(
    Wiring(
        lowering: BuiltIn.lowering,
        stateBackends: [
            "azblob": { url, environment, stateDirectory in
                try AzureBlobStateBackend.open(url: url, environment: environment) {
                    try LabBlob.url(stateDirectory: stateDirectory)
                }
            }
        ],
        providers: { _ in TestWorldProvider.registryFromEnvironment() }
    )
)
