import BuiltInProviders
import Cisco
import Foundation
import IOSSimulator
import Spec
import TestSupport
import Testing

/// The intended config of each example router, as IOS prints it, against golden files:
/// the first seed's 891FJ, the BGP-over-tunnel variant, and an IOS-XE router.
@Suite("IOS renderer")
struct RendererTests {
    /// What Azure would have produced: the values the lab gives the examples' gateways, by
    /// output, or by the resource's name and output where instances differ.
    static let outputs: [String: String] = [
        "ipAddress": "198.51.100.20", "hub-vpngw-pip2.ipAddress": "198.51.100.21",
        "bgpPeeringAddress": "10.10.255.254", "hub-vpngw.bgpPeeringAddress0": "10.10.120.4",
        "hub-vpngw.bgpPeeringAddress1": "10.10.120.5", "publicIpAddress0": "198.51.100.40",
        "publicIpAddress1": "198.51.100.41", "bgpPeeringAddress0": "10.100.0.12", "bgpPeeringAddress1": "10.100.0.13",
    ]
    static let secrets = [
        "TOKYO_PSK": "Sup3rS3cretPsk", "OSAKA_PSK": "0saka-psk", "RTR_PASSWORD": "n3tops-pw", "RTR_ENABLE": "3nable",
        "PPP_PASSWORD": "ppp-pw",
    ]

    static func sections(_ example: String, _ device: String) throws -> [Resource] {
        let graph = try #require(
            SpecPipeline.run(Fixture.path("examples/\(example)"), lowering: BuiltIn.lowering).graph
        )
        return graph.resources.filter { $0.provider == "cisco" && $0.address.path.hasPrefix(device + "/") }
    }

    static func context(reveal: Bool) -> IOSRenderer.Context {
        IOSRenderer.Context(
            output: { reference in
                let name = reference.address.path.split(separator: "/").last.map(String.init) ?? ""
                return (outputs["\(name).\(reference.output)"] ?? outputs[reference.output]).map(Value.string)
            },
            secret: { source in
                guard reveal, case .environment(let name) = source else { return nil }
                return secrets[name]
            }
        )
    }

    static let devices = [
        ("s2s-cisco891-pppoe", "tokyo-rtr1"), ("routeserver-nva-default-route", "tokyo-rtr1"),
        ("vwan-internet-via-azure", "osaka-rtr1"),
    ]

    @Test(arguments: devices)
    func eachRouterRendersAsIOSPrintsIt(_ example: String, _ device: String) throws {
        let config = IOSRenderer.device(try Self.sections(example, device), context: Self.context(reveal: false))
        let text = config.render()
        Fixture.assertGolden(text, "Tests/CiscoTests/Golden/\(example).\(device).cfg")
        // What is rendered reads back to itself: no diff against a router that runs it.
        let parsed = try IOSParser.parse(text)
        #expect(Remediation.commands(running: parsed, intended: config).lines.isEmpty)
        #expect(parsed.render() == text)
        // Masked, no secret leaves; the Azure side's values are filled in.
        for secret in Self.secrets.values { #expect(!text.contains(secret)) }
        #expect(!text.contains("<azure:"))
    }

    /// With no ipsecPolicy the router got 3DES, SHA1 and DH group 2 and no DPD.
    @Test func aConnectionWithoutAPolicyGetsNextGenerationCryptoAndDPD() throws {
        let text = IOSRenderer.device(
            try Self.sections("routeserver-nva-default-route", "tokyo-rtr1"),
            context: Self.context(reveal: false)
        ).render()
        for line in [
            " encryption aes-gcm-256\n", " prf sha384\n", " group 20\n", " dpd 10 2 on-demand\n",
            "esp-gcm 256\n", " set pfs group20\n",
        ] {
            #expect(text.contains(line), "missing \(line)")
        }
        for legacy in ["3des", "sha1", "group 2\n", "esp-sha-hmac", " integrity "] { #expect(!text.contains(legacy)) }
        // Azure's side carries the same policy: its default proposals offer only DH group 2.
        let graph = try #require(
            SpecPipeline.run(Fixture.path("examples/routeserver-nva-default-route"), lowering: BuiltIn.lowering).graph
        )
        let connection = try #require(
            graph.resources.first {
                $0.type == "Microsoft.Network/connections" && $0.attributes["connectionType"] == .string("IPsec")
            }
        )
        #expect("\(connection.attributes)".contains("ECP384"))
    }

    /// A pinned policy keeps its values (the seed's 891FJ) and still gains DPD.
    @Test func aPinnedPolicyKeepsItsValuesAndGainsDPD() throws {
        let text = IOSRenderer.device(
            try Self.sections("s2s-cisco891-pppoe", "tokyo-rtr1"),
            context: Self.context(reveal: false)
        ).render()
        #expect(text.contains(" integrity sha1\n group 2\n"))
        #expect(text.contains(" dpd 10 2 on-demand\n"))
    }

    @Test func revealedSecretsAreTheValuesIOSWouldShow() throws {
        let text = IOSRenderer.device(
            try Self.sections("s2s-cisco891-pppoe", "tokyo-rtr1"),
            context: Self.context(reveal: true)
        ).render()
        #expect(text.contains("  pre-shared-key Sup3rS3cretPsk\n"))
        // Passwords as `service password-encryption` prints them: type 7, compared decrypted.
        let chap = try #require(text.split(separator: "\n").first { $0.contains("ppp chap password 7 ") })
        #expect(Type7.decode(String(chap.split(separator: " ").last ?? "")) == "ppp-pw")
        #expect(text.contains("enable secret 3nable\n"))
    }

    @Test func valuesAzureHasNotProducedYetSaySo() throws {
        let text = IOSRenderer.device(try Self.sections("s2s-cisco891-pppoe", "tokyo-rtr1")).render()
        #expect(text.contains(" tunnel destination <azure:publicIPAddresses/hub-vpngw-pip1.ipAddress>\n"))
        #expect(text.contains("  pre-shared-key <sensitive>\n"))
    }

    @Test func aNewRouterIsBuiltInTheOrderIOSNeeds() throws {
        let intended = IOSRenderer.device(
            try Self.sections("s2s-cisco891-pppoe", "tokyo-rtr1"),
            context: Self.context(reveal: false)
        )
        let order = Remediation.commands(running: IOSConfig(), intended: intended).lines.map(\.text)
        func position(_ prefix: String) throws -> Int { try #require(order.firstIndex { $0.hasPrefix(prefix) }) }
        #expect(try position("access-list 11") < position("ip nat inside source"))
        #expect(try position("crypto ikev2 proposal") < position("crypto ikev2 policy"))
        #expect(try position("crypto ikev2 keyring") < position("crypto ikev2 profile"))
        #expect(try position("crypto ipsec profile") < position("interface Tunnel1"))
        #expect(try position("interface Tunnel1") < position("ip route 10.10.0.0"))
        // What could cut a remote session comes last, the hostname at the very end.
        #expect(try position("interface Dialer1") > position("ip route 10.10.0.0"))
        #expect(order.last?.hasPrefix("hostname") == true)
    }

    @Test func theCommandPrintsOneRouterOrNamesTheOnesThereAre() throws {
        let good = try Fixture.run("reconcile", ["render", "examples/s2s-cisco891-pppoe", "--device", "tokyo-rtr1"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(
            good.stdout.contains("interface Tunnel1\n tunnel source Dialer1")
                || good.stdout.contains("interface Tunnel1\n ip unnumbered Dialer1")
        )
        #expect(good.stdout.contains("pre-shared-key <sensitive>"))
        let missing = try Fixture.run("reconcile", ["render", "examples/s2s-cisco891-pppoe", "--device", "osaka"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no CiscoRouter named 'osaka'") && missing.stderr.contains("tokyo-rtr1"))
    }

    /// `--show-secrets` prints only what the run grants, as `plan` would read it: a variable
    /// that is set but not granted is refused, and nothing of the config is printed.
    @Test func showSecretsPrintsOnlyGrantedSecrets() throws {
        let values = [
            "TOKYO_PSK": "render-psk-1", "RTR_PASSWORD": "render-login", "RTR_ENABLE": "render-enable",
            "PPP_PASSWORD": "render-ppp",
        ]
        let arguments = ["render", "examples/s2s-cisco891-pppoe", "--device", "tokyo-rtr1", "--show-secrets"]
        let environment = values.merging(["RECONCILE_ALLOWED_SECRETS": ""]) { $1 }
        let refused = try Fixture.run("reconcile", arguments, environment: environment)
        #expect(refused.status == 1, "\(refused.stdout)")
        #expect(refused.stderr.contains("TOKYO_PSK"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("render-psk-1") && !refused.stderr.contains("render-psk-1"))
        let granted = try Fixture.run(
            "reconcile",
            arguments + ["--allow-secret", "TOKYO_PSK,RTR_PASSWORD,RTR_ENABLE,PPP_PASSWORD"],
            environment: environment
        )
        #expect(granted.status == 0, "\(granted.stderr)")
        #expect(granted.stdout.contains("pre-shared-key render-psk-1"), "\(granted.stdout)")
    }
}

/// Behind NAT the router keeps the NAT's mapping open between DPD probes.
@Suite("NAT traversal on the router")
struct NatTraversalRenderTests {
    /// The seed's router, its site behind NAT or not.
    static func rendered(behindNat: Bool) throws -> (IOSConfig, String) {
        let text = try Fixture.exampleText(
            "s2s-cisco891-pppoe",
            [("behindNat: false", behindNat ? "behindNat: true" : "behindNat: false")]
        )
        let graph = try #require(
            SpecPipeline.process(SpecLoader.load(text: text, file: "spec.yaml"), lowering: BuiltIn.lowering).graph
        )
        let sections = graph.resources.filter { $0.provider == "cisco" }
        let config = IOSRenderer.device(sections, context: RendererTests.context(reveal: false))
        return (config, config.render())
    }

    @Test func aRouterBehindNatGetsAKeepaliveThatReadsBack() throws {
        let (config, text) = try Self.rendered(behindNat: true)
        #expect(text.contains("\ncrypto ikev2 nat keepalive 20\n"), "\(text)")
        let parsed = try IOSParser.parse(text)
        #expect(Remediation.commands(running: parsed, intended: config).lines.isEmpty)
        // The simulator takes the line as IOS does.
        let session = IOSSession(device: IOSDevice(config: parsed), privileged: true, enableSecret: "s")
        for line in ["configure terminal", "crypto ikev2 nat keepalive 30", "end"] {
            #expect(!session.input(line).contains("% "), "\(line)")
        }
        #expect(session.input("show running-config").contains("crypto ikev2 nat keepalive 30\r\n"))
        // Not behind NAT: no keepalive, and one on the router is a difference the keyring owns.
        let (plain, plainText) = try Self.rendered(behindNat: false)
        #expect(!plainText.contains("nat keepalive"))
        #expect(
            Remediation.commands(running: parsed, intended: plain).lines.map(\.text).contains(
                "no crypto ikev2 nat keepalive 20"
            )
        )
    }
}

/// A gateway's second instance gets its own tunnel, numbered after every first-instance one, so
/// making a gateway active-active renumbers no other connection's tunnel.
@Suite("Tunnels per gateway instance")
struct InstanceTunnelTests {
    /// The seed's router with a second VNet's gateway and connection, its first gateway
    /// active-active or not; each tunnel section's interface by its name.
    static func interfaces(activeActive: Bool) throws -> [String: String] {
        var text = try Fixture.exampleText(
            "s2s-cisco891-pppoe",
            [("activeActive: false", activeActive ? "activeActive: true" : "activeActive: false")]
        )
        text += """

            ---
            apiVersion: reconcile/v1
            kind: VirtualNetwork
            metadata: {name: dr-vnet}
            spec:
              addressSpace: [10.20.0.0/16]
              subnets:
                - {name: app, prefix: 10.20.1.0/24}
                - {name: GatewaySubnet, prefix: 10.20.120.0/27}
            ---
            apiVersion: reconcile/v1
            kind: VirtualNetworkGateway
            metadata: {name: dr-vpngw}
            spec: {virtualNetwork: dr-vnet, gatewayType: Vpn, vpnType: RouteBased, sku: VpnGw1AZ}
            ---
            apiVersion: reconcile/v1
            kind: VpnConnection
            metadata: {name: dr}
            spec: {gateway: dr-vpngw, site: tokyo-hq, protocol: IKEv2, sharedKey: {fromEnv: TOKYO_PSK}, routing: Static}

            """
        let result = SpecPipeline.process(SpecLoader.load(text: text, file: "spec.yaml"), lowering: BuiltIn.lowering)
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.summary)
        #expect(errors.isEmpty, "\(errors)")
        let graph = try #require(result.graph)
        var found: [String: String] = [:]
        for resource in graph.resources where resource.type == "ios.tunnel" {
            found[String(resource.address.path.split(separator: "/").last ?? "")] =
                resource.attributes["interface"]?.scalarText
        }
        return found
    }

    @Test func aSecondInstanceIsNumberedAfterEveryFirstOne() throws {
        #expect(try Self.interfaces(activeActive: false) == ["azure": "Tunnel1", "dr": "Tunnel2"])
        #expect(
            try Self.interfaces(activeActive: true) == [
                "azure": "Tunnel1", "dr": "Tunnel2", "azure-instance1": "Tunnel3",
            ]
        )
    }
}
