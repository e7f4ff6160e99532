public import AzureModel
internal import Cisco
internal import Foundation
public import IOSSimulator
public import Spec

/// The lab (docs/lab.md): one Azure model and one simulated router per CiscoRouter
/// with `management.lab: true`, started in this process on 127.0.0.1, their world kept under
/// `.reconcile/lab/`, and linked so that a tunnel comes up only when both ends agree.
///
/// The providers reach them exactly as they reach Azure and real routers: ARM over HTTP,
/// the system OpenSSH client over SSH.
public final class LabWorld: Sendable {
    /// A simulated router and how to reach it.
    public struct Router: Sendable {
        public var name: String
        public var server: IOSSSHServer
        public var port: Int
        /// A known_hosts file that pins its key for this run.
        public var knownHosts: String
        /// Its config file (`.reconcile/lab/devices/NAME.cfg`).
        public var path: String
    }

    public let azure: AzureModelServer?
    /// The Blob service (`/ACCOUNT/CONTAINER/BLOB` on a listener of its own), with the Azure model.
    public let blob: BlobServer?
    public let routers: [String: Router]
    public let links: LabLinks

    init(azure: AzureModelServer?, blob: BlobServer? = nil, routers: [String: Router], links: LabLinks) {
        self.azure = azure
        self.blob = blob
        self.routers = routers
        self.links = links
    }

    /// Where the lab keeps its world: `RECONCILE_LAB_DIR` (what `--lab-dir` sets), so checkouts
    /// can share one simulated Azure and one set of routers as CI runners share the real ones;
    /// else `lab/` in the state directory.
    public static func directory(_ stateDirectory: String) -> String {
        if let shared = ProcessInfo.processInfo.environment["RECONCILE_LAB_DIR"], !shared.isEmpty { return shared }
        return stateDirectory + "/lab"
    }

    /// Serves the lab's blob store (`DIRECTORY/blob`, shared with every process serving this lab)
    /// on a loopback listener; synchronous, for the state backend's factory.
    public static func blobServer(labDirectory: String, host: String = "127.0.0.1") throws -> BlobServer {
        try PrivateDirectory.create(labDirectory)
        return try BlobServer(service: BlobService(store: BlobStore(root: labDirectory + "/blob")), host: host)
    }

    /// The routers whose ISP line is down (`reconcile lab line ROUTER down`): their PPPoE
    /// dialer gets no address, so their tunnels cannot come up whatever the config says.
    public static func linesDown(_ stateDirectory: String) -> Set<String> {
        let file = directory(stateDirectory) + "/lines-down.json"
        guard let data = FileManager.default.contents(atPath: file),
            let names = try? JSONDecoder().decode([String].self, from: data)
        else { return [] }
        return Set(names)
    }

    /// Takes a router's ISP line down or brings it back, for the next command that starts the lab.
    public static func setLine(_ router: String, up: Bool, stateDirectory: String) throws {
        var down = linesDown(stateDirectory)
        if up { down.remove(router) } else { down.insert(router) }
        try FileManager.default.createDirectory(atPath: directory(stateDirectory), withIntermediateDirectories: true)
        let data = try JSONEncoder().encode(down.sorted())
        try data.write(to: URL(fileURLWithPath: directory(stateDirectory) + "/lines-down.json"), options: .atomic)
    }

    /// Starts what the spec puts in the lab.
    ///
    /// The Azure model when its AzureScope says `endpoint: lab`, a simulated router for each
    /// lab CiscoRouter; secrets (the routers' first login) come from `secrets`.
    public static func start(
        topology: Topology,
        stateDirectory: String,
        secrets: SecretResolver,
        host: String = "127.0.0.1",
        azurePort: Int = 0
    ) async throws -> LabWorld {
        let links = LabLinks()
        // The NVAs a Route Server peers with announce what the spec says they do.
        for server in topology.routeServers {
            for peer in server.spec.peers {
                links.addSpeaker(peer.ip.description, prefixes: peer.advertises.map(\.description))
            }
        }
        // Chaos runs (`bench --chaos`) make the lab fail the way Azure and routers do.
        let faults = try LabFaults.parse(ProcessInfo.processInfo.environment["RECONCILE_LAB_FAULTS"])
        let directory = Self.directory(stateDirectory)
        // Device configs hold the pre-shared keys and login secrets.
        for folder in [stateDirectory, directory, directory + "/devices"] { try PrivateDirectory.create(folder) }
        var server: AzureModelServer?
        var blob: BlobServer?
        if topology.scope?.spec.endpoint == .lab {
            // RECONCILE_LAB_TIME_SCALE stretches or shrinks Azure's provisioning times (default
            // 0.0005: a VPN gateway in 1.35 s), e.g. to interrupt a gateway's operation in tests.
            var options = AzureModel.Options()
            options.faults = faults.azure
            if let scale = ProcessInfo.processInfo.environment["RECONCILE_LAB_TIME_SCALE"].flatMap(Double.init),
                scale >= 0
            {
                options.timeScale = scale
            }
            let model = AzureModel(options: options, persistence: directory + "/azure.json")
            // The lab has no circuits: each ExpressRoute circuit announces its site's address
            // space, as the on-prem edge behind it would.
            for c in topology.expressRouteConnections {
                guard let site = topology.sites[c.spec.site] else { continue }
                await model.announce(from: c.spec.circuitId, prefixes: site.spec.addressSpace.map(\.description))
            }
            await model.link(
                observer: links.observer,
                status: links.connectionStatus,
                announcements: links.announcements
            )
            let started = AzureModelServer(model: model)
            try await started.start(host: host, port: azurePort)
            server = started
            blob = try blobServer(labDirectory: directory, host: host)
        }
        var routers: [String: Router] = [:]
        for router in topology.routers.sorted(by: { $0.name < $1.name }) where router.spec.management.lab {
            let spec = router.spec
            let management = spec.management
            let path = directory + "/devices/\(router.name).cfg"
            let model = spec.model ?? "C891FJ-K9"
            let software = spec.software ?? "15.4(1)T1"
            let device = try IOSDevice.persisted(
                at: path,
                config: IOSDevice.dayZero(model: model, platform: spec.platform.rawValue, software: software),
                platform: spec.platform.rawValue,
                model: model,
                software: software,
                status: links.status(for: router.name)
            )
            let site = topology.site(forDevice: router.name)
            // A PPPoE session gets the site's address from the lab's ISP, unless its line is down.
            let lineUp = !Self.linesDown(stateDirectory).contains(router.name)
            links.add(
                router.name,
                device: device,
                negotiatedAddress: spec.wan.pppoe == nil || !lineUp ? nil : site?.spec.publicIp?.description
            )
            let ssh = IOSSSHServer(
                device: device,
                username: management.username,
                password: try secrets.resolve(management.password),
                enableSecret: try management.enableSecret.map { try secrets.resolve($0) },
                privilegedLogin: management.enableSecret == nil,
                hostKey: try RouterHostKey.persisted(at: directory + "/devices/\(router.name).hostkey")
            )
            // The engineer's station: the last address of the router's LAN.
            let lan = spec.lan.address.prefix
            let size = lan.length >= 31 ? UInt64(2) : UInt64(1) << (32 - lan.length)
            ssh.clientAddress = IPv4Address(UInt32(UInt64(lan.network.value) + size - 2)).description
            ssh.dropEvery = faults.sshDropEvery
            try ssh.start(host: host)
            // The pin names the key, not this run's port: every process serving this lab
            // presents the same key, so the file's bytes never change once written and a second
            // run cannot invalidate the pin a first one is using.
            let knownHosts = directory + "/devices/\(router.name).known_hosts"
            try Self.writeIfChanged("[\(host)]:* \(ssh.hostKeyLine)\n", to: knownHosts)
            routers[router.name] = Router(
                name: router.name,
                server: ssh,
                port: ssh.port,
                knownHosts: knownHosts,
                path: path
            )
        }
        return LabWorld(azure: server, blob: blob, routers: routers, links: links)
    }

    /// Writes `text` to `path` unless the file already holds exactly that (a unique temporary
    /// file renamed into place, mode 0600), so runs that agree never touch each other's files.
    static func writeIfChanged(_ text: String, to path: String) throws {
        let data = Data(text.utf8)
        if FileManager.default.contents(atPath: path) == data { return }
        let temporary = path + ".\(getpid()).\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary]) }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Serves until the task is cancelled, then stops.
    ///
    /// The world must outlive its servers: the routers' `show` commands and the model's
    /// observer reach `links` weakly, so a lab whose last reference went away answers nothing.
    public func serve() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        stop()
    }

    public func stop() {
        for router in routers.values { router.server.stop() }
        azure?.stop()
        blob?.stop()
    }
}
