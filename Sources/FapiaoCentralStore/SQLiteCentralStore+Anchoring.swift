import FapiaoCore
import Foundation
import GRDB

extension SQLiteCentralStore {
    // MARK: Anchored audit chains and HQ's view of the branches

    public func anchorState(branch: String) async throws -> AnchorState {
        try await read { db in try Self.anchorState(db, branch: branch) }
    }

    public func anchor(_ shipment: AuditShipment, from branch: String) async throws -> AnchorState {
        let instant = now()
        // Every entry hashed before the write lock is taken: pushes need the lock too.
        let checked = AuditAnchoring.CheckedShipment(shipment)
        return try await write { db in
            try Self.ensureBranch(db, branch)
            let state = try Self.anchorState(db, branch: branch)
            try db.execute(
                sql: "UPDATE central_branch SET last_anchor_at = ?, report = ? WHERE branch = ?",
                arguments: [instant.description, shipment.report.canonicalJSON.text, branch]
            )
            try Self.recordOutbox(db, branch: branch, size: shipment.report.outboxSize, at: instant)
            var anchoredHashes: [Int64: String] = [:]
            for sequence in AuditAnchoring.sequencesToCompare(shipment, state: state) {
                anchoredHashes[sequence] = try String.fetchOne(
                    db,
                    sql: "SELECT hash FROM central_audit_entry WHERE branch = ? AND epoch = ? AND seq = ?",
                    arguments: [branch, state.epoch, sequence]
                )
            }
            let decision = AuditAnchoring.decide(
                checked,
                from: branch,
                state: state,
                anchoredHashes: anchoredHashes,
                now: instant
            )
            switch decision {
            case .append(let entries, let head):
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO central_audit_entry (branch, epoch, seq, wall_time, node, actor, event, invoice_id,
                            op_id, clock, details, prev_hash, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                )
                for entry in entries {
                    try insert.execute(arguments: Self.arguments(entry, branch: branch, epoch: state.epoch))
                }
                try db.execute(
                    sql: "UPDATE central_branch SET head_seq = ?, head_hash = ? WHERE branch = ?",
                    arguments: [head.sequence, head.hash, branch]
                )
                return AnchorState(head: head, epoch: state.epoch)
            case .breakChain(let found):
                try db.execute(
                    sql: """
                        INSERT INTO central_chain_break (branch, epoch, detected_at, anchored_seq, anchored_hash,
                            branch_seq, branch_hash, reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        branch, state.epoch, found.detectedAt.description, found.anchored.sequence, found.anchored.hash,
                        found.branchHead.sequence, found.branchHead.hash, found.reason,
                    ]
                )
                return AnchorState(head: state.head, epoch: state.epoch, unacknowledgedBreak: found)
            case .refused, .alreadyAnchored:
                return state
            }
        }
    }

    public func acknowledgeBreak(branch: String, actor: String, reason: String) async throws -> ChainBreak {
        let instant = now()
        return try await write { db in
            guard let found = try Self.anchorState(db, branch: branch).unacknowledgedBreak else {
                throw CentralStoreError(.notFound, "\(branch) has no chain break waiting for acknowledgement")
            }
            try db.execute(
                sql: """
                    UPDATE central_chain_break SET acknowledged_at = ?, acknowledged_by = ?, acknowledgement = ?
                    WHERE branch = ? AND acknowledged_at IS NULL
                    """,
                arguments: [instant.description, actor, reason, branch]
            )
            try db.execute(
                sql: """
                    UPDATE central_branch SET epoch = epoch + 1, head_seq = 0, head_hash = ? WHERE branch = ?
                    """,
                arguments: [ChainPosition.origin.hash, branch]
            )
            return found
        }
    }

    public func anchoredEntries(branch: String, epoch: Int64?) async throws -> [AuditEntry] {
        try await read { db in
            let current = try Self.anchorState(db, branch: branch).epoch
            return try Row.fetchAll(
                db,
                sql: "SELECT * FROM central_audit_entry WHERE branch = ? AND epoch = ? ORDER BY seq",
                arguments: [branch, epoch ?? current]
            ).map(AnchoredRow.entry)
        }
    }

    public func branchOverviews() async throws -> [BranchOverview] {
        try await read { db in
            var overviews: [String: BranchOverview] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT branch FROM central_branch") {
                let branch: String = row[0]
                overviews[branch] = try Self.overview(db, branch: branch)
            }
            for row in try Row.fetchAll(db, sql: "SELECT branch, count(*) FROM central_invoice GROUP BY branch") {
                let branch: String = row[0]
                overviews[branch, default: BranchOverview(branch: branch)].invoices = row[1]
            }
            return overviews.keys.sorted().compactMap { overviews[$0] }
        }
    }

    // MARK: Within a push

    /// Refuses a push from a branch whose chain break HQ has not acknowledged.
    static func refuseIfBroken(_ db: Database, branch: String) throws {
        if let found = try anchorState(db, branch: branch).unacknowledgedBreak {
            throw CentralStoreError(.chainBroken, found.sentence(branch: branch))
        }
    }

    /// Records the push's time and the rejections it answered.
    static func recordPush(
        _ db: Database,
        branch: String,
        operations: [InvoiceOperation],
        outcomes: [OperationOutcome],
        at instant: UTCTimestamp
    ) throws {
        try ensureBranch(db, branch)
        try db.execute(
            sql: "UPDATE central_branch SET last_push_at = ? WHERE branch = ?",
            arguments: [instant.description, branch]
        )
        for (operation, outcome) in zip(operations, outcomes) {
            guard case .rejected(let reason) = outcome.outcome else { continue }
            try db.execute(
                sql: "INSERT INTO central_rejection (branch, op_id, invoice_id, reason, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    branch, operation.id.uuidText, operation.invoiceID.uuidText, reason, instant.description,
                ]
            )
            try db.execute(
                sql: """
                    UPDATE central_branch SET rejected = rejected + 1, last_rejection = ?, last_rejected_at = ?
                    WHERE branch = ?
                    """,
                arguments: [reason, instant.description, branch]
            )
        }
    }

    // MARK: Rows

    static func ensureBranch(_ db: Database, _ branch: String) throws {
        try db.execute(
            sql: "INSERT INTO central_branch (branch) VALUES (?) ON CONFLICT DO NOTHING",
            arguments: [branch]
        )
    }

    static func anchorState(_ db: Database, branch: String) throws -> AnchorState {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT epoch, head_seq, head_hash FROM central_branch WHERE branch = ?",
                arguments: [branch]
            )
        else { return AnchorState() }
        var state = AnchorState(head: ChainPosition(sequence: row[1], hash: row[2]), epoch: row[0])
        if let open = try Row.fetchOne(
            db,
            sql: """
                SELECT detected_at, anchored_seq, anchored_hash, branch_seq, branch_hash, reason
                FROM central_chain_break WHERE branch = ? AND acknowledged_at IS NULL ORDER BY id LIMIT 1
                """,
            arguments: [branch]
        ) {
            state.unacknowledgedBreak = try AnchoredRow.chainBreak(open)
        }
        return state
    }

    static func overview(_ db: Database, branch: String) throws -> BranchOverview {
        var overview = BranchOverview(branch: branch, chain: try anchorState(db, branch: branch))
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT last_push_at, last_anchor_at, report, rejected, last_rejection, last_rejected_at,
                        b.head_seq
                    FROM central_branch b WHERE branch = ?
                    """,
                arguments: [branch]
            )
        else { return overview }
        overview.lastPush = (row[0] as String?).flatMap(UTCTimestamp.init(parsing:))
        overview.lastAnchor = (row[1] as String?).flatMap(UTCTimestamp.init(parsing:))
        overview.report = (row[2] as String?).flatMap(AnchoredRow.report)
        overview.rejected = row[3]
        if let reason = row[4] as String?, let at = (row[5] as String?).flatMap(UTCTimestamp.init(parsing:)) {
            overview.lastRejection = (reason, at)
        }
        overview.anchoredEntries = row[6]
        return overview
    }

    /// An anchored entry's row, in `central_audit_entry`'s column order.
    static func arguments(_ entry: AuditEntry, branch: String, epoch: Int64) -> StatementArguments {
        [
            branch, epoch, entry.sequence, entry.wallTime.description, entry.node, entry.actor, entry.event.rawValue,
            entry.invoiceID?.uuidText, entry.operationID?.uuidText, entry.clock.description, entry.detailsText,
            entry.previousHash, entry.hash,
        ]
    }
}
