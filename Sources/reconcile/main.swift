import Azure
import AzureModel
import Cisco
import Foundation
import IOSSimulator
import ReconcileCLI
import Reconciler
import Spec

/// The lab's Azure model and simulated routers, kept alive for the whole command.
nonisolated(unsafe) var labServer: AzureModelServer?
nonisolated(unsafe) var labRouters: [IOSSSHServer] = []

/// The real providers, built from the spec. With `endpoint: lab` the Azure model runs in
/// this process on 127.0.0.1, and with `management.lab: true` so does a simulated router,
/// each persisted under `.reconcile/lab/`; the tool always says which target it talks to and
/// never falls back from one to the other.
await Reconcile.main { context in
    var providers: [any Provider] = []
    let topology = context.topology
    if let scope = topology.scope?.spec {
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
    if !topology.routers.isEmpty {
        let secrets = SecretResolver(specRoot: topology.root)
        let root = topology.root
        let resolve: @Sendable (SecretSource) throws -> String = {
            try secrets.resolve(SecretRef(source: $0, location: .whole(root)))
        }
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
            if management.lab {
                let path = context.stateDirectory + "/lab/devices/\(router.name).cfg"
                try FileManager.default.createDirectory(
                    atPath: context.stateDirectory + "/lab/devices",
                    withIntermediateDirectories: true
                )
                let device = try IOSDevice.persisted(
                    at: path,
                    config: IOSDevice.dayZero(
                        model: spec.model ?? "C891FJ-K9",
                        platform: spec.platform.rawValue,
                        software: spec.software ?? "15.4(1)T1"
                    ),
                    platform: spec.platform.rawValue,
                    model: spec.model ?? "C891FJ-K9",
                    software: spec.software ?? "15.4(1)T1"
                )
                let server = IOSSSHServer(
                    device: device,
                    username: management.username,
                    password: try secrets.resolve(management.password),
                    enableSecret: try management.enableSecret.map { try secrets.resolve($0) },
                    privilegedLogin: management.enableSecret == nil
                )
                // The engineer's station: the last address of the router's LAN.
                let lan = spec.lan.address.prefix
                let size = lan.length >= 31 ? UInt64(2) : UInt64(1) << (32 - lan.length)
                server.clientAddress = IPv4Address(UInt32(UInt64(lan.network.value) + size - 2)).description
                try server.start()
                labRouters.append(server)
                // The simulated router's key, pinned for this run's sessions.
                let knownHosts = context.stateDirectory + "/lab/devices/\(router.name).known_hosts"
                try "[127.0.0.1]:\(server.port) \(server.hostKeyLine)\n".write(
                    toFile: knownHosts,
                    atomically: true,
                    encoding: .utf8
                )
                access.host = "127.0.0.1"
                access.port = server.port
                access.knownHosts = knownHosts
                context.say(
                    "cisco: \(router.name) is a lab router (simulated IOS at 127.0.0.1:\(server.port), config in \(path))"
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
        providers.append(CiscoProvider(routers: routers, secret: resolve))
    }
    return ProviderRegistry(providers)
}
