import FapiaoCore
import Foundation
import GRDB

/// What a sync and the branch's notices need to know of the outbox: each figure is read through an index, so its cost
/// does not grow with the journal's history (``Journal/status()`` also counts every invoice
/// and every voided one, which reads the whole invoice table).
public struct OutboxFigures: Hashable, Sendable {
    /// Operations pending, in flight and in doubt.
    public var pendingOperations: Int
    /// When the oldest of them was created.
    public var oldestPendingSince: UTCTimestamp?
    /// Conflicts not resolved yet.
    public var openConflicts: Int
    /// Invoices the remote refused, waiting for a fix and requeue.
    public var quarantinedInvoices: Int
    /// Invoices pushed whose answer was lost, to be sent again with the same operation id.
    public var inDoubtInvoices: Int
}

extension Journal {
    /// The outbox's figures (see ``OutboxFigures``).
    public func outboxFigures() throws -> OutboxFigures {
        try read { db in try outboxFigures(db) }
    }

    func outboxFigures(_ db: Database) throws -> OutboxFigures {
        let oldest = try String.fetchOne(
            db,
            sql: """
                SELECT created_at FROM operation WHERE status IN ('pending', 'inFlight', 'inDoubt')
                ORDER BY seq LIMIT 1
                """
        )
        return OutboxFigures(
            pendingOperations: try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM operation WHERE status IN ('pending', 'inFlight', 'inDoubt')"
            ) ?? 0,
            oldestPendingSince: oldest.flatMap(UTCTimestamp.init(parsing:)),
            openConflicts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflict WHERE resolved_at IS NULL") ?? 0,
            quarantinedInvoices: try invoiceCount(db, in: .quarantined),
            inDoubtInvoices: try invoiceCount(db, in: .inDoubt)
        )
    }

    private func invoiceCount(_ db: Database, in state: SyncState) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice WHERE sync_state = ?", arguments: [state.rawValue]) ?? 0
    }
}
