import FapiaoCentralStore
import FapiaoCore
import FapiaoFailpoints
import FapiaoRemote
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A central store in PostgreSQL: the centre for many branches, with any number of
/// `fapiao-central` instances (or branches writing directly) in front of one database
/// (DESIGN §7).
///
/// Every batch is one transaction under PostgreSQL's default isolation (read committed).
/// It first takes transaction-scoped advisory locks on every operation id, invoice id and
/// invoice number it touches (``LockKeys``), in ascending order; then reads what its decisions
/// need and decides with ``CentralRules`` in memory (``BatchLedger``); then writes the versions
/// and operation records in two statements. Batches from different branches touch different
/// keys and run side by side; two batches that claim the same number take turns, and the
/// second sees the first's invoice and answers `duplicateNumber`. The unique indexes stay as
/// the last word: a violation (which the locks prevent among Fapiao writers) rolls the batch
/// back and runs it again.
///
/// Change numbers are `transaction id × 2^20 + place in the batch`, and the change feed only
/// returns changes of transactions older than every transaction still running in the store's
/// database, so a branch's pull cursor never passes a change that commits later. A transaction
/// left open in that database holds the feed back (it never loses a change).
///
/// A connection lost before `COMMIT` was sent leaves nothing applied (``CentralStoreError``
/// `.unreachable`); one lost while committing leaves the batch in doubt (`.inDoubt`), and
/// sending the same operations again answers `duplicate` for whatever had committed.
public final class PostgresCentralStore: CentralStore {
    /// Where the store is; printing it never shows the password.
    public let location: PostgresLocation
    public let node: String
    public let kind = "postgres"
    /// The rules the centre applies beyond every branch's.
    public let policy: CentralPolicy
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    let now: @Sendable () -> UTCTimestamp
    let closed = Mutex(false)
    let leaseTimeout: Duration
    let operationTimeout: Duration

    /// Operations per transaction: the place in the batch has 20 bits of the change number.
    static let maximumBatch = (1 << changeShift) - 1
    static let changeShift = 20

    /// Connects to the store at `location`, creating its tables if asked to and the database has none yet.
    ///
    /// - Parameters:
    ///   - location: the database; it must exist (create it with `createdb`).
    ///   - node: the centre's node id in vector clocks, recorded when the store is created;
    ///     connecting later with another id is refused.
    ///   - policy: the rules the centre applies beyond every branch's.
    ///   - create: whether to create the store's tables in an empty database.
    ///   - maximumConnections: the pool's size; a service with many branches wants several.
    ///   - leaseTimeout: how long a request waits for a connection before the server is
    ///     reported unreachable (nothing is sent until a connection is had).
    ///   - operationTimeout: how long a call may take once it has its connection; one that
    ///     takes longer is abandoned and reported unreachable (a read) or in doubt (a write).
    ///   - logger: where postgres-nio's connection events go (no queries, no passwords).
    ///   - now: the wall clock, recorded on rows for people to read; it never decides an outcome.
    /// - Throws: ``CentralStoreError``: `.notFound` (no database, or no store in it and `create`
    ///   false), `.notACentralStore` (another application's tables), `.newerVersion`,
    ///   `.nodeMismatch`, `.authenticationRefused`, `.unreachable` or `.invalidLocation`.
    public init(
        location: PostgresLocation,
        node: String = "central",
        policy: CentralPolicy = .standard,
        create: Bool = true,
        maximumConnections: Int = 8,
        leaseTimeout: Duration = .seconds(10),
        operationTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "fapiao.postgres", factory: { _ in SwiftLogNoOpLogHandler() }),
        now: @escaping @Sendable () -> UTCTimestamp = PostgresCentralStore.systemNow
    ) async throws {
        self.location = location
        self.node = node
        self.policy = policy
        self.now = now
        self.logger = logger
        self.leaseTimeout = leaseTimeout
        self.operationTimeout = operationTimeout
        // One connection of its own first: a wrong password, a missing database or a server that
        // is not there is reported at once and precisely (the pool would retry quietly), and the
        // tables are created or checked before any request is served.
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try location.connectionConfiguration(),
                id: 0,
                logger: logger
            )
            do {
                try await PostgresMigrator(location: location, logger: logger).prepare(on: connection, create: create)
                try await Self.inTransaction(on: connection, logger: logger) { connection in
                    try await Self.claim(node: node, location: location, on: connection, logger: logger)
                }
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw PostgresErrors.mapped(error, action: "open the store", location: location)
        }
        let client = PostgresClient(
            configuration: try location.clientConfiguration(maximumConnections: maximumConnections),
            backgroundLogger: logger
        )
        self.client = client
        runner = Task { await client.run() }
    }

    /// The system clock.
    @Sendable public static func systemNow() -> UTCTimestamp {
        UTCTimestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Records `node` as the store's node id, or checks it against the one recorded.
    private static func claim(
        node: String,
        location: PostgresLocation,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.run(
            "INSERT INTO central_setting (key, value) VALUES ('node', \(node)) ON CONFLICT (key) DO NOTHING",
            logger: logger
        )
        let rows = try await connection.run("SELECT value FROM central_setting WHERE key = 'node'", logger: logger)
        for try await stored in rows.decode(String.self) where stored != node {
            throw CentralStoreError(
                .nodeMismatch,
                "The central store \(location) belongs to central node \"\(stored)\", not \"\(node)\"; "
                    + "start the service with node \(stored)."
            )
        }
    }

    // MARK: CentralStore

    public func push(_ operations: [InvoiceOperation], from branch: String) async throws -> [OperationOutcome] {
        try checkOpen()
        guard !operations.isEmpty else { return [] }
        let policy = self.policy
        let prepared = await StoredContent.prepare(operations) { operation in
            (StoredContent(operation), CentralRules.precheck(operation, policy: policy))
        }
        var outcomes: [OperationOutcome] = []
        outcomes.reserveCapacity(operations.count)
        // Beyond 2^20 - 1 operations, consecutive transactions (a branch sends at most 5,000).
        for start in stride(from: 0, to: operations.count, by: Self.maximumBatch) {
            let end = min(start + Self.maximumBatch, operations.count)
            outcomes += try await pushChunk(Array(operations[start..<end]), Array(prepared[start..<end]), from: branch)
        }
        return outcomes
    }

    private func pushChunk(
        _ operations: [InvoiceOperation],
        _ prepared: [(StoredContent, CentralRules.Precheck)],
        from branch: String
    ) async throws -> [OperationOutcome] {
        let instant = now().description
        let outcomes = try await transaction("apply the batch") { connection, logger, rowByRow in
            try await Self.refuseIfBroken(branch, on: connection, logger: logger)
            var ledger = try await Self.lockAndRead(operations, on: connection, logger: logger)
            var outcomes: [OperationOutcome] = []
            outcomes.reserveCapacity(operations.count)
            for (ordinal, (operation, (content, precheck))) in zip(operations, prepared).enumerated() {
                let decision = CentralRules.decide(
                    operation,
                    situation: ledger.situation(for: operation),
                    precheck: precheck
                )
                if case .apply = decision {
                    ledger.apply(operation, content: content, changedBy: branch, ordinal: ordinal)
                }
                outcomes.append(OperationOutcome(operationID: operation.id, outcome: decision.outcome))
            }
            try await Self.write(ledger, at: instant, rowByRow: rowByRow, on: connection, logger: logger)
            try await Self.recordPush(
                branch,
                operations: operations,
                outcomes: outcomes,
                at: instant,
                on: connection,
                logger: logger
            )
            Failpoint.pass("central.push.\(Failpoint.Phase.beforeCommit.rawValue)")
            return outcomes
        }
        Failpoint.pass("central.push.\(Failpoint.Phase.afterCommit.rawValue)")
        return outcomes
    }

    public func lookup(_ ids: [UUID]) async throws -> InvoiceLookup {
        try checkOpen()
        guard !ids.isEmpty else { return InvoiceLookup(found: [], missing: []) }
        return try await read("look invoices up") { connection, logger in
            let rows = try await connection.run(
                "SELECT id, clock, content FROM central_invoice WHERE id = ANY(\(ids))",
                logger: logger
            )
            var stored: [UUID: RemoteVersion] = [:]
            for try await (id, clock, content) in rows.decode((UUID, String, String).self) {
                stored[id] = try StoredContent.version(id: id.uuidText, clock: clock, content: content)
            }
            var found: [RemoteVersion] = []
            var missing: [UUID] = []
            for id in ids {
                if let version = stored[id] { found.append(version) } else { missing.append(id) }
            }
            return InvoiceLookup(found: found, missing: missing)
        }
    }

    public func changes(
        branch: String,
        since cursor: Int64,
        limit: Int,
        scope: ChangeScope
    ) async throws -> ChangePage {
        try checkOpen()
        let limit = min(max(limit, 0), Int(Int32.max) - 1)
        let everyone = scope == .all
        return try await read("list changes") { connection, logger in
            // Only changes of transactions older than every one still running that may write
            // here: their change numbers are below that transaction's id × 2^20. A running
            // transaction is ignored only when the server shows it in another database; one
            // it cannot place (it just ended, or belongs to a role this one cannot see) counts.
            let rows = try await connection.run(
                """
                WITH snapshot AS (SELECT pg_current_snapshot() AS s),
                horizon AS (
                    SELECT coalesce(
                        (SELECT min(x) FROM snapshot, pg_snapshot_xip(snapshot.s) AS x
                         WHERE NOT EXISTS (
                             SELECT 1 FROM pg_stat_activity a
                             WHERE a.backend_xid = xid(x) AND a.datname <> current_database())),
                        (SELECT pg_snapshot_xmax(s) FROM snapshot)
                    )::text::bigint AS xid
                )
                SELECT id, change_seq, changed_by, clock, content FROM central_invoice, horizon
                WHERE branch = \(branch) AND change_seq > \(cursor)
                  AND (\(everyone) OR changed_by <> \(branch))
                  AND change_seq < (horizon.xid << 20)
                ORDER BY change_seq LIMIT \(limit + 1)
                """,
                logger: logger
            )
            var changes: [ChangePage.Change] = []
            var more = false
            for try await (id, sequence, changedBy, clock, content) in rows.decode(
                (UUID, Int64, String, String, String).self
            ) {
                guard changes.count < limit else {
                    more = true
                    continue
                }
                let version = try StoredContent.version(id: id.uuidText, clock: clock, content: content)
                changes.append(ChangePage.Change(sequence: sequence, version: version, changedBy: changedBy))
            }
            return ChangePage(changes: changes, cursor: changes.last?.sequence ?? cursor, hasMore: more)
        }
    }

    public func edit(_ invoiceID: UUID, _ edit: CentralEdit) async throws -> RemoteVersion {
        try checkOpen()
        let node = self.node
        let policy = self.policy
        let instant = now().description
        // The edit is computed on the version read first, then written under the locks only if
        // that version is still the current one; otherwise it is computed again.
        for _ in 0..<5 {
            guard let current = try await lookup([invoiceID]).found.first else {
                throw CentralStoreError(.invoiceNotFound, "the centre holds no invoice \(invoiceID.uuidText)")
            }
            let operation = try edit.operation(on: current, node: node, policy: policy)
            let written = try await transaction("apply the edit") { connection, logger, rowByRow in
                var ledger = try await Self.lockAndRead([operation], on: connection, logger: logger)
                let situation = ledger.situation(for: operation)
                guard situation.current?.clock == current.clock else { return false }
                if let owner = situation.numberOwner, owner.invoice.id != invoiceID {
                    throw CentralStoreError(.invalidEdit, "number \(owner.invoice.number) belongs to another invoice")
                }
                if situation.appliedHash != nil {
                    throw CentralStoreError(
                        .invalidEdit,
                        "operation \(edit.operationID.uuidText) was already applied; an operation id is never reused"
                    )
                }
                ledger.apply(operation, content: StoredContent(operation), changedBy: node, ordinal: 0)
                try await Self.write(ledger, at: instant, rowByRow: rowByRow, on: connection, logger: logger)
                return true
            }
            if written { return RemoteVersion(invoice: operation.invoice, clock: operation.clock) }
        }
        throw CentralStoreError(
            .unavailable,
            "invoice \(invoiceID.uuidText) kept changing while the edit was made; nothing was changed, try again."
        )
    }

    public func invoiceCount() async throws -> Int64 {
        try checkOpen()
        return try await read("count invoices") { connection, logger in
            let rows = try await connection.run("SELECT count(*) FROM central_invoice", logger: logger)
            var count: Int64 = 0
            for try await value in rows.decode(Int64.self) { count = value }
            return count
        }
    }

    public func close() async throws {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        runner.cancel()
        await runner.value
    }

}
