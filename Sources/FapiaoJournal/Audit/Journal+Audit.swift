import FapiaoCore
import Foundation
import GRDB

/// The outcome of `fapiao audit verify`.
public struct AuditVerification: Hashable, Sendable {
    /// Entries whose links were checked.
    public var entriesChecked: Int
    /// Operations whose payload hash was recomputed.
    public var operationsChecked: Int
    /// Invoices whose current row was compared with their last operation.
    public var invoicesChecked: Int
    /// The hash of the last entry: the head of the chain.
    public var head: String
    /// The first problem found, or `nil` when everything holds.
    public var problem: String?
    /// The sequence of the first broken audit entry, when the chain itself is broken.
    public var brokenSequence: Int64?

    public var isIntact: Bool { problem == nil }
}

extension Journal {
    /// Audit entries in chain order, optionally only those of one invoice.
    public func auditEntries(invoiceID: UUID? = nil, limit: Int? = nil) throws -> [AuditEntry] {
        var sql = "SELECT \(Self.auditColumns) FROM audit_entry"
        var arguments: StatementArguments = []
        if let invoiceID {
            sql += " WHERE invoice_id = ?"
            arguments += [invoiceID.uuidText]
        }
        sql += " ORDER BY seq"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try read { db in try Self.fetchAuditEntries(db.makeStatement(sql: sql), arguments: arguments) }
    }

    /// The audit entries `filter` selects, in chain order, with the chain's head (its last
    /// entry, whatever the filter) read in the same transaction, and the journal's current time:
    /// what an export needs.
    public func auditSelection(
        matching filter: AuditFilter
    ) throws -> (entries: [AuditEntry], head: AuditEntry?, now: UTCTimestamp) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        // Wall times are stored in their one fixed-width form, so text order is time order.
        if let since = filter.since {
            conditions.append("wall_time >= ?")
            arguments += [since.description]
        }
        if let until = filter.until {
            conditions.append("wall_time < ?")
            arguments += [until.description]
        }
        if let actor = filter.actor {
            conditions.append("actor = ?")
            arguments += [actor]
        }
        if let event = filter.event {
            conditions.append("event = ?")
            arguments += [event.rawValue]
        }
        if let invoiceID = filter.invoiceID {
            conditions.append("invoice_id = ?")
            arguments += [invoiceID.uuidText]
        }
        var sql = "SELECT \(Self.auditColumns) FROM audit_entry"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY seq"
        let (entries, head) = try read { db in
            (
                try Self.fetchAuditEntries(db.makeStatement(sql: sql), arguments: arguments).filter(filter.matches),
                try Row.fetchOne(db, sql: "SELECT \(Self.auditColumns) FROM audit_entry ORDER BY seq DESC LIMIT 1")
                    .map(Self.auditEntry(row:))
            )
        }
        return (entries, head, environment.now())
    }

    /// The entries a statement selecting ``auditColumns`` yields, in its order.
    ///
    /// The rows are read straight from the statement, one at a time, not copied first: a copied
    /// row holds every column as a `DatabaseValue`, and decoding a column from it cost about
    /// four times decoding it from the statement (a sync reads back every entry it anchors).
    static func fetchAuditEntries(_ statement: Statement, arguments: StatementArguments) throws -> [AuditEntry] {
        try Array(Row.fetchCursor(statement, arguments: arguments).map(auditEntry(row:)))
    }

    /// The columns ``auditEntry(row:)`` reads, in its order: every query it reads selects them so.
    static let auditColumns = "seq, wall_time, node, actor, event, invoice_id, op_id, clock, details, prev_hash, hash"

    /// An entry from a row of ``auditColumns``, read by position: a sync reads every entry it
    /// anchors, and looking each column up by name cost more than decoding it.
    static func auditEntry(row: Row) throws -> AuditEntry {
        let sequence: Int64 = row[0]
        guard let wallTime = UTCTimestamp(parsing: row[1]),
            let event = AuditEvent(rawValue: row[4]),
            let clock = VectorClock(parsing: row[7])
        else {
            throw JournalError(
                code: .damaged,
                message: "Audit entry \(sequence) is unreadable; the journal was altered outside fapiao."
            )
        }
        return AuditEntry(
            sequence: sequence,
            wallTime: wallTime,
            node: row[2],
            actor: row[3],
            event: event,
            invoiceID: (row[5] as String?).flatMap(UUID.init(uuidText:)),
            operationID: (row[6] as String?).flatMap(UUID.init(uuidText:)),
            clock: clock,
            detailsText: row[8],
            previousHash: row[9],
            hash: row[10]
        )
    }
}
