import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// The journal's entry at `sequence` as a chain position: the origin for 0, `nil` when the
    /// journal has no such entry.
    public func auditPosition(at sequence: Int64) throws -> ChainPosition? {
        guard sequence > 0 else { return .origin }
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT hash FROM audit_entry WHERE seq = ?", arguments: [sequence])
                .map { ChainPosition(sequence: sequence, hash: $0[0]) }
        }
    }

    /// The last entry of the chain (the origin for a chain without entries).
    public func auditHead() throws -> ChainPosition {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")
                .map { ChainPosition(sequence: $0[0], hash: $0[1]) } ?? .origin
        }
    }

    /// Up to `limit` entries after `sequence`, in order: the next page to anchor.
    public func auditEntries(after sequence: Int64, limit: Int) throws -> [AuditEntry] {
        try read { db in
            try Self.fetchAuditEntries(
                db.cachedStatement(
                    sql: "SELECT \(Self.auditColumns) FROM audit_entry WHERE seq > ? ORDER BY seq LIMIT ?"
                ),
                arguments: [sequence, max(0, limit)]
            )
        }
    }

    /// What the branch tells the centre of itself at a sync: outbox, conflicts, quarantine and
    /// deadlines already passed.
    public func branchReport() throws -> BranchReport {
        let outbox = try outboxFigures()
        // Only passed upload deadlines count here: the number series are not read.
        let overdue = try overdueCount()
        return BranchReport(
            outboxSize: outbox.pendingOperations,
            oldestPending: outbox.oldestPendingSince,
            openConflicts: outbox.openConflicts,
            quarantined: outbox.quarantinedInvoices,
            overdue: overdue,
            reportedAt: environment.now()
        )
    }
}
