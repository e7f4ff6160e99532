import Foundation

extension Fixture {
    /// A price file for lab tests in japaneast: a VpnGw1AZ at $0.2 an hour, a VpnGw2AZ at $0.5
    /// and a Standard public IP at $0.005 (the built-in file has no VPN gateway price there).
    public static let labPrices = """
        {"format": 1, "prices": [
          {"meter": "vpnGateway:VpnGw1AZ", "region": "japaneast", "unit": "hour", "price": 0.2, "currency": "USD",
           "source": "test", "date": "2026-12-07"},
          {"meter": "vpnGateway:VpnGw2AZ", "region": "japaneast", "unit": "hour", "price": 0.5, "currency": "USD",
           "source": "test", "date": "2026-12-07"},
          {"meter": "publicIP:Standard", "region": "japaneast", "unit": "hour", "price": 0.005, "currency": "USD",
           "source": "test", "date": "2026-12-07"}
        ]}
        """
}

extension LabWorkspace {
    /// Puts `Fixture.labPrices` beside the spec as `prices.json` and points the AzureScope at
    /// it: `pricing` replaces `old` in azure.yaml (`pricing` must name `priceFile: prices.json`).
    public func useLabPrices(replacing old: String, with pricing: String) throws {
        try Fixture.labPrices.write(to: spec.appendingPathComponent("prices.json"), atomically: true, encoding: .utf8)
        try edit("azure.yaml") { $0.replacingOccurrences(of: old, with: pricing) }
    }
}
