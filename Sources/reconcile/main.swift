import ReconcileCLI
import Reconciler

// The real providers register here as they land (Azure, Cisco).
await Reconcile.main(providers: ProviderRegistry([]))
