import FapiaoCore
import Foundation
import GRDB

/// What `fapiao list` filters on.
public enum InvoiceFilter: Hashable, Sendable {
    case all
    case state(SyncState)
    case voided
}

extension Journal {
    /// The invoices matching `filter`, oldest capture first.
    public func invoices(_ filter: InvoiceFilter = .all, limit: Int? = nil) throws -> [InvoiceRecord] {
        var sql = InvoiceRecord.selectSQL
        var arguments: StatementArguments = []
        switch filter {
        case .all: break
        case .state(let state):
            sql += " WHERE sync_state = ?"
            arguments += [state.rawValue]
        case .voided:
            sql += " WHERE voided = 1"
        }
        sql += " ORDER BY captured_at, rowid"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(InvoiceRecord.init(row:)) }
    }

    /// The invoice whose id is `reference`, or starts with it (at least 4 characters), or whose number is it.
    /// - Throws: ``JournalError`` `.invoiceNotFound` or `.ambiguousID`.
    public func invoice(_ reference: String) throws -> InvoiceRecord {
        let needle = reference.trimmingCharacters(in: .whitespaces).uppercased()
        return try read { db in
            var rows = try Row.fetchAll(
                db,
                sql: InvoiceRecord.selectSQL + " WHERE id = ? OR number = ?",
                arguments: [needle, needle]
            )
            if rows.isEmpty, needle.count >= 4 {
                rows = try Row.fetchAll(
                    db,
                    sql: InvoiceRecord.selectSQL + " WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                    arguments: [
                        needle.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                            + "%"
                    ]
                )
            }
            guard !rows.isEmpty else {
                throw JournalError(
                    code: .invoiceNotFound,
                    message:
                        "No invoice with id or number \"\(reference)\" in the journal; `fapiao list` shows the ids."
                )
            }
            guard rows.count == 1 else {
                throw JournalError(
                    code: .ambiguousID,
                    message: "\"\(reference)\" matches more than one invoice; give more characters of the id."
                )
            }
            return try InvoiceRecord(row: rows[0])
        }
    }

    /// Counts per state, pending work and its age, for `fapiao status`.
    public func status() throws -> JournalStatus {
        try read { db in
            var byState: [SyncState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sync_state, COUNT(*) AS n FROM invoice GROUP BY sync_state") {
                if let state = SyncState(rawValue: row["sync_state"]) { byState[state] = row["n"] }
            }
            let outbox = try outboxFigures(db)
            return JournalStatus(
                node: settings.node,
                remote: settings.remote,
                invoices: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") ?? 0,
                byState: byState,
                voided: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice WHERE voided = 1") ?? 0,
                pendingOperations: outbox.pendingOperations,
                oldestPendingSince: outbox.oldestPendingSince,
                openConflicts: outbox.openConflicts,
                auditEntries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_entry") ?? 0
            )
        }
    }

    /// The invoice's operations in journal order: (id, kind, status, clock).
    public func operations(of invoiceID: UUID) throws -> [(id: String, kind: String, status: String, clock: String)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, kind, status, clock FROM operation WHERE invoice_id = ? ORDER BY seq",
                arguments: [invoiceID.uuidText]
            ).map { ($0["id"], $0["kind"], $0["status"], $0["clock"]) }
        }
    }
}
