import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Settles a conflict as a person decided.
    ///
    /// A new `resolve` operation carries the chosen version, with the merge of both clocks
    /// plus one on this branch, so it dominates both and the remote accepts it (DESIGN §5).
    /// The conflict records who, how and why.
    ///
    /// - Parameters:
    ///   - reference: the conflict's id or prefix, or its invoice's id or number.
    ///   - choice: which version to keep.
    ///   - mergedInput: with `.merged`, the version to keep as the person wrote it; without
    ///     it, the three-way merge, which must leave no field changed on both sides.
    ///   - reason: why, for the auditor (required).
    ///   - actor: who resolves it.
    /// - Returns: the resolution and the resulting version.
    /// - Throws: ``ValidationFailure`` for an invalid version or an empty reason;
    ///   ``JournalError`` `.conflictNotFound`, or `.invalidChange` when the conflict is
    ///   resolved already or the choice cannot settle it.
    @discardableResult
    public func resolveConflict(
        _ reference: String,
        choice: ConflictChoice,
        mergedInput: InvoiceInput? = nil,
        reason: String,
        actor: String
    ) throws -> ResolutionReceipt {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 500 else {
            throw ValidationFailure(issues: [
                ValidationIssue(
                    field: "reason",
                    rule: "required",
                    message: "must say in 1 to 500 characters why the conflict is resolved this way"
                )
            ])
        }
        if mergedInput != nil, choice != .merged {
            throw ValidationFailure(issues: [
                ValidationIssue(field: "json", rule: "merged only", message: "is only read with --take merged")
            ])
        }
        let record = try conflict(reference)
        let current = try invoice(record.invoiceID.uuidText)
        let result = try chosenVersion(record, current: current, choice: choice, mergedInput: mergedInput)
        return try write(.resolve) { db in
            try resolve(
                db,
                record,
                choice: choice,
                result: result,
                resolvedBy: actor,
                policy: nil,
                reason: trimmed
            )
        }
    }

    /// Settles every open conflict whose policy (the journal's `resolver.*` settings) allows
    /// it without a person; a merge that meets a field changed on both sides, or a version
    /// that cannot be written here, stays open.
    ///
    /// - Returns: the resolutions made, in the order the conflicts were found.
    public func resolveAutomatically() throws -> [ResolutionReceipt] {
        let policies = try resolverPolicies()
        var receipts: [ResolutionReceipt] = []
        for record in try conflicts(includeResolved: false) {
            guard let remote = record.remote else { continue }
            let current = try invoice(record.invoiceID.uuidText)
            let policy = policies.policy(for: record.kind, local: current.invoice, remote: remote.invoice)
            let choice: ConflictChoice
            let result: Invoice
            switch policy {
            case .manual:
                continue
            case .remoteWins:
                (choice, result) = (.remote, remote.invoice)
            case .localWins:
                (choice, result) = (.local, current.invoice)
            case .merge:
                guard
                    case .merged(let merged) = ThreeWayMerge.merge(
                        local: current.invoice,
                        remote: remote.invoice,
                        ancestor: record.ancestor?.invoice,
                        policy: settings.policy
                    )
                else { continue }
                (choice, result) = (.merged, merged)
            }
            do {
                let receipt = try write(.resolve) { db in
                    try resolve(
                        db,
                        record,
                        choice: choice,
                        result: result,
                        resolvedBy: "resolver:\(policy.rawValue)",
                        policy: policy,
                        reason: "\(record.kind.rawValue) settled by the journal's \(policy.rawValue) policy"
                    )
                }
                receipts.append(receipt)
            } catch is ValidationFailure {
                // The chosen version cannot be written here (its number belongs to another
                // invoice of this journal): the conflict stays open for a person.
                continue
            } catch let error as JournalError where error.code == .invalidChange {
                continue
            }
        }
        return receipts
    }

    /// Writes a resolution in the caller's transaction: the new version and its `resolve`
    /// operation, the superseded operations, the settled conflict and the audit entries.
    private func resolve(
        _ db: Database,
        _ stale: ConflictRecord,
        choice: ConflictChoice,
        result: Invoice,
        resolvedBy: String,
        policy: ResolverPolicy?,
        reason: String
    ) throws -> ResolutionReceipt {
        let short = stale.id.uuidText.prefix(8)
        // Read again inside the write transaction: another resolver may have been first.
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT \(Self.conflictColumns) FROM conflict WHERE id = ?",
                arguments: [stale.id.uuidText]
            )
        else { throw JournalError(code: .conflictNotFound, message: "Conflict \(short) disappeared; try again.") }
        let record = try Self.conflictRecord(row)
        if let done = record.resolution {
            throw JournalError(
                code: .invalidChange,
                message: "Conflict \(short) was already resolved by \(done.resolvedBy) at \(done.at) (\(done.reason))."
            )
        }
        if let failure = try uniquenessFailure(db, result, ignoring: result.id) { throw failure }
        guard
            let invoiceRow = try Row.fetchOne(
                db,
                sql: "SELECT clock FROM invoice WHERE id = ?",
                arguments: [record.invoiceID.uuidText]
            ),
            let localClock = VectorClock(parsing: invoiceRow["clock"])
        else {
            throw JournalError(code: .invoiceNotFound, message: "Invoice of conflict \(short) disappeared.")
        }
        // A duplicate number's remote version is another invoice: its clock is not this invoice's history.
        let base =
            record.kind == .duplicateNumber ? localClock : localClock.merged(with: record.remote?.clock ?? .init())
        let clock = base.incremented(at: settings.node)
        let instant = environment.now()
        let now = instant.description
        let canonical = result.canonicalBytes
        let content = String(decoding: canonical, as: UTF8.self)
        let operation = InvoiceOperation(
            id: environment.newID(),
            kind: .resolve,
            clock: clock,
            invoice: result,
            canonicalPayload: canonical
        )
        try updateInvoiceRow(db, result, clock: clock, content: content, at: now)
        var audit = try AuditAppender(db: db)
        let superseded = try Row.fetchAll(
            db,
            sql: """
                SELECT seq, id, clock FROM operation
                WHERE invoice_id = ? AND status IN ('conflict', 'pending', 'inDoubt', 'quarantined') ORDER BY seq
                """,
            arguments: [record.invoiceID.uuidText]
        )
        for old in superseded {
            try db.execute(
                sql: "UPDATE operation SET status = 'superseded', updated_at = ? WHERE seq = ?",
                arguments: [now, old["seq"] as Int64]
            )
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: resolvedBy,
                event: .superseded,
                invoiceID: record.invoiceID,
                operationID: UUID(uuidText: old["id"]),
                clock: VectorClock(parsing: old["clock"]) ?? VectorClock(),
                details: .object(["by": .string("resolution of conflict \(record.id.uuidText)")])
            )
        }
        try insertOperation(db, operation, payload: content, at: now)
        let resolution = ConflictResolution(
            choice: choice,
            resolvedBy: resolvedBy,
            policy: policy,
            reason: reason,
            at: instant,
            operationID: operation.id,
            clock: clock,
            contentHash: Digest.sha256Hex(canonical)
        )
        try db.execute(
            sql: "UPDATE conflict SET resolved_at = ?, resolution = ?, resolved_by = ? WHERE id = ?",
            arguments: [now, resolution.canonicalJSON.text, resolvedBy, record.id.uuidText]
        )
        try refreshSyncState(db, invoiceID: record.invoiceID, at: now)
        var details: [String: CanonicalJSON] = [
            "conflictID": .string(record.id.uuidText), "conflictKind": .string(record.kind.rawValue),
            "take": .string(choice.rawValue), "reason": .string(reason), "localClock": localClock.canonicalJSON,
            "operationHash": .string(operation.hash),
            "changedFields": .array(
                Self.changedFields(from: record.local.invoice, to: result).map(CanonicalJSON.string)
            ),
        ]
        if let remote = record.remote { details["remoteClock"] = remote.clock.canonicalJSON }
        if let policy { details["policy"] = .string(policy.rawValue) }
        try audit.append(
            db,
            wallTime: instant,
            node: settings.node,
            actor: resolvedBy,
            event: .resolved,
            invoiceID: record.invoiceID,
            operationID: operation.id,
            clock: clock,
            details: .object(details)
        )
        return ResolutionReceipt(
            conflictID: record.id,
            invoiceID: record.invoiceID,
            resolution: resolution,
            invoice: result
        )
    }
}
