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
        var sql = "SELECT * FROM audit_entry"
        var arguments: StatementArguments = []
        if let invoiceID {
            sql += " WHERE invoice_id = ?"
            arguments += [invoiceID.uuidString]
        }
        sql += " ORDER BY seq"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.auditEntry(row:)) }
    }

    /// Recomputes the audit chain, every operation's hash, and checks that each invoice's
    /// current row is exactly the version its last operation recorded.
    ///
    /// Entries are streamed, so memory stays flat however long the chain is.
    public func verifyAudit() throws -> AuditVerification {
        try read { db in
            var verifier = AuditChainVerifier()
            // Every operation was written with an audit entry naming it; an operation without
            // one means entries were removed, even from the end of the chain, which the links
            // alone cannot show.
            var auditedOperations = Set<String>()
            var result = AuditVerification(
                entriesChecked: 0,
                operationsChecked: 0,
                invoicesChecked: 0,
                head: Digest.zeroHex
            )
            let entries = try Row.fetchCursor(db, sql: "SELECT * FROM audit_entry ORDER BY seq")
            while let row = try entries.next() {
                let entry: AuditEntry
                do {
                    entry = try Self.auditEntry(row: row)
                } catch {
                    let sequence: Int64 = row["seq"]
                    result.problem = "audit entry \(sequence) is unreadable: a field was altered outside fapiao"
                    result.brokenSequence = sequence
                    return result
                }
                if let operationID = entry.operationID { auditedOperations.insert(operationID.uuidString) }
                do throws(AuditChainVerifier.Break) {
                    try verifier.check(entry)
                } catch {
                    result.problem = error.description
                    result.brokenSequence = error.sequence
                    result.entriesChecked = verifier.checked
                    return result
                }
            }
            result.entriesChecked = verifier.checked
            result.head = verifier.head

            let operations = try Row.fetchCursor(
                db,
                sql: "SELECT seq, id, invoice_id, kind, clock, payload, hash FROM operation ORDER BY seq"
            )
            while let row = try operations.next() {
                let payloadText: String = row["payload"]
                guard let kind = InvoiceOperation.Kind(rawValue: row["kind"]),
                    let invoiceID = UUID(uuidString: row["invoice_id"]),
                    let clock = VectorClock(parsing: row["clock"]),
                    let payload = try? Invoice(stored: JSONValue.parse(payloadText)),
                    payload.canonicalJSON.text == payloadText,
                    InvoiceOperation.hash(
                        kind: kind,
                        invoiceID: invoiceID,
                        clock: clock,
                        payload: payload.canonicalJSON
                    )
                        == row["hash"]
                else {
                    result.problem =
                        "operation \(row["id"] as String) no longer matches its hash: the outbox was edited outside fapiao"
                    return result
                }
                guard auditedOperations.contains(row["id"] as String) else {
                    result.problem =
                        "operation \(row["id"] as String) has no audit entry: entries were removed from the audit chain"
                    return result
                }
                result.operationsChecked += 1
            }

            let invoices = try Row.fetchCursor(
                db,
                sql: """
                    SELECT invoice.id, invoice.content, invoice.content_hash, invoice.clock,
                        (SELECT payload FROM operation WHERE invoice_id = invoice.id ORDER BY seq DESC LIMIT 1) AS last_payload,
                        (SELECT clock FROM operation WHERE invoice_id = invoice.id ORDER BY seq DESC LIMIT 1) AS last_clock,
                        (SELECT clock || ' ' || json_extract(details, '$.contentHash') FROM audit_entry
                            WHERE invoice_id = invoice.id AND event = 'pulled' ORDER BY seq DESC LIMIT 1) AS pulled
                    FROM invoice
                    """
            )
            while let row = try invoices.next() {
                let content: String = row["content"]
                let id: String = row["id"]
                let contentHash = Digest.sha256Hex(Array(content.utf8))
                let clock: String = row["clock"]
                // The current version is the last operation's, or a version pulled from the
                // remote, whose clock and content hash the (chained) `pulled` entry recorded.
                let matchesOperation =
                    content == (row["last_payload"] as String?) && clock == (row["last_clock"] as String?)
                let matchesPull = (row["pulled"] as String?) == "\(clock) \(contentHash)"
                guard contentHash == row["content_hash"], matchesOperation || matchesPull else {
                    result.problem =
                        "invoice \(id.prefix(8)) differs from the version its last operation recorded: it was edited outside fapiao"
                    return result
                }
                result.invoicesChecked += 1
            }
            return result
        }
    }

    static func auditEntry(row: Row) throws -> AuditEntry {
        let sequence: Int64 = row["seq"]
        guard let wallTime = UTCTimestamp(parsing: row["wall_time"]),
            let event = AuditEvent(rawValue: row["event"]),
            let clock = VectorClock(parsing: row["clock"])
        else {
            throw JournalError(
                code: .damaged,
                message: "Audit entry \(sequence) is unreadable; the journal was altered outside fapiao."
            )
        }
        return AuditEntry(
            sequence: sequence,
            wallTime: wallTime,
            node: row["node"],
            actor: row["actor"],
            event: event,
            invoiceID: (row["invoice_id"] as String?).flatMap(UUID.init(uuidString:)),
            operationID: (row["op_id"] as String?).flatMap(UUID.init(uuidString:)),
            clock: clock,
            detailsText: row["details"],
            previousHash: row["prev_hash"],
            hash: row["hash"]
        )
    }
}
