import Azure
import AzureModel
import Cisco
import Foundation
import Lab
import ReconcileCLI
import Reconciler
import Spec

/// The lab, kept alive for the whole command.
nonisolated(unsafe) var lab: LabWorld?

/// Each provider's importer for `reconcile import`: ARM as the Azure provider reaches it, the
/// routers over the same pinned SSH as the Cisco provider.
@Sendable func importers(_ request: ImportRequest) async throws -> [any Importer] {
    var importers: [any Importer] = []
    for group in request.azure {
        let base = group.endpoint == .publicCloud ? "https://management.azure.com" : group.endpoint.description
        request.say(
            "azure: reading \(base) (subscription \(group.subscription), resource group \(group.resourceGroup))"
        )
        let credential = AzureCredential()
        importers.append(
            AzureImporter(
                client: ARMClient(baseURL: base, token: { try await credential.token() }),
                subscription: group.subscription,
                resourceGroup: group.resourceGroup,
                endpoint: group.endpoint.description
            )
        )
    }
    if !request.routers.isEmpty {
        var routers: [CiscoImporter.Router] = []
        for router in request.routers {
            request.say("cisco: reading \(router.name) at \(router.host):\(router.port) over SSH")
            // How the spec reaches it from now on: where it is, and the variables of its login.
            let management = SpecValue.fields([
                ("host", .string(router.host)),
                ("port", router.port == 22 ? nil : .int(router.port)),
                ("username", .string(router.username)),
                ("password", .fromEnv(router.passwordVariable)),
                ("enableSecret", router.enableVariable.map { .fromEnv($0) }),
                ("knownHostsFile", router.knownHosts.map { .string($0) }),
            ])
            routers.append(
                CiscoImporter.Router(
                    name: router.name,
                    options: SSHTransport.Options(
                        host: router.host,
                        port: router.port,
                        username: router.username,
                        password: router.password,
                        knownHosts: router.knownHosts,
                        insecureAcceptHostKey: request.insecureAcceptHostKey
                    ),
                    enableSecret: router.enableSecret,
                    management: management
                )
            )
        }
        importers.append(CiscoImporter(routers: routers))
    }
    return importers
}

/// The real providers, built from the spec. With `endpoint: lab` the Azure model, and with
/// `management.lab: true` a simulated router, run in this process on 127.0.0.1 (`LabWorld`),
/// persisted under `.reconcile/lab/`; the tool always says which target it talks to and
/// never falls back from one to the other.
await Reconcile.main(
    pricing: [AzurePricing()],
    stateBackends: ["azblob": { try AzureBlobStateBackend.open(url: $0, environment: $1, lab: $2) }],
    importers: importers,
    commit: buildCommit
) { context in
    var providers: [any Provider] = []
    let topology = context.topology
    let secrets = SecretResolver(specRoot: topology.root)
    if topology.scope?.spec.endpoint == .lab || topology.routers.contains(where: { $0.spec.management.lab }) {
        lab = try await LabWorld.start(topology: topology, stateDirectory: context.stateDirectory, secrets: secrets)
    }
    if let scope = topology.scope?.spec {
        let client: ARMClient
        let operations = OperationJournal(file: context.stateDirectory + "/azure-operations.json")
        if scope.endpoint == .lab, let model = lab?.azure {
            let world = LabWorld.directory(context.stateDirectory) + "/azure.json"
            context.say("azure: the lab (local Azure model at \(model.url), world in \(world))")
            client = ARMClient(baseURL: model.url, token: { "lab" }, operations: operations)
        } else {
            let base = scope.endpoint == .publicCloud ? "https://management.azure.com" : scope.endpoint.description
            context.say("azure: \(base) (subscription \(scope.subscriptionId), resource group \(scope.resourceGroup))")
            let credential = AzureCredential()
            client = ARMClient(baseURL: base, token: { try await credential.token() }, operations: operations)
        }
        providers.append(AzureProvider(client: client, subscription: scope.subscriptionId, group: scope.resourceGroup))
    }
    if !topology.routers.isEmpty {
        let root = topology.root
        var routers: [String: CiscoProvider.Access] = [:]
        for router in topology.routers.sorted(by: { $0.name < $1.name }) {
            let spec = router.spec
            let management = spec.management
            var access = CiscoProvider.Access(
                host: management.host ?? "",
                port: management.port,
                username: management.username,
                password: management.password.source,
                enableSecret: management.enableSecret?.source,
                knownHosts: management.knownHostsFile.map { $0.hasPrefix("/") ? $0 : root + "/" + $0 },
                insecureAcceptHostKey: context.insecureAcceptHostKey,
                platform: spec.platform.rawValue
            )
            if let simulated = lab?.routers[router.name] {
                access.host = "127.0.0.1"
                access.port = simulated.port
                access.knownHosts = simulated.knownHosts
                context.say(
                    "cisco: \(router.name) is a lab router (simulated IOS at 127.0.0.1:\(simulated.port), "
                        + "config in \(simulated.path))"
                )
            } else {
                if let key = management.hostKey, access.knownHosts == nil {
                    // A key pinned in the spec becomes this run's known_hosts file.
                    let file = context.stateDirectory + "/\(router.name).known_hosts"
                    let host = access.port == 22 ? access.host : "[\(access.host)]:\(access.port)"
                    try FileManager.default.createDirectory(
                        atPath: context.stateDirectory,
                        withIntermediateDirectories: true
                    )
                    try "\(host) \(key)\n".write(toFile: file, atomically: true, encoding: .utf8)
                    access.knownHosts = file
                }
                context.say("cisco: \(router.name) at \(access.host):\(access.port) over SSH")
            }
            routers[router.name] = access
        }
        providers.append(
            CiscoProvider(routers: routers, baselines: context.stateDirectory + "/cisco-baseline") {
                try secrets.resolve(SecretRef(source: $0, location: .whole(root)))
            }
        )
    }
    return ProviderRegistry(providers)
}
