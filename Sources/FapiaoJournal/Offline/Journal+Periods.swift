import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Closes tax period `month` (`YYYY-MM`), audited.
    ///
    /// From now on its paper invoices can no longer be voided (a red invoice reverses them).
    ///
    /// - Throws: ``JournalError`` `.invalidSetting` for a malformed or future month,
    ///   `.alreadyExists` when it is closed already.
    public func closePeriod(_ month: String, actor: String) throws {
        guard month.utf8.count == 7, let first = CalendarDate(parsing: month + "-01") else {
            throw JournalError(
                code: .invalidSetting,
                message: "MONTH must be written YYYY-MM, such as 2026-11, not \"\(month.prefix(20))\"."
            )
        }
        let instant = environment.now()
        let today = CalendarDate(at: instant, in: settings.profile.timeZone)
        guard first.monthText <= today.monthText else {
            throw JournalError(
                code: .invalidSetting,
                message:
                    "Period \(month) has not begun (today is \(today)); only a current or past month can be closed."
            )
        }
        try write(.periodClose) { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM closed_period WHERE month = ?", arguments: [month]) == true {
                throw JournalError(
                    code: .alreadyExists,
                    message: "Period \(month) is closed already; nothing was changed."
                )
            }
            try db.execute(
                sql: "INSERT INTO closed_period (month, closed_at, closed_by) VALUES (?, ?, ?)",
                arguments: [month, instant.description, actor]
            )
            var audit = try AuditAppender(db: db)
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .periodClosed,
                details: .object(["month": .string(month)])
            )
        }
    }

    /// The closed periods (`YYYY-MM`).
    public func closedPeriods() throws -> Set<String> {
        try read { db in try closedPeriods(db) }
    }

    func closedPeriods(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT month FROM closed_period"))
    }
}
