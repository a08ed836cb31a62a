import Foundation

/// What a profile's offline rules say about a capture, a void and an invoice's deadline: pure
/// functions of the profile and what the journal looked up, so every rule is table-tested
/// (DESIGN §3, "What a branch owes while offline").
public enum OfflineRules {
    /// An outage as the rules see it.
    public struct Outage: Hashable, Sendable {
        public var startedAt: UTCTimestamp
        /// When it ended; `nil` while it lasts.
        public var endedAt: UTCTimestamp?

        public init(startedAt: UTCTimestamp, endedAt: UTCTimestamp? = nil) {
            self.startedAt = startedAt
            self.endedAt = endedAt
        }
    }

    /// What the invoices of one outage add up to so far.
    public struct Tally: Hashable, Sendable {
        public var count: Int
        /// The gross of its blue invoices, in minor units.
        public var positiveGross: Int64
        /// The gross of its red invoices, as an absolute value, in minor units.
        public var negativeGross: Int64

        public init(count: Int = 0, positiveGross: Int64 = 0, negativeGross: Int64 = 0) {
            self.count = count
            self.positiveGross = positiveGross
            self.negativeGross = negativeGross
        }

        /// The tally with `invoice` added (sums saturate; amounts are bounded long before).
        public func adding(_ invoice: Invoice) -> Tally {
            var next = self
            next.count += 1
            let gross = invoice.gross.minorUnits
            if gross < 0 {
                let (sum, overflow) = negativeGross.addingReportingOverflow(0 &- gross)
                next.negativeGross = overflow ? .max : sum
            } else {
                let (sum, overflow) = positiveGross.addingReportingOverflow(gross)
                next.positiveGross = overflow ? .max : sum
            }
            return next
        }
    }

    /// What the rules make of one capture in an open outage.
    public struct CaptureCheck: Hashable, Sendable {
        /// The limits the capture would break: it is refused.
        public var refusals: [ValidationIssue] = []
        /// Limits the outage has reached 80 % (the profile's share) of, one sentence each.
        public var warnings: [String] = []
    }

    /// Checks a capture against the offline limits of the outage it belongs to.
    ///
    /// - Parameters:
    ///   - invoice: the validated invoice.
    ///   - outage: the open outage, or `nil` when none is open (no offline limit applies).
    ///   - tally: what the outage holds before this capture.
    ///   - profile: the branch's profile, with its own values applied.
    ///   - now: the capture instant.
    /// - Returns: the refusals (limits the capture would break) and warnings (80 % reached).
    public static func checkCapture(
        _ invoice: Invoice,
        outage: Outage?,
        tally: Tally,
        profile: Profile,
        now: UTCTimestamp
    ) -> CaptureCheck {
        guard let outage, outage.endedAt == nil else { return CaptureCheck() }
        var check = CaptureCheck()
        let limits = profile.offline
        let name = profile.name
        let after = tally.adding(invoice)
        let share = Int64(profile.warnings.limitPerMille)

        if let hours = limits.hours {
            let elapsed = now.millisecondsSinceEpoch - outage.startedAt.millisecondsSinceEpoch
            let allowed = Int64(hours) * 3_600_000
            if elapsed >= allowed {
                check.refusals.append(
                    ValidationIssue(
                        field: "outage",
                        rule: "offline.hours",
                        message:
                            "has lasted \(hoursText(elapsed)) since \(outage.startedAt.localText(in: profile.timeZone)); the \(name) profile allows "
                            + "offline invoicing for \(hours) hours (offline.hours): upload what is captured before capturing more"
                    )
                )
            } else if elapsed * 1000 >= allowed * share {
                check.warnings.append(
                    "the outage has lasted \(hoursText(elapsed)) of the \(hours) hours the \(name) profile allows offline"
                )
            }
        }
        if let count = limits.count {
            if after.count > count {
                check.refusals.append(
                    ValidationIssue(
                        field: "outage",
                        rule: "offline.count",
                        message:
                            "holds \(tally.count) invoice(s); the \(name) profile allows \(count) per outage (offline.count)"
                    )
                )
            } else if Int64(after.count) * 1000 >= Int64(count) * share {
                check.warnings.append(
                    "the outage holds \(after.count) of the \(count) invoices the \(name) profile allows"
                )
            }
        }
        if invoice.gross.minorUnits >= 0, let limit = limits.positiveAmount {
            amountCheck(
                &check,
                before: tally.positiveGross,
                after: after.positiveGross,
                limit: limit,
                share: share,
                rule: "offline.positiveAmount",
                what: "blue invoices' gross",
                profile: name
            )
        }
        if invoice.gross.minorUnits < 0, let limit = limits.negativeAmount {
            amountCheck(
                &check,
                before: tally.negativeGross,
                after: after.negativeGross,
                limit: limit,
                share: share,
                rule: "offline.negativeAmount",
                what: "red invoices' gross",
                profile: name
            )
        }
        return check
    }

    private static func amountCheck(
        _ check: inout CaptureCheck,
        before: Int64,
        after: Int64,
        limit: Int64,
        share: Int64,
        rule: String,
        what: String,
        profile: String
    ) {
        let limitText = DecimalText.format(limit, scale: 2)
        if after > limit {
            check.refusals.append(
                ValidationIssue(
                    field: "gross",
                    rule: rule,
                    message: "would bring the outage's \(what) to \(DecimalText.format(after, scale: 2)), past the "
                        + "\(limitText) the \(profile) profile allows offline (\(rule); \(DecimalText.format(before, scale: 2)) so far)"
                )
            )
        } else if after.multipliedReportingOverflow(by: 1000).partialValue >= limit * share {
            check.warnings.append(
                "the outage's \(what) is \(DecimalText.format(after, scale: 2)) of the \(limitText) the \(profile) profile allows"
            )
        }
    }

    static func hoursText(_ milliseconds: Int64) -> String {
        let minutes = milliseconds / 60_000
        return "\(minutes / 60) h \(minutes % 60) min"
    }

    // MARK: Deadlines

    /// The filing day of tax period `month` (`2026-11`): the published day when the profile
    /// lists one, else the rule's day of the next month moved to a business day.
    public static func filingDay(forPeriod month: CalendarDate, profile: Profile) -> CalendarDate {
        if let published = profile.filingDay.published[month.monthText] { return published }
        return profile.calendar.businessDay(onOrAfter: month.firstOfNextMonth.sameMonth(day: profile.filingDay.day))
    }

    /// By when an invoice must reach the tax system.
    ///
    /// - Parameters:
    ///   - issueDate: the invoice's issue date.
    ///   - capturedAt: when the branch captured it.
    ///   - outage: the outage it was captured in; `nil` when none was open (the deadline then
    ///     runs from the capture, as if an outage had ended then).
    ///   - profile: the branch's profile.
    /// - Returns: the instant, or `nil` while the deadline waits for the outage to end.
    public static func uploadDeadline(
        issueDate: CalendarDate,
        capturedAt: UTCTimestamp,
        outage: Outage?,
        profile: Profile
    ) -> UTCTimestamp? {
        let zone = profile.timeZone
        switch profile.uploadDeadline {
        case .hoursAfterOutageEnd(let hours):
            let end = outage == nil ? capturedAt : outage?.endedAt
            return end.map {
                UTCTimestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + Int64(hours) * 3_600_000)
            }
        case .businessDaysAfterOutageEnd(let days):
            let end = outage == nil ? capturedAt : outage?.endedAt
            return end.map { profile.calendar.businessDay(days, after: CalendarDate(at: $0, in: zone)).end(in: zone) }
        case .businessDaysAfterIssue(let days):
            return profile.calendar.businessDay(days, after: issueDate).end(in: zone)
        case .filingDay:
            return filingDay(forPeriod: issueDate, profile: profile).end(in: zone)
        }
    }

    // MARK: Voids

    private static func article(_ type: InvoiceType) -> String { type == .ordinary || type == .other ? "an" : "a" }

    /// Why `invoice` may not be voided now, or `nil` when it may.
    ///
    /// - Parameters:
    ///   - invoice: the invoice's current version.
    ///   - profile: the branch's profile.
    ///   - now: the instant of the void.
    ///   - closedPeriods: the months (`YYYY-MM`) closed with `fapiao period close`.
    /// - Returns: one sentence naming the rule, or `nil`.
    public static func voidRefusal(
        _ invoice: Invoice,
        profile: Profile,
        now: UTCTimestamp,
        closedPeriods: Set<String>
    ) -> String? {
        if invoice.kind == .red {
            return "a red invoice is never voided; it stays as the reversal it records"
        }
        switch profile.voidRules[invoice.type] ?? .never {
        case .never:
            return
                "\(article(invoice.type)) \(invoice.type.rawValue) invoice cannot be voided under the \(profile.name) profile; "
                + "reverse it with a red invoice (kind red, naming it as the original) instead"
        case .issueMonth:
            let month = invoice.issueDate.monthText
            let today = CalendarDate(at: now, in: profile.timeZone)
            if today.monthText != month {
                return
                    "\(article(invoice.type)) \(invoice.type.rawValue) invoice may be voided only within its month of issue (\(month), "
                    + "\(profile.timeZone.identifier)); today is \(today): reverse it with a red invoice instead"
            }
            if closedPeriods.contains(month) {
                return "period \(month) is closed (fapiao period close); reverse the invoice with a red invoice instead"
            }
            return nil
        }
    }
}
