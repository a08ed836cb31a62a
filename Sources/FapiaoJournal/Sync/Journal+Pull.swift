import FapiaoCore
import FapiaoRemote
import Foundation
import GRDB

/// What a pull did with the remote's changes.
public struct PullTally: Hashable, Sendable {
    /// Remote versions that dominated the branch's and were applied.
    public var applied = 0
    /// Remote versions concurrent with the branch's, recorded as conflicts.
    public var conflicts = 0
    /// Versions the branch already had (or newer), or that wait for a push or an open conflict.
    public var unchanged = 0
    /// The remote's invoices of this branch the journal does not hold (`fapiao reconcile` reports them).
    public var unknown = 0

    public init() {}

    public static func + (lhs: PullTally, rhs: PullTally) -> PullTally {
        var sum = lhs
        sum.applied += rhs.applied
        sum.conflicts += rhs.conflicts
        sum.unchanged += rhs.unchanged
        sum.unknown += rhs.unknown
        return sum
    }
}

extension Journal {
    /// Applies a page of changes made elsewhere to this branch's invoices, and advances the
    /// pull cursor, in one transaction (DESIGN §5).
    ///
    /// A remote version whose clock dominates the branch's replaces it (audit `pulled`); one
    /// that is concurrent becomes a conflict (`editOfVoided` when the remote voided it), unless
    /// the invoice has changes still to push (the push meets the conflict) or a conflict open
    /// already. Wall time plays no part.
    public func applyRemoteChanges(_ page: ChangePage, lease: SyncLease, actor: String) throws -> PullTally {
        let instant = environment.now()
        return try write(.pull) { db in
            try checkLease(db, lease)
            var audit = try AuditAppender(db: db)
            var tally = PullTally()
            for change in page.changes {
                switch try applyRemoteChange(db, change, audit: &audit, actor: actor, at: instant) {
                case .applied: tally.applied += 1
                case .conflict: tally.conflicts += 1
                case .unchanged: tally.unchanged += 1
                case .unknown: tally.unknown += 1
                }
            }
            try Self.storeSetting(db, "sync.pullCursor", String(page.cursor))
            return tally
        }
    }

    /// What became of one remote version.
    enum RemoteChangeResult: Hashable, Sendable {
        case applied
        case conflict(UUID)
        case unchanged
        case unknown
    }

    /// Applies one remote version in the caller's transaction: see ``applyRemoteChanges(_:lease:actor:)``.
    func applyRemoteChange(
        _ db: Database,
        _ change: ChangePage.Change,
        audit: inout AuditAppender,
        actor: String,
        at instant: UTCTimestamp
    ) throws -> RemoteChangeResult {
        let now = instant.description
        let remote = change.version
        let invoiceID = remote.invoice.id
        let local = try localSituation(db, of: remote.invoice)
        switch BranchRules.pulled(remote, local: local?.situation) {
        case nil:
            return .unknown
        case .unchanged?, .waitForPush?:
            return .unchanged
        case .refreshOpenConflict?:
            // A person (or the resolver) decides against the remote's newest version, so the
            // resolution's clock dominates it.
            try refreshOpenConflict(
                db,
                remote: remote,
                changedBy: change.changedBy,
                audit: &audit,
                actor: actor,
                at: instant
            )
            return .unchanged
        case .apply?:
            let localContent = local?.content ?? ""
            let previous = try Invoice(storedText: localContent)
            let content = remote.invoice.canonicalText
            try updateInvoiceRow(db, remote.invoice, clock: remote.clock, content: content, at: now)
            try refreshSyncState(db, invoiceID: invoiceID, at: now)
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .pulled,
                invoiceID: invoiceID,
                clock: remote.clock,
                details: .object([
                    "changedBy": .string(change.changedBy), "remoteSequence": .integer(change.sequence),
                    "changedFields": .array(
                        Self.changedFields(from: previous, to: remote.invoice).map(CanonicalJSON.string)
                    ),
                    "voided": .bool(remote.invoice.void != nil),
                    "contentHash": .string(Digest.sha256Hex(Array(content.utf8))),
                ])
            )
            return .applied
        case .conflict(let kind)?:
            guard let local else { return .unknown }
            let conflictID = try recordFoundConflict(
                db,
                kind: kind,
                source: .pull,
                local: (local.content, local.situation.clock),
                remote: remote,
                changedBy: change.changedBy,
                audit: &audit,
                actor: actor,
                at: instant
            )
            return .conflict(conflictID)
        }
    }

    /// What the journal knows about `remote`'s invoice that bears on ``BranchRules``, with the
    /// stored content and its hash; `nil` when the journal does not hold the invoice.
    func localSituation(
        _ db: Database,
        of remote: Invoice
    ) throws -> (situation: BranchRules.LocalSituation, content: String, contentHash: String)? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT clock, content, content_hash FROM invoice WHERE id = ?",
                arguments: [remote.id.uuidText]
            ),
            let clock = VectorClock(parsing: row["clock"])
        else { return nil }
        let content: String = row["content"]
        let local = try Invoice(storedText: content)
        let situation = BranchRules.LocalSituation(
            clock: clock,
            isVoided: local.void != nil,
            hasOpenConflict: try hasOpenConflict(db, invoiceID: remote.id),
            hasUnansweredOperations: try hasUnansweredOperations(db, invoiceID: remote.id),
            numberTakenHere: try uniquenessFailure(db, remote, ignoring: remote.id) != nil
        )
        return (situation, content, row["content_hash"])
    }

    /// Replaces the remote version of an invoice's open conflicts with a newer one that
    /// arrived meanwhile (audit `conflict` with `"updated": true`).
    func refreshOpenConflict(
        _ db: Database,
        remote: RemoteVersion,
        changedBy: String,
        audit: inout AuditAppender,
        actor: String,
        at instant: UTCTimestamp
    ) throws {
        let invoiceID = remote.invoice.id
        let open = try String.fetchAll(
            db,
            sql: """
                SELECT id FROM conflict
                WHERE invoice_id = ? AND resolved_at IS NULL AND kind != 'duplicateNumber' AND remote_clock IS NOT ?
                """,
            arguments: [invoiceID.uuidText, remote.clock.description]
        )
        for conflictID in open {
            try db.execute(
                sql: "UPDATE conflict SET remote_content = ?, remote_clock = ? WHERE id = ?",
                arguments: [remote.invoice.canonicalText, remote.clock.description, conflictID]
            )
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .conflict,
                invoiceID: invoiceID,
                clock: remote.clock,
                details: .object([
                    "conflictID": .string(conflictID), "updated": .bool(true),
                    "remoteClock": remote.clock.canonicalJSON, "changedBy": .string(changedBy),
                ])
            )
        }
    }

    /// Records a conflict found by a pull or a reconcile, with its audit entry.
    func recordFoundConflict(
        _ db: Database,
        kind: ConflictKind,
        source: ConflictRecord.Source,
        local: (content: String, clock: VectorClock),
        remote: RemoteVersion,
        changedBy: String?,
        audit: inout AuditAppender,
        actor: String,
        at instant: UTCTimestamp
    ) throws -> UUID {
        let invoiceID = remote.invoice.id
        let conflictID = try insertConflict(
            db,
            kind: kind,
            source: source,
            local: local,
            remote: remote,
            invoiceID: invoiceID,
            operation: nil,
            at: instant.description
        )
        try refreshSyncState(db, invoiceID: invoiceID, at: instant.description)
        var details: [String: CanonicalJSON] = [
            "conflictKind": .string(kind.rawValue), "conflictID": .string(conflictID.uuidText),
            "remoteClock": remote.clock.canonicalJSON, "source": .string(source.rawValue),
        ]
        if let changedBy { details["changedBy"] = .string(changedBy) }
        try audit.append(
            db,
            wallTime: instant,
            node: settings.node,
            actor: actor,
            event: .conflict,
            invoiceID: invoiceID,
            clock: local.clock,
            details: .object(details)
        )
        return conflictID
    }

    /// Whether `invoiceID` has operations not yet answered by the remote.
    func hasUnansweredOperations(_ db: Database, invoiceID: UUID) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT 1 FROM operation
                    WHERE invoice_id = ? AND status IN ('pending', 'inFlight', 'inDoubt') LIMIT 1
                    """
            ),
            arguments: [invoiceID.uuidText]
        ) ?? false
    }
}
