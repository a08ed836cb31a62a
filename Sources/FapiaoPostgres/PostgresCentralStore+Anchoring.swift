import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import PostgresNIO

extension PostgresCentralStore {
    // MARK: Anchored audit chains and HQ's view of the branches

    public func anchorState(branch: String) async throws -> AnchorState {
        try checkOpen()
        return try await read("read the anchored audit") { connection, logger in
            try await Self.anchorState(branch: branch, on: connection, logger: logger)
        }
    }

    public func anchor(_ shipment: AuditShipment, from branch: String) async throws -> AnchorState {
        try checkOpen()
        let instant = now()
        let report = shipment.report.canonicalJSON.text
        // Every entry hashed before the branch's row is locked and the transaction holds a connection.
        let checked = AuditAnchoring.CheckedShipment(shipment)
        return try await transaction("anchor the audit") { connection, logger, _ in
            // The branch's row is locked for the transaction: instances on one database anchor
            // a branch's chain one shipment at a time.
            try await Self.lockBranch(branch, on: connection, logger: logger)
            let state = try await Self.anchorState(branch: branch, on: connection, logger: logger)
            let at = instant.description
            try await connection.run(
                "UPDATE central_branch SET last_anchor_at = \(at), report = \(report) WHERE branch = \(branch)",
                logger: logger
            )
            try await Self.recordOutbox(
                branch,
                size: shipment.report.outboxSize,
                at: instant,
                on: connection,
                logger: logger
            )
            var anchoredHashes: [Int64: String] = [:]
            for sequence in AuditAnchoring.sequencesToCompare(shipment, state: state) {
                let rows = try await connection.run(
                    """
                    SELECT hash FROM central_audit_entry
                    WHERE branch = \(branch) AND epoch = \(state.epoch) AND seq = \(sequence)
                    """,
                    logger: logger
                )
                for try await hash in rows.decode(String.self) { anchoredHashes[sequence] = hash }
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
                try await Self.insert(entries, branch: branch, epoch: state.epoch, on: connection, logger: logger)
                try await connection.run(
                    """
                    UPDATE central_branch SET head_seq = \(head.sequence), head_hash = \(head.hash)
                    WHERE branch = \(branch)
                    """,
                    logger: logger
                )
                return AnchorState(head: head, epoch: state.epoch)
            case .breakChain(let found):
                let detected = found.detectedAt.description
                try await connection.run(
                    """
                    INSERT INTO central_chain_break (branch, epoch, detected_at, anchored_seq, anchored_hash,
                        branch_seq, branch_hash, reason)
                    VALUES (\(branch), \(state.epoch), \(detected), \(found.anchored.sequence), \(found.anchored.hash),
                        \(found.branchHead.sequence), \(found.branchHead.hash), \(found.reason))
                    """,
                    logger: logger
                )
                return AnchorState(head: state.head, epoch: state.epoch, unacknowledgedBreak: found)
            case .refused, .alreadyAnchored:
                return state
            }
        }
    }

    public func acknowledgeBreak(branch: String, actor: String, reason: String) async throws -> ChainBreak {
        try checkOpen()
        let at = now().description
        return try await transaction("acknowledge the chain break") { connection, logger, _ in
            try await Self.lockBranch(branch, on: connection, logger: logger)
            guard
                let found = try await Self.anchorState(branch: branch, on: connection, logger: logger)
                    .unacknowledgedBreak
            else {
                throw CentralStoreError(.notFound, "\(branch) has no chain break waiting for acknowledgement")
            }
            try await connection.run(
                """
                UPDATE central_chain_break SET acknowledged_at = \(at), acknowledged_by = \(actor),
                    acknowledgement = \(reason)
                WHERE branch = \(branch) AND acknowledged_at IS NULL
                """,
                logger: logger
            )
            let origin = ChainPosition.origin.hash
            try await connection.run(
                """
                UPDATE central_branch SET epoch = epoch + 1, head_seq = 0, head_hash = \(origin)
                WHERE branch = \(branch)
                """,
                logger: logger
            )
            return found
        }
    }

    public func anchoredEntries(branch: String, epoch: Int64?) async throws -> [AuditEntry] {
        try checkOpen()
        return try await read("read the anchored audit") { connection, logger in
            let current = try await Self.anchorState(branch: branch, on: connection, logger: logger).epoch
            let chosen = epoch ?? current
            let rows = try await connection.run(
                """
                SELECT \(unescaped: Self.anchoredColumns) FROM central_audit_entry
                WHERE branch = \(branch) AND epoch = \(chosen) ORDER BY seq
                """,
                logger: logger
            )
            var entries: [AuditEntry] = []
            for try await row in rows { entries.append(try Self.anchoredEntry(row).entry) }
            return entries
        }
    }

    /// The columns ``anchoredEntry(_:)`` reads, in its order.
    static let anchoredColumns =
        "branch, seq, wall_time, node, actor, event, invoice_id, op_id, clock, details, prev_hash, hash"

    /// An anchored entry and its branch from a row of ``anchoredColumns``.
    static func anchoredEntry(_ row: PostgresRow) throws -> (branch: String, entry: AuditEntry) {
        let (branch, sequence, wallTime, node, actor, event, invoiceID, operationID, clock, details, previous, hash) =
            try row.decode(
                (String, Int64, String, String, String, String, String?, String?, String, String, String, String).self
            )
        let entry = try AnchoredRow.entry(
            branch: branch,
            sequence: sequence,
            wallTime: wallTime,
            node: node,
            actor: actor,
            event: event,
            invoiceID: invoiceID,
            operationID: operationID,
            clock: clock,
            details: details,
            previousHash: previous,
            hash: hash
        )
        return (branch, entry)
    }

    // MARK: Rows

    static func lockBranch(_ branch: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run(
            "INSERT INTO central_branch (branch) VALUES (\(branch)) ON CONFLICT DO NOTHING",
            logger: logger
        )
        try await connection.run("SELECT 1 FROM central_branch WHERE branch = \(branch) FOR UPDATE", logger: logger)
    }

    static func anchorState(
        branch: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws
        -> AnchorState
    {
        var state = AnchorState()
        let rows = try await connection.run(
            "SELECT epoch, head_seq, head_hash FROM central_branch WHERE branch = \(branch)",
            logger: logger
        )
        for try await (epoch, sequence, hash) in rows.decode((Int64, Int64, String).self) {
            state = AnchorState(head: ChainPosition(sequence: sequence, hash: hash), epoch: epoch)
        }
        let breaks = try await connection.run(
            """
            SELECT detected_at, anchored_seq, anchored_hash, branch_seq, branch_hash, reason
            FROM central_chain_break WHERE branch = \(branch) AND acknowledged_at IS NULL ORDER BY id LIMIT 1
            """,
            logger: logger
        )
        for try await (detected, anchoredSequence, anchoredHash, branchSequence, branchHash, reason) in breaks.decode(
            (String, Int64, String, Int64, String, String).self
        ) {
            state.unacknowledgedBreak = AnchoredRow.chainBreak(
                detectedAt: detected,
                anchored: ChainPosition(sequence: anchoredSequence, hash: anchoredHash),
                branchHead: ChainPosition(sequence: branchSequence, hash: branchHash),
                reason: reason
            )
        }
        return state
    }

    static func insert(
        _ entries: [AuditEntry],
        branch: String,
        epoch: Int64,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard !entries.isEmpty else { return }
        let sequences = entries.map(\.sequence)
        let wallTimes = entries.map(\.wallTime.description)
        let nodes = entries.map(\.node)
        let actors = entries.map(\.actor)
        let events = entries.map(\.event.rawValue)
        // '' for none: the arrays stay text[], and NULLIF stores NULL.
        let invoices = entries.map { $0.invoiceID?.uuidText ?? "" }
        let operations = entries.map { $0.operationID?.uuidText ?? "" }
        let clocks = entries.map(\.clock.description)
        let details = entries.map(\.detailsText)
        let previous = entries.map(\.previousHash)
        let hashes = entries.map(\.hash)
        try await connection.run(
            """
            INSERT INTO central_audit_entry (branch, epoch, seq, wall_time, node, actor, event, invoice_id, op_id,
                clock, details, prev_hash, hash)
            SELECT \(branch), \(epoch), e.seq, e.wall_time, e.node, e.actor, e.event, NULLIF(e.invoice_id, ''),
                NULLIF(e.op_id, ''), e.clock, e.details, e.prev_hash, e.hash
            FROM unnest(\(sequences)::int8[], \(wallTimes)::text[], \(nodes)::text[], \(actors)::text[],
                        \(events)::text[], \(invoices)::text[], \(operations)::text[], \(clocks)::text[],
                        \(details)::text[], \(previous)::text[], \(hashes)::text[])
                 AS e(seq, wall_time, node, actor, event, invoice_id, op_id, clock, details, prev_hash, hash)
            """,
            logger: logger
        )
    }
}
