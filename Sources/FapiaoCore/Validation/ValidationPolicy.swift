import Foundation

/// The configurable parts of invoice validation: the journal's profile (``Profile/validationPolicy(offlineWindowDays:)``)
/// and its offline window.
public struct ValidationPolicy: Hashable, Sendable {
    /// The allowed VAT rates.
    public var rateTable: RateTable
    /// How far a line's tax may differ from net × rate, in minor units (default 0.01).
    public var lineTaxTolerance: Int64
    /// How far an invoice's tax may differ from net × rate, in minor units (default 0.06).
    public var invoiceTaxTolerance: Int64
    /// How many days back an issue date may lie (the longest outage a branch backfills).
    public var offlineWindowDays: Int
    /// The profile these rules come from, for messages.
    public var profileName = "cn-digital"
    /// The invoice types that may be captured.
    public var allowedTypes: [InvoiceType] = InvoiceType.allCases
    /// The types whose buyer must give a taxpayer ID (special VAT invoices, 专票 and 数电专票).
    public var buyerTaxIDRequired: Set<InvoiceType> = [.special, .digitalSpecial]
    /// How taxpayer IDs are checked.
    public var taxIDScheme: TaxIDScheme = .cnUSCC
    /// The net amount must stay below this (开票限额), in minor units; `nil` for no limit.
    public var singleInvoiceLimit: Int64?
    /// The currency of an invoice that names none.
    public var currency = "CNY"
    /// What a red invoice must carry (reasons, confirmation numbers), from the profile.
    public var red = Profile.RedRules(
        reasons: ["开票有误", "销货退回", "服务中止", "销售折让"],
        confirmations: [
            .init(name: "红字发票信息确认单", digits: 20, types: [.digitalSpecial, .digitalOrdinary]),
            .init(name: "红字增值税专用发票信息表", digits: 16, types: [.special]),
        ]
    )
    /// The zone in which "today" is counted for issue dates.
    public var timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    public init(
        rateTable: RateTable = .current,
        lineTaxTolerance: Int64 = 1,
        invoiceTaxTolerance: Int64 = 6,
        offlineWindowDays: Int = 90,
        singleInvoiceLimit: Int64? = nil
    ) {
        self.rateTable = rateTable
        self.lineTaxTolerance = lineTaxTolerance
        self.invoiceTaxTolerance = invoiceTaxTolerance
        self.offlineWindowDays = offlineWindowDays
        self.singleInvoiceLimit = singleInvoiceLimit
    }

    /// The defaults: the 2019 rate table, 0.01 per line, 0.06 per invoice, 90 days, every
    /// Chinese invoice type, no single-invoice limit.
    public static let standard = ValidationPolicy()

    /// Longest accepted text per field, in characters.
    public static let maximumLengths: [String: Int] = [
        "seller.name": 100, "buyer.name": 100, "note": 200, "operator": 64, "description": 100,
    ]
}
