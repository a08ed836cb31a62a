import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Recomputes the audit chain, every operation's hash, and checks that each invoice's
    /// current row is exactly the version its last operation recorded.
    ///
    /// The file must pass SQLite's integrity check. Beyond the hashes, every stored row must be what the chain says: an entry's values spelt
    /// as they were hashed; each operation the one its first entry recorded (by hash), in the
    /// order of those entries, with the status, attempts and times its entries imply, and none
    /// missing; each invoice's columns those of its content, its sync state that of its
    /// operations, and none missing.
    ///
    /// Entries are streamed, so memory stays flat however long the chain is (one small record
    /// per operation is kept).
    public func verifyAudit() throws -> AuditVerification {
        try read { db in
            // The file first: damage that no row read would show (a free-page count, an index
            // out of step with its table) still means the journal cannot be trusted.
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check(1)")
            guard integrity == ["ok"] else {
                var result = AuditVerification(
                    entriesChecked: 0,
                    operationsChecked: 0,
                    invoicesChecked: 0,
                    head: Digest.zeroHex
                )
                let finding =
                    integrity.flatMap { $0.split(separator: "\n") }.first { !$0.hasPrefix("***") } ?? "no verdict"
                result.problem = "the journal file is damaged (SQLite finds: \(finding))"
                return result
            }
            var verifier = AuditChainVerifier()
            // What the chain says of every operation it names. Every operation was written with
            // an audit entry naming it; an operation without one means entries were removed,
            // even from the end of the chain, which the links alone cannot show.
            var trails: [String: OperationTrail] = [:]
            var result = AuditVerification(
                entriesChecked: 0,
                operationsChecked: 0,
                invoicesChecked: 0,
                head: Digest.zeroHex
            )
            let entries = try Row.fetchCursor(db, sql: "SELECT \(Self.auditColumns) FROM audit_entry ORDER BY seq")
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
                do throws(AuditChainVerifier.Break) {
                    try verifier.check(entry)
                    // The hash covers the values read back; the stored text must be the very
                    // spelling that was hashed (a lower-cased id or a re-spaced clock is an edit).
                    guard Self.isStoredAsHashed(entry, row: row) else {
                        throw AuditChainVerifier.Break(sequence: entry.sequence, kind: .contentChanged)
                    }
                } catch {
                    result.problem = error.description
                    result.brokenSequence = error.sequence
                    result.entriesChecked = min(verifier.checked, Int(error.sequence) - 1)
                    return result
                }
                if let operationID = entry.operationID {
                    trails[operationID.uuidText, default: OperationTrail(first: entry)].follow(entry)
                }
            }
            result.entriesChecked = verifier.checked
            result.head = verifier.head

            if let problem = try Self.operationProblem(db, trails: &trails, checked: &result.operationsChecked) {
                result.problem = problem
                return result
            }
            if let problem = try Self.invoiceProblem(db, checked: &result.invoicesChecked) {
                result.problem = problem
                return result
            }
            return result
        }
    }

    /// Whether an entry's stored text is exactly what its hash was computed over.
    private static func isStoredAsHashed(_ entry: AuditEntry, row: Row) -> Bool {
        (row["wall_time"] as String) == entry.wallTime.description
            && (row["invoice_id"] as String?) == entry.invoiceID?.uuidText
            && (row["op_id"] as String?) == entry.operationID?.uuidText
            && (row["clock"] as String) == entry.clock.description
    }

    /// The first operation that is not what the chain recorded, or one the chain names that is gone.
    private static func operationProblem(
        _ db: Database,
        trails: inout [String: OperationTrail],
        checked: inout Int
    ) throws -> String? {
        let operations = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, id, invoice_id, kind, clock, payload, hash, status, attempts, created_at, updated_at
                FROM operation ORDER BY seq
                """
        )
        var previous: (id: String, firstEntry: Int64)?
        while let row = try operations.next() {
            let id: String = row["id"]
            let payloadText: String = row["payload"]
            let hash: String = row["hash"]
            guard let kind = InvoiceOperation.Kind(rawValue: row["kind"]),
                let invoiceID = UUID(uuidText: row["invoice_id"]),
                invoiceID.uuidText == (row["invoice_id"] as String),
                UUID(uuidText: id)?.uuidText == id,
                let clock = VectorClock(parsing: row["clock"]),
                clock.description == (row["clock"] as String),
                let payload = try? Invoice(stored: JSONValue.parse(payloadText)),
                payload.canonicalJSON.text == payloadText,
                InvoiceOperation.hash(kind: kind, invoiceID: invoiceID, clock: clock, payload: payload.canonicalJSON)
                    == hash
            else {
                return "operation \(id) no longer matches its hash: the outbox was edited outside fapiao"
            }
            guard let trail = trails.removeValue(forKey: id) else {
                return "operation \(id) has no audit entry: entries were removed from the audit chain"
            }
            guard trail.operationHash.map({ $0 == hash }) ?? true, trail.invoiceID == invoiceID else {
                return "operation \(id) is not the one audit entry \(trail.firstEntry) recorded: "
                    + "the outbox was edited outside fapiao"
            }
            // Operations are in the order of the entries that recorded them; of two out of
            // order, either may be the one moved, so both are named.
            if let previous, trail.firstEntry < previous.firstEntry {
                return "operation \(id) (audit entry \(trail.firstEntry)) comes after operation \(previous.id) "
                    + "(audit entry \(previous.firstEntry)) in the outbox: the outbox was reordered outside fapiao"
            }
            previous = (id, trail.firstEntry)
            let status: String = row["status"]
            guard trail.status.map({ $0.rawValue == status }) ?? true, trail.attempts == (row["attempts"] as Int),
                trail.createdAt == (row["created_at"] as String), trail.updatedAt == (row["updated_at"] as String)
            else {
                return "operation \(id) (\(status), \(row["attempts"] as Int) attempts) is not where its audit entries "
                    + "left it: the outbox was edited outside fapiao"
            }
            checked += 1
        }
        if let (id, trail) = trails.min(by: { $0.value.firstEntry < $1.value.firstEntry }) {
            return "operation \(id), recorded by audit entry \(trail.firstEntry), is missing: "
                + "it was deleted outside fapiao"
        }
        return nil
    }

    /// The first invoice row that is not the version its history recorded, or one that is gone.
    private static func invoiceProblem(_ db: Database, checked: inout Int) throws -> String? {
        if let orphan = try Row.fetchOne(
            db,
            sql: """
                SELECT id, invoice_id FROM operation
                WHERE NOT EXISTS (SELECT 1 FROM invoice WHERE invoice.id = operation.invoice_id)
                ORDER BY seq LIMIT 1
                """
        ) {
            let invoiceID: String = orphan["invoice_id"]
            return "invoice \(invoiceID.prefix(8)), changed by operation \(orphan["id"] as String), is missing: "
                + "it was deleted outside fapiao"
        }
        let invoices = try Row.fetchCursor(
            db,
            sql: """
                SELECT invoice.*,
                    (SELECT payload FROM operation WHERE invoice_id = invoice.id ORDER BY seq DESC LIMIT 1) AS last_payload,
                    (SELECT clock FROM operation WHERE invoice_id = invoice.id ORDER BY seq DESC LIMIT 1) AS last_clock,
                    (SELECT clock || ' ' || json_extract(details, '$.contentHash') FROM audit_entry
                        WHERE invoice_id = invoice.id AND event = 'pulled' ORDER BY seq DESC LIMIT 1) AS pulled,
                    (SELECT group_concat(status, ' ') FROM operation WHERE invoice_id = invoice.id
                        AND status IN ('quarantined', 'conflict', 'inDoubt', 'inFlight', 'pending')) AS unanswered,
                    EXISTS (SELECT 1 FROM conflict WHERE invoice_id = invoice.id AND resolved_at IS NULL) AS open_conflict
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
            guard contentHash == row["content_hash"], matchesOperation || matchesPull,
                let invoice = try? Invoice(stored: JSONValue.parse(content)),
                Self.columnsMatch(row, invoice)
            else {
                return "invoice \(id.prefix(8)) differs from the version its last operation recorded: "
                    + "it was edited outside fapiao"
            }
            // The state is its operations' (a sync marks an invoice in flight as it sends it).
            let unanswered = ((row["unanswered"] as String?) ?? "").split(separator: " ")
                .compactMap { OperationStatus(rawValue: String($0)) }
            let state: String = row["sync_state"]
            let expected = BranchRules.syncState(operations: unanswered, hasOpenConflict: row["open_conflict"])
            guard state == expected.rawValue || (state == SyncState.inFlight.rawValue && unanswered.contains(.inFlight))
            else {
                return "invoice \(id.prefix(8)) is marked \(state) though its operations make it \(expected.rawValue): "
                    + "it was edited outside fapiao"
            }
            checked += 1
        }
        return nil
    }

    /// Whether an invoice row's columns are those of its content (as `updateInvoiceRow` writes them).
    private static func columnsMatch(_ row: Row, _ invoice: Invoice) -> Bool {
        (row["id"] as String) == invoice.id.uuidText
            && (row["voided"] as Int64) == (invoice.void == nil ? 0 : 1)
            && (row["kind"] as String) == invoice.kind.rawValue
            && (row["type"] as String) == invoice.type.rawValue
            && (row["code"] as String) == (invoice.code ?? "")
            && (row["number"] as String) == invoice.number
            && (row["issue_date"] as String) == invoice.issueDate.description
            && (row["seller_tax_id"] as String) == invoice.seller.taxID
            && (row["seller_name"] as String) == invoice.seller.name
            && (row["buyer_tax_id"] as String) == invoice.buyer.taxID
            && (row["buyer_name"] as String) == invoice.buyer.name
            && (row["currency"] as String) == invoice.currency
            && (row["net"] as Int64) == invoice.net.minorUnits
            && (row["tax"] as Int64) == invoice.tax.minorUnits
            && (row["gross"] as Int64) == invoice.gross.minorUnits
            && (row["tax_rate_bp"] as Int64) == invoice.taxRate.basisPoints
            && (row["captured_at"] as String) == invoice.capturedAt.description
    }
}
