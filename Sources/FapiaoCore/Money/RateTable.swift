/// A versioned table of the VAT rates an invoice may carry.
///
/// Rates change by law; a table is named by the date its rates took effect, so an
/// invoice can be checked against the table in force when it was issued.
public struct RateTable: Hashable, Sendable {
    /// The table's name, the date its rates took effect (`2019-04-01`).
    public var version: String
    /// The allowed rates.
    public var rates: Set<TaxRate>

    /// Creates a table.
    public init(version: String, rates: Set<TaxRate>) {
        self.version = version
        self.rates = rates
    }

    /// The rates in force since 1 April 2019: 13, 9, 6 % (general), 5, 3, 1 % (levy
    /// rates for small-scale taxpayers and simplified methods) and 0 % (exports, exempt).
    public static let since2019 = RateTable(
        version: "2019-04-01",
        rates: Set([1_300, 900, 600, 500, 300, 100, 0].map(TaxRate.init(basisPoints:)))
    )

    /// The table applied when none is configured.
    public static let current = since2019

    /// Whether `rate` is in the table.
    public func allows(_ rate: TaxRate) -> Bool { rates.contains(rate) }

    /// The rates as percentages, highest first, for error messages (`"13%, 9%, 6%, …"`).
    public var listText: String {
        rates.sorted(by: >).map(\.percentText).joined(separator: ", ")
    }
}
