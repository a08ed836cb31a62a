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
        var reminders: [Reminder] = []
        let zone = profile.timeZone
        let warningWindow = Int64(profile.warnings.deadlineHours) * 3_600_000

        var overdue: [(UUID, UTCTimestamp)] = []
        var dueSoon: [(UUID, UTCTimestamp)] = []
        for invoice in unsynced {
            guard
                let deadline = uploadDeadline(
                    issueDate: invoice.issueDate,
                    capturedAt: invoice.capturedAt,
                    outage: invoice.outage,
                    profile: profile
                )
            else { continue }
            if deadline <= now {
                overdue.append((invoice.id, deadline))
            } else if deadline.millisecondsSinceEpoch - now.millisecondsSinceEpoch <= warningWindow {
                dueSoon.append((invoice.id, deadline))
            }
        }
        if let earliest = overdue.map(\.1).min() {
            reminders.append(
                Reminder(
                    severity: .error,
                    rule: "uploadDeadline",
                    message:
                        "\(overdue.count) invoice(s) are past their upload deadline (\(profile.uploadDeadline.description); "
                        + "the earliest was \(earliest.localText(in: zone))): sync them now and tell the tax office",
                    invoiceIDs: overdue.map(\.0)
                )
            )
        }
        if let earliest = dueSoon.map(\.1).min() {
            reminders.append(
                Reminder(
                    severity: .warning,
                    rule: "uploadDeadline",
                    message: "\(dueSoon.count) invoice(s) reach their upload deadline within "
                        + "\(profile.warnings.deadlineHours) hours (the first at \(earliest.localText(in: zone))): sync them",
                    invoiceIDs: dueSoon.map(\.0)
                )
            )
        }

        if let (outage, tally) = openOutage {
            reminders += outageReminders(outage: outage, tally: tally, profile: profile, now: now)
        }

        let today = CalendarDate(at: now, in: zone)
        var byMonth: [String: (period: CalendarDate, ids: [UUID])] = [:]
        for invoice in unsynced {
            byMonth[invoice.issueDate.monthText, default: (invoice.issueDate, [])].ids.append(invoice.id)
        }
        for (month, entry) in byMonth.sorted(by: { $0.key < $1.key }) {
            let filing = filingDay(forPeriod: entry.period, profile: profile)
            let reminderDay = entry.period.firstOfNextMonth.sameMonth(day: profile.warnings.unsyncedDay)
            if today > filing {
                reminders.append(
                    Reminder(
                        severity: .error,
                        rule: "filingDay",
                        message:
                            "\(entry.ids.count) invoice(s) of period \(month) are still unsynced after its filing day \(filing)",
                        invoiceIDs: entry.ids
                    )
                )
            } else if today > reminderDay {
                reminders.append(
                    Reminder(
                        severity: .warning,
                        rule: "unsyncedMonth",
                        message: "\(entry.ids.count) invoice(s) of period \(month) are still unsynced after the "
                            + "\(profile.warnings.unsyncedDay)th; its filing day is \(filing)",
                        invoiceIDs: entry.ids
                    )
                )
            }
        }
        return reminders
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
