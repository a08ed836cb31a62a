import FapiaoCore
import Foundation
import GRDB

/// The reads and writes of one central store transaction, on SQLite.
///
/// Made once per transaction: it prepares its cached statements once and keeps the
/// centre's change counter in memory until ``finish()``, so a batch of thousands of
/// operations costs a few index probes and two inserts per operation.
struct CentralTransaction {
    /// `central_setting` key of the last change sequence number handed out.
    static let lastChangeKey = "last_change_seq"

    private let db: Database
    private let appliedHashStatement: Statement
    private let situationStatement: Statement
    private let currentStatement: Statement
    private let ownerStatement: Statement
    private let upsertStatement: Statement
    private let operationStatement: Statement
    private let appliedAt: String
    private var lastSequence: Int64
    private let firstSequence: Int64

    /// Prepares the statements and reads the change counter.
    ///
    /// - Parameters:
    ///   - db: a connection inside a write transaction.
    ///   - now: the wall time recorded on rows written, for people to read.
    /// - Throws: the database's error, or ``CentralStoreError`` `.damaged` for an unreadable counter.
    init(_ db: Database, now: UTCTimestamp) throws {
        self.db = db
        appliedHashStatement = try db.cachedStatement(sql: "SELECT hash FROM central_operation WHERE id = ?")
        // One statement for everything a decision needs: the operation's earlier hash, the
        // invoice's current row and the row that owns its number (SQLite answers the OR with
        // both indexes). Index probes are cheap; statements are not.
        situationStatement = try db.cachedStatement(
            sql: """
                SELECT 0, hash, NULL, NULL FROM central_operation WHERE id = ?
                UNION ALL
                SELECT 1, id, clock, content FROM central_invoice
                WHERE id = ? OR (seller_tax_id = ? AND code = ? AND number = ?)
                """
        )
        currentStatement = try db.cachedStatement(sql: "SELECT clock, content FROM central_invoice WHERE id = ?")
        ownerStatement = try db.cachedStatement(
            sql: "SELECT id, clock, content FROM central_invoice WHERE seller_tax_id = ? AND code = ? AND number = ?"
        )
        upsertStatement = try db.cachedStatement(
            sql: """
                INSERT INTO central_invoice (id, branch, seller_tax_id, code, number, clock, content, content_hash,
                    voided, change_seq, changed_by, updated_at, original_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    branch = excluded.branch, seller_tax_id = excluded.seller_tax_id, code = excluded.code,
                    number = excluded.number, clock = excluded.clock, content = excluded.content,
                    content_hash = excluded.content_hash, voided = excluded.voided,
                    change_seq = excluded.change_seq, changed_by = excluded.changed_by,
                    updated_at = excluded.updated_at, original_key = excluded.original_key
                """
        )
        operationStatement = try db.cachedStatement(
            sql: """
                INSERT INTO central_operation (id, invoice_id, kind, hash, clock, node, change_seq, applied_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        appliedAt = now.description
        lastSequence = try Self.lastSequence(db)
        firstSequence = lastSequence
    }

    /// The last change sequence number handed out: the stored counter, or, if it is missing,
    /// the highest number any applied operation carries.
    static func lastSequence(_ db: Database) throws -> Int64 {
        if let text = try String.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM central_setting WHERE key = ?"),
            arguments: [lastChangeKey]
        ) {
            guard let value = Int64(text) else {
                throw CentralStoreError(.damaged, "The central store's change counter \"\(text)\" is not a number.")
            }
            return value
        }
        return try Int64.fetchOne(db, sql: "SELECT coalesce(max(change_seq), 0) FROM central_operation") ?? 0
    }

    /// The hash recorded for operation `id`, when the centre applied it before.
    func appliedHash(of id: UUID) throws -> String? {
        try String.fetchOne(appliedHashStatement, arguments: [id.uuidText])
    }

    /// What the store knows that bears on `operation`, as ``CentralRules`` needs it.
    ///
    /// Stored versions are parsed only when there are rows, and not at all when the
    /// operation was applied before: the decision is then made on its hash alone.
    func situation(for operation: InvoiceOperation) throws -> CentralRules.Situation {
        let invoiceID = operation.invoiceID.uuidText
        let key = operation.invoice.numberKey
        let rows = try Row.fetchCursor(
            situationStatement,
            arguments: [operation.id.uuidText, invoiceID, key.sellerTaxID, key.code, key.number]
        )
        var stored: [(id: String, clock: String, content: String)] = []
        while let row = try rows.next() {
            if row[0] as Int64 == 0 { return CentralRules.Situation(appliedHash: row[1]) }
            stored.append((row[1], row[2], row[3]))
        }
        var situation = CentralRules.Situation()
        for row in stored {
            let version = try StoredContent.version(id: row.id, clock: row.clock, content: row.content)
            if row.id == invoiceID { situation.current = version } else { situation.numberOwner = version }
        }
        if let original = operation.invoice.originalKey, let keyText = operation.invoice.originalKeyText {
            if let row = try Row.fetchOne(
                ownerStatement,
                arguments: [original.sellerTaxID, original.code, original.number]
            ) {
                situation.redOriginal = try StoredContent.version(id: row[0], clock: row[1], content: row[2])
            }
            situation.redsAgainstOriginal = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, clock, content FROM central_invoice WHERE original_key = ?"),
                arguments: [keyText]
            ).map { try StoredContent.version(id: $0[0], clock: $0[1], content: $0[2]).invoice }
        }
        return situation
    }

    /// The current version of invoice `id`, or `nil` when the centre has none.
    func current(_ id: UUID) throws -> RemoteVersion? {
        let invoiceID = id.uuidText
        guard let row = try Row.fetchOne(currentStatement, arguments: [invoiceID]) else { return nil }
        return try StoredContent.version(id: invoiceID, clock: row[0], content: row[1])
    }

    /// The id of the invoice that owns `key`, if any.
    func owner(of key: NumberKey) throws -> String? {
        try Row.fetchOne(ownerStatement, arguments: [key.sellerTaxID, key.code, key.number]).map { $0[0] }
    }

    /// Stores `operation`'s version as the invoice's current one, and records the operation.
    ///
    /// - Parameters:
    ///   - operation: an operation ``CentralRules`` said to apply.
    ///   - content: the operation's invoice as stored, when it was encoded beforehand.
    ///   - changedBy: the node that sent it: the pushing branch, or the centre for its own edits.
    /// - Throws: the database's error.
    mutating func apply(_ operation: InvoiceOperation, content: StoredContent? = nil, changedBy: String) throws {
        lastSequence += 1
        let invoice = operation.invoice
        let content = content ?? StoredContent(invoice)
        let clock = operation.clock.description
        let invoiceID = operation.invoiceID.uuidText
        try upsertStatement.execute(arguments: [
            invoiceID, invoice.branch, invoice.seller.taxID, invoice.code ?? "", invoice.number, clock,
            content.text, content.hash, invoice.void == nil ? 0 : 1,
            lastSequence, changedBy, appliedAt, invoice.originalKeyText,
        ])
        try operationStatement.execute(arguments: [
            operation.id.uuidText, invoiceID, operation.kind.rawValue, operation.hash, clock, changedBy,
            lastSequence, appliedAt,
        ])
    }

    /// Stores the change counter if anything was applied.
    ///
    /// Call once, before the transaction commits.
    func finish() throws {
        guard lastSequence != firstSequence else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO central_setting (key, value) VALUES (?, ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """
        ).execute(arguments: [Self.lastChangeKey, String(lastSequence)])
    }
}
