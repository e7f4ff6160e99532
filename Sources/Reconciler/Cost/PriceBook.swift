public import Foundation

/// A price file read: list prices by meter and region, and the exchange rates to convert them.
///
/// The format (docs/cost.md): `{"format": 1, "about": …, "rates": {"base", "date", "source",
/// "values": {CODE: units per base}}, "prices": [{"meter", "region", "unit", "price",
/// "currency", "source", "date", "note"?}]}`. Every row names where its figure comes from.
public struct PriceBook: Sendable {
    public struct Row: Sendable, Hashable {
        public var meter: String
        public var region: String
        public var unit: String
        public var price: Decimal
        public var currency: String
        public var source: String
        public var date: String
        public var note: String?
    }

    /// Where the book was read from (a path, or `built-in`).
    public var origin: String
    public var rateBase: String?
    public var rateDate: String?
    public var rateSource: String?
    /// Units of each currency per one `rateBase`.
    public var rates: [String: Decimal]
    private var rows: [String: Row]

    /// A book with no prices: every meter is unknown.
    public init(origin: String) {
        self.origin = origin
        self.rates = [:]
        self.rows = [:]
    }

    public var allRows: [Row] { rows.values.sorted { ($0.region, $0.meter) < ($1.region, $1.meter) } }

    /// The price of `meter` in `region`; a region-less meter matches a row of any region only
    /// when the file has exactly one.
    public func row(meter: String, region: String?) -> Row? {
        if let region { return rows[Self.key(meter, region)] }
        let matching = rows.values.filter { $0.meter == meter }
        return matching.count == 1 ? matching.first : nil
    }

    /// `amount` of `from` in `to`, through the file's rates; nil when a rate is missing.
    public func convert(_ amount: Decimal, from: String, to: String) -> Decimal? {
        if from == to { return amount }
        guard let fromRate = rates[from], let toRate = rates[to], fromRate > 0 else { return nil }
        return amount / fromRate * toRate
    }

    /// Adds or replaces the price of one meter in one region.
    public mutating func insert(_ row: Row) {
        rows[Self.key(row.meter, row.region)] = row
    }

    private static func key(_ meter: String, _ region: String) -> String { meter + "@" + region.lowercased() }

    /// Why a price file was refused: the file and the field, as the user wrote it.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a price file's text; refuses anything malformed, naming where.
    public static func parse(_ text: String, origin: String) throws(ParseError) -> PriceBook {
        func fail(_ message: String) -> ParseError { ParseError(description: "\(origin): \(message)") }
        guard let data = text.data(using: .utf8),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw fail("not a JSON object (see docs/cost.md for the price file's format)") }
        guard let format = root["format"] as? NSNumber, format.intValue == 1 else {
            throw fail("'format' must be 1")
        }
        var book = PriceBook(origin: origin)
        if let rates = root["rates"] {
            guard let rates = rates as? [String: Any], let values = rates["values"] as? [String: Any] else {
                throw fail("'rates' must be an object with 'values' (currency code: units per base)")
            }
            book.rateBase = rates["base"] as? String
            book.rateDate = rates["date"] as? String
            book.rateSource = rates["source"] as? String
            for (code, value) in values {
                guard let rate = decimal(value), rate > 0 else {
                    throw fail("rates.values.\(code) must be a positive number")
                }
                book.rates[code] = rate
            }
        }
        guard let prices = root["prices"] as? [Any] else { throw fail("'prices' must be a list") }
        for (index, item) in prices.enumerated() {
            let at = "prices[\(index)]"
            guard let row = item as? [String: Any] else { throw fail("\(at) must be an object") }
            func string(_ key: String) throws(ParseError) -> String {
                guard let value = row[key] as? String, !value.isEmpty else {
                    throw fail("\(at): '\(key)' must be a non-empty string")
                }
                return value
            }
            guard let price = row["price"].flatMap(decimal), price >= 0 else {
                throw fail("\(at): 'price' must be a number, zero or more")
            }
            let parsed = Row(
                meter: try string("meter"),
                region: try string("region").lowercased(),
                unit: try string("unit"),
                price: price,
                currency: try string("currency"),
                source: try string("source"),
                date: try string("date"),
                note: row["note"] as? String
            )
            let key = key(parsed.meter, parsed.region)
            if book.rows[key] != nil { throw fail("\(at): a second price for \(parsed.meter) in \(parsed.region)") }
            book.rows[key] = parsed
        }
        return book
    }

    /// A JSON number as the decimal it was written as: a Double's shortest description gives
    /// back the digits of the file (5.1 stays 5.1, not 5.0999…).
    private static func decimal(_ value: Any) -> Decimal? {
        guard !(value is String), let number = value as? Double, number.isFinite else { return nil }
        return Decimal(string: "\(number)", locale: Locale(identifier: "en_US_POSIX"))
    }
}
