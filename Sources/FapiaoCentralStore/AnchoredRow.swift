import FapiaoCore
import FapiaoRemote
import Foundation
import GRDB

/// Reading anchored audit rows back, in either store: the parts as stored, checked.
public enum AnchoredRow {
    /// An entry from its stored parts.
    ///
    /// - Throws: ``CentralStoreError`` `.damaged` naming the entry when a part cannot be read.
    public static func entry(
        branch: String,
        sequence: Int64,
        wallTime: String,
        node: String,
        actor: String,
        event: String,
        invoiceID: String?,
        operationID: String?,
        clock: String,
        details: String,
        previousHash: String,
        hash: String
    ) throws -> AuditEntry {
        guard let instant = UTCTimestamp(parsing: wallTime), let kind = AuditEvent(rawValue: event),
            let parsedClock = VectorClock(parsing: clock)
        else {
            throw CentralStoreError(
                .damaged,
                "the anchored audit entry \(sequence) of \(branch) is unreadable; the store was altered outside fapiao"
            )
        }
        return AuditEntry(
            sequence: sequence,
            wallTime: instant,
            node: node,
            actor: actor,
            event: kind,
            invoiceID: invoiceID.flatMap(UUID.init(uuidText:)),
            operationID: operationID.flatMap(UUID.init(uuidText:)),
            clock: parsedClock,
            detailsText: details,
            previousHash: previousHash,
            hash: hash
        )
    }

    /// An entry from an SQLite `central_audit_entry` row.
    static func entry(_ row: Row) throws -> AuditEntry {
        try entry(
            branch: row["branch"],
            sequence: row["seq"],
            wallTime: row["wall_time"],
            node: row["node"],
            actor: row["actor"],
            event: row["event"],
            invoiceID: row["invoice_id"],
            operationID: row["op_id"],
            clock: row["clock"],
            details: row["details"],
            previousHash: row["prev_hash"],
            hash: row["hash"]
        )
    }

    /// A break from its stored parts.
    public static func chainBreak(
        detectedAt: String,
        anchored: ChainPosition,
        branchHead: ChainPosition,
        reason: String
    ) -> ChainBreak {
        ChainBreak(
            detectedAt: UTCTimestamp(parsing: detectedAt) ?? UTCTimestamp(millisecondsSinceEpoch: 0),
            anchored: anchored,
            branchHead: branchHead,
            reason: reason
        )
    }

    /// A break from an SQLite row: detected_at, anchored_seq, anchored_hash, branch_seq, branch_hash, reason.
    static func chainBreak(_ row: Row) throws -> ChainBreak {
        chainBreak(
            detectedAt: row[0],
            anchored: ChainPosition(sequence: row[1], hash: row[2]),
            branchHead: ChainPosition(sequence: row[3], hash: row[4]),
            reason: row[5]
        )
    }

    /// A stored report, or `nil` when unreadable.
    static func report(_ text: String) -> BranchReport? { BranchReport.stored(text) }
}
