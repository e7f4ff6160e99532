import Azure
import BuiltInProviders
import Cisco
import Foundation
import Spec
import TestSupport
import Testing
import Verify

/// A router's proposals in the spec's words: what lowering writes in IOS's words reads back as
/// the policy it came from, and a tunnel with no policy offers what Azure says its gateways take.
@Suite("IOS proposals read back")
struct ProposalReadBackTests {
    static func policy(_ fields: [String: String]) -> IpsecPolicy? {
        IpsecPolicy(arm: fields, lifetimeSeconds: 27000, kilobytes: 102_400_000)
    }

    static let policies: [[String: String]] = [
        // The seed's 891FJ.
        [
            "ikeEncryption": "AES256", "ikeIntegrity": "SHA1", "dhGroup": "DHGroup2", "ipsecEncryption": "AES256",
            "ipsecIntegrity": "SHA1", "pfsGroup": "None",
        ],
        // The recommended policy: AES-GCM on both, a PRF in place of IKE integrity.
        [
            "ikeEncryption": "GCMAES256", "ikeIntegrity": "SHA384", "dhGroup": "ECP384",
            "ipsecEncryption": "GCMAES256", "ipsecIntegrity": "GCMAES256", "pfsGroup": "ECP384",
        ],
        // DHGroup2048 is IOS's group 14, and reads back as DHGroup14.
        [
            "ikeEncryption": "AES128", "ikeIntegrity": "SHA256", "dhGroup": "DHGroup2048",
            "ipsecEncryption": "AES128", "ipsecIntegrity": "SHA256", "pfsGroup": "PFS2048",
        ],
    ]

    /// The running config of a router with one tunnel offering `crypto`.
    static func config(_ crypto: IOSCrypto) throws -> IOSConfig {
        let integrity =
            crypto.ikeIntegrity.isEmpty
            ? (crypto.ikePrf.map { " prf \($0)\n" } ?? "")
            : " integrity \(crypto.ikeIntegrity.joined(separator: " "))\n"
        let text = """
            crypto ikev2 proposal p
             encryption \(crypto.ikeEncryption.joined(separator: " "))
            \(integrity) group \(crypto.dhGroups.joined(separator: " "))
            crypto ikev2 policy pol
             proposal p
            crypto ikev2 keyring k
             peer azure
              address 20.0.0.1
            crypto ikev2 profile prof
             match identity remote address 20.0.0.1 255.255.255.255
             keyring local k
            crypto ipsec transform-set ts \(crypto.transforms.joined(separator: " "))
             mode tunnel
            crypto ipsec profile vti
             set transform-set ts
             set ikev2-profile prof
            interface Tunnel1
             tunnel source Dialer1
             tunnel destination 20.0.0.1
             tunnel protection ipsec profile vti

            """
        return try IOSParser.parse(text)
    }

    @Test(arguments: policies)
    func whatLoweringWritesReadsBackAsItsPolicy(_ fields: [String: String]) throws {
        let policy = try #require(Self.policy(fields))
        let end = try #require(
            RouterEnd.tunnels(device: "r1", config: try Self.config(IOSCrypto(policy)), addresses: [:]).first
        )
        var expected = IpsecProposals(policy)
        expected.dhGroups = expected.dhGroups.map(\.canonical)
        #expect(end.offers == expected)
        #expect(end.words == .ios)
    }

    /// Azure's defaults are stated once, on Azure's side: a Basic gateway's connection (no custom
    /// policy) lowers to a router offering them in IOS's words, which read back as them.
    @Test func aBasicGatewaysRouterOffersAzuresDefaults() throws {
        let ws = try LabWorkspace("s2s-cisco891-pppoe")
        defer { ws.remove() }
        try ws.edit("azure.yaml") { $0.replacingOccurrences(of: "sku: VpnGw1AZ", with: "sku: Basic") }
        try ws.edit("connection.yaml") { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).filter {
                !$0.hasPrefix("  ipsecPolicy:") && !$0.hasPrefix("    ")
            }.joined(separator: "\n")
        }
        let run = SpecPipeline.run(ws.spec.path, lowering: BuiltIn.lowering)
        let graph = try #require(run.graph, "\(run.diagnostics)")
        let proposal = try #require(graph[.cisco("tokyo-rtr1", "crypto-ikev2-proposal/azure")]).attributes
        let transformSet = try #require(graph[.cisco("tokyo-rtr1", "crypto-ipsec-transform-set/azure")]).attributes
        #expect(proposal["encryption"] == .list(["aes-cbc-256", "aes-cbc-128", "3des"]))
        #expect(proposal["integrity"] == .list(["sha1"]))
        #expect(proposal["group"] == .list(["2"]))
        #expect(transformSet["transforms"] == .list(["esp-aes 256", "esp-sha-hmac"]))
        func words(_ value: Value?) -> [String] {
            if case .list(let items)? = value { items.compactMap(\.scalarText) } else { [] }
        }
        let offers = IpsecProposals(
            ios: words(proposal["encryption"]),
            integrity: words(proposal["integrity"]),
            prf: [],
            groups: words(proposal["group"]),
            transforms: words(transformSet["transforms"])
        )
        #expect(offers == .azureDefault)
    }
}
