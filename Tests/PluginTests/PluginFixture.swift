import Foundation
import PluginProvider
import Reconciler
import Spec
import TestSupport
import Testing

/// Real plugins for the host's tests: the reference strongSwan plugin and the misbehaving ones in Tests/Plugins.
enum PluginFixture {
    static let strongswan = Fixture.path("examples/plugins/strongswan/reconcile-provider-strongswan")

    static func testPlugin(_ name: String) -> String { Fixture.path("Tests/Plugins/reconcile-provider-\(name)") }

    static let builtInKinds: Set<String> = ["Site", "CiscoRouter", "VirtualNetwork", "Plugin"]

    /// The tunnel's key, as the secret resolver would hand it to apply.
    static let psk = "osaka-tunnel-key-7f3a9c"
    static let peer = "20.1.2.3"
    static let fingerprinter = Fingerprinter(key: Array("plugin tests".utf8))
    static let fingerprint: @Sendable (String) -> String = { fingerprinter.fingerprint($0) }

    /// A fresh directory: the spec's root.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.resolvingSymlinksInPath().path
    }

    /// Starts a plugin, collecting what it registers with the mask.
    static func start(
        _ name: String,
        executable: String,
        root: String,
        deadlines: PluginDeadlines = PluginDeadlines(call: .seconds(20), apply: .seconds(20)),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (PluginProvider, Registered) {
        let registered = Registered()
        let provider = try PluginProvider.start(
            name: name,
            executable: executable,
            root: root,
            register: { registered.add($0) },
            builtInKinds: builtInKinds,
            deadlines: deadlines,
            environment: environment
        )
        return (provider, registered)
    }

    /// The Sites as lowering hands them to plugins: one tunnel to Azure's gateway, by reference, its key by source.
    static let sites: JSON = [
        "osaka": [
            "name": "osaka",
            "addressSpace": ["192.168.20.0/24"],
            "publicIp": "203.0.113.20",
            "bgp": nil,
            "tunnels": [
                [
                    "name": "osaka-vpn",
                    "connection": "osaka-vpn",
                    "instance": 0,
                    "ikeVersion": "IKEv2",
                    "crypto": [
                        "ikeEncryption": "AES256", "ikeIntegrity": "SHA256", "dhGroup": "DHGroup14",
                        "ipsecEncryption": "GCMAES256", "ipsecIntegrity": "GCMAES256", "pfsGroup": "None",
                        "saLifetimeSeconds": 27000, "saDataSizeKilobytes": 102_400_000,
                    ],
                    "sharedKey": ["$secret": "env:OSAKA_PSK"],
                    "peer": ["$ref": ["address": "azure:publicIPAddresses/hub-gw-pip1", "output": "ipAddress"]],
                    "staticPrefixes": ["10.10.0.0/16"],
                    "bgp": nil,
                ]
            ],
        ]
    ]

    /// What the tunnel's `crypto` in `sites` offers, in the spec's words.
    static let proposals = IpsecProposals(
        ikeEncryption: [.aes256],
        ikeIntegrity: [.sha256],
        dhGroups: [.group14],
        ipsecEncryption: [.gcmAES256],
        ipsecIntegrity: [.gcmAES256]
    )

    static func router(kind: String = "StrongSwanRouter", name: String = "osaka-gw") -> PluginDocument {
        PluginDocument(kind: kind, name: name, spec: ["site": "osaka", "configDir": "out/osaka"])
    }

    /// Attributes as the engine hands them to apply: references resolved, secrets as values.
    static func resolved(_ attributes: Attributes) -> Attributes {
        var out = attributes
        for entry in attributes {
            switch entry.value {
            case .reference: out[entry.key] = .string(peer)
            case .secret: out[entry.key] = .string(psk)
            default: break
            }
        }
        return out
    }

    static func changes(_ resources: [PluginResource], _ action: Action) -> [ResolvedChange] {
        resources.map {
            ResolvedChange(
                address: $0.address,
                type: $0.type,
                action: action,
                attributes: resolved($0.attributes),
                prior: nil
            )
        }
    }

    /// What read gives for what apply wrote: the same attributes, the key as its fingerprint.
    static func expectedRead(_ resource: PluginResource) -> Attributes {
        var attributes = resolved(resource.attributes)
        if attributes["psk"] != nil { attributes["psk"] = .fingerprint(fingerprint(psk)) }
        return attributes
    }

    /// A read context that knows the lowered resources, as the engine's does from the spec.
    static func context(_ resources: [PluginResource]) -> ReadContext {
        let known = Dictionary(uniqueKeysWithValues: resources.map { ($0.address, ($0.type, $0.attributes)) })
        return ReadContext(fingerprint: fingerprint, known: { known[$0].map { (type: $0.0, attributes: $0.1) } })
    }
}

/// The values a plugin's provider registered with the run's mask.
final class Registered: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ value: String) {
        lock.lock()
        items.append(value)
        lock.unlock()
    }

    var values: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
