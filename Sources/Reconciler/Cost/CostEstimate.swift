public import Foundation
public import Spec

/// One line of an estimate: a resource's meter, or a cost the spec declares.
public struct CostLine: Sendable, Hashable, Codable {
    /// Who incurs it: a resource address (`azure:virtualNetworkGateways/hub-vpngw`) or a spec
    /// object (`Site tokyo-hq`).
    public var owner: String
    public var item: String
    /// `monthly`, `yearly` or `once`.
    public var period: String
    public var quantity: Decimal?
    public var unit: String?
    /// The list price per unit, in the estimate's currency.
    public var unitPrice: Decimal?
    /// In the estimate's currency; nil when unknown.
    public var amount: Decimal?
    /// Why the amount is unknown (no price for the meter in that region, no exchange rate).
    public var unknown: String?
    public var note: String?
    /// Where the price comes from (the price row's source and date).
    public var source: String?

    /// How a line is matched across two estimates.
    var key: String { owner + "\u{1F}" + item }
}

/// What a spec, or a world, costs: every line, and the totals of those with a known amount.
public struct CostEstimate: Sendable, Codable {
    public var currency: String
    public var lines: [CostLine]
    /// Recurring every month (known lines only).
    public var monthly: Decimal
    /// Recurring every year besides the monthly lines (maintenance contracts).
    public var yearly: Decimal
    public var once: Decimal
    /// Twelve months, the yearly lines and the one-time lines.
    public var firstYear: Decimal
    /// Lines whose amount is unknown: the totals leave them out.
    public var unknown: Int
    public var assumptions: [String]
    /// The price file and the exchange rates used.
    public var prices: String

    /// The monthly lines, by key, for comparing two estimates.
    var monthlyByKey: [String: CostLine] {
        Dictionary(lines.filter { $0.period == CostItem.Period.monthly.rawValue }.map { ($0.key, $0) }) { a, _ in a }
    }
}

/// Prices a set of resources and the costs a spec declares.
public struct CostEstimator: Sendable {
    public var pricing: [any ResourcePricing]
    public var book: PriceBook
    public var settings: PricingSettings
    public var currency: String

    public init(pricing: [any ResourcePricing], book: PriceBook, settings: PricingSettings, currency: String) {
        self.pricing = pricing
        self.book = book
        self.settings = settings
        self.currency = currency
    }

    /// The book every provider ships, merged; a provider's file that does not parse is a bug
    /// (a test reads each), and is left out rather than crash a plan.
    public static func builtInBook(_ pricing: [any ResourcePricing]) -> PriceBook {
        var book = PriceBook(origin: "built-in")
        for provider in pricing.sorted(by: { $0.provider < $1.provider }) {
            guard let parsed = try? PriceBook.parse(provider.builtInPrices, origin: "built-in \(provider.provider)")
            else {
                continue
            }
            book.merge(parsed)
        }
        return book
    }

    /// The estimate of `resources` plus the declared costs.
    public func estimate(_ resources: [PricedResource], declared: [(owner: String, cost: CostItem)] = [])
        -> CostEstimate
    {
        var lines: [CostLine] = []
        for provider in pricing.sorted(by: { $0.provider < $1.provider }) {
            let mine = resources.filter { $0.address.provider == provider.provider }
            guard !mine.isEmpty else { continue }
            for (address, uses) in provider.meters(mine, settings: settings).sorted(by: { $0.key < $1.key }) {
                for use in uses { lines.append(line(address.description, use)) }
            }
        }
        for (owner, cost) in declared {
            var line = CostLine(owner: owner, item: cost.item, period: cost.period.rawValue)
            if let amount = book.convert(cost.amount, from: cost.currency, to: currency) {
                line.amount = amount
            } else {
                line.unknown = "no exchange rate from \(cost.currency) to \(currency) in the price file"
            }
            lines.append(line)
        }
        func total(_ period: CostItem.Period) -> Decimal {
            lines.filter { $0.period == period.rawValue }.compactMap(\.amount).reduce(0, +)
        }
        let monthly = total(.monthly)
        let yearly = total(.yearly)
        let once = total(.once)
        var assumptions = ["\(settings.hoursPerMonth) hours a month for always-on resources"]
        if lines.contains(where: { $0.note?.contains("assumed") == true }) {
            assumptions.append("data processed as the spec's pricing settings assume (0 GB unless set)")
        }
        assumptions.append("list prices before tax; no data transfer, no discounts")
        return CostEstimate(
            currency: currency,
            lines: lines,
            monthly: monthly,
            yearly: yearly,
            once: once,
            firstYear: monthly * 12 + yearly + once,
            unknown: lines.filter { $0.amount == nil }.count,
            assumptions: assumptions,
            prices: pricesNote()
        )
    }

    private func line(_ owner: String, _ use: MeterUse) -> CostLine {
        var line = CostLine(
            owner: owner,
            item: use.item,
            period: CostItem.Period.monthly.rawValue,
            quantity: use.quantity,
            unit: use.unit,
            note: use.note
        )
        guard let row = book.row(meter: use.meter, region: use.region) else {
            line.unknown = "no price for \(use.meter)\(use.region.map { " in \($0)" } ?? "") in the price file"
            return line
        }
        line.source = "\(row.source) (\(row.date))"
        guard let unitPrice = book.convert(row.price, from: row.currency, to: currency) else {
            line.unknown = "no exchange rate from \(row.currency) to \(currency) in the price file"
            return line
        }
        line.unitPrice = unitPrice
        line.amount = unitPrice * use.quantity
        return line
    }

    private func pricesNote() -> String {
        var note = "prices: \(book.origin)"
        if let base = book.rateBase, currency != base, let rate = book.rates[currency] {
            note += "; 1 \(base) = \(rate) \(currency)"
            if let date = book.rateDate { note += " (\(date))" }
        }
        return note
    }
}

extension PriceBook {
    /// Adds `other`'s rows and rates; `other` wins where both have one.
    public mutating func merge(_ other: PriceBook) {
        for row in other.allRows { insert(row) }
        rates.merge(other.rates) { _, new in new }
        rateBase = rateBase ?? other.rateBase
        rateDate = rateDate ?? other.rateDate
        rateSource = rateSource ?? other.rateSource
    }
}

extension Topology {
    /// The costs the spec declares by hand, owner first, in a stable order.
    public var declaredCosts: [(owner: String, cost: CostItem)] {
        sites.sorted { $0.name < $1.name }.flatMap { site in site.spec.costs.map { ("Site \(site.name)", $0) } }
            + routers.sorted { $0.name < $1.name }.flatMap { router in
                router.spec.costs.map { ("CiscoRouter \(router.name)", $0) }
            }
    }
}

/// What a plan does to the monthly bill: the lines it adds, removes or changes.
public struct CostChange: Sendable, Codable, Equatable {
    public struct Line: Sendable, Codable, Equatable {
        public var owner: String
        public var item: String
        public var before: Decimal?
        public var after: Decimal?
    }

    public var currency: String
    public var monthlyBefore: Decimal
    public var monthlyAfter: Decimal
    public var lines: [Line]
    /// Lines on either side whose amount is unknown.
    public var unknown: [String]

    /// `monthlyAfter - monthlyBefore`.
    public var delta: Decimal

    /// The monthly lines that differ between two estimates of the same currency.
    public init(before: CostEstimate, after: CostEstimate) {
        currency = after.currency
        monthlyBefore = before.monthly
        monthlyAfter = after.monthly
        delta = after.monthly - before.monthly
        let (old, new) = (before.monthlyByKey, after.monthlyByKey)
        lines = Set(old.keys).union(new.keys).sorted().compactMap { key in
            let (a, b) = (old[key], new[key])
            guard let line = b ?? a, a?.amount != b?.amount || (a == nil) != (b == nil) else { return nil }
            return Line(owner: line.owner, item: line.item, before: a?.amount, after: b?.amount)
        }
        unknown = (before.lines + after.lines).filter { $0.amount == nil && $0.period == "monthly" }
            .compactMap { line in line.unknown.map { "\(line.owner): \($0)" } }
        unknown = Array(Set(unknown)).sorted()
    }
}
