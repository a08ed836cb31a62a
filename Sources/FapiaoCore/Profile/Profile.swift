import Foundation

/// The rules a branch invoices under, read from a jurisdiction profile (`Schema/profiles/NAME.json`).
///
/// A profile is data, never a code branch: every rule here is a value the file gives, with the
/// source the file names for it (``sources``). ``ProfileRules`` evaluates them.
public struct Profile: Hashable, Sendable {
    /// The id given to `init --profile` (`cn-ukey`).
    public var name: String
    /// The date of this revision of the profile.
    public var version: String
    public var title: String
    /// ISO 3166-1 alpha-2.
    public var jurisdiction: String
    /// The default currency of captures.
    public var currency: String
    /// The IANA zone in which dates, months and business days are counted.
    public var timeZone: TimeZone
    public var taxIDScheme: TaxIDScheme
    /// The invoice types a branch may capture.
    public var allowedTypes: [InvoiceType]
    /// The types whose buyer must be named by a taxpayer ID (special VAT invoices).
    public var buyerTaxIDRequired: Set<InvoiceType>
    public var rateTable: RateTable
    /// How far a line's tax may differ from net × rate, in minor units.
    public var lineTaxTolerance: Int64
    /// How far an invoice's tax may differ from net × rate, in minor units.
    public var invoiceTaxTolerance: Int64
    /// An invoice's net amount must stay below this, in minor units; `nil` for no limit.
    public var singleInvoiceLimit: Int64?
    public var offline: OfflineLimits
    public var warnings: Warnings
    public var uploadDeadline: UploadDeadline
    public var filingDay: FilingDay
    /// What may be voided, per type; a type not listed cannot be voided.
    public var voidRules: [InvoiceType: VoidRule]
    public var red: RedRules
    /// The fields that make an invoice number unique (`sellerTaxID`, `code`, `number`).
    public var numberKeyFields: [String]
    public var calendar: BusinessCalendar
    /// The source of each rule, by the rule's member name (`offline`, `void`, `holidays.2026`).
    public var sources: [String: String]

    /// Limits of one outage; `nil` where the jurisdiction sets none.
    public struct OfflineLimits: Hashable, Sendable {
        /// How long an outage may last from its start.
        public var hours: Int?
        /// How many invoices an outage may hold.
        public var count: Int?
        /// The cumulative gross of blue invoices in an outage, in minor units.
        public var positiveAmount: Int64?
        /// The cumulative gross of red invoices in an outage, as an absolute value, in minor units.
        public var negativeAmount: Int64?

        public init(hours: Int? = nil, count: Int? = nil, positiveAmount: Int64? = nil, negativeAmount: Int64? = nil) {
            self.hours = hours
            self.count = count
            self.positiveAmount = positiveAmount
            self.negativeAmount = negativeAmount
        }
    }

    /// When reminders start, before a rule is broken.
    public struct Warnings: Hashable, Sendable {
        /// The share of a limit from which a capture warns, in per mille (800 = 80 %).
        public var limitPerMille: Int
        /// The share of the offline window from which status warns, in per mille.
        public var windowPerMille: Int
        /// How many hours before a deadline status warns.
        public var deadlineHours: Int
        /// Invoices of a month still unsynced after this day of the next month are reported.
        public var unsyncedDay: Int

        public init(limitPerMille: Int = 800, windowPerMille: Int = 750, deadlineHours: Int = 24, unsyncedDay: Int = 10)
        {
            self.limitPerMille = limitPerMille
            self.windowPerMille = windowPerMille
            self.deadlineHours = deadlineHours
            self.unsyncedDay = unsyncedDay
        }
    }

    /// By when an invoice captured offline must reach the tax system.
    public enum UploadDeadline: Hashable, Sendable {
        /// Within so many hours of the end of the outage it was captured in.
        case hoursAfterOutageEnd(Int)
        /// By the end of the Nth business day after the outage ended.
        case businessDaysAfterOutageEnd(Int)
        /// By the end of the Nth business day after the issue date.
        case businessDaysAfterIssue(Int)
        /// By the filing day of the month after the issue month.
        case filingDay

        public var description: String {
            switch self {
            case .hoursAfterOutageEnd(let hours): "\(hours) hours after the outage ends"
            case .businessDaysAfterOutageEnd(let days):
                "\(days) business day\(days == 1 ? "" : "s") after the outage ends"
            case .businessDaysAfterIssue(let days): "\(days) business day\(days == 1 ? "" : "s") after the issue date"
            case .filingDay: "the filing day of the month after issue"
            }
        }
    }

    /// The day of the next month by which a period's return is filed.
    public struct FilingDay: Hashable, Sendable {
        /// The day of the month the rule names (15).
        public var day: Int
        /// Days the tax authority published, by month (`2026-01`), which win over the rule.
        public var published: [String: CalendarDate]

        public init(day: Int, published: [String: CalendarDate] = [:]) {
            self.day = day
            self.published = published
        }
    }

    /// Whether and when an invoice of a type may be voided (作废).
    public enum VoidRule: String, Hashable, Sendable {
        /// Never: it is reversed by a red invoice.
        case never
        /// Only within the calendar month of issue, and before the period is closed.
        case issueMonth
    }

    /// What a red (reversing) invoice must carry.
    public struct RedRules: Hashable, Sendable {
        /// The reasons a red invoice may give; the first reverses in full (issued in error).
        public var reasons: [String]
        /// Accepted confirmation numbers: a name and its digit count, per type.
        public var confirmations: [Confirmation]

        public struct Confirmation: Hashable, Sendable {
            public var name: String
            public var digits: Int
            public var types: Set<InvoiceType>

            public init(name: String, digits: Int, types: Set<InvoiceType>) {
                self.name = name
                self.digits = digits
                self.types = types
            }
        }

        public init(reasons: [String], confirmations: [Confirmation]) {
            self.reasons = reasons
            self.confirmations = confirmations
        }

        /// The confirmation numbers accepted for a red invoice of `type`.
        public func confirmations(for type: InvoiceType) -> [Confirmation] {
            confirmations.filter { $0.types.contains(type) }
        }
    }

    /// The validation policy this profile implies, with the branch's offline window.
    public func validationPolicy(
        offlineWindowDays: Int = ValidationPolicy.standard.offlineWindowDays
    )
        -> ValidationPolicy
    {
        var policy = ValidationPolicy(
            rateTable: rateTable,
            lineTaxTolerance: lineTaxTolerance,
            invoiceTaxTolerance: invoiceTaxTolerance,
            offlineWindowDays: offlineWindowDays
        )
        policy.profileName = name
        policy.allowedTypes = allowedTypes
        policy.buyerTaxIDRequired = buyerTaxIDRequired
        policy.taxIDScheme = taxIDScheme
        policy.singleInvoiceLimit = singleInvoiceLimit
        policy.currency = currency
        policy.timeZone = timeZone
        policy.red = red
        return policy
    }
}
