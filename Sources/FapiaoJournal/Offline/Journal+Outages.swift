import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Opens an outage: captures from now on belong to it and count against the profile's
    /// offline limits (DESIGN §3).
    ///
    /// - Parameters:
    ///   - mode: what kind of outage (`outage`, or the profile's mode name such as `awaria`).
    ///   - notice: the authority's announcement, when there is one.
    ///   - actor: the person, or `sync` when sync opens it.
    /// - Returns: the new outage.
    /// - Throws: ``JournalError`` `.invalidChange` when one is open already.
    @discardableResult
    public func startOutage(mode: String = "outage", notice: String? = nil, actor: String) throws -> OutageRecord {
        let mode = mode.trimmingCharacters(in: .whitespaces)
        guard (1...40).contains(mode.count), mode.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw JournalError(code: .invalidSetting, message: "--mode must be 1 to 40 printable characters.")
        }
        let notice = notice?.trimmingCharacters(in: .whitespaces)
        if let notice, notice.count > 200 || notice.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw JournalError(code: .invalidSetting, message: "--notice must be at most 200 characters on one line.")
        }
        let instant = environment.now()
        let id = try write(.outage) { db -> Int64 in
            if let open = try openOutageRow(db) {
                throw JournalError(
                    code: .invalidChange,
                    message:
                        "An outage is open already (since \(open.startedAt)); end it with `fapiao outage end` first."
                )
            }
            try db.execute(
                sql: "INSERT INTO outage (started_at, mode, notice, opened_by) VALUES (?, ?, ?, ?)",
                arguments: [instant.description, mode, notice, actor]
            )
            let id = db.lastInsertedRowID
            var audit = try AuditAppender(db: db)
            var details: [String: CanonicalJSON] = ["outage": .integer(id), "mode": .string(mode)]
            details["notice"] = .optional(notice)
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .outageStarted,
                details: .object(details)
            )
            return id
        }
        guard let outage = try outage(id) else {
            throw JournalError(code: .damaged, message: "Outage \(id) was written but cannot be read back.")
        }
        return outage
    }

    /// Ends the open outage; the upload deadlines of its invoices run from now.
    ///
    /// - Returns: the ended outage, or `nil` when none was open (nothing is written).
    @discardableResult
    public func endOutage(actor: String) throws -> OutageRecord? {
        guard try read({ db in try openOutageRow(db) }) != nil else { return nil }
        let instant = environment.now()
        let id = try write(.outage) { db -> Int64? in
            guard let open = try openOutageRow(db) else { return nil }
            try db.execute(
                sql: "UPDATE outage SET ended_at = ?, closed_by = ? WHERE id = ?",
                arguments: [instant.description, actor, open.id]
            )
            var audit = try AuditAppender(db: db)
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .outageEnded,
                details: .object([
                    "outage": .integer(open.id), "startedAt": .string(open.startedAt.description),
                    "invoices": .integer(Int64(open.tally.count)),
                ])
            )
            return open.id
        }
        return try id.flatMap { try outage($0) }
    }

    /// The open outage, if any.
    public func openOutage() throws -> OutageRecord? {
        try read { db in try openOutageRow(db) }
    }

    /// One outage by id.
    public func outage(_ id: Int64) throws -> OutageRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM outage WHERE id = ?", arguments: [id]).map {
                try outageRecord(db, $0)
            }
        }
    }

    /// Every outage, latest first.
    public func outages(limit: Int = 100) throws -> [OutageRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outage ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                try outageRecord(db, $0)
            }
        }
    }

    func openOutageRow(_ db: Database) throws -> OutageRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM outage WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1").map {
            try outageRecord(db, $0)
        }
    }

    private func outageRecord(_ db: Database, _ row: Row) throws -> OutageRecord {
        let id: Int64 = row["id"]
        guard let started = UTCTimestamp(parsing: row["started_at"]) else {
            throw JournalError(
                code: .damaged,
                message: "Outage \(id) has an unreadable start time; the journal is damaged."
            )
        }
        return OutageRecord(
            id: id,
            startedAt: started,
            endedAt: (row["ended_at"] as String?).flatMap(UTCTimestamp.init(parsing:)),
            mode: row["mode"],
            notice: row["notice"],
            openedBy: row["opened_by"],
            closedBy: row["closed_by"],
            tally: try OfflineLedger.tally(db, outage: id)
        )
    }
}
