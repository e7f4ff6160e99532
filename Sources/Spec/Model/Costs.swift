public import Foundation

/// A cost the spec declares by hand: what Azure's price list cannot know (an ISP contract, a
/// router bought once, its yearly maintenance).
public struct CostItem: Sendable, Hashable {
    /// How often it is paid.
    public enum Period: String, Sendable, Hashable, CaseIterable {
        case monthly, yearly, once
    }

    public var item: String
    public var amount: Decimal
    public var period: Period
    /// An ISO 4217 code (`JPY`).
    public var currency: String

    public init(item: String, amount: Decimal, period: Period, currency: String) {
        self.item = item
        self.amount = amount
        self.period = period
        self.currency = currency
    }
}

/// How `reconcile cost` and `plan` estimate what the spec costs: the currency to show, the
/// month's length and the usage the price list needs but the topology does not say.
public struct PricingSettings: Sendable, Hashable {
    /// An ISO 4217 code; nil: USD, the currency Azure prices in.
    public var currency: String?
    /// Hours billed per month for always-on resources: 744, a 31-day month, unless set.
    public var hoursPerMonth: Int
    /// Data each Azure Firewall processes per month, in GB (an assumption: 0 unless set).
    public var firewallDataProcessedGB: Decimal
    /// Data each Virtual WAN hub processes per month, in GB (an assumption: 0 unless set).
    public var hubDataProcessedGB: Decimal
    /// A price file to use instead of the built-in one (relative to the spec's root).
    public var priceFile: String?

    public static let defaultHoursPerMonth = 744

    public init(
        currency: String? = nil,
        hoursPerMonth: Int = PricingSettings.defaultHoursPerMonth,
        firewallDataProcessedGB: Decimal = 0,
        hubDataProcessedGB: Decimal = 0,
        priceFile: String? = nil
    ) {
        self.currency = currency
        self.hoursPerMonth = hoursPerMonth
        self.firewallDataProcessedGB = firewallDataProcessedGB
        self.hubDataProcessedGB = hubDataProcessedGB
        self.priceFile = priceFile
    }
}
