import Azure
import Cisco
import Foundation
import IOSSimulator
import Reconciler
import Spec
import TestSupport
import Testing

/// `IOSImport` on real configs, on a router the project configured in the lab (read back
/// over SSH by `CiscoImporter`), and through `reconcile ios import`.
@Suite("Importing a router's config")
struct IOSImportTests {
    static let management = SpecValue.fields([
        ("host", .string("192.0.2.1")), ("username", .string("admin")),
        ("password", .fromEnv("R1_PASSWORD")),
    ])

    /// Lines as the parser counts them: every line of the tree, children included.
    static func count(_ lines: [IOSLine]) -> Int { lines.reduce(0) { $0 + 1 + count($1.children) } }

    @Test(arguments: IOSParserTests.corpus)
    func everyCorpusConfigSplitsIntoClaimedAndUnmanagedLines(_ name: String) throws {
        let config = try IOSParser.parse(IOSParserTests.read(name))
        let result = IOSImport(config: config, name: "r1", management: Self.management)
        // Every line is claimed or unmanaged, none both, none lost.
        #expect(result.claimed.count + result.unmanaged.count == Self.count(config.lines))
        // The document renders the claimed lines and the lines it would add, nothing else.
        #expect(Self.count(result.rendered.lines) == result.claimed.count + result.missing.count)
        #expect(result.unmanaged.allSatisfy { $0.provider == "cisco" && $0.object == "r1" })
        // What is shown is masked: masking it again changes nothing.
        for line in result.unmanaged.map(\.text) + result.claimed {
            #expect(IOSRules.masked(line) == line, "\(line)")
        }
        #expect(result.document.document.kind == "CiscoRouter")
    }

    /// A config with a static WAN, NAT and a LAN route: each field read, the document renders
    /// exactly what the config holds of it.
    @Test func aStaticWanRouterImportsItsFieldsAndClaimsTheirLines() throws {
        let text = """
            hostname branch-rtr
            ip domain name example.net
            clock timezone JST 9 0
            interface GigabitEthernet0/0
             description uplink
             ip address 198.51.100.2 255.255.255.252
             ip nat outside
             ip virtual-reassembly in
            interface GigabitEthernet0/1
             ip address 10.1.0.1 255.255.255.0
             ip nat inside
             ip virtual-reassembly in
            ip nat inside source list 11 interface GigabitEthernet0/0 overload
            ip route 0.0.0.0 0.0.0.0 198.51.100.1
            ip route 10.2.0.0 255.255.0.0 10.1.0.254
            access-list 11 permit 10.1.0.0 0.0.0.255
            snmp-server community public RO
            ntp server 192.0.2.123 prefer
            """
        let result = IOSImport(config: try IOSParser.parse(text), name: "branch-rtr", management: Self.management)
        let yaml = SpecWriter.file([result.document.document])
        #expect(
            yaml.contains(
                """
                  wan:
                    interface: GigabitEthernet0/0
                    address: 198.51.100.2/30
                    gateway: 198.51.100.1
                  lan:
                    interface: GigabitEthernet0/1
                    address: 10.1.0.1/24
                    routes:
                    - {prefix: 10.2.0.0/16, nextHop: 10.1.0.254}
                  nat:
                    overload: [10.1.0.0/24]
                """
            ),
            "\(yaml)"
        )
        #expect(yaml.contains("timezone: {name: JST, offsetHours: 9}"))
        #expect(yaml.contains("ntpServers:\n    - {address: 192.0.2.123, prefer: true}"), "\(yaml)")
        #expect(result.document.owns == ["ip:198.51.100.2"])
        #expect(
            Set(result.unmanaged.map(\.text)) == [
                "interface GigabitEthernet0/0 / description uplink", "snmp-server community <sensitive> RO",
            ]
        )
        #expect(result.claimed.contains("ip route 10.2.0.0 255.255.0.0 10.1.0.254"))
        #expect(result.claimed.contains("interface GigabitEthernet0/1 / ip nat inside"))
    }

    /// The example's router, applied to the simulator by the provider, read back over SSH:
    /// the same CiscoRouter document as the example's (its costs and management aside), and
    /// its tunnel key meets the Azure gateway's address.
    @Test func theExampleAppliedInTheLabImportsToTheExamplesDocument() async throws {
        let lab = try await CiscoProviderTests.Lab("import")
        defer { lab.stop() }
        #expect(try await lab.apply().ok)
        let state = try #require(try lab.backend.load())
        let gatewayIP = try #require(
            state[ResourceAddress.azure("publicIPAddresses/hub-vpngw-pip1")]?.outputs["ipAddress"]?.scalarText
        )
        let importer = CiscoImporter(routers: [
            CiscoImporter.Router(
                name: "tokyo-rtr1",
                options: SSHTransport.Options(
                    host: "127.0.0.1",
                    port: lab.router.port,
                    username: "netops",
                    password: lab.environment["RTR_PASSWORD"],
                    knownHosts: lab.knownHosts.path,
                    timeout: .seconds(20)
                ),
                enableSecret: lab.environment["RTR_ENABLE"],
                management: .fields([
                    ("lab", .bool(true)), ("username", .string("netops")),
                    ("password", .fromEnv("RTR_PASSWORD")), ("enableSecret", .fromEnv("RTR_ENABLE")),
                ])
            )
        ])
        let scope = try await importer.importScope()
        #expect(scope.requests == 1)
        let imported = try #require(scope.documents.first)
        // The example's document, read with the project's YAML reader and written back.
        let example = try Self.exampleRouter()
        var document = imported.document.renamingEnvironment {
            $0 == "TOKYO_RTR1_PPP_PASSWORD" ? "PPP_PASSWORD" : $0
        }
        document.spec.removeAll { $0.key == "management" }
        document.file = example.file
        #expect(SpecWriter.file([document]) == SpecWriter.file([example]))
        // Its secrets: the login and enable secrets by hash, the PPP password in clear, and
        // the tunnel's key under the gateway's address.
        let byName = Dictionary(scope.secrets.compactMap { s in s.name.map { ($0, s) } }) { a, _ in a }
        #expect(byName["RTR_PASSWORD"]?.matches(lab.environment["RTR_PASSWORD"] ?? "") == true)
        #expect(byName["RTR_PASSWORD"]?.matches("wrong") == false)
        #expect(byName["RTR_ENABLE"]?.matches(lab.environment["RTR_ENABLE"] ?? "") == true)
        #expect(byName["TOKYO_RTR1_PPP_PASSWORD"]?.matches(lab.environment["PPP_PASSWORD"] ?? "") == true)
        let psk = try #require(scope.secrets.first { $0.name == nil })
        #expect(psk.meets == ["psk:\(gatewayIP)"])
        #expect(psk.matches(lab.environment["TOKYO_PSK"] ?? ""))
        #expect(imported.peers.contains("ip:\(gatewayIP)"))
        // What the document renders is exactly what it claims; the tunnel's lines are the
        // Azure side's, unmanaged here.
        let again = IOSImport(
            config: lab.device.runningConfig,
            name: "tokyo-rtr1",
            management: imported.document.value(at: "management") ?? .map([])
        )
        #expect(again.missing.isEmpty, "\(again.missing)")
        #expect(Self.count(again.rendered.lines) == again.claimed.count)
        #expect(scope.unmanaged.contains { $0.text.hasPrefix("interface Tunnel1") })
        #expect(scope.unmanaged.contains { $0.text.hasPrefix("crypto ikev2 keyring azure-keyring") })
        // No secret in anything returned that is meant to be shown.
        let shown = SpecWriter.file([imported.document]) + scope.unmanaged.map(\.text).joined() + scope.notes.joined()
        for secret in CiscoProviderTests.secretValues { #expect(!shown.contains(secret)) }
    }

    /// `reconcile ios import` on a real config with tunnel keys and a clear password: the
    /// document, what to set, the unmanaged lines above it, and no secret anywhere.
    @Test func theCommandPrintsTheDocumentWithItsUnmanagedLinesAndNoSecret() throws {
        let file = Fixture.path("Tests/CiscoTests/Corpus/batfish__pybatfish__hybrid-cloud-exitgw.cfg")
        let secrets = ["Rcw.wfJi8tgiOS8WiRS8eVmWvUrrC_Kx", "FnPi1E827cWJr.qGRhjwY85j2zeVdq6T", "password 0 cisco"]
        let yaml = try Fixture.run("reconcile", ["ios", "import", file])
        #expect(yaml.status == 0, "\(yaml.stderr)")
        #expect(yaml.stdout.contains("# Set these environment variables: EXITGW_PASSWORD\n"))
        #expect(yaml.stdout.contains("# 211 line(s) of the config this spec does not manage:\n"))
        #expect(
            yaml.stdout.contains("#   crypto keyring keyring-vpn-0dc7abdb974ff8a69-1 / pre-shared-key <sensitive>\n")
        )
        #expect(
            yaml.stdout.contains(
                """
                kind: CiscoRouter
                metadata:
                  name: exitgw
                spec:
                  platform: ios-xe
                  management:
                    host: 10.10.100.2
                    username: cisco
                    password: {fromEnv: EXITGW_PASSWORD}
                  system: {hostname: exitgw, domainName: test.com}
                  wan:
                    interface: GigabitEthernet3
                    address: 147.75.69.27/31
                    gateway: 147.75.69.26
                  lan: {interface: GigabitEthernet1, address: 10.10.100.2/24}
                  tunnel: {tcpAdjustMss: 1379, interfaceNumber: 1}
                """
            ),
            "\(yaml.stdout)"
        )
        let json = try Fixture.run("reconcile", ["ios", "import", file, "--format", "json", "--name", "gw1"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        )
        #expect(report["secrets"] as? [String] == ["GW1_PASSWORD"])
        #expect((report["document"] as? String)?.contains("name: gw1") == true)
        #expect((report["unmanaged"] as? [String])?.count == 211)
        for secret in secrets {
            #expect(!yaml.stdout.contains(secret) && !json.stdout.contains(secret), "\(secret)")
        }
        // A file that cannot be read, or is cut short, is an error naming it.
        let missing = try Fixture.run("reconcile", ["ios", "import", "/nonexistent/r1.cfg"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/r1.cfg: cannot be read"))
        let directory = try Fixture.temporaryDirectory("ios-import")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cut = directory.appendingPathComponent("cut.cfg")
        try Data("hostname r1\nbanner motd ^C\nwelcome\n".utf8).write(to: cut)
        let broken = try Fixture.run("reconcile", ["ios", "import", cut.path])
        #expect(broken.status == 1 && broken.stderr.contains("cut.cfg:2:1: error:"), "\(broken.stderr)")
    }

    /// The example's CiscoRouter without its `management` and `costs`.
    static func exampleRouter() throws -> SpecDocument {
        let file = "examples/s2s-cisco891-pppoe/onprem.yaml"
        let bytes = Array(try String(contentsOfFile: Fixture.path(file), encoding: .utf8).utf8)
        let documents = YAMLReader.read(bytes, file: file).documents
        let root = try #require(documents.first { $0.root["kind"]?.scalar?.text == "CiscoRouter" }?.root)
        guard case .map(let fields) = value(try #require(root["spec"])) else { throw CocoaError(.fileReadCorruptFile) }
        return SpecDocument(
            kind: "CiscoRouter",
            name: root["metadata"]?["name"]?.scalar?.text ?? "",
            file: "onprem.yaml",
            spec: fields.filter { !["management", "costs"].contains($0.key) }
        )
    }

    /// A YAML node as the spec's value types read it.
    static func value(_ node: YAMLNode) -> SpecValue {
        switch node.content {
        case .scalar(let s):
            if !s.isQuoted, let int = Int(s.text) { return .int(int) }
            if !s.isQuoted, ["true", "false"].contains(s.text) { return .bool(s.text == "true") }
            return .string(s.text)
        case .sequence(let items): return .list(items.map(value))
        case .mapping(let pairs):
            if pairs.count == 1, pairs[0].key.text == "fromEnv", let name = pairs[0].value.scalar?.text {
                return .fromEnv(name)
            }
            return .map(pairs.map { SpecField($0.key.text, value($0.value)) })
        }
    }
}
