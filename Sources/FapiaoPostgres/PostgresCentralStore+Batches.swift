import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import PostgresNIO
import Synchronization

extension PostgresCentralStore {
    // MARK: Batches

    /// Takes the batch's advisory locks, then reads the operation hashes and the versions its
    /// decisions need: the invoices themselves and the owners of their numbers.
    static func lockAndRead(
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
        // The numbers the operations use, and the originals their red invoices name.
        let numberKeys = operations.map(\.invoice.numberKey) + operations.compactMap(\.invoice.originalKey)
        let sellers = numberKeys.map(\.sellerTaxID)
        let codes = numberKeys.map(\.code)
        let numbers = numberKeys.map(\.number)
        let originalKeys = operations.compactMap(\.invoice.originalKeyText)
        let versionRows = try await connection.run(
            """
            SELECT id, clock, content FROM central_invoice WHERE id = ANY(\(invoiceIDs))
            UNION
            SELECT i.id, i.clock, i.content FROM central_invoice i
            JOIN unnest(\(sellers)::text[], \(codes)::text[], \(numbers)::text[]) AS k(seller, code, number)
              ON i.seller_tax_id = k.seller AND i.code = k.code AND i.number = k.number
            UNION
            SELECT id, clock, content FROM central_invoice WHERE original_key = ANY(\(originalKeys)::text[])
            """,
            logger: logger
        )
        var versions: [RemoteVersion] = []
        for try await (id, clock, content) in versionRows.decode((UUID, String, String).self) {
            versions.append(try StoredContent.version(id: id.uuidText, clock: clock, content: content))
        }
        return BatchLedger(appliedHashes: hashes, versions: versions)
    }

    /// Writes what the ledger applied: the final version of each invoice and every operation
    /// record, with change numbers from the transaction's id.
    ///
    /// `rowByRow` writes every version in the order decided, one statement each: the way out
    /// when one statement cannot order the rows (two invoices swapping numbers in one batch).
    static func write(
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

    static func upsert(
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
        // '' for a normal invoice: the array stays text[], and NULLIF stores NULL.
        let originalKeys = writes.map { $0.operation.invoice.originalKeyText ?? "" }
        try await connection.run(
            """
            INSERT INTO central_invoice (id, branch, seller_tax_id, code, number, clock, content, content_hash,
                voided, change_seq, changed_by, updated_at, original_key)
            SELECT r.id, r.branch, r.seller, r.code, r.number, r.clock, r.content, r.content_hash, r.voided,
                   (pg_current_xact_id()::text::bigint << 20) + r.ordinal, r.changed_by, \(instant),
                   NULLIF(r.original_key, '')
            FROM unnest(\(ids)::uuid[], \(branches)::text[], \(sellers)::text[], \(codes)::text[],
                        \(numbers)::text[], \(clocks)::text[], \(contents)::text[], \(contentHashes)::text[],
                        \(voided)::bool[], \(ordinals)::int8[], \(changedBy)::text[], \(originalKeys)::text[])
                 WITH ORDINALITY AS r(id, branch, seller, code, number, clock, content, content_hash, voided,
                                      ordinal, changed_by, original_key, position)
            ORDER BY r.position
            ON CONFLICT (id) DO UPDATE SET
                branch = excluded.branch, seller_tax_id = excluded.seller_tax_id, code = excluded.code,
                number = excluded.number, clock = excluded.clock, content = excluded.content,
                content_hash = excluded.content_hash, voided = excluded.voided,
                change_seq = excluded.change_seq, changed_by = excluded.changed_by,
                updated_at = excluded.updated_at, original_key = excluded.original_key
            """,
            logger: logger
        )
    }
}
