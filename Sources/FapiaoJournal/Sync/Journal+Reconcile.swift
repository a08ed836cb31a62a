import FapiaoCore
import FapiaoRemote
import Foundation
import GRDB

/// One difference `fapiao reconcile` found between the journal and the remote's record.
public struct ReconcileFinding: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The branch believes the remote accepted it, but the remote does not hold it: re-queued.
        case missingAtRemote
        /// The remote holds an older version than the one it accepted from the branch: re-queued.
        case olderAtRemote
        /// The remote holds an invoice of this branch the journal does not have.
        case missingLocally
        /// Same clock, different content: someone changed the remote's copy; a conflict.
        case contentDiffers
        /// The remote holds a newer version made elsewhere: applied here, or a conflict.
        case newerAtRemote
    }

    public var kind: Kind
    public var invoiceID: UUID
    /// The invoice number, for a person reading the report on the phone.
    public var number: String
    /// The operation that re-sends the invoice, when one was queued.
    public var operationID: UUID?
    /// The conflict recorded, when one was.
    public var conflictID: UUID?
}

extension Journal {
    /// Compares a page of the remote's record of this branch (`ChangeScope.all`) with the
    /// journal, record by record, in one transaction (nothing is written for a dry run).
    ///
    /// Same clock and content: matching. Same clock, other content: a `contentDiffers` conflict.
    /// An older remote version: re-queued. A newer or concurrent one: applied or a conflict, as
    /// a pull would. Not in the journal: reported.
    public func reconcile(_ page: [ChangePage.Change], into report: inout ReconcileReport, actor: String) throws {
        let instant = environment.now()
        let apply = report.applied
        try writeOrRead(apply) { db in
            var audit = try AuditAppender(db: db)
            for change in page {
                let remote = change.version
                let invoiceID = remote.invoice.id
                guard report.seen.insert(invoiceID).inserted else { continue }
                report.remoteInvoices += 1
                let local = try localSituation(db, of: remote.invoice)
                switch BranchRules.reconciled(remote, localContentHash: local?.contentHash, local: local?.situation) {
                case .missingLocally:
                    report.findings.append(finding(.missingLocally, remote.invoice))
                case .matching:
                    report.matching += 1
                case .contentDiffers(let recordConflict):
                    var found = finding(.contentDiffers, remote.invoice)
                    if apply, recordConflict, let local {
                        found.conflictID = try recordFoundConflict(
                            db,
                            kind: .contentDiffers,
                            source: .reconcile,
                            local: (local.content, local.situation.clock),
                            remote: remote,
                            changedBy: nil,
                            audit: &audit,
                            actor: actor,
                            at: instant
                        )
                    }
                    report.findings.append(found)
                case .awaitingPush:
                    report.awaitingPush += 1
                case .olderAtRemote:
                    var found = finding(.olderAtRemote, remote.invoice)
                    if apply {
                        found.operationID = try requeueCurrent(
                            db,
                            invoiceID,
                            why: found.kind,
                            audit: &audit,
                            actor: actor,
                            at: instant
                        )
                    }
                    report.findings.append(found)
                case .newerAtRemote:
                    var found = finding(.newerAtRemote, remote.invoice)
                    if apply,
                        case .conflict(let id) = try applyRemoteChange(
                            db,
                            change,
                            audit: &audit,
                            actor: actor,
                            at: instant
                        )
                    {
                        found.conflictID = id
                    }
                    report.findings.append(found)
                }
            }
        }
    }

    /// Finishes a reconcile: every invoice the branch believes the remote holds but the remote
    /// did not list is missing there and is re-queued (unless a queued change will carry it);
    /// one `reconciled` audit entry summarises the run.
    public func finishReconcile(_ report: inout ReconcileReport, remote: String, actor: String) throws {
        let instant = environment.now()
        let apply = report.applied
        try writeOrRead(apply) { db in
            var audit = try AuditAppender(db: db)
            let believed = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, content FROM invoice
                    WHERE EXISTS (SELECT 1 FROM operation WHERE invoice_id = invoice.id
                        AND status IN ('accepted', 'duplicate', 'stale'))
                    OR EXISTS (SELECT 1 FROM audit_entry WHERE invoice_id = invoice.id AND event = 'pulled')
                    ORDER BY captured_at, id
                    """
            )
            for row in believed {
                guard let invoiceID = UUID(uuidText: row["id"]), !report.seen.contains(invoiceID) else { continue }
                let invoice = try Invoice(storedText: row["content"] as String)
                var found = finding(.missingAtRemote, invoice)
                let local = BranchRules.LocalSituation(
                    clock: VectorClock(),
                    hasOpenConflict: try hasOpenConflict(db, invoiceID: invoiceID),
                    hasUnansweredOperations: try hasUnansweredOperations(db, invoiceID: invoiceID)
                )
                if apply, BranchRules.requeuesMissingAtRemote(local: local) {
                    found.operationID = try requeueCurrent(
                        db,
                        invoiceID,
                        why: found.kind,
                        audit: &audit,
                        actor: actor,
                        at: instant
                    )
                }
                report.findings.append(found)
            }
            guard apply else { return }
            var counts: [String: CanonicalJSON] = [
                "remote": .string(remote), "remoteInvoices": .integer(Int64(report.remoteInvoices)),
                "matching": .integer(Int64(report.matching)),
            ]
            for kind in ReconcileFinding.Kind.allCases {
                counts[kind.rawValue] = .integer(Int64(report.count(kind)))
            }
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .reconciled,
                details: .object(counts)
            )
        }
    }

    private func finding(_ kind: ReconcileFinding.Kind, _ invoice: Invoice) -> ReconcileFinding {
        ReconcileFinding(kind: kind, invoiceID: invoice.id, number: invoice.number)
    }

    /// Queues the invoice's current version again as a new `resolve` operation with the next
    /// clock: the remote lost it, and the operation ids it saw before are still spent there.
    private func requeueCurrent(
        _ db: Database,
        _ invoiceID: UUID,
        why: ReconcileFinding.Kind,
        audit: inout AuditAppender,
        actor: String,
        at instant: UTCTimestamp
    ) throws -> UUID {
        let now = instant.description
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT clock, content FROM invoice WHERE id = ?",
                arguments: [invoiceID.uuidText]
            ),
            let clock = VectorClock(parsing: row["clock"])?.incremented(at: settings.node)
        else { throw JournalError(code: .invoiceNotFound, message: "Invoice \(invoiceID) disappeared.") }
        let content: String = row["content"]
        let invoice = try Invoice(storedText: content)
        let operation = InvoiceOperation(
            id: environment.newID(),
            kind: .resolve,
            clock: clock,
            invoice: invoice,
            canonicalPayload: Array(content.utf8)
        )
        try db.execute(
            sql: "UPDATE invoice SET clock = ?, updated_at = ? WHERE id = ?",
            arguments: [clock.description, now, invoiceID.uuidText]
        )
        try insertOperation(db, operation, payload: content, at: now)
        try refreshSyncState(db, invoiceID: invoiceID, at: now)
        try audit.append(
            db,
            wallTime: instant,
            node: settings.node,
            actor: actor,
            event: .reconciled,
            invoiceID: invoiceID,
            operationID: operation.id,
            clock: clock,
            details: .object([
                "finding": .string(why.rawValue), "requeued": .bool(true), "operationHash": .string(operation.hash),
            ])
        )
        return operation.id
    }

    /// Runs `body` in a write transaction, or a read-only one when `write` is false.
    private func writeOrRead(_ write: Bool, _ body: (Database) throws -> Void) throws {
        if write { try self.write(.reconcile, body) } else { try read(body) }
    }
}
