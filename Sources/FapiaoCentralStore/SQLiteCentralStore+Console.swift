import FapiaoCore
import FapiaoRemote
import Foundation
import GRDB

extension SQLiteCentralStore {
    // MARK: HQ's console

    public func searchInvoices(_ text: String, limit: Int) async throws -> [RemoteVersion] {
        let limit = min(max(limit, 0), 1_000)
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, clock, content FROM central_invoice
                    WHERE branch = ?1 OR seller_tax_id = ?1 OR number LIKE ?2 ESCAPE '\\'
                        OR content LIKE ?2 ESCAPE '\\'
                    ORDER BY change_seq DESC LIMIT ?3
                    """,
                arguments: [text, likePattern(containing: text), limit]
            ).map { try StoredContent.version(id: $0[0], clock: $0[1], content: $0[2]) }
        }
    }

    public func invoiceHistory(_ id: UUID) async throws -> CentralInvoiceHistory {
        let current = try await lookup([id]).found.first
        return try await read { db in
            let operations = try Row.fetchAll(
                db,
                sql:
                    "SELECT id, kind, node, clock, applied_at FROM central_operation WHERE invoice_id = ? ORDER BY change_seq",
                arguments: [id.uuidText]
            ).map { row in
                CentralOperationRecord(
                    operationID: row[0],
                    kind: row[1],
                    node: row[2],
                    clock: VectorClock(parsing: row[3]) ?? VectorClock(),
                    appliedAt: UTCTimestamp(parsing: row[4])
                )
            }
            let entries = try Row.fetchAll(
                db,
                sql: "SELECT * FROM central_audit_entry WHERE invoice_id = ? ORDER BY branch, epoch, seq",
                arguments: [id.uuidText]
            ).map { row in (branch: row["branch"] as String, entry: try AnchoredRow.entry(row)) }
            return CentralInvoiceHistory(current: current, operations: operations, entries: entries)
        }
    }

    public func branchDetail(_ branch: String, limit: Int) async throws -> BranchDetail {
        let limit = min(max(limit, 0), 1_000)
        return try await read { db in
            let rejections = try Row.fetchAll(
                db,
                sql:
                    "SELECT op_id, invoice_id, reason, at FROM central_rejection WHERE branch = ? ORDER BY id DESC LIMIT ?",
                arguments: [branch, limit]
            ).map { row in
                CentralRejection(
                    operationID: row[0],
                    invoiceID: row[1],
                    reason: row[2],
                    at: UTCTimestamp(parsing: row[3])
                )
            }
            let history = try Row.fetchAll(
                db,
                sql: "SELECT at, outbox_size FROM central_report_history WHERE branch = ? ORDER BY at DESC LIMIT ?",
                arguments: [branch, limit]
            ).compactMap { row -> (at: UTCTimestamp, size: Int)? in
                guard let at = UTCTimestamp(parsing: row[0]) else { return nil }
                return (at, row[1])
            }
            return BranchDetail(rejections: rejections, outboxHistory: history)
        }
    }

    /// Keeps the reported outbox size when it changed, or ten minutes after the last kept.
    static func recordOutbox(_ db: Database, branch: String, size: Int, at instant: UTCTimestamp) throws {
        let last = try Row.fetchOne(
            db,
            sql: "SELECT at, outbox_size FROM central_report_history WHERE branch = ? ORDER BY at DESC LIMIT 1",
            arguments: [branch]
        )
        if let last, last[1] as Int == size,
            let at = UTCTimestamp(parsing: last[0]),
            instant.millisecondsSinceEpoch - at.millisecondsSinceEpoch < OutboxHistory.interval
        {
            return
        }
        try db.execute(
            sql: "INSERT OR IGNORE INTO central_report_history (branch, at, outbox_size) VALUES (?, ?, ?)",
            arguments: [branch, instant.description, size]
        )
    }
}

/// How often an unchanged outbox size is kept again (milliseconds).
public enum OutboxHistory {
    public static let interval: Int64 = 600_000
}
