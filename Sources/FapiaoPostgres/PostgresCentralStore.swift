import FapiaoCentralStore
import FapiaoCore
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
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let now: @Sendable () -> UTCTimestamp
    private let closed = Mutex(false)
    private let leaseTimeout: Duration
    private let operationTimeout: Duration

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
        return try await transaction("apply the batch") { connection, logger, rowByRow in
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
            return outcomes
        }
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
                stored[id] = try StoredContent.version(id: id.uuidString, clock: clock, content: content)
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
                let version = try StoredContent.version(id: id.uuidString, clock: clock, content: content)
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
                throw CentralStoreError(.invoiceNotFound, "the centre holds no invoice \(invoiceID.uuidString)")
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
                        "operation \(edit.operationID.uuidString) was already applied; an operation id is never reused"
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
            "invoice \(invoiceID.uuidString) kept changing while the edit was made; nothing was changed, try again."
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

    // MARK: Batches

    /// Takes the batch's advisory locks, then reads the operation hashes and the versions its
    /// decisions need: the invoices themselves and the owners of their numbers.
    private static func lockAndRead(
        _ operations: [InvoiceOperation],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> BatchLedger {
        let keys = LockKeys.keys(for: operations)
        // unnest yields the sorted keys in order, so the locks are taken in ascending order.
        try await connection.run(
            "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(\(keys)::int8[]) AS k",
            logger: logger
        )
        let operationIDs = operations.map(\.id)
        var hashes: [UUID: String] = [:]
        let hashRows = try await connection.run(
            "SELECT id, hash FROM central_operation WHERE id = ANY(\(operationIDs))",
            logger: logger
        )
        for try await (id, hash) in hashRows.decode((UUID, String).self) { hashes[id] = hash }
        let invoiceIDs = operations.map(\.invoiceID)
        let sellers = operations.map(\.invoice.numberKey.sellerTaxID)
        let codes = operations.map(\.invoice.numberKey.code)
        let numbers = operations.map(\.invoice.numberKey.number)
        let versionRows = try await connection.run(
            """
            SELECT id, clock, content FROM central_invoice WHERE id = ANY(\(invoiceIDs))
            UNION
            SELECT i.id, i.clock, i.content FROM central_invoice i
            JOIN unnest(\(sellers)::text[], \(codes)::text[], \(numbers)::text[]) AS k(seller, code, number)
              ON i.seller_tax_id = k.seller AND i.code = k.code AND i.number = k.number
            """,
            logger: logger
        )
        var versions: [RemoteVersion] = []
        for try await (id, clock, content) in versionRows.decode((UUID, String, String).self) {
            versions.append(try StoredContent.version(id: id.uuidString, clock: clock, content: content))
        }
        return BatchLedger(appliedHashes: hashes, versions: versions)
    }

    /// Writes what the ledger applied: the final version of each invoice and every operation
    /// record, with change numbers from the transaction's id.
    ///
    /// `rowByRow` writes every version in the order decided, one statement each: the way out
    /// when one statement cannot order the rows (two invoices swapping numbers in one batch).
    private static func write(
        _ ledger: BatchLedger,
        at instant: String,
        rowByRow: Bool,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard !ledger.writes.isEmpty else { return }
        if rowByRow {
            for write in ledger.writes { try await upsert([write], at: instant, on: connection, logger: logger) }
        } else {
            try await upsert(ledger.finalWrites, at: instant, on: connection, logger: logger)
        }
        let writes = ledger.writes
        let ids = writes.map(\.operation.id)
        let invoiceIDs = writes.map(\.operation.invoiceID)
        let kinds = writes.map(\.operation.kind.rawValue)
        let hashes = writes.map(\.operation.hash)
        let clocks = writes.map(\.operation.clock.description)
        let nodes = writes.map(\.changedBy)
        let ordinals = writes.map { Int64($0.ordinal) }
        try await connection.run(
            """
            INSERT INTO central_operation (id, invoice_id, kind, hash, clock, node, change_seq, applied_at)
            SELECT o.id, o.invoice_id, o.kind, o.hash, o.clock, o.node,
                   (pg_current_xact_id()::text::bigint << 20) + o.ordinal, \(instant)
            FROM unnest(\(ids)::uuid[], \(invoiceIDs)::uuid[], \(kinds)::text[], \(hashes)::text[],
                        \(clocks)::text[], \(nodes)::text[], \(ordinals)::int8[])
                 AS o(id, invoice_id, kind, hash, clock, node, ordinal)
            """,
            logger: logger
        )
    }

    private static func upsert(
        _ writes: [BatchLedger.Write],
        at instant: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let ids = writes.map(\.operation.invoiceID)
        let branches = writes.map(\.operation.invoice.branch)
        let sellers = writes.map(\.operation.invoice.seller.taxID)
        let codes = writes.map { $0.operation.invoice.code ?? "" }
        let numbers = writes.map(\.operation.invoice.number)
        let clocks = writes.map(\.operation.clock.description)
        let contents = writes.map(\.content.text)
        let contentHashes = writes.map(\.content.hash)
        let voided = writes.map { $0.operation.invoice.void != nil }
        let ordinals = writes.map { Int64($0.ordinal) }
        let changedBy = writes.map(\.changedBy)
        try await connection.run(
            """
            INSERT INTO central_invoice (id, branch, seller_tax_id, code, number, clock, content, content_hash,
                voided, change_seq, changed_by, updated_at)
            SELECT r.id, r.branch, r.seller, r.code, r.number, r.clock, r.content, r.content_hash, r.voided,
                   (pg_current_xact_id()::text::bigint << 20) + r.ordinal, r.changed_by, \(instant)
            FROM unnest(\(ids)::uuid[], \(branches)::text[], \(sellers)::text[], \(codes)::text[],
                        \(numbers)::text[], \(clocks)::text[], \(contents)::text[], \(contentHashes)::text[],
                        \(voided)::bool[], \(ordinals)::int8[], \(changedBy)::text[])
                 WITH ORDINALITY AS r(id, branch, seller, code, number, clock, content, content_hash, voided,
                                      ordinal, changed_by, position)
            ORDER BY r.position
            ON CONFLICT (id) DO UPDATE SET
                branch = excluded.branch, seller_tax_id = excluded.seller_tax_id, code = excluded.code,
                number = excluded.number, clock = excluded.clock, content = excluded.content,
                content_hash = excluded.content_hash, voided = excluded.voided,
                change_seq = excluded.change_seq, changed_by = excluded.changed_by,
                updated_at = excluded.updated_at
            """,
            logger: logger
        )
    }

    // MARK: Transactions

    private func checkOpen() throws(CentralStoreError) {
        guard !closed.withLock({ $0 }) else {
            throw CentralStoreError(.unavailable, "The central store \(location) is closed.")
        }
    }

    /// Runs `body` in one transaction on a pooled connection, committing when it returns.
    ///
    /// A deadlock, a serialization failure or a unique violation rolls the transaction back and
    /// runs it again (at most five times); after a unique violation `body` is told to write row
    /// by row. Failures become ``CentralStoreError``s; a connection lost during `COMMIT` is `.inDoubt`.
    private func transaction<T: Sendable>(
        _ action: String,
        _ body: @escaping @Sendable (PostgresConnection, Logger, _ rowByRow: Bool) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        var rowByRow = false
        var attempt = 0
        while true {
            attempt += 1
            do {
                let rowByRowNow = rowByRow
                return try await leased(writes: true) { connection in
                    try await Self.inTransaction(on: connection, logger: logger) { connection in
                        try await body(connection, logger, rowByRowNow)
                    }
                }
            } catch let error as PSQLError where attempt < 5 && PostgresErrors.isRetryable(error) {
                if PostgresErrors.sqlState(error) == PostgresErrors.uniqueViolation { rowByRow = true }
                logger.debug("retrying transaction", metadata: ["action": "\(action)", "attempt": "\(attempt)"])
            } catch {
                throw PostgresErrors.mapped(error, action: action, location: location)
            }
        }
    }

    /// Runs a read-only `body` on a pooled connection.
    private func read<T: Sendable>(
        _ action: String,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        do {
            return try await leased(writes: false) { connection in try await body(connection, logger) }
        } catch {
            throw PostgresErrors.mapped(error, action: action, location: location)
        }
    }

    /// Runs `body` on a connection from the pool, giving up when none comes within the lease timeout.
    ///
    /// No connection means the server is down or unreachable; the pool keeps retrying in the
    /// background. Once `body` has its connection it may run for the operation timeout: a call
    /// still unanswered then is abandoned (see ``PostgresConnection/run(_:logger:)``) and
    /// reported as in doubt when it writes.
    private func leased<T: Sendable>(
        writes: Bool,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let client = self.client
        let leaseTimeout = self.leaseTimeout
        let operationTimeout = self.operationTimeout
        let started = LeaseFlag()
        let work = Task {
            try await client.withConnection { connection in
                started.set()
                return try await body(connection)
            }
        }
        let outcome = FirstOutcome<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.install(continuation)
                let timer = Task {
                    do { try await Task.sleep(for: leaseTimeout) } catch { return }
                    guard started.isSet else {
                        work.cancel()
                        outcome.finish(.failure(LeaseTimedOut(timeout: leaseTimeout)))
                        return
                    }
                    do { try await Task.sleep(for: operationTimeout) } catch { return }
                    outcome.finish(.failure(OperationTimedOut(timeout: operationTimeout, mayHaveApplied: writes)))
                }
                Task {
                    let result = await work.result
                    timer.cancel()
                    outcome.finish(result)
                }
            }
        } onCancel: {
            work.cancel()
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT` on `connection`, rolling back when it throws.
    static func inTransaction<T>(
        on connection: PostgresConnection,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.run("BEGIN", logger: logger)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            _ = try? await connection.run("ROLLBACK", logger: logger)
            throw error
        }
        do {
            try await connection.run("COMMIT", logger: logger)
        } catch let error as PSQLError where PostgresErrors.leavesCommitInDoubt(error) {
            throw CommitInDoubt(underlying: error)
        }
        return result
    }
}

/// Whether a leased call has its connection.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// The first of several racing results, handed to one continuation exactly once.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var done = false
    }
    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func finish(_ result: Result<T, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard !state.done else { return nil }
            state.done = true
            guard let continuation = state.continuation else {
                state.early = result
                return nil
            }
            return continuation
        }
        continuation?.resume(with: result)
    }
}

/// A call had its connection but no answer within the operation timeout.
struct OperationTimedOut: Error {
    var timeout: Duration
    var mayHaveApplied: Bool
}

/// No pooled connection came in time: nothing was sent.
struct LeaseTimedOut: Error {
    var timeout: Duration
}

/// The connection broke while `COMMIT` was on its way: the transaction may have committed.
struct CommitInDoubt: Error {
    var underlying: PSQLError
}
