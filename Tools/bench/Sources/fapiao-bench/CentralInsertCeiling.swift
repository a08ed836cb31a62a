import FapiaoCentralStore
import FapiaoCore
import Foundation

#if canImport(GRDBSQLite)
import GRDBSQLite
#elseif canImport(SQLite3)
import SQLite3
#endif

/// The central store's storage ceiling: the rows that `SQLiteCentralStore.push` would write,
/// inserted straight into a fresh central store file through SQLite's C API.
///
/// The file is created by `SQLiteCentralStore` itself (so it has the central schema, its
/// indexes and its pragmas), then closed and reopened raw. Inside one `BEGIN IMMEDIATE`
/// transaction, two prepared statements insert one `central_invoice` and one
/// `central_operation` row per operation; the commit is part of the timing. No HTTP, no
/// rules, no lookups, no JSON, no hashing: every value is computed before the clock starts.
/// Same durability as the store: WAL, `synchronous=FULL`, the same page cache size.
struct CentralInsertCeiling {
    var path: String
    var node: String
    var rows: [(invoice: CentralWorkload.InvoiceRow, operation: CentralWorkload.OperationRow)]

    /// Runs the inserts and returns the seconds they took, commit included.
    func run() async throws -> Double {
        let store = try SQLiteCentralStore(path: path, create: true)
        try await store.close()

        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db = handle else {
            sqlite3_close(handle)
            throw BenchFailure(message: "cannot open \(path) with SQLite")
        }
        defer { sqlite3_close(db) }
        try execute(db, "PRAGMA synchronous = FULL")
        try execute(db, "PRAGMA cache_size = -65536")
        guard try text(db, "PRAGMA journal_mode") == "wal", try text(db, "PRAGMA synchronous") == "2" else {
            throw BenchFailure(
                message: "the ceiling's store is not in WAL with synchronous=FULL; the figures would be wrong"
            )
        }

        let invoice = try prepare(
            db,
            """
            INSERT INTO central_invoice (id, branch, seller_tax_id, code, number, clock, content, content_hash,
                voided, change_seq, changed_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        defer { sqlite3_finalize(invoice) }
        let operation = try prepare(
            db,
            """
            INSERT INTO central_operation (id, invoice_id, kind, hash, clock, node, change_seq, applied_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        defer { sqlite3_finalize(operation) }
        let appliedAt = SQLiteCentralStore.systemNow().description

        let clock = ContinuousClock()
        let start = clock.now
        try execute(db, "BEGIN IMMEDIATE")
        for (index, row) in rows.enumerated() {
            let sequence = Int64(index + 1)
            let values = row.invoice
            bind(invoice, 1, values.id)
            bind(invoice, 2, values.branch)
            bind(invoice, 3, values.sellerTaxID)
            bind(invoice, 4, values.code)
            bind(invoice, 5, values.number)
            bind(invoice, 6, values.clock)
            bind(invoice, 7, values.content)
            bind(invoice, 8, values.contentHash)
            sqlite3_bind_int64(invoice, 9, values.voided)
            sqlite3_bind_int64(invoice, 10, sequence)
            bind(invoice, 11, node)
            bind(invoice, 12, appliedAt)
            try step(db, invoice)

            let op = row.operation
            bind(operation, 1, op.id)
            bind(operation, 2, op.invoiceID)
            bind(operation, 3, op.kind)
            bind(operation, 4, op.hash)
            bind(operation, 5, op.clock)
            bind(operation, 6, node)
            sqlite3_bind_int64(operation, 7, sequence)
            bind(operation, 8, appliedAt)
            try step(db, operation)
        }
        try execute(db, "COMMIT")
        let seconds = start.duration(to: clock.now).inSeconds

        let stored = try text(
            db,
            "SELECT (SELECT count(*) FROM central_invoice) + (SELECT count(*) FROM central_operation)"
        )
        guard stored == String(2 * rows.count) else {
            throw BenchFailure(message: "the ceiling stored \(stored) rows, not \(2 * rows.count)")
        }
        return seconds
    }

    // MARK: SQLite

    /// `SQLITE_TRANSIENT`: SQLite copies the bound bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func bind(_ statement: OpaquePointer, _ index: Int32, _ value: String) {
        sqlite3_bind_text(statement, index, value, -1, Self.transient)
    }

    private func step(_ db: OpaquePointer, _ statement: OpaquePointer) throws {
        guard sqlite3_step(statement) == SQLITE_DONE else { throw failure(db, "INSERT") }
        sqlite3_reset(statement)
    }

    private func prepare(_ db: OpaquePointer, _ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw failure(db, "prepare")
        }
        return statement
    }

    private func execute(_ db: OpaquePointer, _ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw failure(db, sql) }
    }

    /// The first column of the first row of `sql`, as text.
    private func text(_ db: OpaquePointer, _ sql: String) throws -> String {
        let statement = try prepare(db, sql)
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else {
            throw failure(db, sql)
        }
        return String(cString: text).lowercased()
    }

    private func failure(_ db: OpaquePointer, _ what: String) -> BenchFailure {
        BenchFailure(message: "SQLite failed (\(what)): \(String(cString: sqlite3_errmsg(db))) on \(path)")
    }
}
