import ReconcileCLI
import Reconciler
import TestProvider

// The real commands, wired to the test provider (registered as both `azure` and `cisco`)
// over the world file named by RECONCILE_TEST_WORLD. Used by tests that run processes:
// lock contention, kill -9 during apply, exit codes.
await Reconcile.main { _ in TestWorldProvider.registryFromEnvironment() }
