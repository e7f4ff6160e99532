import Reconciler
import Spec
import Testing

/// How `reconcile import` joins what two importers found, and names their secrets.
@Suite("import: joining documents and naming secrets")
struct ImportJoinTests {
    static func doc(_ kind: Kind, _ name: String, file: String, _ fields: [(String, SpecValue?)]) -> SpecDocument {
        guard case .map(let spec) = SpecValue.fields(fields) else {
            return SpecDocument(kind: "", name: "", file: "", spec: [])
        }
        return SpecDocument(kind: kind.rawValue, name: name, file: file, spec: spec)
    }

    static let site = ImportedDocument(
        doc(
            .site,
            "tokyo-hq",
            file: "tokyo-hq.yaml",
            [("publicIp", .string("203.0.113.10")), ("behindNat", .bool(true))]
        ),
        owns: ["ip:203.0.113.10"]
    )
    static let gateway = ImportedDocument(
        doc(.virtualNetworkGateway, "hub-vpngw", file: "azure.yaml", [("sku", .string("VpnGw1AZ"))]),
        owns: ["ip:20.194.0.11"]
    )
    static let connection = ImportedDocument(
        doc(
            .vpnConnection,
            "azure",
            file: "connections.yaml",
            [("gateway", .string("hub-vpngw")), ("site", .string("tokyo-hq")), ("sharedKey", .fromEnv("AZURE_PSK"))]
        )
    )

    /// A site's router as any provider's importer marks it: its kind and fields are the
    /// provider's (the join reads neither), its role and LAN say what the join needs.
    static func router(_ name: String, owns: Set<String> = [], peers: Set<String> = []) -> ImportedDocument {
        ImportedDocument(
            SpecDocument(kind: "TestRouter", name: name, file: "\(name).yaml", spec: []),
            owns: owns,
            peers: peers,
            siteRouter: .init(lan: IPv4Prefix("192.168.10.0/24"))
        )
    }

    @Test func aRouterJoinsTheSiteWhoseGatewayItsTunnelReaches() {
        let joined = ImportJoin([
            Self.site, Self.gateway, Self.connection, Self.router("tokyo-rtr1", peers: ["ip:20.194.0.11"]),
        ])
        let site = joined.documents.first { $0.name == "tokyo-hq" }
        #expect(site?.spec.map(\.key) == ["publicIp", "behindNat", "device"])
        #expect(site?.value(at: "device") == .string("tokyo-rtr1"))
        #expect(joined.documents.first { $0.name == "tokyo-rtr1" }?.file == "tokyo-hq.yaml")
        #expect(joined.unmatchedRouters.isEmpty)
    }

    @Test func aRouterOwningTheSitesAddressJoinsItOverOneThatOnlyPeers() {
        let joined = ImportJoin([
            Self.site, Self.gateway, Self.connection,
            Self.router("a", peers: ["ip:20.194.0.11"]), Self.router("b", owns: ["ip:203.0.113.10"]),
        ])
        #expect(joined.documents.first { $0.name == "tokyo-hq" }?.value(at: "device") == .string("b"))
        #expect(joined.unmatchedRouters == ["a"])
    }

    /// A router no site has gets a site of its own, so the spec is whole.
    @Test func aRouterNoSiteHasGetsItsOwn() {
        let joined = ImportJoin([Self.gateway, Self.router("lone", owns: ["ip:198.51.100.7"])])
        let site = joined.documents.first { $0.kind == "Site" }
        #expect(site?.name == "lone-site")
        #expect(site?.value(at: "publicIp") == .string("198.51.100.7"))
        #expect(site?.value(at: "addressSpace") == .list([.string("192.168.10.0/24")]))
        #expect(site?.file == "lone.yaml")
        #expect(joined.unmatchedRouters == ["lone"])
    }

    /// Only a document its importer marks as a site's router joins a site, whatever it owns.
    @Test func aDocumentNotMarkedAsASitesRouterJoinsNoSite() {
        let box = ImportedDocument(
            SpecDocument(kind: "TestRouter", name: "box", file: "box.yaml", spec: []),
            owns: ["ip:203.0.113.10"]
        )
        let joined = ImportJoin([Self.site, Self.gateway, Self.connection, box])
        #expect(joined.documents.first { $0.name == "tokyo-hq" }?.value(at: "device") == nil)
        #expect(joined.documents.first { $0.name == "box" }?.file == "box.yaml")
        #expect(!joined.documents.contains { $0.name == "box-site" })
        #expect(joined.unmatchedRouters.isEmpty)
    }

    @Test func aSecretIsNamedByTheVariableThatHoldsItAndComparedWithItsOtherEnd() {
        let secrets = ImportSecrets(
            [
                ImportedSecret(name: "AZURE_PSK", reading: .value("k1"), origin: "azure", meets: ["psk:20.194.0.11"]),
                ImportedSecret(name: nil, reading: .value("k2"), origin: "router", meets: ["psk:20.194.0.11"]),
                ImportedSecret(name: "R_PASSWORD", reading: .hash { $0 == "login" }, origin: "router login"),
                ImportedSecret(name: "HUB_PSK", reading: .unreadable, origin: "hub", meets: ["psk:20.0.0.9"]),
                ImportedSecret(name: nil, reading: .value("k3"), origin: "router 2", meets: ["psk:20.0.0.9"]),
            ],
            candidates: [("TOKYO_PSK", "k1"), ("RTR_PASSWORD", "login"), ("OSAKA_PSK", "k3")]
        )
        #expect(secrets.names == ["AZURE_PSK": "TOKYO_PSK", "R_PASSWORD": "RTR_PASSWORD", "HUB_PSK": "OSAKA_PSK"])
        #expect(secrets.values == ["TOKYO_PSK": "k1", "RTR_PASSWORD": "login", "OSAKA_PSK": "k3"])
        let tokyo = secrets.report.first { $0.name == "TOKYO_PSK" }
        #expect(tokyo?.ends.map(\.agrees) == [false])
        // The hub's key is the router's: it is the same key, not a second end to compare.
        let osaka = secrets.report.first { $0.name == "OSAKA_PSK" }
        #expect(osaka?.ends.isEmpty == true)
        #expect(osaka?.origins.first?.contains("taken from router 2") == true)
    }
}
