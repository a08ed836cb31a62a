import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import PostgresNIO

extension PostgresCentralStore {
    // MARK: HQ's view of the branches

    public func branchOverviews() async throws -> [BranchOverview] {
        try checkOpen()
        return try await read("list the branches") { connection, logger in
            var overviews: [String: BranchOverview] = [:]
            let rows = try await connection.run(
                """
                SELECT b.branch, b.last_push_at, b.last_anchor_at, b.report, b.rejected, b.last_rejection,
                    b.last_rejected_at, b.epoch, b.head_seq, b.head_hash
                FROM central_branch b
                """,
                logger: logger
            )
            for try await row in rows {
                let (branch, lastPush, lastAnchor, report, rejected, lastRejection, lastRejectedAt, epoch, head, hash) =
                    try row.decode(
                        (String, String?, String?, String?, Int64, String?, String?, Int64, Int64, String).self
                    )
                var overview = BranchOverview(branch: branch)
                overview.chain = AnchorState(head: ChainPosition(sequence: head, hash: hash), epoch: epoch)
                overview.lastPush = lastPush.flatMap(UTCTimestamp.init(parsing:))
                overview.lastAnchor = lastAnchor.flatMap(UTCTimestamp.init(parsing:))
                overview.report = report.flatMap(BranchReport.stored)
                overview.rejected = rejected
                if let lastRejection, let at = lastRejectedAt.flatMap(UTCTimestamp.init(parsing:)) {
                    overview.lastRejection = (lastRejection, at)
                }
                overview.anchoredEntries = head
                overviews[branch] = overview
            }
            // Every branch's first unacknowledged break in one query, not one per branch.
            let breaks = try await connection.run(
                """
                SELECT DISTINCT ON (branch) branch, detected_at, anchored_seq, anchored_hash, branch_seq,
                    branch_hash, reason
                FROM central_chain_break WHERE acknowledged_at IS NULL ORDER BY branch, id
                """,
                logger: logger
            )
            for try await (branch, detected, anchoredSequence, anchoredHash, branchSequence, branchHash, reason)
                in breaks.decode((String, String, Int64, String, Int64, String, String).self)
            {
                overviews[branch]?.chain.unacknowledgedBreak = AnchoredRow.chainBreak(
                    detectedAt: detected,
                    anchored: ChainPosition(sequence: anchoredSequence, hash: anchoredHash),
                    branchHead: ChainPosition(sequence: branchSequence, hash: branchHash),
                    reason: reason
                )
            }
            let counts = try await connection.run(
                "SELECT branch, count(*) FROM central_invoice GROUP BY branch",
                logger: logger
            )
            for try await (branch, count) in counts.decode((String, Int64).self) {
                overviews[branch, default: BranchOverview(branch: branch)].invoices = count
            }
            return overviews.keys.sorted().compactMap { overviews[$0] }
        }
    }

    // MARK: Within a push

    /// Refuses a push from a branch whose chain break HQ has not acknowledged.
    static func refuseIfBroken(_ branch: String, on connection: PostgresConnection, logger: Logger) async throws {
        if let found = try await anchorState(branch: branch, on: connection, logger: logger).unacknowledgedBreak {
            throw CentralStoreError(.chainBroken, found.sentence(branch: branch))
        }
    }

    /// Records the push's time and the rejections it answered.
    static func recordPush(
        _ branch: String,
        operations: [InvoiceOperation],
        outcomes: [OperationOutcome],
        at instant: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        var rejectedIDs: [String] = []
        var rejectedInvoices: [String] = []
        var reasons: [String] = []
        for (operation, outcome) in zip(operations, outcomes) {
            guard case .rejected(let reason) = outcome.outcome else { continue }
            rejectedIDs.append(operation.id.uuidText)
            rejectedInvoices.append(operation.invoiceID.uuidText)
            reasons.append(reason)
        }
        let last = reasons.last
        let count = Int64(reasons.count)
        try await connection.run(
            """
            INSERT INTO central_branch (branch, last_push_at, rejected, last_rejection, last_rejected_at)
            VALUES (\(branch), \(instant), \(count), \(last), CASE WHEN \(count) > 0 THEN \(instant) END)
            ON CONFLICT (branch) DO UPDATE SET last_push_at = excluded.last_push_at,
                rejected = central_branch.rejected + excluded.rejected,
                last_rejection = COALESCE(excluded.last_rejection, central_branch.last_rejection),
                last_rejected_at = COALESCE(excluded.last_rejected_at, central_branch.last_rejected_at)
            """,
            logger: logger
        )
        guard !reasons.isEmpty else { return }
        try await connection.run(
            """
            INSERT INTO central_rejection (branch, op_id, invoice_id, reason, at)
            SELECT \(branch), r.op_id, r.invoice_id, r.reason, \(instant)
            FROM unnest(\(rejectedIDs)::text[], \(rejectedInvoices)::text[], \(reasons)::text[])
                 AS r(op_id, invoice_id, reason)
            """,
            logger: logger
        )
    }
}
