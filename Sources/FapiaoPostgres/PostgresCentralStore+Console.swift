import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import PostgresNIO

extension PostgresCentralStore {
    // MARK: HQ's console

    public func searchInvoices(_ text: String, limit: Int) async throws -> [RemoteVersion] {
        try checkOpen()
        let limit = Int64(min(max(limit, 0), 1_000))
        let pattern = likePattern(containing: text)
        return try await read("search invoices") { connection, logger in
            let rows = try await connection.run(
                """
                SELECT id, clock, content FROM central_invoice
                WHERE branch = \(text) OR seller_tax_id = \(text) OR number LIKE \(pattern)
                    OR content LIKE \(pattern)
                ORDER BY change_seq DESC LIMIT \(limit)
                """,
                logger: logger
            )
            var found: [RemoteVersion] = []
            for try await (id, clock, content) in rows.decode((UUID, String, String).self) {
                found.append(try StoredContent.version(id: id.uuidText, clock: clock, content: content))
            }
            return found
        }
    }

    public func invoiceHistory(_ id: UUID) async throws -> CentralInvoiceHistory {
        let current = try await lookup([id]).found.first
        let text = id.uuidText
        return try await read("read an invoice's history") { connection, logger in
            var operations: [CentralOperationRecord] = []
            let rows = try await connection.run(
                """
                SELECT id, kind, node, clock, applied_at FROM central_operation WHERE invoice_id = \(id)
                ORDER BY change_seq
                """,
                logger: logger
            )
            for try await (operation, kind, node, clock, appliedAt) in rows.decode(
                (UUID, String, String, String, String).self
            ) {
                operations.append(
                    CentralOperationRecord(
                        operationID: operation.uuidText,
                        kind: kind,
                        node: node,
                        clock: VectorClock(parsing: clock) ?? VectorClock(),
                        appliedAt: UTCTimestamp(parsing: appliedAt)
                    )
                )
            }
            var entries: [(branch: String, entry: AuditEntry)] = []
            let audit = try await connection.run(
                """
                SELECT \(unescaped: Self.anchoredColumns) FROM central_audit_entry
                WHERE invoice_id = \(text) ORDER BY branch, epoch, seq
                """,
                logger: logger
            )
            for try await row in audit { entries.append(try Self.anchoredEntry(row)) }
            return CentralInvoiceHistory(current: current, operations: operations, entries: entries)
        }
    }

    public func branchDetail(_ branch: String, limit: Int) async throws -> BranchDetail {
        try checkOpen()
        let limit = Int64(min(max(limit, 0), 1_000))
        return try await read("read a branch") { connection, logger in
            var detail = BranchDetail()
            let rejections = try await connection.run(
                """
                SELECT op_id, invoice_id, reason, at FROM central_rejection WHERE branch = \(branch)
                ORDER BY id DESC LIMIT \(limit)
                """,
                logger: logger
            )
            for try await (operation, invoice, reason, at) in rejections.decode((String, String, String, String).self) {
                detail.rejections.append(
                    CentralRejection(
                        operationID: operation,
                        invoiceID: invoice,
                        reason: reason,
                        at: UTCTimestamp(parsing: at)
                    )
                )
            }
            let history = try await connection.run(
                """
                SELECT at, outbox_size FROM central_report_history WHERE branch = \(branch)
                ORDER BY at DESC LIMIT \(limit)
                """,
                logger: logger
            )
            for try await (at, size) in history.decode((String, Int64).self) {
                if let instant = UTCTimestamp(parsing: at) { detail.outboxHistory.append((instant, Int(size))) }
            }
            return detail
        }
    }

    /// Keeps the reported outbox size when it changed, or ten minutes after the last kept.
    static func recordOutbox(
        _ branch: String,
        size: Int,
        at instant: UTCTimestamp,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let rows = try await connection.run(
            """
            SELECT at, outbox_size FROM central_report_history WHERE branch = \(branch)
            ORDER BY at DESC LIMIT 1
            """,
            logger: logger
        )
        var unchanged = false
        for try await (at, last) in rows.decode((String, Int64).self) {
            if Int(last) == size, let kept = UTCTimestamp(parsing: at) {
                unchanged = instant.millisecondsSinceEpoch - kept.millisecondsSinceEpoch < OutboxHistory.interval
            }
        }
        if unchanged { return }
        let at = instant.description
        let value = Int64(size)
        try await connection.run(
            """
            INSERT INTO central_report_history (branch, at, outbox_size) VALUES (\(branch), \(at), \(value))
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }
}
