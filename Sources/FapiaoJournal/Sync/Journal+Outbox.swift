import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// The cursor just before the oldest unanswered operation, where a sync run starts; the
    /// last operation when the remote has answered every one, so that a run with nothing to
    /// send does not walk the journal's whole history looking for it (``outboxBatch(after:limit:)``
    /// reads the table in order from the cursor).
    public func outboxStart() throws -> Int64 {
        try read { db in
            if let first = try Int64.fetchOne(
                db,
                sql: "SELECT MIN(seq) FROM operation WHERE status IN ('pending', 'inFlight', 'inDoubt')"
            ) {
                return first - 1
            }
            return try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM operation") ?? 0
        }
    }

    /// The journal order of the oldest operation not answered yet (pending, in flight or in
    /// doubt), or `nil` when the remote has answered every one; read through the status index.
    public func oldestUnansweredSequence() throws -> Int64? {
        try read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT MIN(seq) FROM operation WHERE status IN ('pending', 'inFlight', 'inDoubt')"
            )
        }
    }

    /// Up to `limit` operations to send after `cursor`, in journal order.
    ///
    /// An operation waits while an earlier operation of the same invoice is quarantined or
    /// in conflict (an amend never overtakes its create), or while its invoice has an open
    /// conflict (found by a pull or a reconcile), or while it is a red invoice whose original
    /// (in this journal) the remote has not accepted yet; nothing else waits.
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
                    AND NOT EXISTS (
                        SELECT 1 FROM invoice AS red JOIN invoice AS original ON original.id = red.original_id
                        WHERE red.id = operation.invoice_id AND original.sync_state <> 'accepted')
                    ORDER BY seq LIMIT ?
                    """
            )
            // Read from the statement row by row, not copied first (see `fetchAuditEntries`).
            return try Array(Row.fetchCursor(statement, arguments: [cursor, limit]).map(Self.outboxItem))
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

    /// Unanswered operations held back behind a quarantined or conflicting change of their invoice,
    /// or behind a red invoice's original not accepted yet.
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
                    OR status IN ('pending', 'inFlight', 'inDoubt') AND EXISTS (
                        SELECT 1 FROM invoice AS red JOIN invoice AS original ON original.id = red.original_id
                        WHERE red.id = operation.invoice_id AND original.sync_state <> 'accepted')
                    """
            ) ?? 0
        }
    }

    /// An item from a row of ``outboxBatch(after:limit:)``'s query, read by position.
    ///
    /// The columns are `seq, id, invoice_id, kind, clock, payload, hash, status, attempts`. The
    /// payload is checked against the hash, not read back as an invoice: it is sent as stored.
    static func outboxItem(_ row: Row) throws -> OutboxItem {
        let id: String = row[1]
        // The payload's bytes as SQLite holds them, not made a String first: they are only hashed
        // and sent, and the hash check covers their encoding.
        let payload = try row.withUnsafeData(atIndex: 5) { data in data.map { [UInt8]($0) } }
        guard let payload, let operationID = UUID(uuidText: id),
            let invoiceID = UUID(uuidText: row[2]),
            let kind = InvoiceOperation.Kind(rawValue: row[3]),
            let clock = VectorClock(parsing: row[4]),
            let operation = StoredOperation(
                id: operationID,
                invoiceID: invoiceID,
                kind: kind,
                clock: clock,
                payloadBytes: payload,
                hash: row[6]
            )
        else {
            throw JournalError(
                code: .damaged,
                message:
                    "Operation \(id) in the journal does not match its hash; run `fapiao audit verify` and restore the journal with `fapiao restore BACKUP`."
            )
        }
        return OutboxItem(
            sequence: row[0],
            operation: operation,
            status: OperationStatus(rawValue: row[7]) ?? .pending,
            attempts: row[8]
        )
    }

    /// Marks a batch's invoices in flight, their ids a JSON array.
    ///
    /// `+sync_state` keeps SQLite from searching the invoice_state index, which it would otherwise
    /// prefer to the batch's ids: a walk over every unsettled invoice per batch, so a sync grew
    /// slower with the journal (89 ms a batch at 100,000 queued, 14 ms at 20,000).
    static let markInvoicesInFlightSQL = """
        UPDATE invoice SET sync_state = 'inFlight', updated_at = ?
        WHERE id IN (SELECT value FROM json_each(?)) AND +sync_state IN ('pending', 'inDoubt', 'accepted')
        """

    /// Marks `items` as being sent (one audit entry `pushed` each), before the request leaves.
    ///
    /// A crash after this leaves them in flight; the next sync re-sends them with the same ids.
    public func markInFlight(_ items: [OutboxItem], lease: SyncLease, actor: String) throws {
        let now = environment.now()
        let nowText = now.description
        try write(.markInFlight) { db in
            try checkLease(db, lease)
            var audit = try AuditAppender(db: db)
            // One statement each for the operations and their invoices, not one per operation.
            let sequences = Self.jsonArray(items.map { String($0.sequence) })
            try db.cachedStatement(
                sql: """
                    UPDATE operation SET status = 'inFlight', attempts = attempts + 1, updated_at = ?
                    WHERE seq IN (SELECT value FROM json_each(?))
                    """
            ).execute(arguments: [nowText, sequences])
            let invoiceIDs = Self.jsonArray(items.map { "\"\($0.operation.invoiceID.uuidText)\"" })
            try db.cachedStatement(sql: Self.markInvoicesInFlightSQL).execute(arguments: [nowText, invoiceIDs])
            for item in items {
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

    /// Marks operations accepted, their journal orders a JSON array.
    static let markAcceptedSQL = """
        UPDATE operation SET status = 'accepted', last_error = NULL, updated_at = ?
        WHERE seq IN (SELECT value FROM json_each(?))
        """

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
        return try write(.record) { db in
            try checkLease(db, lease)
            var audit = try AuditAppender(db: db)
            var tally = OutboxTally()
            var touched: [UUID] = []
            var seen = Set<UUID>()
            let update = try db.cachedStatement(
                sql: "UPDATE operation SET status = ?, last_error = ?, updated_at = ? WHERE seq = ?"
            )
            // Accepted operations (nearly all of them) are marked by one statement for the run of
            // them, written before anything that reads operations' statuses (a conflict's base,
            // the invoices' states); the others one by one.
            var accepted: [Int64] = []
            func markAccepted() throws {
                guard !accepted.isEmpty else { return }
                try db.cachedStatement(sql: Self.markAcceptedSQL)
                    .execute(arguments: [nowText, Self.jsonArray(accepted.map { String($0) })])
                accepted = []
            }
            for (item, result) in results {
                let operation = item.operation
                let isAcceptance = if case .answered(.accepted) = result { true } else { false }
                if !isAcceptance { try markAccepted() }
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
                // BranchRules decides the status and the events; this records them with their details.
                let transition = BranchRules.transition(for: result)
                var lastError: String?
                var details: [String: CanonicalJSON] = [:]
                switch result {
                case .answered(.accepted):
                    tally.accepted += 1
                case .answered(.duplicate):
                    details["meaning"] = .string("the remote had already applied this operation")
                    tally.duplicates += 1
                case .answered(.stale(let current)):
                    details["remoteClock"] = current.canonicalJSON
                    tally.stale += 1
                case .answered(.conflict(let kind, let remote)):
                    lastError = Self.conflictReason(kind, remote: remote)
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
                    details = [
                        "conflictKind": .string(kind.rawValue), "conflictID": .string(conflictID.uuidText),
                        "remoteClock": remote.clock.canonicalJSON,
                    ]
                    tally.conflicts += 1
                case .answered(.rejected(let reason)):
                    lastError = "rejected by the remote: \(reason)"
                    details["reason"] = .string(reason)
                    tally.quarantined += 1
                case .answered(.deferred(let reason)), .unanswered(let reason, mayHaveApplied: false):
                    lastError = reason
                    details["reason"] = .string(reason)
                    tally.deferred += 1
                case .unanswered(let reason, mayHaveApplied: true):
                    lastError = reason
                    details["reason"] = .string(reason)
                    tally.inDoubt += 1
                case .gaveUp(let reason):
                    lastError = reason
                    details = ["reason": .string(reason), "attempts": .integer(Int64(item.attempts))]
                    tally.quarantined += 1
                }
                if isAcceptance {
                    accepted.append(item.sequence)
                } else {
                    try set(transition.status, lastError)
                }
                for event in transition.events {
                    try log(event, event == .rejected ? ["reason": details["reason"] ?? .null] : details)
                }
                if seen.insert(operation.invoiceID).inserted { touched.append(operation.invoiceID) }
            }
            try markAccepted()
            try refreshSyncStates(db, invoiceIDs: touched, at: nowText)
            return tally
        }
    }

    /// The message an operation in conflict keeps; the number in a number conflict is the
    /// remote owner's, which is the operation's own (that is the conflict), so the operation's
    /// invoice need not be read back for it.
    static func conflictReason(_ kind: ConflictKind, remote: RemoteVersion) -> String {
        switch kind {
        case .duplicateNumber:
            "conflict: number \(remote.invoice.number) of seller \(remote.invoice.seller.taxID) belongs to invoice \(remote.invoice.id.uuidText) at the remote"
        case .editOfVoided:
            "conflict: the remote voided this invoice (clock \(remote.clock)) while it was changed here"
        case .concurrentEdit, .contentDiffers:
            "conflict (\(kind.rawValue)): the remote holds a concurrent version (clock \(remote.clock))"
        }
    }
}
