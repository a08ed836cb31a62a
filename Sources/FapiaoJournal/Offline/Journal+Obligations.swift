import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Today in the profile's time zone, on the journal's clock.
    public var today: CalendarDate { CalendarDate(at: environment.now(), in: settings.profile.timeZone) }

    /// Everything the branch owes under its profile at the journal's current instant: overdue
    /// and near deadlines, offline limits and window, unsynced months and filing days, and (unless
    /// `numbers` is false) gaps and duplicates in the branch's number series, which reads every
    /// invoice of the journal.
    public func obligations(numbers: Bool = true) throws -> [OfflineRules.Reminder] {
        let now = environment.now()
        return try read { db in
            var outages: [Int64: OfflineRules.Outage] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, started_at, ended_at FROM outage") {
                guard let started = UTCTimestamp(parsing: row["started_at"]) else { continue }
                outages[row["id"]] = OfflineRules.Outage(
                    startedAt: started,
                    endedAt: (row["ended_at"] as String?).flatMap(UTCTimestamp.init(parsing:))
                )
            }
            // Accepted and duplicate invoices have reached the remote; everything else still owes an upload.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, issue_date, captured_at, outage_id FROM invoice
                    WHERE sync_state <> 'accepted' ORDER BY captured_at
                    """
            )
            var unsynced: [OfflineRules.Unsynced] = []
            for row in rows {
                guard let id = UUID(uuidText: row["id"]), let issued = CalendarDate(parsing: row["issue_date"]),
                    let captured = UTCTimestamp(parsing: row["captured_at"])
                else { continue }
                unsynced.append(
                    OfflineRules.Unsynced(
                        id: id,
                        issueDate: issued,
                        capturedAt: captured,
                        outage: (row["outage_id"] as Int64?).flatMap { outages[$0] }
                    )
                )
            }
            let open = try openOutageRow(db).map { (outage: $0.window, tally: $0.tally) }
            var reminders = OfflineRules.reminders(
                unsynced: unsynced,
                openOutage: open,
                profile: settings.profile,
                now: now
            )
            // Gaps and duplicates in the branch's own series (numbers no series covers are
            // reported by `fapiao numbers`, not reminded of: nobody assigned them).
            for report in try numbers ? numberReports(db, month: nil) : [] {
                guard let series = report.series else { continue }
                if let first = report.gaps.first {
                    reminders.append(
                        OfflineRules.Reminder(
                            severity: .warning,
                            rule: "numberGap",
                            message: "\(report.gapCount) number(s) of series \(series.rangeText) were skipped (first "
                                + "\(first.text)): explain them with `fapiao numbers explain`",
                            invoiceIDs: []
                        )
                    )
                }
                for duplicate in report.duplicates {
                    reminders.append(
                        OfflineRules.Reminder(
                            severity: .error,
                            rule: "numberDuplicate",
                            message:
                                "number \(duplicate.number) of series \(series.rangeText) is used \(duplicate.uses.count) times",
                            invoiceIDs: duplicate.uses.map(\.invoiceID)
                        )
                    )
                }
            }
            return reminders
        }
    }

    /// The upload deadline of one invoice, or `nil` while its outage lasts.
    public func uploadDeadline(of invoice: Invoice) throws -> UTCTimestamp? {
        try read { db in
            let outageID = try Int64.fetchOne(
                db,
                sql: "SELECT outage_id FROM invoice WHERE id = ?",
                arguments: [invoice.id.uuidText]
            )
            let outage = try outageID.flatMap { id in
                try Row.fetchOne(db, sql: "SELECT started_at, ended_at FROM outage WHERE id = ?", arguments: [id])
            }.flatMap { row in
                UTCTimestamp(parsing: row["started_at"]).map {
                    OfflineRules.Outage(
                        startedAt: $0,
                        endedAt: (row["ended_at"] as String?).flatMap(UTCTimestamp.init(parsing:))
                    )
                }
            }
            return OfflineRules.uploadDeadline(
                issueDate: invoice.issueDate,
                capturedAt: invoice.capturedAt,
                outage: outage,
                profile: settings.profile
            )
        }
    }
}
