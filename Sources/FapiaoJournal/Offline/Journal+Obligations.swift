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
        try read { db in
            var reminders = try unsyncedTally(db, keepingIDs: true).reminders(
                openOutage: try openOutageRow(db).map { (outage: $0.window, tally: $0.tally) }
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

    /// How many unsynced invoices are past their upload deadline, for the branch report: the
    /// invoices are read one at a time and not kept, so a journal of a million costs no more
    /// memory than one of a hundred.
    public func overdueCount() throws -> Int {
        try read { db in try unsyncedTally(db, keepingIDs: false).overdueCount }
    }

    /// The invoices the remote has not accepted, oldest capture first.
    ///
    /// The states are named, not `sync_state <> 'accepted'`, so that SQLite searches the
    /// invoice_state index instead of reading the whole table: a branch report is sent twice a
    /// sync, and a journal of years holds mostly accepted invoices.
    static let unsyncedInvoicesSQL = """
        SELECT id, issue_date, captured_at, outage_id FROM invoice
        WHERE sync_state IN (\(unsyncedStates)) ORDER BY captured_at
        """
    private static let unsyncedStates = SyncState.allCases.filter { $0 != .accepted }
        .map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// The unsynced invoices (every one the remote has not accepted: accepted and duplicate
    /// invoices have reached it), judged by the profile at the journal's current instant.
    private func unsyncedTally(_ db: Database, keepingIDs: Bool) throws -> OfflineRules.UnsyncedTally {
        var outages: [Int64: OfflineRules.Outage] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, started_at, ended_at FROM outage") {
            guard let started = UTCTimestamp(parsing: row[1]) else { continue }
            outages[row[0]] = OfflineRules.Outage(
                startedAt: started,
                endedAt: (row[2] as String?).flatMap(UTCTimestamp.init(parsing:))
            )
        }
        var tally = OfflineRules.UnsyncedTally(
            profile: settings.profile,
            now: environment.now(),
            keepingIDs: keepingIDs
        )
        let rows = try Row.fetchCursor(db, sql: Self.unsyncedInvoicesSQL)
        while let row = try rows.next() {
            guard let id = UUID(uuidText: row[0]), let issued = CalendarDate(parsing: row[1]),
                let captured = UTCTimestamp(parsing: row[2])
            else { continue }
            tally.add(
                OfflineRules.Unsynced(
                    id: id,
                    issueDate: issued,
                    capturedAt: captured,
                    outage: (row[3] as Int64?).flatMap { outages[$0] }
                )
            )
        }
        return tally
    }

    /// The upload deadline of an invoice just captured, or `nil` while its outage lasts: as
    /// ``uploadDeadline(of:)`` at the instant of capture, without reading the journal.
    public func uploadDeadline(for receipt: CaptureReceipt) -> UTCTimestamp? {
        OfflineRules.uploadDeadline(
            issueDate: receipt.invoice.issueDate,
            capturedAt: receipt.invoice.capturedAt,
            outage: receipt.outage,
            profile: settings.profile
        )
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
