import Foundation

/// What a branch owes, as reminders for `fapiao status`: every deadline, limit and period its
/// profile sets, before it is missed (DESIGN §10, promise 6).
extension OfflineRules {
    /// An invoice the remote has not accepted yet, as the reminders see it.
    public struct Unsynced: Hashable, Sendable {
        public var id: UUID
        public var issueDate: CalendarDate
        public var capturedAt: UTCTimestamp
        /// The outage it was captured in, if any.
        public var outage: Outage?

        public init(id: UUID, issueDate: CalendarDate, capturedAt: UTCTimestamp, outage: Outage? = nil) {
            self.id = id
            self.issueDate = issueDate
            self.capturedAt = capturedAt
            self.outage = outage
        }
    }

    /// One reason a branch owes something, with the invoices it concerns.
    public struct Reminder: Hashable, Sendable {
        public enum Severity: String, Hashable, Sendable {
            /// A rule is broken already (`status --check` exits 1).
            case error
            /// A rule will be broken soon (`status --check` exits 1 too: act before it is).
            case warning
        }

        public var severity: Severity
        /// The profile rule (`uploadDeadline`, `offline.hours`, `filingDay`, `unsyncedMonth`).
        public var rule: String
        public var message: String
        public var invoiceIDs: [UUID]

        public init(severity: Severity, rule: String, message: String, invoiceIDs: [UUID]) {
            self.severity = severity
            self.rule = rule
            self.message = message
            self.invoiceIDs = invoiceIDs
        }
    }

    /// Every reminder the profile gives at `now`.
    ///
    /// - Parameters:
    ///   - unsynced: the invoices not yet accepted by the remote.
    ///   - openOutage: the open outage and what it holds, if one is open.
    ///   - profile: the branch's profile, with its own values applied.
    ///   - now: the instant to judge at.
    /// - Returns: the reminders, errors and warnings, in the order to act on them.
    public static func reminders(
        unsynced: [Unsynced],
        openOutage: (outage: Outage, tally: Tally)?,
        profile: Profile,
        now: UTCTimestamp
    ) -> [Reminder] {
        var tally = UnsyncedTally(profile: profile, now: now)
        for invoice in unsynced { tally.add(invoice) }
        return tally.reminders(openOutage: openOutage)
    }

    /// The reminders' view of the unsynced invoices, fed one invoice at a time, so a journal
    /// holding a million of them is judged without holding them in memory.
    public struct UnsyncedTally: Sendable {
        /// Invoices past (or near) their upload deadline: how many, the earliest deadline, and
        /// their ids when they are kept.
        private struct Group: Sendable {
            var count = 0
            var earliest: UTCTimestamp?
            var ids: [UUID] = []
        }

        private let profile: Profile
        private let now: UTCTimestamp
        private let keepingIDs: Bool
        private let warningWindow: Int64
        private var overdue = Group()
        private var dueSoon = Group()
        /// Unsynced invoices by issue month ("2026-05"), with a date of that month.
        private var byMonth: [String: (period: CalendarDate, group: Group)] = [:]
        /// Deadlines already computed, by issue date, when the profile's deadline depends on
        /// the issue date alone (a business day after it, the filing day after its month):
        /// a sync's report tallies every unsynced invoice, and walking the business calendar
        /// for each of 100,000 invoices issued on a few days cost more than the rest of it.
        private var deadlineByIssueDate: [CalendarDate: UTCTimestamp] = [:]

        /// - Parameters:
        ///   - profile: the branch's profile, with its own values applied.
        ///   - now: the instant to judge at.
        ///   - keepingIDs: false when only the counts matter (the branch report); the reminders
        ///     then name no invoices.
        public init(profile: Profile, now: UTCTimestamp, keepingIDs: Bool = true) {
            self.profile = profile
            self.now = now
            self.keepingIDs = keepingIDs
            self.warningWindow = Int64(profile.warnings.deadlineHours) * 3_600_000
        }

        /// How many of the invoices added are past their upload deadline.
        public var overdueCount: Int { overdue.count }

        public mutating func add(_ invoice: Unsynced) {
            Self.note(
                invoice.id,
                deadline: nil,
                in: &byMonth[invoice.issueDate.monthText, default: (invoice.issueDate, Group())].group,
                keepingIDs: keepingIDs
            )
            guard let deadline = deadline(of: invoice) else { return }
            if deadline <= now {
                Self.note(invoice.id, deadline: deadline, in: &overdue, keepingIDs: keepingIDs)
            } else if deadline.millisecondsSinceEpoch - now.millisecondsSinceEpoch <= warningWindow {
                Self.note(invoice.id, deadline: deadline, in: &dueSoon, keepingIDs: keepingIDs)
            }
        }

        private mutating func deadline(of invoice: Unsynced) -> UTCTimestamp? {
            let byIssueDateAlone: Bool
            switch profile.uploadDeadline {
            case .businessDaysAfterIssue, .filingDay: byIssueDateAlone = true
            case .hoursAfterOutageEnd, .businessDaysAfterOutageEnd: byIssueDateAlone = false
            }
            if byIssueDateAlone, let known = deadlineByIssueDate[invoice.issueDate] { return known }
            let deadline = OfflineRules.uploadDeadline(
                issueDate: invoice.issueDate,
                capturedAt: invoice.capturedAt,
                outage: invoice.outage,
                profile: profile
            )
            if byIssueDateAlone, let deadline { deadlineByIssueDate[invoice.issueDate] = deadline }
            return deadline
        }

        private static func note(_ id: UUID, deadline: UTCTimestamp?, in group: inout Group, keepingIDs: Bool) {
            group.count += 1
            if let deadline, group.earliest.map({ deadline < $0 }) ?? true { group.earliest = deadline }
            if keepingIDs { group.ids.append(id) }
        }

        /// Every reminder for the invoices added and the open outage, in the order to act on them.
        public func reminders(openOutage: (outage: Outage, tally: Tally)?) -> [Reminder] {
            var reminders: [Reminder] = []
            let zone = profile.timeZone
            if let earliest = overdue.earliest {
                reminders.append(
                    Reminder(
                        severity: .error,
                        rule: "uploadDeadline",
                        message:
                            "\(overdue.count) invoice(s) are past their upload deadline (\(profile.uploadDeadline.description); "
                            + "the earliest was \(earliest.localText(in: zone))): sync them now and tell the tax office",
                        invoiceIDs: overdue.ids
                    )
                )
            }
            if let earliest = dueSoon.earliest {
                reminders.append(
                    Reminder(
                        severity: .warning,
                        rule: "uploadDeadline",
                        message: "\(dueSoon.count) invoice(s) reach their upload deadline within "
                            + "\(profile.warnings.deadlineHours) hours (the first at \(earliest.localText(in: zone))): sync them",
                        invoiceIDs: dueSoon.ids
                    )
                )
            }

            if let (outage, tally) = openOutage {
                reminders += OfflineRules.outageReminders(outage: outage, tally: tally, profile: profile, now: now)
            }

            let today = CalendarDate(at: now, in: zone)
            for (month, entry) in byMonth.sorted(by: { $0.key < $1.key }) {
                let filing = OfflineRules.filingDay(forPeriod: entry.period, profile: profile)
                let reminderDay = entry.period.firstOfNextMonth.sameMonth(day: profile.warnings.unsyncedDay)
                if today > filing {
                    reminders.append(
                        Reminder(
                            severity: .error,
                            rule: "filingDay",
                            message:
                                "\(entry.group.count) invoice(s) of period \(month) are still unsynced after its filing day \(filing)",
                            invoiceIDs: entry.group.ids
                        )
                    )
                } else if today > reminderDay {
                    reminders.append(
                        Reminder(
                            severity: .warning,
                            rule: "unsyncedMonth",
                            message: "\(entry.group.count) invoice(s) of period \(month) are still unsynced after the "
                                + "\(profile.warnings.unsyncedDay)th; its filing day is \(filing)",
                            invoiceIDs: entry.group.ids
                        )
                    )
                }
            }
            return reminders
        }
    }

    private static func outageReminders(outage: Outage, tally: Tally, profile: Profile, now: UTCTimestamp) -> [Reminder]
    {
        var reminders: [Reminder] = []
        let limits = profile.offline
        if let hours = limits.hours {
            let elapsed = now.millisecondsSinceEpoch - outage.startedAt.millisecondsSinceEpoch
            let allowed = Int64(hours) * 3_600_000
            if elapsed >= allowed {
                reminders.append(
                    Reminder(
                        severity: .error,
                        rule: "offline.hours",
                        message:
                            "the outage open since \(outage.startedAt.localText(in: profile.timeZone)) has lasted \(hoursText(elapsed)), past the "
                            + "\(hours) hours the \(profile.name) profile allows: no capture is accepted until it ends",
                        invoiceIDs: []
                    )
                )
            } else if elapsed * 1000 >= allowed * Int64(profile.warnings.windowPerMille) {
                reminders.append(
                    Reminder(
                        severity: .warning,
                        rule: "offline.hours",
                        message:
                            "the outage open since \(outage.startedAt.localText(in: profile.timeZone)) has lasted \(hoursText(elapsed)) of the "
                            + "\(hours) hours the \(profile.name) profile allows offline",
                        invoiceIDs: []
                    )
                )
            }
        }
        let share = Int64(profile.warnings.limitPerMille)
        let measures: [(String, Int64, Int64?, (Int64) -> String)] = [
            ("offline.count", Int64(tally.count), limits.count.map(Int64.init), { "\($0) invoices" }),
            (
                "offline.positiveAmount", tally.positiveGross, limits.positiveAmount,
                { DecimalText.format($0, scale: 2) }
            ),
            (
                "offline.negativeAmount", tally.negativeGross, limits.negativeAmount,
                { DecimalText.format($0, scale: 2) }
            ),
        ]
        for (rule, value, limit, text) in measures {
            guard let limit, value * 1000 >= limit * share else { continue }
            reminders.append(
                Reminder(
                    severity: value > limit ? .error : .warning,
                    rule: rule,
                    message:
                        "the open outage has reached \(text(value)) of the \(text(limit)) the \(profile.name) profile allows (\(rule))",
                    invoiceIDs: []
                )
            )
        }
        return reminders
    }
}
