import FapiaoCore
import FapiaoFailpoints
import FapiaoRemote
import Foundation
import GRDB
import Schema
import Synchronization

/// A central store in one SQLite file: the centre for a single office (DESIGN §7).
///
/// Backed by SQLite in WAL mode with `synchronous=FULL` (a GRDB `DatabasePool` for `serve`; a
/// read-only connection and a writer opened at the first write for the HQ tools and a branch
/// syncing straight into the file, see ``Connections``): once ``push(_:from:)``
/// has returned its outcomes, the versions it accepted and the operation ids it recorded
/// survive `kill -9` and power loss, so a replay after any crash is answered `duplicate`.
/// Each batch is one `IMMEDIATE` write transaction: all of it is applied, or none of it.
///
/// The file is marked with `application_id` "FAPC". A file that is not a central store (a
/// branch journal, another application's database, random bytes) or that a newer Fapiao
/// wrote is refused from its header, before SQLite opens it, and left byte-for-byte unchanged.
///
/// The database is the state and SQLite serialises writers, so the type is a `Sendable`
/// class rather than an actor.
public final class SQLiteCentralStore: CentralStore {
    /// The store file's path.
    public let path: String
    public let node: String
    public let kind = "sqlite"
    /// The rules the centre applies beyond every branch's.
    public let policy: CentralPolicy
    let connections: Mutex<Connections>
    let now: @Sendable () -> UTCTimestamp

    /// The schema version this build writes: the number of central migrations.
    static var schemaVersion: Int32 { Int32(Schema.central.count) }

    /// Opens the central store at `path`, creating it if asked to and it does not exist yet.
    ///
    /// - Parameters:
    ///   - path: the store file; missing directories are created with mode 0700, the file with 0600.
    ///   - node: the centre's node id in vector clocks. It is recorded when the store is
    ///     created; opening the store later with another id is refused.
    ///   - policy: the rules the centre applies beyond every branch's.
    ///   - create: whether to create the store when there is no file (or an empty one) at `path`.
    ///   - now: the wall clock, recorded on rows for people to read; it never decides an outcome.
    /// - Throws: ``CentralStoreError``: `.notFound` (no store, `create` false),
    ///   `.notACentralStore`, `.newerVersion`, `.nodeMismatch`, `.damaged` or `.unavailable`.
    public init(
        path: String,
        node: String = "central",
        policy: CentralPolicy = .standard,
        create: Bool = true,
        now: @escaping @Sendable () -> UTCTimestamp = SQLiteCentralStore.systemNow
    ) throws {
        self.path = path
        self.node = node
        self.policy = policy
        self.now = now
        var createdHere = false
        do {
            let userVersion: Int32
            let state = try CentralStoreFile.inspect(path: path, schemaVersion: Self.schemaVersion)
            switch state {
            case .absent, .empty:
                guard create else {
                    throw CentralStoreFile.noStore(
                        at: path,
                        state,
                        instead: "start the service with a path it may create, or fix the path."
                    )
                }
                try CentralStoreFile.createEmpty(path: path)
                createdHere = true
                try Self.mark(path: path)
                userVersion = 0
            case .store(let version):
                userVersion = version
                try Self.refuseIfDamaged(path: path, expectingNode: !create && version >= Self.schemaVersion)
            }
            if create || userVersion < Self.schemaVersion {
                let pool = try Self.openPool(path: path)
                if userVersion < Self.schemaVersion {
                    try Self.migrate(pool)
                }
                try Self.claim(pool, path: path, node: node)
                connections = Mutex(Connections(writer: pool))
            } else {
                // Nothing is written until a command writes (see `Connections`); the node id
                // is recorded, as `refuseIfDamaged` checked.
                let reader = try Self.openReader(path: path)
                try reader.read { db in _ = try Self.recordedNode(db, path: path, expecting: node) }
                connections = Mutex(Connections(reader: reader))
            }
        } catch {
            if createdHere { CentralStoreFile.remove(path: path) }
            throw Self.mapped(error, path: path)
        }
    }

    /// The system clock.
    @Sendable public static func systemNow() -> UTCTimestamp {
        UTCTimestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// `PRAGMA synchronous` on the writer connection: 2 (FULL) on every open store.
    public func writerSynchronousMode() throws -> Int {
        try liveWriter().barrierWriteWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    // MARK: CentralStore

    public func push(_ operations: [InvoiceOperation], from branch: String) async throws -> [OperationOutcome] {
        guard !operations.isEmpty else {
            _ = try liveReader()
            return []
        }
        let policy = self.policy
        let instant = now()
        // Encoded and validated before the write lock is taken, on every core: the writer only
        // looks up, decides and writes.
        let prepared = await StoredContent.prepare(operations) { operation in
            (StoredContent(operation), CentralRules.precheck(operation, policy: policy))
        }
        let outcomes = try await write { db in
            try Self.refuseIfBroken(db, branch: branch)
            var transaction = try CentralTransaction(db, now: instant)
            var outcomes: [OperationOutcome] = []
            outcomes.reserveCapacity(operations.count)
            for (operation, (content, precheck)) in zip(operations, prepared) {
                let situation = try transaction.situation(for: operation)
                let decision = CentralRules.decide(operation, situation: situation, precheck: precheck)
                if case .apply = decision {
                    try transaction.apply(operation, content: content, changedBy: branch)
                }
                outcomes.append(OperationOutcome(operationID: operation.id, outcome: decision.outcome))
            }
            try transaction.finish()
            try Self.recordPush(db, branch: branch, operations: operations, outcomes: outcomes, at: instant)
            Failpoint.pass("central.push.\(Failpoint.Phase.beforeCommit.rawValue)")
            return outcomes
        }
        Failpoint.pass("central.push.\(Failpoint.Phase.afterCommit.rawValue)")
        return outcomes
    }

    public func lookup(_ ids: [UUID]) async throws -> InvoiceLookup {
        try await read { db in
            let statement = try db.cachedStatement(sql: "SELECT clock, content FROM central_invoice WHERE id = ?")
            var found: [RemoteVersion] = []
            var missing: [UUID] = []
            for id in ids {
                let text = id.uuidText
                if let row = try Row.fetchOne(statement, arguments: [text]) {
                    found.append(try StoredContent.version(id: text, clock: row[0], content: row[1]))
                } else {
                    missing.append(id)
                }
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
        // Clamped so that `limit + 1`, asked for to learn `hasMore`, cannot overflow.
        let limit = min(max(limit, 0), Int(Int32.max))
        return try await read { db in
            // Both walk the (branch, change_seq) index in order; `.elsewhere` filters rows on the way.
            let rows: [Row]
            switch scope {
            case .elsewhere:
                rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT id, change_seq, changed_by, clock, content FROM central_invoice
                            WHERE branch = ? AND changed_by != ? AND change_seq > ?
                            ORDER BY change_seq LIMIT ?
                            """
                    ),
                    arguments: [branch, branch, cursor, limit + 1]
                )
            case .all:
                rows = try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT id, change_seq, changed_by, clock, content FROM central_invoice
                            WHERE branch = ? AND change_seq > ?
                            ORDER BY change_seq LIMIT ?
                            """
                    ),
                    arguments: [branch, cursor, limit + 1]
                )
            }
            var changes: [ChangePage.Change] = []
            for row in rows.prefix(limit) {
                changes.append(
                    ChangePage.Change(
                        sequence: row[1],
                        version: try StoredContent.version(id: row[0], clock: row[3], content: row[4]),
                        changedBy: row[2]
                    )
                )
            }
            return ChangePage(changes: changes, cursor: changes.last?.sequence ?? cursor, hasMore: rows.count > limit)
        }
    }

    public func edit(_ invoiceID: UUID, _ edit: CentralEdit) async throws -> RemoteVersion {
        let node = self.node
        let policy = self.policy
        let instant = now()
        return try await write { db in
            var transaction = try CentralTransaction(db, now: instant)
            guard let current = try transaction.current(invoiceID) else {
                throw CentralStoreError(.invoiceNotFound, "the centre holds no invoice \(invoiceID.uuidText)")
            }
            let operation = try edit.operation(on: current, node: node, policy: policy)
            if let owner = try transaction.owner(of: operation.invoice.numberKey), owner != invoiceID.uuidText {
                throw CentralStoreError(.invalidEdit, "number \(operation.invoice.number) belongs to another invoice")
            }
            if try transaction.appliedHash(of: operation.id) != nil {
                throw CentralStoreError(
                    .invalidEdit,
                    "operation \(edit.operationID.uuidText) was already applied; an operation id is never reused"
                )
            }
            try transaction.apply(operation, changedBy: node)
            try transaction.finish()
            return RemoteVersion(invoice: operation.invoice, clock: operation.clock)
        }
    }

    public func numberUses() async throws -> [NumberReport.Use] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, content FROM central_invoice").map { row in
                try StoredContent.numberUse(id: row["id"], content: row["content"])
            }
        }
    }

    public func invoiceCount() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT count(*) FROM central_invoice") ?? 0 }
    }

    public func close() async throws {
        do {
            try closeConnections()
        } catch {
            throw Self.mapped(error, path: path)
        }
    }
}
