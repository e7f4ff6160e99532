import Azure
import Foundation
import PluginProvider
import Reconciler
import Spec
import TestSupport
import Testing
import Verify

/// The reference plugin through the host, over real pipes: what it brings, lower, apply, read,
/// drift, unmanaged, preview and delete.
@Suite("strongSwan plugin through the host")
struct PluginStrongSwanTests {
    @Test func initializeGivesItsKindsAndTypes() throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, _) = try PluginFixture.start("strongswan", executable: PluginFixture.strongswan, root: root)
        defer { provider.shutdown() }
        #expect(provider.kinds.map(\.kind) == ["StrongSwanRouter"])
        #expect(provider.kinds.first?.schema["required"] == ["site", "configDir"])
        #expect(provider.kinds.first?.description?.contains("strongSwan") == true)
        #expect(provider.schemas.map(\.type) == ["strongswan.swanctl", "strongswan.connection"])
        let connection = provider.schema(for: "strongswan.connection")
        #expect(connection?.attribute("psk")?.sensitive == true)
        #expect(connection?.attribute("psk")?.role == .required)
        #expect(connection?.attribute("localId")?.role == .optional)
        #expect(connection?.attribute("configDir")?.forcesReplacement == true)
        #expect(connection?.outputs == ["id"])
        #expect(provider.maxConcurrency == 4)
        #expect(provider.capabilities == ["preview", "unmanaged", "import", "facts"])
    }

    /// `facts` for verify: the router's end of its tunnel from the files it wrote, the key only as
    /// a fingerprint made with the host's key for the call, the SA state unknown without swanctl.
    @Test func factsGiveTheRoutersEndWithTheKeyAsAFingerprint() async throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, registered) = try PluginFixture.start(
            "strongswan",
            executable: PluginFixture.strongswan,
            root: root
        )
        defer { provider.shutdown() }
        let (resources, _) = try provider.lower(documents: [PluginFixture.router()], sites: PluginFixture.sites)
        // Before apply: the router, with no tunnel.
        #expect(try await provider.routerFacts(["osaka-gw"])["osaka-gw"]?.tunnels.isEmpty == true)

        _ = try await provider.apply(PluginFixture.changes(resources, .create))
        let facts = try #require(try await provider.routerFacts(["osaka-gw"])["osaka-gw"])
        let end = try #require(facts.tunnels.first)
        #expect(facts.tunnels.count == 1)
        #expect(end.device == "osaka-gw" && end.tunnel == "osaka-vpn")
        #expect(end.destination == PluginFixture.peer && end.peerAddress == PluginFixture.peer)
        #expect(end.wanAddress == "203.0.113.20" && end.ikeVersion == "IKEv2")
        #expect(end.sharedKey == nil, "never in clear")
        #expect(end.sharedKeyFingerprint?.matches(PluginFixture.psk) == true)
        #expect(end.sharedKeyFingerprint?.matches("another key") == false)
        // What the file offers, as the Site's tunnel pins it, in the spec's words.
        #expect(end.offers == PluginFixture.proposals)
        #expect(end.stateUnseen?.hasPrefix("plugin strongswan cannot see the SA state (") == true, "\(end)")
        #expect(facts.ikev2.isEmpty && facts.ipsec.isEmpty && facts.routes == nil)
        // Nothing the plugin answered holds the key: not a field, not a detail.
        var everything = ""
        dump(facts, to: &everything)
        #expect(!everything.contains(PluginFixture.psk), "\(everything)")
        // `facts` is not a read: it registers nothing with the mask.
        #expect(!registered.values.contains(PluginFixture.psk))
    }

    /// Verify compares a plugin router's proposals with what Azure accepts when the plugin reports
    /// them: the strongSwan box as applied agrees; edited to offer another DH group, the IKE
    /// proposal check fails and says both sides in the spec's words.
    @Test func verifyComparesThePluginRoutersProposals() async throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, _) = try PluginFixture.start("strongswan", executable: PluginFixture.strongswan, root: root)
        defer { provider.shutdown() }
        let (resources, _) = try provider.lower(documents: [PluginFixture.router()], sites: PluginFixture.sites)
        _ = try await provider.apply(PluginFixture.changes(resources, .create))
        let azure = AzureEnd(
            connection: "osaka-vpn",
            gatewayAddresses: [PluginFixture.peer],
            localAddress: "203.0.113.20",
            sharedKey: PluginFixture.psk,
            ikeVersion: "IKEv2",
            accepts: PluginFixture.proposals,
            bgp: false
        )
        func proposalChecks() async throws -> [String: Check] {
            let facts = try #require(try await provider.routerFacts(["osaka-gw"])["osaka-gw"])
            let end = try #require(facts.tunnels.first)
            let checks = TunnelChecks.evaluate(router: end, azure: azure)
            return Dictionary(uniqueKeysWithValues: checks.map { ($0.name, $0) })
        }

        let agreed = try await proposalChecks()
        #expect(agreed["IKE proposal"]?.ok == true, "\(agreed)")
        #expect(agreed["IPsec transform"]?.ok == true, "\(agreed)")
        #expect(
            agreed["IKE proposal"]?.detail
                == "the router offers AES256, SHA256, DHGroup14; Azure accepts AES256, SHA256, DHGroup14"
        )
        #expect(agreed.values.filter { !$0.ok }.isEmpty, "\(agreed.values.filter { !$0.ok })")

        // Someone gives the box another DH group: the IKE proposal no longer agrees.
        let file = root + "/out/osaka/conf.d/osaka-vpn.conf"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("aes256-sha256-modp2048"))
        try Data(text.replacingOccurrences(of: "aes256-sha256-modp2048", with: "aes256-sha256-modp1024").utf8)
            .write(to: URL(fileURLWithPath: file))
        let changed = try await proposalChecks()
        #expect(changed["IKE proposal"]?.ok == false)
        #expect(
            changed["IKE proposal"]?.detail
                == "the router offers AES256, SHA256, DHGroup2; Azure accepts AES256, SHA256, DHGroup14"
        )
        #expect(changed.values.filter { !$0.ok }.map(\.name) == ["IKE proposal"])
    }

    /// Proposals are in the spec's words or the answer is refused, naming the field and the value.
    @Test func proposalsOutsideTheSpecsWordsAreRefused() async throws {
        let message = try await factsError(proposals: #"dict(proposals, dhGroup=["modp2048\u001b[2J"])"#)
        #expect(
            message.hasPrefix(
                "plugin strongswan: facts answered routers[0].tunnels[0].proposals.dhGroup holding modp2048"
            ),
            "\(message)"
        )
        #expect(
            message.hasSuffix("not one of None, DHGroup1, DHGroup2, DHGroup14, DHGroup2048, ECP256, ECP384, DHGroup24")
        )
        #expect(!message.contains("\u{1B}"), "text a plugin sends is escaped")
    }

    /// A hostile plugin's proposals: each malformed shape is refused with a message of bounded size
    /// naming the field (it used to take any length, repeats and extra keys, and echo a value whole).
    @Test(arguments: [
        (
            #"dict(proposals, ikeEncryption=["AES256"] * 10000)"#,
            "ikeEncryption with 10000 values, more than the 7 there are"
        ),
        (#"dict(proposals, dhGroup=["DHGroup14", "DHGroup14"])"#, "dhGroup holding DHGroup14 twice"),
        (
            #"dict(proposals, pfsGroup=["PFS14"])"#,
            "proposals.pfsGroup, not one of ikeEncryption, ikeIntegrity, dhGroup, ipsecEncryption, ipsecIntegrity"
        ),
        (#"{k: v for k, v in proposals.items() if k != "dhGroup"}"#, "proposals.dhGroup missing"),
        (#"dict(proposals, dhGroup=["\u001b" + "x" * 100000])"#, "dhGroup holding \\u{1B}xxx"),
    ])
    func hostileProposalsAreRefused(proposals: String, says: String) async throws {
        let message = try await factsError(proposals: proposals)
        #expect(message.hasPrefix("plugin strongswan: facts answered routers[0].tunnels[0].proposals."), "\(message)")
        #expect(message.contains(says), "\(message)")
        #expect(message.count < 300, "a value is quoted by its start only: \(message.count) characters")
    }

    /// The error `routerFacts` throws once the plugin reports `proposals` as the Python expression
    /// `proposals` (of the plugin's own `proposals`) after applying a tunnel.
    private func factsError(proposals: String) async throws -> String {
        let root = try PluginFixture.temporaryDirectory()
        let program = root + "/reconcile-provider-strongswan"
        let text = try String(contentsOfFile: PluginFixture.strongswan, encoding: .utf8)
        let patched = text.replacingOccurrences(
            of: #"facts["proposals"] = proposals"#,
            with: #"facts["proposals"] = "# + proposals
        )
        #expect(patched != text)
        try Data(patched.utf8).write(to: URL(fileURLWithPath: program))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program)
        let (provider, _) = try PluginFixture.start("strongswan", executable: program, root: root)
        defer { provider.shutdown() }
        let (resources, _) = try provider.lower(documents: [PluginFixture.router()], sites: PluginFixture.sites)
        _ = try await provider.apply(PluginFixture.changes(resources, .create))
        let error = await #expect(throws: ProviderError.self) { try await provider.routerFacts(["osaka-gw"]) }
        return try #require(error?.message)
    }

    @Test func lowerKeepsReferencesAndSecretSources() throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, _) = try PluginFixture.start("strongswan", executable: PluginFixture.strongswan, root: root)
        defer { provider.shutdown() }
        let (resources, diagnostics) = try provider.lower(
            documents: [PluginFixture.router()],
            sites: PluginFixture.sites
        )
        #expect(diagnostics.isEmpty)
        #expect(
            resources.map(\.address.description) == [
                "strongswan:osaka-gw/swanctl", "strongswan:osaka-gw/conn/osaka-vpn",
            ]
        )
        let connection = try #require(resources.last)
        #expect(connection.type == "strongswan.connection")
        #expect(connection.document == "osaka-gw")
        #expect(
            connection.attributes["remoteAddress"]
                == .reference(OutputReference(.azure("publicIPAddresses/hub-gw-pip1"), "ipAddress"))
        )
        #expect(connection.attributes["psk"] == .secret(.environment("OSAKA_PSK")))
        #expect(connection.attributes["ikeVersion"] == 2)
        #expect(connection.attributes["localTs"] == .list(["192.168.20.0/24"]))
        #expect(connection.dependencies == [resources[0].address])

        // A document about a Site that does not exist: a diagnostic at its path, not a failure.
        let missing = PluginDocument(
            kind: "StrongSwanRouter",
            name: "kyoto-gw",
            spec: ["site": "kyoto", "configDir": "k"]
        )
        let (_, found) = try provider.lower(documents: [missing], sites: PluginFixture.sites)
        #expect(found.map(\.path) == ["spec.site"])
        #expect(found.first?.severity == .error && found.first?.document == "kyoto-gw")
    }

    @Test func applyReadDriftUnmanagedPreviewAndDelete() async throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, registered) = try PluginFixture.start(
            "strongswan",
            executable: PluginFixture.strongswan,
            root: root
        )
        defer { provider.shutdown() }
        let (resources, _) = try provider.lower(documents: [PluginFixture.router()], sites: PluginFixture.sites)
        let connection = try #require(resources.last)
        let addresses = resources.map(\.address)
        let context = PluginFixture.context(resources)

        // Create: the files, the key written in them, never in the plugin's log.
        let outputs = try await provider.apply(PluginFixture.changes(resources, .create))
        let file = root + "/out/osaka/conf.d/osaka-vpn.conf"
        #expect(outputs[connection.address] == ["id": .string(file)])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("remote_addrs = \(PluginFixture.peer)"))
        #expect(text.contains("secret = \"\(PluginFixture.psk)\""))
        #expect(provider.log.contains { $0.contains("strongswan:osaka-gw/conn/osaka-vpn: create") })
        #expect(!provider.log.joined(separator: "\n").contains(PluginFixture.psk))

        // Read back: what was applied, the key as its fingerprint, its value registered with the mask.
        let observed = try await provider.read(addresses, context: context)
        for resource in resources {
            #expect(observed[resource.address]?.attributes == PluginFixture.expectedRead(resource))
        }
        #expect(observed[connection.address]?.outputs == ["id": .string(file)])
        #expect(registered.values.contains(PluginFixture.psk))

        // An edit out of band reads as a difference.
        try text.replacingOccurrences(of: "remote_addrs = \(PluginFixture.peer)", with: "remote_addrs = 20.9.9.9")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let edited = try await provider.read(addresses, context: context)
        #expect(edited[connection.address]?.attributes["remoteAddress"] == "20.9.9.9")

        // A stray file in the managed directory is unmanaged.
        try "connections {\n}\n".write(toFile: root + "/out/osaka/conf.d/stray.conf", atomically: true, encoding: .utf8)
        let unmanaged = try await provider.listUnmanaged(managed: Set(addresses), observed: [:])
        #expect(unmanaged == [UnmanagedObject(provider: "strongswan", kind: "connection", name: "osaka-gw/stray")])

        // Preview: the file as it would be, the key masked, the reference shown as what it is.
        let planned = PlannedChange(
            address: connection.address,
            type: connection.type,
            action: .create,
            desired: connection.attributes,
            dependencies: connection.dependencies
        )
        let lines = provider.preview(planned, observed: [:])
        #expect(lines.contains("        secret = <sensitive>"))
        #expect(lines.contains("        remote_addrs = <azure:publicIPAddresses/hub-gw-pip1.ipAddress>"))

        // Delete: the file goes, and read finds nothing.
        let prior = StateResource(
            address: connection.address,
            type: connection.type,
            attributes: PluginFixture.expectedRead(connection),
            outputs: ["id": .string(file)],
            dependencies: connection.dependencies
        )
        let delete = ResolvedChange(
            address: connection.address,
            type: connection.type,
            action: .delete,
            attributes: [:],
            prior: prior
        )
        _ = try await provider.apply([delete])
        #expect(!FileManager.default.fileExists(atPath: file))
        let after = try await provider.read(addresses, context: context)
        #expect(after[connection.address] == nil)
        #expect(after[resources[0].address] != nil)
    }

    /// Import reads the files back into a document; the key comes back as a named secret, registered with the mask.
    @Test func importDescribesWhatIsThere() async throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, registered) = try PluginFixture.start(
            "strongswan",
            executable: PluginFixture.strongswan,
            root: root
        )
        defer { provider.shutdown() }
        let (resources, _) = try provider.lower(documents: [PluginFixture.router()], sites: PluginFixture.sites)
        _ = try await provider.apply(PluginFixture.changes(resources, .create))
        let found = try provider.importTarget("out/osaka")
        #expect(
            found.documents == [
                ["kind": "StrongSwanRouter", "name": "osaka-gw", "spec": ["site": "osaka", "configDir": "out/osaka"]]
            ]
        )
        #expect(found.secrets.map(\.name) == ["psk:\(PluginFixture.peer)"])
        #expect(found.secrets.map(\.value) == [PluginFixture.psk])
        #expect(!"\(found.secrets)".contains(PluginFixture.psk))
        #expect(registered.values.contains(PluginFixture.psk))
        #expect(found.unmanaged.isEmpty)

        let (garbage, _) = try PluginFixture.start(
            "garbage",
            executable: PluginFixture.testPlugin("garbage"),
            root: root
        )
        let error = #expect(throws: ProviderError.self) { try garbage.importTarget("out/osaka") }
        #expect(error?.message.hasPrefix("plugin garbage cannot import") == true)
    }

    /// As `reconcile import --plugin` sees it: the document with its keys sorted, the plugin's own
    /// Plugin document (pinned as it ran), and a key no document names kept to compare with the
    /// secret another provider read at the same peer (never a variable of its own).
    @Test func theImporterTurnsWhatTheImportFoundIntoAScope() async throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, _) = try PluginFixture.start("strongswan", executable: PluginFixture.strongswan, root: root)
        defer { provider.shutdown() }
        let (resources, _) = try provider.lower(documents: [PluginFixture.router()], sites: PluginFixture.sites)
        _ = try await provider.apply(PluginFixture.changes(resources, .create))
        let digest = String(repeating: "a", count: 64)
        let scope = try await PluginImporter(plugin: provider, target: "out/osaka", pin: ("../bin/plugin", digest))
            .importScope()
        #expect(
            scope.documents.map(\.document) == [
                SpecDocument(
                    kind: "StrongSwanRouter",
                    name: "osaka-gw",
                    file: "strongswan.yaml",
                    spec: [SpecField("configDir", .string("out/osaka")), SpecField("site", .string("osaka"))]
                ),
                SpecDocument(
                    kind: "Plugin",
                    name: "strongswan",
                    file: "plugins.yaml",
                    comments: ["The plugin that imported out/osaka, pinned by its digest as it ran."],
                    spec: [SpecField("path", .string("../bin/plugin")), SpecField("sha256", .string(digest))]
                ),
            ]
        )
        #expect(scope.secrets.map(\.name) == [nil])
        #expect(scope.secrets.map(\.meets) == [["psk:\(PluginFixture.peer)"]])
        #expect(scope.secrets.first?.matches(PluginFixture.psk) == true)
        #expect(scope.secrets.map(\.origin) == ["strongswan: out/osaka psk:\(PluginFixture.peer)"])
        #expect(scope.requests == 1)
    }

    /// A JSON-RPC error fails the call with the plugin's message; the connection stays usable.
    @Test func aPluginErrorFailsTheCallOnly() async throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, _) = try PluginFixture.start("strongswan", executable: PluginFixture.strongswan, root: root)
        defer { provider.shutdown() }
        try "not a directory".write(toFile: root + "/blocked", atomically: true, encoding: .utf8)
        let document = PluginDocument(
            kind: "StrongSwanRouter",
            name: "osaka-gw",
            spec: ["site": "osaka", "configDir": "blocked/osaka"]
        )
        let (resources, _) = try provider.lower(documents: [document], sites: PluginFixture.sites)
        let error = await #expect(throws: ProviderError.self) {
            try await provider.apply(PluginFixture.changes(resources, .create))
        }
        #expect(error?.message.hasPrefix("plugin strongswan: ") == true)
        #expect(error?.message.contains("blocked") == true)
        #expect(error?.retryable == false)
        let (again, _) = try provider.lower(documents: [PluginFixture.router()], sites: PluginFixture.sites)
        #expect(again.count == 2)
    }

    /// A router's changes are one unit and one serialization key; its parts belong to it.
    @Test func changesOfOneRouterFormOneUnit() throws {
        let root = try PluginFixture.temporaryDirectory()
        let (provider, _) = try PluginFixture.start("strongswan", executable: PluginFixture.strongswan, root: root)
        defer { provider.shutdown() }
        func change(_ path: String) -> PlannedChange {
            PlannedChange(
                address: ResourceAddress(provider: "strongswan", path: path),
                type: "strongswan.connection",
                action: .create,
                desired: [:],
                dependencies: []
            )
        }
        let changes = [change("b-gw/swanctl"), change("a-gw/conn/x"), change("b-gw/conn/y"), change("a-gw/swanctl")]
        #expect(
            provider.units(changes).map { $0.map(\.address.path) } == [
                ["b-gw/swanctl", "b-gw/conn/y"], ["a-gw/conn/x", "a-gw/swanctl"],
            ]
        )
        #expect(provider.serializationKey(changes[2]) == "strongswan:b-gw")
        #expect(provider.device(of: changes[1].address) == ResourceAddress(provider: "strongswan", path: "a-gw"))
    }
}
