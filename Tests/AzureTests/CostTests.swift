import Azure
import Foundation
import Reconciler
import Spec
import TestSupport
import Testing

/// `reconcile cost` and the prices behind it: the first example's article figures, every
/// meter the Azure provider prices, unknown prices, currencies, and bad price files.
@Suite("cost estimates")
struct CostTests {
    /// A price file with one row per meter (USD, eastus) and rates to JPY and EUR.
    static func book(_ rows: [(String, String)], region: String = "eastus", currency: String = "USD") throws
        -> PriceBook
    {
        let prices = rows.map { meter, price in
            """
            {"meter": "\(meter)", "region": "\(region)", "unit": "hour", "price": \(price), "currency": "\(currency)",
             "source": "test", "date": "2026-12-07"}
            """
        }
        let text = """
            {"format": 1, "rates": {"base": "USD", "date": "2026-12-07", "source": "test",
             "values": {"USD": 1, "JPY": 150, "EUR": 0.9}}, "prices": [\(prices.joined(separator: ","))]}
            """
        return try PriceBook.parse(text, origin: "test.json")
    }

    static func resource(_ path: String, _ type: String, _ attributes: Attributes) -> PricedResource {
        var attributes = attributes
        attributes["location"] = "eastus"
        return PricedResource(address: .azure(path), type: type, attributes: attributes)
    }

    static func id(_ path: String) -> Value { .reference(OutputReference(.azure(path), "id")) }

    /// The first example's source article's own figures (2014): a gateway at ¥5.1 an hour for 744 hours, its
    /// address included; the office's line, session and router as the example declares them.
    static let articlePrices = """
        {"format": 1, "prices": [
          {"meter": "vpnGateway:VpnGw1AZ", "region": "japaneast", "unit": "hour", "price": 5.1, "currency": "JPY",
           "source": "the article: gateway hours 744 h a month, 3,794 yen", "date": "2014-09-01"},
          {"meter": "publicIP:Standard", "region": "japaneast", "unit": "hour", "price": 0, "currency": "JPY",
           "source": "the article: the gateway's address came with it", "date": "2014-09-01"}
        ]}
        """

    @Test func theFirstExampleCostsWhatItsArticleCounted() throws {
        let root = try Fixture.temporaryDirectory("cost-article")
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.articlePrices.write(to: root.appendingPathComponent("prices.json"), atomically: true, encoding: .utf8)
        let spec = Fixture.path("examples/s2s-cisco891-pppoe")
        let run = try Fixture.run(
            "reconcile",
            ["cost", spec, "--prices", "prices.json", "--format", "json"],
            directory: root
        )
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let lines = json["lines"] as? [[String: Any]] ?? []
        let gateway = try #require(lines.first { $0["owner"] as? String == "azure:virtualNetworkGateways/hub-vpngw" })
        #expect((gateway["amount"] as? NSNumber)?.intValue == 3794, "¥3,794 a month for the gateway: \(gateway)")
        #expect(json["currency"] as? String == "JPY", "the example's pricing.currency")
        // 3,794.4 + 3,240 + 300 a month; a 20,000 yearly contract; a 100,000 router.
        #expect((json["monthly"] as? NSNumber)?.intValue == 7334)
        #expect((json["yearly"] as? NSNumber)?.intValue == 20000)
        #expect((json["once"] as? NSNumber)?.intValue == 100_000)
        // "About 200,000 yen in the first year": 12 × 7,334.4 + 20,000 + 100,000.
        #expect((json["firstYear"] as? NSNumber)?.intValue == 208_013)
        #expect((json["unknown"] as? NSNumber)?.intValue == 0)

        let text = try Fixture.run("reconcile", ["cost", spec, "--prices", "prices.json"], directory: root)
        #expect(text.stdout.contains("744 h × ¥5.1"), "\(text.stdout)")
        #expect(text.stdout.contains("¥3,794/month"))
        #expect(text.stdout.contains("First year  ¥208,013"))
        #expect(text.stdout.contains("¥20,000/year") && text.stdout.contains("¥100,000 once"))
        let markdown = try Fixture.run(
            "reconcile",
            ["cost", spec, "--prices", "prices.json", "--format", "markdown"],
            directory: root
        )
        #expect(
            markdown.stdout.contains("| `azure:virtualNetworkGateways/hub-vpngw` | VPN gateway VpnGw1AZ"),
            "\(markdown.stdout)"
        )
        // Same inputs, same bytes.
        #expect(
            try Fixture.run("reconcile", ["cost", spec, "--prices", "prices.json"], directory: root).stdout
                == text.stdout
        )
    }

    @Test func everyMeterTheAzureProviderKnowsIsPriced() throws {
        let book = try Self.book([
            ("vpnGateway:VpnGw1", "0.19"), ("vpnGateway:s2sTunnel", "0.015"), ("expressRouteGateway:ErGw1AZ", "0.5"),
            ("publicIP:Standard", "0.005"), ("virtualHub:Standard", "0.25"), ("virtualHub:dataProcessed", "0.02"),
            ("virtualHub:s2sScaleUnit", "0.361"), ("virtualHub:s2sConnection", "0.05"),
            ("virtualHub:erScaleUnit", "0.42"), ("virtualHub:erConnection", "0.05"), ("azureFirewall:Premium", "1.75"),
            ("azureFirewall:Premium:dataProcessed", "0.016"), ("routeServer", "0.45"),
        ])
        var resources = [
            Self.resource(
                "virtualNetworkGateways/vpngw",
                "Microsoft.Network/virtualNetworkGateways",
                ["sku": "VpnGw1", "gatewayType": "Vpn", "activeActive": false]
            ),
            Self.resource(
                "virtualNetworkGateways/ergw",
                "Microsoft.Network/virtualNetworkGateways",
                ["sku": "ErGw1AZ", "gatewayType": "ExpressRoute"]
            ),
            Self.resource("publicIPAddresses/pip", "Microsoft.Network/publicIPAddresses", ["sku": "Standard"]),
            Self.resource("virtualWans/wan", "Microsoft.Network/virtualWans", ["type": "Standard"]),
            Self.resource("virtualWans/basic", "Microsoft.Network/virtualWans", ["type": "Basic"]),
            Self.resource(
                "virtualHubs/hub",
                "Microsoft.Network/virtualHubs",
                ["virtualWan": Self.id("virtualWans/wan")]
            ),
            // A Basic WAN's hub has no hub fee; a hub with no WAN is a Route Server.
            Self.resource(
                "virtualHubs/branch",
                "Microsoft.Network/virtualHubs",
                ["virtualWan": Self.id("virtualWans/basic")]
            ),
            Self.resource("virtualHubs/rs", "Microsoft.Network/virtualHubs", ["allowBranchToBranchTraffic": false]),
            Self.resource("vpnGateways/hub-vpngw", "Microsoft.Network/vpnGateways", ["vpnGatewayScaleUnit": 2]),
            Self.resource(
                "expressRouteGateways/hub-ergw",
                "Microsoft.Network/expressRouteGateways",
                ["autoScaleMinBounds": 1]
            ),
            Self.resource(
                "azureFirewalls/fw",
                "Microsoft.Network/azureFirewalls",
                ["sku": .map(["name": "AZFW_Hub", "tier": "Premium"])]
            ),
            Self.resource("virtualNetworks/free", "Microsoft.Network/virtualNetworks", [:]),
        ]
        // 12 S2S connections on a gateway that includes 10 (as ARM ids, the way state records them).
        for n in 1...12 {
            resources.append(
                Self.resource(
                    "connections/c\(n)",
                    "Microsoft.Network/connections",
                    [
                        "virtualNetworkGateway1": .string(
                            "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworkGateways/vpngw"
                        )
                    ]
                )
            )
        }
        for n in 1...3 {
            resources.append(
                Self.resource(
                    "vpnGateways/hub-vpngw/vpnConnections/s\(n)",
                    "Microsoft.Network/vpnGateways/vpnConnections",
                    ["vpnGateway": Self.id("vpnGateways/hub-vpngw")]
                )
            )
        }
        resources.append(
            Self.resource(
                "expressRouteGateways/hub-ergw/expressRouteConnections/er1",
                "Microsoft.Network/expressRouteGateways/expressRouteConnections",
                [:]
            )
        )
        let settings = PricingSettings(hoursPerMonth: 730, firewallDataProcessedGB: 1000, hubDataProcessedGB: 500)
        let estimate = CostEstimator(pricing: [AzurePricing()], book: book, settings: settings, currency: "USD")
            .estimate(resources)
        let amounts = Dictionary(estimate.lines.map { ("\($0.owner) \($0.item)", $0.amount) }) { a, _ in a }
        let expected: [String: String] = [
            "azure:virtualNetworkGateways/vpngw VPN gateway VpnGw1": "138.7",
            "azure:virtualNetworkGateways/vpngw S2S tunnels beyond the 10 included (2)": "21.9",
            "azure:virtualNetworkGateways/ergw ExpressRoute gateway ErGw1AZ": "365",
            "azure:publicIPAddresses/pip Public IP address (Standard, static)": "3.65",
            "azure:virtualHubs/hub Virtual WAN hub (Standard)": "182.5",
            "azure:virtualHubs/hub Hub data processing": "10",
            "azure:virtualHubs/rs Route Server": "328.5",
            "azure:vpnGateways/hub-vpngw Hub S2S VPN, 2 scale units": "527.06",
            "azure:vpnGateways/hub-vpngw Hub S2S connection units (3)": "109.5",
            "azure:expressRouteGateways/hub-ergw Hub ExpressRoute, 1 scale unit": "306.6",
            "azure:expressRouteGateways/hub-ergw Hub ExpressRoute connection units (1)": "36.5",
            "azure:azureFirewalls/fw Azure Firewall Premium (deployment)": "1277.5",
            "azure:azureFirewalls/fw Azure Firewall Premium data processed": "16",
        ]
        #expect(amounts.count == expected.count, "\(amounts.keys.sorted())")
        for (key, value) in expected {
            #expect(amounts[key] == Decimal(string: value), "\(key): \(String(describing: amounts[key]))")
        }
        #expect(estimate.monthly == expected.values.compactMap { Decimal(string: $0) }.reduce(0, +))
        #expect(estimate.unknown == 0)
    }

    @Test func aPriceTheFileLacksIsUnknownNeverZero() throws {
        let estimator = CostEstimator(
            pricing: [AzurePricing()],
            book: try Self.book([("publicIP:Standard", "0.005")]),
            settings: PricingSettings(),
            currency: "USD"
        )
        let estimate = estimator.estimate([
            Self.resource(
                "virtualNetworkGateways/gw",
                "Microsoft.Network/virtualNetworkGateways",
                ["sku": "VpnGw3AZ", "gatewayType": "Vpn"]
            ),
            Self.resource("publicIPAddresses/pip", "Microsoft.Network/publicIPAddresses", ["sku": "Standard"]),
        ])
        let gateway = try #require(estimate.lines.first { $0.owner == "azure:virtualNetworkGateways/gw" })
        #expect(gateway.amount == nil)
        #expect(gateway.unknown == "no price for vpnGateway:VpnGw3AZ in eastus in the price file")
        #expect(estimate.unknown == 1 && estimate.monthly == Decimal(string: "3.72"))
        // Through the command: the line says unknown, the totals leave it out, the run succeeds.
        let root = try Fixture.temporaryDirectory("cost-unknown")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try Fixture.run(
            "reconcile",
            ["cost", Fixture.path("examples/point-to-site"), "--currency", "USD"],
            directory: root
        )
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout.contains("unknown") && run.stdout.contains("no price for vpnGateway:VpnGw1AZ in japaneast"),
            "\(run.stdout)"
        )
        #expect(run.stdout.contains("left out of the totals"))
    }

    @Test func currenciesConvertByTheFilesRates() throws {
        let estimator = CostEstimator(
            pricing: [AzurePricing()],
            book: try Self.book([("publicIP:Standard", "0.01")]),
            settings: PricingSettings(hoursPerMonth: 700),
            currency: "EUR"
        )
        let estimate = estimator.estimate(
            [Self.resource("publicIPAddresses/pip", "Microsoft.Network/publicIPAddresses", ["sku": "Standard"])],
            declared: [
                (owner: "Site a", cost: CostItem(item: "line", amount: 3000, period: .monthly, currency: "JPY")),
                (owner: "Site a", cost: CostItem(item: "router", amount: 100, period: .once, currency: "GBP")),
            ]
        )
        // 700 h × $0.01 × 0.9; ¥3,000 / 150 × 0.9; no GBP rate: unknown.
        #expect(estimate.lines.map(\.amount) == [Decimal(string: "6.3"), 18, nil])
        #expect(estimate.lines[2].unknown == "no exchange rate from GBP to EUR in the price file")
        #expect(estimate.monthly == Decimal(string: "24.3"))
        #expect(Money.format(Decimal(string: "1234.5")!, "EUR") == "€1,234.50")
        #expect(Money.format(Decimal(string: "3794.4")!, "JPY", signed: true) == "+¥3,794")
        #expect(Money.format(Decimal(string: "-0.004")!, "USD", signed: true) == "±$0.00")
    }

    @Test func theBuiltInPriceFileParsesAndIsTheOneInTheRepository() throws {
        let book = try PriceBook.parse(AzurePricing().builtInPrices, origin: "built-in")
        #expect(!book.allRows.isEmpty)
        for row in book.allRows {
            #expect(row.source.hasPrefix("https://"), "\(row.meter) in \(row.region) names where it comes from")
            #expect(CalendarDay(row.date) != nil, "\(row.meter) in \(row.region): \(row.date)")
        }
        let file = try String(
            contentsOfFile: Fixture.path("Sources/Providers/Azure/Pricing/azure-prices.json"),
            encoding: .utf8
        )
        #expect(
            AzurePricing().builtInPrices + "\n" == file,
            "AzurePrices+Data.swift is stale: python3 scripts/azure-prices.py --generate-only"
        )
    }

    @Test func aBadPriceFileOrCostIsRefusedByName() throws {
        let root = try Fixture.temporaryDirectory("cost-bad")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = Fixture.path("examples/s2s-cisco891-pppoe")
        for (text, message) in [
            ("not json", "bad.json: not a JSON object"),
            (#"{"format": 2, "prices": []}"#, "bad.json: 'format' must be 1"),
            (
                #"{"format": 1, "prices": [{"meter": "m", "region": "r", "unit": "hour", "price": "cheap", "currency": "USD", "source": "s", "date": "d"}]}"#,
                "bad.json: prices[0]: 'price' must be a number, zero or more"
            ),
        ] {
            try text.write(to: root.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
            let run = try Fixture.run("reconcile", ["cost", spec, "--prices", "bad.json"], directory: root)
            #expect(run.status == 1 && run.stderr.contains(message), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
        let currency = try Fixture.run("reconcile", ["cost", spec, "--currency", "yen"], directory: root)
        #expect(currency.status == 1 && currency.stderr.contains("--currency must be a currency code"))

        // Declared costs are checked where they are written.
        let site = root.appendingPathComponent("site.yaml")
        try """
        apiVersion: reconcile/v1
        kind: Site
        metadata: {name: office}
        spec:
          publicIp: 203.0.113.10
          addressSpace: [192.168.10.0/24]
          costs:
            - {item: line, monthly: 3240, once: 100, currency: JPY}
            - {item: session, monthly: "3,240", currency: JPY}
            - {item: router, once: 1e5, currency: yen}
        """.write(to: site, atomically: true, encoding: .utf8)
        let validate = try Fixture.run("reconcile", ["validate", site.path])
        #expect(validate.status == 1)
        for expected in [
            "site.yaml:8:35: error[schema-exclusive]: 'costs[0]' sets both 'monthly' and 'once'",
            "site.yaml:9:32: error[schema-type]: 'monthly' must be a number such as 3240 or 12.5, not the string '3,240'",
            "site.yaml:10:28: error[schema-type]: 'once' must be a number",
            "site.yaml:10:43: error[schema-value]: 'currency' must be a currency code, not 'yen'",
        ] {
            #expect(validate.stderr.contains(expected), "\(expected)\n\(validate.stderr)")
        }
    }
}

/// Plans say what they do to the monthly bill, on the lab through the real binary.
@Suite("cost in plans", .serialized)
struct PlanCostTests {
    @Test func aPlanShowsItsMonthlyChangeInEveryFormat() throws {
        let ws = try LabWorkspace("point-to-site")
        defer { ws.remove() }
        try ws.useLabPrices(
            replacing: "  tags: {owner: netops}\n",
            with: "  tags: {owner: netops}\n  pricing: {priceFile: prices.json}\n"
        )
        // From nothing: 744 h of a VpnGw1AZ at $0.2 and of its address at $0.005.
        let first = try ws.run(["plan", "spec"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Cost: +$152.52/month ($0.00 → $152.52 a month, list prices)"), "\(first.stdout)")
        #expect(first.stdout.contains("+$148.80/month  azure:virtualNetworkGateways/hub-vpngw  VPN gateway VpnGw1AZ"))
        #expect(try ws.run(["apply", "spec", "--auto-approve"]).status == 0)
        // In sync: no cost line.
        let clean = try ws.run(["diff", "spec"])
        #expect(clean.status == 0 && !clean.stdout.contains("Cost:"), "\(clean.stdout)")
        // A larger SKU: the old line goes, the new one comes, the plan says the difference.
        try ws.edit("gateway.yaml") { $0.replacingOccurrences(of: "sku: VpnGw1AZ", with: "sku: VpnGw2AZ") }
        let bigger = try ws.run(["plan", "spec"])
        #expect(
            bigger.stdout.contains("Cost: +$223.20/month ($152.52 → $375.72 a month, list prices)"),
            "\(bigger.stdout)"
        )
        #expect(bigger.stdout.contains("-$148.80/month  azure:virtualNetworkGateways/hub-vpngw  VPN gateway VpnGw1AZ"))
        #expect(bigger.stdout.contains("+$372.00/month  azure:virtualNetworkGateways/hub-vpngw  VPN gateway VpnGw2AZ"))
        let markdown = try ws.run(["plan", "spec", "--format", "markdown"])
        #expect(
            markdown.stdout.contains("**Cost:** +$223.20/month ($152.52 → $375.72 a month, list prices)"),
            "\(markdown.stdout)"
        )
        let json = try ws.run(["plan", "spec", "--format", "json"])
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let cost = try #require(plan["cost"] as? [String: Any], "\(json.stdout)")
        #expect((cost["delta"] as? NSNumber)?.doubleValue == 223.2)
        #expect(cost["currency"] as? String == "USD")
        // The saved plan keeps it and still applies.
        let saved = try ws.run(["plan", "spec", "--out", "plan.json"])
        #expect(saved.status == 0)
        let apply = try ws.run(["apply", "plan.json"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
    }
}
