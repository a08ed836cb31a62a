import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Stores an invoice's sync state and the reason for it (see ``refreshSyncStates(_:invoiceIDs:at:)``).
    func refreshSyncState(_ db: Database, invoiceID: UUID, at now: String) throws {
        try refreshSyncStates(db, invoiceIDs: [invoiceID], at: now)
    }

    /// The unsettled operations of some invoices, their ids a JSON array, in order.
    ///
    /// `+status`: the invoices' ids pick the rows, not the operation_status index, which SQLite
    /// would otherwise walk over every unsettled operation in the journal, once per sync batch.
    static let unsettledOperationsOfInvoicesSQL = """
        SELECT invoice_id, status, last_error FROM operation
        WHERE invoice_id IN (SELECT value FROM json_each(?))
        AND +status IN ('quarantined', 'conflict', 'inDoubt', 'inFlight', 'pending')
        ORDER BY invoice_id, seq
        """

    /// Stores the sync state of each invoice and the reason for it.
    ///
    /// The state is ``BranchRules/syncState(operations:hasOpenConflict:)`` of its operations and
    /// open conflicts; the reason is the first quarantined or conflicting operation's error, else
    /// the first open conflict's kind and source.
    ///
    /// Set-based, for a sync's batch of answers: one query for the operations still to be settled
    /// of all the invoices, one for their open conflicts, and one UPDATE for all the invoices that
    /// end accepted (the usual case); only the others get an UPDATE each.
    func refreshSyncStates(_ db: Database, invoiceIDs: [UUID], at now: String) throws {
        guard !invoiceIDs.isEmpty else { return }
        let ids = invoiceIDs.map(\.uuidText)
        let idArray = Self.jsonArray(ids.map { "\"\($0)\"" })
        var statuses: [String: [OperationStatus]] = [:]
        var operationReasons: [String: String] = [:]
        let operations = try Row.fetchCursor(
            db.cachedStatement(sql: Self.unsettledOperationsOfInvoicesSQL),
            arguments: [idArray]
        )
        while let row = try operations.next() {
            let invoiceID: String = row["invoice_id"]
            let status: String = row["status"]
            if let known = OperationStatus(rawValue: status) { statuses[invoiceID, default: []].append(known) }
            if operationReasons[invoiceID] == nil,
                status == OperationStatus.quarantined.rawValue || status == OperationStatus.conflict.rawValue,
                let error = row["last_error"] as String?
            {
                operationReasons[invoiceID] = error
            }
        }
        var conflictReasons: [String: String] = [:]
        let conflicts = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT invoice_id, id, kind, source FROM conflict
                    WHERE invoice_id IN (SELECT value FROM json_each(?)) AND resolved_at IS NULL
                    ORDER BY rowid
                    """
            ),
            arguments: [idArray]
        )
        while let row = try conflicts.next() {
            let invoiceID: String = row["invoice_id"]
            guard conflictReasons[invoiceID] == nil else { continue }
            let conflictID: String = row["id"]
            conflictReasons[invoiceID] =
                "conflict (\(row["kind"] as String)) found by \(row["source"] as String); see fapiao conflicts show "
                + conflictID.prefix(8)
        }
        var accepted: [String] = []
        let update = try db.cachedStatement(
            sql: "UPDATE invoice SET sync_state = ?, state_reason = ?, updated_at = ? WHERE id = ?"
        )
        for id in Set(ids) {
            let state = BranchRules.syncState(
                operations: statuses[id] ?? [],
                hasOpenConflict: conflictReasons[id] != nil
            )
            let reason = operationReasons[id] ?? conflictReasons[id]
            if state == .accepted, reason == nil {
                accepted.append(id)
            } else {
                try update.execute(arguments: [state.rawValue, reason, now, id])
            }
        }
        if !accepted.isEmpty {
            try db.cachedStatement(
                sql: """
                    UPDATE invoice SET sync_state = 'accepted', state_reason = NULL, updated_at = ?
                    WHERE id IN (SELECT value FROM json_each(?))
                    """
            ).execute(arguments: [now, Self.jsonArray(accepted.map { "\"\($0)\"" })])
        }
    }

    /// A JSON array of elements already written as JSON (numbers, or quoted UUIDs), for `json_each`.
    static func jsonArray(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }
}
