import FapiaoCore
import Foundation
import GRDB

/// Appends entries to the audit chain inside a write transaction.
///
/// Reads the chain's head once, then links each new entry to the one before it, so a
/// bulk import chains thousands of entries with one query.
struct AuditAppender {
    private(set) var sequence: Int64
    private(set) var previousHash: String

    init(db: Database) throws {
        let head = try db.cachedStatement(sql: "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")
        if let row = try Row.fetchOne(head) {
            sequence = row["seq"]
            previousHash = row["hash"]
        } else {
            sequence = 0
            previousHash = Digest.zeroHex
        }
    }

    @discardableResult
    mutating func append(
        _ db: Database,
        wallTime: UTCTimestamp,
        node: String,
        actor: String,
        event: AuditEvent,
        invoiceID: UUID? = nil,
        operationID: UUID? = nil,
        clock: VectorClock = VectorClock(),
        details: CanonicalJSON = .object([:])
    ) throws -> AuditEntry {
        let entry = AuditEntry(
            sequence: sequence + 1,
            wallTime: wallTime,
            node: node,
            actor: actor,
            event: event,
            invoiceID: invoiceID,
            operationID: operationID,
            clock: clock,
            details: details,
            previousHash: previousHash
        )
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO audit_entry
                    (seq, wall_time, node, actor, event, invoice_id, op_id, clock, details, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try statement.execute(arguments: [
            entry.sequence, entry.wallTime.description, entry.node, entry.actor, entry.event.rawValue,
            entry.invoiceID?.uuidText, entry.operationID?.uuidText, entry.clock.description, entry.detailsText,
            entry.previousHash, entry.hash,
        ])
        sequence = entry.sequence
        previousHash = entry.hash
        return entry
    }
}
