import FapiaoCore
import Foundation
import GRDB

extension Journal {
    static let conflictColumns = """
        id, invoice_id, kind, source, operation_id, local_content, local_clock, remote_content, remote_clock,
        ancestor_content, ancestor_clock, detected_at, resolved_at, resolution, resolved_by
        """

    /// Conflicts in the order they were found, which on one journal is their causal order.
    ///
    /// - Parameter includeResolved: `false` for the open ones only.
    /// - Returns: the conflicts, oldest first.
    /// - Throws: ``JournalError`` `.damaged` when a record cannot be read back.
    public func conflicts(includeResolved: Bool) throws -> [ConflictRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.conflictColumns) FROM conflict"
                    + (includeResolved ? "" : " WHERE resolved_at IS NULL") + " ORDER BY rowid"
            ).map(Self.conflictRecord)
        }
    }

    /// How many conflicts wait for a resolution.
    public func openConflictCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict WHERE resolved_at IS NULL") ?? 0 }
    }

    /// One conflict, by its id or an id prefix of at least 4 characters, or by its invoice's
    /// id or number (then the invoice's open conflict, else its latest).
    /// - Throws: ``JournalError`` `.invoiceNotFound` when nothing matches, `.ambiguousID`.
    public func conflict(_ reference: String) throws -> ConflictRecord {
        let needle = reference.trimmingCharacters(in: .whitespaces).uppercased()
        return try read { db in
            if needle.count >= 4 {
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT \(Self.conflictColumns) FROM conflict WHERE id LIKE ? || '%' ORDER BY rowid LIMIT 2",
                    arguments: [needle]
                )
                if rows.count > 1 {
                    throw JournalError(
                        code: .ambiguousID,
                        message: "More than one conflict id starts with \(reference); give more characters."
                    )
                }
                if let row = rows.first { return try Self.conflictRecord(row) }
            }
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Self.conflictColumns) FROM conflict
                    WHERE invoice_id IN (SELECT id FROM invoice WHERE id LIKE ? || '%' OR number = ?)
                    ORDER BY resolved_at IS NULL DESC, rowid DESC LIMIT 1
                    """,
                arguments: [needle, reference.trimmingCharacters(in: .whitespaces)]
            )
            guard let row else {
                throw JournalError(
                    code: .conflictNotFound,
                    message:
                        "No conflict matches \(reference); `fapiao conflicts list` shows the open ones and `conflicts history` all."
                )
            }
            return try Self.conflictRecord(row)
        }
    }

    static func conflictRecord(_ row: Row) throws -> ConflictRecord {
        let id: String = row["id"]
        func version(_ content: String?, _ clock: String?) throws -> RemoteVersion? {
            guard let content, let clock else { return nil }
            guard let parsedClock = VectorClock(parsing: clock) else {
                throw JournalError(code: .damaged, message: "Conflict \(id) has an unreadable clock.")
            }
            return RemoteVersion(invoice: try Invoice(storedText: content), clock: parsedClock)
        }
        do {
            guard let conflictID = UUID(uuidText: id), let invoiceID = UUID(uuidText: row["invoice_id"]),
                let kind = ConflictKind(rawValue: row["kind"]),
                let local = try version(row["local_content"], row["local_clock"]),
                let detectedAt = UTCTimestamp(parsing: row["detected_at"])
            else { throw JournalError(code: .damaged, message: "Conflict \(id) cannot be read back.") }
            let resolutionText: String? = row["resolution"]
            return ConflictRecord(
                id: conflictID,
                invoiceID: invoiceID,
                kind: kind,
                source: ConflictRecord.Source(rawValue: row["source"]) ?? .push,
                operationID: (row["operation_id"] as String?).flatMap(UUID.init(uuidText:)),
                local: local,
                remote: try version(row["remote_content"], row["remote_clock"]),
                ancestor: try version(row["ancestor_content"], row["ancestor_clock"]),
                detectedAt: detectedAt,
                resolution: resolutionText.flatMap { ConflictResolution(json: $0, resolvedBy: row["resolved_by"]) }
            )
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(
                code: .damaged,
                message:
                    "Conflict \(id) in the journal cannot be read back; restore the journal with `fapiao restore BACKUP`.",
                cause: error
            )
        }
    }

    /// Records a conflict with both versions, both clocks and the common ancestor: the last
    /// version of the invoice the remote accepted from this branch (before `operationSequence`
    /// when an operation met the conflict).
    func insertConflict(
        _ db: Database,
        kind: ConflictKind,
        source: ConflictRecord.Source,
        local: (content: String, clock: VectorClock),
        remote: RemoteVersion,
        invoiceID: UUID,
        operation: (id: UUID, sequence: Int64)?,
        at now: String
    ) throws -> UUID {
        let ancestor = try Row.fetchOne(
            db,
            sql: """
                SELECT payload, clock FROM operation
                WHERE invoice_id = ? AND seq < ? AND status IN ('accepted', 'duplicate', 'stale')
                ORDER BY seq DESC LIMIT 1
                """,
            arguments: [invoiceID.uuidText, operation?.sequence ?? Int64.max]
        )
        let id = environment.newID()
        try db.execute(
            sql: """
                INSERT INTO conflict (id, invoice_id, kind, source, operation_id, local_content, local_clock,
                    remote_content, remote_clock, ancestor_content, ancestor_clock, detected_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id.uuidText, invoiceID.uuidText, kind.rawValue, source.rawValue, operation?.id.uuidText,
                local.content, local.clock.description, remote.invoice.canonicalText, remote.clock.description,
                ancestor?["payload"] as String?, ancestor?["clock"] as String?, now,
            ]
        )
        return id
    }

    /// Whether `invoiceID` has a conflict waiting for a resolution.
    func hasOpenConflict(_ db: Database, invoiceID: UUID) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM conflict WHERE invoice_id = ? AND resolved_at IS NULL LIMIT 1"),
            arguments: [invoiceID.uuidText]
        ) ?? false
    }
}
