public import Foundation

/// Amounts of money as people read them: `¥3,794`, `$1,234.56`, `+€12.00`.
public enum Money {
    /// The sign written before an amount; other currencies are written after it by code.
    static let symbols = ["JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"]

    /// Digits after the decimal point: none for yen, two for the rest.
    public static func scale(_ currency: String) -> Int {
        ["JPY", "KRW", "VND", "CLP", "ISK"].contains(currency) ? 0 : 2
    }

    /// `amount` rounded half up to the currency's smallest unit.
    public static func rounded(_ amount: Decimal, _ currency: String) -> Decimal {
        var value = amount
        var result = Decimal()
        NSDecimalRound(&result, &value, scale(currency), .plain)
        return result
    }

    /// `¥3,794`; with `signed`, `+¥3,794` or `-¥3,794` (and `±¥0` for nothing).
    public static func format(_ amount: Decimal, _ currency: String, signed: Bool = false) -> String {
        let value = rounded(amount, currency)
        let negative = value < 0
        let digits = grouped(negative ? -value : value, scale: scale(currency))
        let body = symbols[currency].map { $0 + digits } ?? "\(digits) \(currency)"
        guard signed else { return negative ? "-" + body : body }
        return (value == 0 ? "±" : negative ? "-" : "+") + body
    }

    /// A unit price, with up to four decimals (`$0.005`), no grouping needed below 1,000.
    public static func unitPrice(_ amount: Decimal, _ currency: String) -> String {
        var value = amount
        var result = Decimal()
        NSDecimalRound(&result, &value, 4, .plain)
        let text = NSDecimalNumber(decimal: result).stringValue
        return symbols[currency].map { $0 + text } ?? "\(text) \(currency)"
    }

    /// A plain decimal (`744`, `0.5`), for quantities.
    public static func plain(_ amount: Decimal) -> String {
        NSDecimalNumber(decimal: amount).stringValue
    }

    private static func grouped(_ value: Decimal, scale: Int) -> String {
        let text = NSDecimalNumber(decimal: value).stringValue
        let parts = text.split(separator: ".", maxSplits: 1)
        var whole = String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        var out = ""
        while whole.count > 3 {
            out = "," + whole.suffix(3) + out
            whole.removeLast(3)
        }
        out = whole + out
        guard scale > 0 else { return out }
        while fraction.count < scale { fraction += "0" }
        return out + "." + fraction
    }
}
