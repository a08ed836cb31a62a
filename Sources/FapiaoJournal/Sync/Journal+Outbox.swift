import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// The cursor just before the oldest unanswered operation, where a sync run starts.
    public func outboxStart() throws -> Int64 {
        try read { db in
            let first = try Int64.fetchOne(
                db,
                sql: "SELECT MIN(seq) FROM operation WHERE status IN ('pending', 'inFlight', 'inDoubt')"
            )
            return (first ?? 1) - 1
        }
    }

    /// Up to `limit` operations to send after `cursor`, in journal order.
    ///
    /// An operation waits while an earlier operation of the same invoice is quarantined or
    /// in conflict (an amend never overtakes its create), or while its invoice has an open
    /// conflict (found by a pull or a reconcile); nothing else waits.
    public func outboxBatch(after cursor: Int64, limit: Int) throws -> [OutboxItem] {
        try read { db in
            // NOT INDEXED keeps SQLite walking the table in seq order from the cursor instead of
            // sorting every unanswered operation through the status index for each batch.
            let statement = try db.cachedStatement(
                sql: """
                    SELECT seq, id, invoice_id, kind, clock, payload, hash, status, attempts
                    FROM operation NOT INDEXED
                    WHERE seq > ? AND status IN ('pending', 'inFlight', 'inDoubt')
                    AND NOT EXISTS (
                        SELECT 1 FROM operation AS earlier
                        WHERE earlier.invoice_id = operation.invoice_id AND earlier.seq < operation.seq
                        AND earlier.status IN ('quarantined', 'conflict'))
                    AND NOT EXISTS (
                        SELECT 1 FROM conflict
                        WHERE conflict.invoice_id = operation.invoice_id AND conflict.resolved_at IS NULL)
                    ORDER BY seq LIMIT ?
                    """
            )
            return try Row.fetchAll(statement, arguments: [cursor, limit]).map(Self.outboxItem)
        }
    }

    /// How many operations are pending, in flight and in doubt.
    public func operationCounts() throws -> [OperationStatus: Int] {
        try read { db in
            var counts: [OperationStatus: Int] = [:]
            for status in OperationStatus.unanswered {
                counts[status] =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM operation WHERE status = ?",
                        arguments: [status.rawValue]
                    )
                    ?? 0
            }
            return counts
        }
    }

    /// Unanswered operations held back behind a quarantined or conflicting change of their invoice.
    public func blockedOperationCount() throws -> Int {
        try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM operation
                    WHERE status IN ('pending', 'inFlight', 'inDoubt')
                    AND EXISTS (
                        SELECT 1 FROM operation AS earlier
                        WHERE earlier.invoice_id = operation.invoice_id AND earlier.seq < operation.seq
                        AND earlier.status IN ('quarantined', 'conflict'))
                    OR status IN ('pending', 'inFlight', 'inDoubt') AND EXISTS (
                        SELECT 1 FROM conflict
                        WHERE conflict.invoice_id = operation.invoice_id AND conflict.resolved_at IS NULL)
                    """
            ) ?? 0
        }
    }

    static func outboxItem(_ row: Row) throws -> OutboxItem {
        let id: String = row["id"]
        let payloadText: String = row["payload"]
        do {
            let value = try JSONValue.parse(payloadText)
            let invoice = try Invoice(stored: value)
            guard let operationID = UUID(uuidString: id),
                let kind = InvoiceOperation.Kind(rawValue: row["kind"]),
                let clock = VectorClock(parsing: row["clock"])
            else { throw JournalError(code: .damaged, message: "") }
            let operation = InvoiceOperation(
                id: operationID,
                kind: kind,
                clock: clock,
                invoice: invoice,
                canonicalPayload: Array(payloadText.utf8)
            )
            guard operation.hash == row["hash"] as String else { throw JournalError(code: .damaged, message: "") }
            return OutboxItem(
                sequence: row["seq"],
                operation: operation,
                status: OperationStatus(rawValue: row["status"]) ?? .pending,
                attempts: row["attempts"]
            )
        } catch {
            throw JournalError(
                code: .damaged,
                message:
                    "Operation \(id) in the journal does not match its hash; run `fapiao audit verify` and restore from a backup.",
                cause: error
            )
        }
    }

    /// Marks `items` as being sent (one audit entry `pushed` each), before the request leaves.
    ///
    /// A crash after this leaves them in flight; the next sync re-sends them with the same ids.
    public func markInFlight(_ items: [OutboxItem], lease: SyncLease, actor: String) throws {
        let now = environment.now()
        let nowText = now.description
        try write { db in
            try checkLease(db, lease)
            var audit = try AuditAppender(db: db)
            let update = try db.cachedStatement(
                sql: "UPDATE operation SET status = 'inFlight', attempts = attempts + 1, updated_at = ? WHERE seq = ?"
            )
            let invoiceUpdate = try db.cachedStatement(
                sql: """
                    UPDATE invoice SET sync_state = 'inFlight', updated_at = ?
                    WHERE id = ? AND sync_state IN ('pending', 'inDoubt', 'accepted')
                    """
            )
            for item in items {
                try update.execute(arguments: [nowText, item.sequence])
                try invoiceUpdate.execute(arguments: [nowText, item.operation.invoiceID.uuidString])
                try audit.append(
                    db,
                    wallTime: now,
                    node: settings.node,
                    actor: actor,
                    event: .pushed,
                    invoiceID: item.operation.invoiceID,
                    operationID: item.operation.id,
                    clock: item.operation.clock,
                    details: .object([
                        "kind": .string(item.operation.kind.rawValue), "attempt": .integer(Int64(item.attempts + 1)),
                    ])
                )
            }
        }
    }

    /// Records what became of pushed operations, with one audit entry per transition, in one transaction.
    @discardableResult
    public func record(
        _ results: [(item: OutboxItem, result: PushResult)],
        lease: SyncLease,
        actor: String
    ) throws
        -> OutboxTally
    {
        let now = environment.now()
        let nowText = now.description
        return try write { db in
            try checkLease(db, lease)
            var audit = try AuditAppender(db: db)
            var tally = OutboxTally()
            var touched: [UUID] = []
            var seen = Set<UUID>()
            let update = try db.cachedStatement(
                sql: "UPDATE operation SET status = ?, last_error = ?, updated_at = ? WHERE seq = ?"
            )
            for (item, result) in results {
                let operation = item.operation
                func set(_ status: OperationStatus, _ error: String?) throws {
                    try update.execute(arguments: [status.rawValue, error, nowText, item.sequence])
                }
                func log(_ event: AuditEvent, _ details: [String: CanonicalJSON] = [:]) throws {
                    try audit.append(
                        db,
                        wallTime: now,
                        node: settings.node,
                        actor: actor,
                        event: event,
                        invoiceID: operation.invoiceID,
                        operationID: operation.id,
                        clock: operation.clock,
                        details: .object(details)
                    )
                }
                switch result {
                case .answered(.accepted):
                    try set(.accepted, nil)
                    try log(.accepted)
                    tally.accepted += 1
                case .answered(.duplicate):
                    try set(.duplicate, nil)
                    try log(.duplicate, ["meaning": .string("the remote had already applied this operation")])
                    tally.duplicates += 1
                case .answered(.stale(let current)):
                    try set(.stale, nil)
                    try log(.stale, ["remoteClock": current.canonicalJSON])
                    tally.stale += 1
                case .answered(.conflict(let kind, let remote)):
                    let reason = Self.conflictReason(kind, operation: operation, remote: remote)
                    try set(.conflict, reason)
                    let conflictID = try insertConflict(
                        db,
                        kind: kind,
                        source: .push,
                        local: (operation.payloadText, operation.clock),
                        remote: remote,
                        invoiceID: operation.invoiceID,
                        operation: (operation.id, item.sequence),
                        at: nowText
                    )
                    try log(
                        .conflict,
                        [
                            "conflictKind": .string(kind.rawValue), "conflictID": .string(conflictID.uuidString),
                            "remoteClock": remote.clock.canonicalJSON,
                        ]
                    )
                    tally.conflicts += 1
                case .answered(.rejected(let reason)):
                    try set(.quarantined, "rejected by the remote: \(reason)")
                    try log(.rejected, ["reason": .string(reason)])
                    try log(.quarantined, ["reason": .string(reason)])
                    tally.quarantined += 1
                case .answered(.deferred(let reason)):
                    try set(.pending, reason)
                    try log(.deferred, ["reason": .string(reason)])
                    tally.deferred += 1
                case .unanswered(let reason, let mayHaveApplied):
                    if mayHaveApplied {
                        try set(.inDoubt, reason)
                        try log(.inDoubt, ["reason": .string(reason)])
                        tally.inDoubt += 1
                    } else {
                        try set(.pending, reason)
                        try log(.deferred, ["reason": .string(reason)])
                        tally.deferred += 1
                    }
                case .gaveUp(let reason):
                    try set(.quarantined, reason)
                    try log(.quarantined, ["reason": .string(reason), "attempts": .integer(Int64(item.attempts))])
                    tally.quarantined += 1
                }
                if seen.insert(operation.invoiceID).inserted { touched.append(operation.invoiceID) }
            }
            for invoiceID in touched {
                try refreshSyncState(db, invoiceID: invoiceID, at: nowText)
            }
            return tally
        }
    }

    static func conflictReason(_ kind: ConflictKind, operation: InvoiceOperation, remote: RemoteVersion) -> String {
        switch kind {
        case .duplicateNumber:
            "conflict: number \(operation.invoice.number) of seller \(operation.invoice.seller.taxID) belongs to invoice \(remote.invoice.id.uuidString) at the remote"
        case .editOfVoided:
            "conflict: the remote voided this invoice (clock \(remote.clock)) while it was changed here"
        case .concurrentEdit, .contentDiffers:
            "conflict (\(kind.rawValue)): the remote holds a concurrent version (clock \(remote.clock))"
        }
    }

    /// Derives an invoice's sync state from its operations and open conflicts: quarantined if
    /// any operation is; in conflict if a conflict is open; else in doubt, in flight or pending
    /// if any operation is unanswered; else accepted.
    func refreshSyncState(_ db: Database, invoiceID: UUID, at now: String) throws {
        try db.cachedStatement(
            sql: """
                UPDATE invoice SET
                    sync_state = CASE
                        WHEN EXISTS (
                            SELECT 1 FROM operation WHERE invoice_id = invoice.id AND status = 'quarantined')
                            THEN 'quarantined'
                        WHEN EXISTS (
                            SELECT 1 FROM conflict WHERE invoice_id = invoice.id AND resolved_at IS NULL)
                            THEN 'conflict'
                        ELSE COALESCE((
                            SELECT status FROM operation
                            WHERE invoice_id = invoice.id AND status IN ('conflict', 'inDoubt', 'inFlight', 'pending')
                            ORDER BY CASE status WHEN 'conflict' THEN 1 WHEN 'inDoubt' THEN 2
                                WHEN 'inFlight' THEN 3 ELSE 4 END, seq
                            LIMIT 1), 'accepted')
                        END,
                    state_reason = COALESCE((
                        SELECT last_error FROM operation
                        WHERE invoice_id = invoice.id AND status IN ('quarantined', 'conflict')
                        ORDER BY seq LIMIT 1), (
                        SELECT 'conflict (' || kind || ') found by ' || source || '; see fapiao conflicts show '
                            || substr(id, 1, 8)
                        FROM conflict WHERE invoice_id = invoice.id AND resolved_at IS NULL
                        ORDER BY rowid LIMIT 1)),
                    updated_at = ?
                WHERE id = ?
                """
        ).execute(arguments: [now, invoiceID.uuidString])
    }
}
