import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Adds a notifier, audited.
    ///
    /// - Parameters:
    ///   - name: its name (``NotifierRecord/isValidName(_:)``), unique in the journal.
    ///   - target: `exec:PROGRAM [ARGS]` or an `http(s)://` URL, already checked by the caller.
    ///   - mailTo: the address for a sendmail-compatible program, if the notices go as mail.
    ///   - actor: who adds it.
    /// - Returns: the notifier as recorded.
    /// - Throws: ``JournalError`` `.invalidSetting` for a bad name, `.alreadyExists` for a taken one.
    @discardableResult
    public func addNotifier(name: String, target: String, mailTo: String?, actor: String) throws -> NotifierRecord {
        guard NotifierRecord.isValidName(name) else {
            throw JournalError(
                code: .invalidSetting,
                message: "--name \"\(name.prefix(40))\" must be 1 to 32 lowercase letters, digits, '-' or '_', "
                    + "starting with a letter or digit."
            )
        }
        let record = NotifierRecord(
            name: name,
            target: target,
            mailTo: mailTo,
            addedAt: environment.now(),
            addedBy: actor
        )
        try write(.notifier) { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM notifier WHERE name = ?", arguments: [name]) == nil else {
                throw JournalError(
                    code: .alreadyExists,
                    message: "A notifier named \(name) exists already; remove it first or pick another --name."
                )
            }
            try db.execute(
                sql: "INSERT INTO notifier (name, target, mail_to, added_at, added_by) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, target, mailTo, record.addedAt.description, actor]
            )
            try auditNotifierChange(db, actor: actor, details: ["added": .string(name), "target": .string(target)])
        }
        return record
    }

    /// Removes the notifier `name`, audited.
    ///
    /// - Throws: ``JournalError`` `.notFound` when there is none of that name.
    public func removeNotifier(name: String, actor: String) throws {
        try write(.notifier) { db in
            guard
                let target = try String.fetchOne(
                    db,
                    sql: "SELECT target FROM notifier WHERE name = ?",
                    arguments: [name]
                )
            else {
                throw JournalError(
                    code: .notFound,
                    message: "There is no notifier named \(name.prefix(40)); `fapiao notify list` shows them."
                )
            }
            try db.execute(sql: "DELETE FROM notifier WHERE name = ?", arguments: [name])
            try auditNotifierChange(db, actor: actor, details: ["removed": .string(name), "target": .string(target)])
        }
    }

    /// The branch's notifiers, by name.
    public func notifiers() throws -> [NotifierRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notifier ORDER BY name").map { row in
                NotifierRecord(
                    name: row["name"],
                    target: row["target"],
                    mailTo: row["mail_to"],
                    addedAt: UTCTimestamp(parsing: row["added_at"]) ?? UTCTimestamp(millisecondsSinceEpoch: 0),
                    addedBy: row["added_by"]
                )
            }
        }
    }

    /// What was sent for each reason still remembered, by key.
    public func noticeRecords() throws -> [String: NoticeRecord] {
        try read { db in try Self.noticeRecords(db) }
    }

    /// Decides which of `present` to send now (``NoticeSchedule``) and records them as sent, in one
    /// transaction, so a `sync --watch` and a `status --check` looking at once never both send a reason.
    ///
    /// A delivery that then fails is handed back with ``unclaimNotice(_:)`` so the next look tries again.
    public func claimNotices(_ present: [BranchNotice], resendAfterMilliseconds: Int64) throws -> [NoticeClaim] {
        let now = environment.now()
        return try write(.notice) { db in
            let sent = try Self.noticeRecords(db)
            let decision = NoticeSchedule.decide(
                present: present,
                sent: sent,
                now: now,
                resendAfterMilliseconds: resendAfterMilliseconds
            )
            for key in decision.forget {
                try db.execute(sql: "DELETE FROM notice_sent WHERE key = ?", arguments: [key])
            }
            for due in decision.send {
                try Self.storeNoticeRecord(db, due.record)
            }
            return decision.send.map { NoticeClaim(due: $0, previous: sent[$0.record.key]) }
        }
    }

    /// Puts back what was recorded for a notice whose delivery failed everywhere.
    public func unclaimNotice(_ claim: NoticeClaim) throws {
        try write(.notice) { db in
            if let previous = claim.previous {
                try Self.storeNoticeRecord(db, previous)
            } else {
                try db.execute(sql: "DELETE FROM notice_sent WHERE key = ?", arguments: [claim.due.record.key])
            }
        }
    }

    private func auditNotifierChange(_ db: Database, actor: String, details: [String: CanonicalJSON]) throws {
        var audit = try AuditAppender(db: db)
        var members = details
        members["key"] = .string("notifier")
        try audit.append(
            db,
            wallTime: environment.now(),
            node: settings.node,
            actor: actor,
            event: .configured,
            details: .object(members)
        )
    }

    private static func noticeRecords(_ db: Database) throws -> [String: NoticeRecord] {
        var records: [String: NoticeRecord] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM notice_sent") {
            guard let first = UTCTimestamp(parsing: row["first_sent"]),
                let last = UTCTimestamp(parsing: row["last_sent"])
            else { continue }
            let key: String = row["key"]
            records[key] = NoticeRecord(key: key, firstSent: first, lastSent: last, times: row["times"])
        }
        return records
    }

    private static func storeNoticeRecord(_ db: Database, _ record: NoticeRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO notice_sent (key, first_sent, last_sent, times) VALUES (?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET first_sent = excluded.first_sent, last_sent = excluded.last_sent,
                    times = excluded.times
                """,
            arguments: [record.key, record.firstSent.description, record.lastSent.description, record.times]
        )
    }
}

/// A notice claimed for sending, with what was recorded before (to put back if it is not delivered).
public struct NoticeClaim: Hashable, Sendable {
    public var due: NoticeSchedule.Due
    public var previous: NoticeRecord?
}
