/// An exact amount of money: integer minor units (fen for CNY) and an ISO 4217 currency.
///
/// Never a `Double`. Arithmetic is only defined between amounts of the same currency.
public struct Money: Hashable, Sendable, Comparable {
    /// The amount in minor units (1 yuan = 100 fen).
    public var minorUnits: Int64
    /// The ISO 4217 code, three uppercase letters (`CNY`).
    public var currency: String

    /// The number of fractional digits the supported currencies use.
    public static let scale = 2

    /// Creates an amount from minor units.
    public init(minorUnits: Int64, currency: String = "CNY") {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Parses an exact decimal string in major units (`"520.75"` → 52,075 fen).
    public init(parsing text: String, currency: String = "CNY", allowNegative: Bool = false) throws(DecimalText.Problem)
    {
        self.init(
            minorUnits: try DecimalText.parse(text, scale: Self.scale, allowNegative: allowNegative),
            currency: currency
        )
    }

    /// The amount as an exact decimal string in major units (`"520.75"`).
    public var decimalText: String { DecimalText.format(minorUnits, scale: Self.scale) }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }

    /// Whether `code` is a well-formed ISO 4217 code (three uppercase ASCII letters).
    public static func isCurrencyCode(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }
}

extension Money: CustomStringConvertible {
    public var description: String { "\(decimalText) \(currency)" }
}
