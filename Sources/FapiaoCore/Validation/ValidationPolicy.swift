/// The configurable parts of invoice validation, kept in the journal's settings.
public struct ValidationPolicy: Hashable, Sendable {
    /// The allowed VAT rates.
    public var rateTable: RateTable
    /// How far a line's tax may differ from net × rate, in minor units (default 0.01).
    public var lineTaxTolerance: Int64
    /// How far an invoice's tax may differ from net × rate, in minor units (default 0.06).
    public var invoiceTaxTolerance: Int64
    /// How many days back an issue date may lie (the longest outage a branch backfills).
    public var offlineWindowDays: Int

    public init(
        rateTable: RateTable = .current,
        lineTaxTolerance: Int64 = 1,
        invoiceTaxTolerance: Int64 = 6,
        offlineWindowDays: Int = 90
    ) {
        self.rateTable = rateTable
        self.lineTaxTolerance = lineTaxTolerance
        self.invoiceTaxTolerance = invoiceTaxTolerance
        self.offlineWindowDays = offlineWindowDays
    }

    /// The defaults: the 2019 rate table, 0.01 per line, 0.06 per invoice, 90 days.
    public static let standard = ValidationPolicy()

    /// Longest accepted text per field, in characters.
    public static let maximumLengths: [String: Int] = [
        "seller.name": 100, "buyer.name": 100, "note": 200, "operator": 64, "description": 100,
    ]
}
