import FapiaoCore
import Foundation
import GRDB

/// A quarantined operation, for `fapiao quarantine list | show`.
public struct QuarantineEntry: Hashable, Sendable {
    public var invoiceID: UUID
    public var number: String
    public var sellerName: String
    public var gross: String
    public var operationID: UUID
    public var operationKind: String
    /// Why: the remote's reason, or how many attempts got no answer.
    public var reason: String
    public var attempts: Int
    /// When it was quarantined.
    public var since: UTCTimestamp
    /// Later changes of the invoice waiting behind it.
    public var waitingChanges: Int
}

extension Journal {
    /// Every quarantined operation, oldest first.
    public func quarantine() throws -> [QuarantineEntry] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT operation.id AS op_id, operation.kind AS op_kind, operation.last_error, operation.attempts,
                        operation.updated_at AS since, invoice.id AS invoice_id, invoice.number, invoice.seller_name,
                        invoice.gross, invoice.currency,
                        (SELECT COUNT(*) FROM operation AS later WHERE later.invoice_id = operation.invoice_id
                            AND later.seq > operation.seq AND later.status IN ('pending', 'inFlight', 'inDoubt'))
                            AS waiting
                    FROM operation JOIN invoice ON invoice.id = operation.invoice_id
                    WHERE operation.status = 'quarantined'
                    ORDER BY operation.seq
                    """
            ).map { row in
                QuarantineEntry(
                    invoiceID: UUID(uuidText: row["invoice_id"]) ?? UUID(),
                    number: row["number"],
                    sellerName: row["seller_name"],
                    gross: Money(minorUnits: row["gross"], currency: row["currency"]).decimalText,
                    operationID: UUID(uuidText: row["op_id"]) ?? UUID(),
                    operationKind: row["op_kind"],
                    reason: row["last_error"] ?? "quarantined",
                    attempts: row["attempts"],
                    since: UTCTimestamp(parsing: row["since"]) ?? UTCTimestamp(millisecondsSinceEpoch: 0),
                    waitingChanges: row["waiting"]
                )
            }
        }
    }

    /// Puts an invoice's quarantined operations back in the outbox.
    ///
    /// When the invoice was changed after it was quarantined (the clerk fixed it), the
    /// quarantined operations are superseded and the fix is sent in their place; otherwise
    /// they are re-sent unchanged, with the same ids (for a fix made at the remote, or an
    /// operation that got no answer).
    /// - Throws: ``JournalError`` `.invoiceNotFound`, or `.invalidChange` when nothing of it is quarantined.
    public func requeue(_ reference: String, actor: String) throws -> RequeueReceipt {
        let record = try invoice(reference)
        let invoiceID = record.invoice.id
        let now = environment.now()
        let nowText = now.description
        return try write(.requeue) { db in
            let quarantined = try Row.fetchAll(
                db,
                sql:
                    "SELECT seq, id, clock FROM operation WHERE invoice_id = ? AND status = 'quarantined' ORDER BY seq",
                arguments: [invoiceID.uuidText]
            )
            guard let lastQuarantined = quarantined.last else {
                throw JournalError(
                    code: .invalidChange,
                    message:
                        "Invoice \(invoiceID.uuidText.prefix(8)) is not quarantined (it is \(record.syncState.rawValue)); nothing to requeue."
                )
            }
            let laterChanges =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM operation
                        WHERE invoice_id = ? AND seq > ? AND status IN ('pending', 'inFlight', 'inDoubt')
                        """,
                    arguments: [invoiceID.uuidText, lastQuarantined["seq"] as Int64]
                ) ?? 0
            let supersede = laterChanges > 0
            var audit = try AuditAppender(db: db)
            var ids: [UUID] = []
            for row in quarantined {
                let operationID = UUID(uuidText: row["id"]) ?? UUID()
                ids.append(operationID)
                try db.execute(
                    sql: supersede
                        ? "UPDATE operation SET status = 'superseded', updated_at = ? WHERE seq = ?"
                        : "UPDATE operation SET status = 'pending', attempts = 0, last_error = NULL, updated_at = ? WHERE seq = ?",
                    arguments: [nowText, row["seq"] as Int64]
                )
                try audit.append(
                    db,
                    wallTime: now,
                    node: settings.node,
                    actor: actor,
                    event: supersede ? .superseded : .requeued,
                    invoiceID: invoiceID,
                    operationID: operationID,
                    clock: VectorClock(parsing: row["clock"]) ?? VectorClock(),
                    details: .object([:])
                )
            }
            try refreshSyncState(db, invoiceID: invoiceID, at: nowText)
            return RequeueReceipt(
                invoiceID: invoiceID,
                requeued: supersede ? [] : ids,
                superseded: supersede ? ids : []
            )
        }
    }
}
