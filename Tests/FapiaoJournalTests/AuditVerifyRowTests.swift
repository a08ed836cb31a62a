import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// Edits of stored rows that the hashes alone do not cover: the spelling of hashed values, the
/// outbox's bookkeeping, the invoice's columns beside its content, and rows removed or reordered.
/// The journal is AuditVerifyTests' (entries 1 initialized, 2–4 captured, 5 amended, 6 voided;
/// operations 1–3 creates, 4 the amend of invoice 1, 5 the void of invoice 2). Its sequential ids
/// are all digits, so a lower-cased id is no edit here; the reliability harness's tampering part
/// covers those with real ids.
extension AuditVerifyTests {
    @Test(arguments: [
        (1, "op_id = 'not an id'"), (1, "invoice_id = ''"), (3, #"clock = replace(clock, ':', ': ')"#),
        (3, #"clock = replace(clock, '{', '{ ')"#),
    ])
    func aStoredValueSpeltDifferentlyIsCaught(sequence: Int, assignment: String) throws {
        try harness.tamper(sql: "DROP TRIGGER audit_entry_no_update")
        try harness.tamper(sql: "UPDATE audit_entry SET \(assignment) WHERE seq = \(sequence)")
        let result = try verify()
        #expect(!result.isIntact)
        #expect(result.brokenSequence == Int64(sequence))
    }

    @Test(arguments: [
        "status = 'accepted'", "status = 'superseded'", "attempts = 3",
        "created_at = '2026-01-01T00:00:00.000Z'", "updated_at = '2026-01-01T00:00:00.000Z'",
        #"clock = replace(clock, ':', ': ')"#,
    ])
    func anEditedOperationRowIsNamed(assignment: String) throws {
        let target = receipts[0].operationID.uuidString
        try tamperWithoutForeignKeys("UPDATE operation SET \(assignment) WHERE id = '\(target)'")
        let result = try verify()
        #expect(!result.isIntact)
        #expect(result.problem?.contains("operation \(target)") == true)
    }

    @Test func aDeletedOperationIsNamed() throws {
        // The first invoice's create: its amend is still there, so the invoice row matches.
        let target = receipts[0].operationID.uuidString
        try tamperWithoutForeignKeys("DELETE FROM operation WHERE id = '\(target)'")
        let result = try verify()
        #expect(result.problem?.contains("operation \(target)") == true)
        #expect(result.problem?.contains("missing") == true)
    }

    @Test func operationsExchangingPlacesAreNamed() throws {
        try harness.tamper(sql: "UPDATE operation SET seq = -1 WHERE seq = 2")
        try harness.tamper(sql: "UPDATE operation SET seq = 2 WHERE seq = 3")
        try harness.tamper(sql: "UPDATE operation SET seq = 3 WHERE seq = -1")
        let result = try verify()
        #expect(!result.isIntact)
        #expect(result.problem?.contains("operation \(receipts[1].operationID.uuidString)") == true)
    }

    @Test func anOperationForgedWithARecomputedHashIsNamed() throws {
        let target = receipts[2]
        var forged = target.invoice
        forged.buyer.name = "mallory"
        let payload = forged.canonicalJSON
        let hash = InvoiceOperation.hash(kind: .create, invoiceID: forged.id, clock: target.clock, payload: payload)
        try harness.tamper { db in
            try db.execute(
                sql: "UPDATE operation SET payload = ?, hash = ? WHERE id = ?",
                arguments: [payload.text, hash, target.operationID.uuidString]
            )
            try db.execute(
                sql: "UPDATE invoice SET buyer_name = ?, content = ?, content_hash = ? WHERE id = ?",
                arguments: [
                    "mallory", payload.text, Digest.sha256Hex(Array(payload.text.utf8)), forged.id.uuidString,
                ]
            )
        }
        let result = try verify()
        #expect(result.problem?.contains("operation \(target.operationID.uuidString)") == true)
    }

    @Test(arguments: [
        "gross = gross + 1", "buyer_name = 'mallory'", "number = '26110000000000000099'", "voided = 1",
        "captured_at = '2026-01-01T00:00:00.000Z'", "sync_state = 'accepted'", "kind = 'red'",
        "currency = 'USD'",
    ])
    func anEditedInvoiceColumnIsNamed(assignment: String) throws {
        let target = receipts[2].invoice.id.uuidString
        try tamperWithoutForeignKeys("UPDATE invoice SET \(assignment) WHERE id = '\(target)'")
        let result = try verify()
        #expect(!result.isIntact)
        #expect(result.problem?.uppercased().contains("INVOICE \(target.prefix(8))") == true)
    }

    @Test func aDeletedInvoiceIsNamed() throws {
        let target = receipts[2].invoice.id.uuidString
        try tamperWithoutForeignKeys("DELETE FROM invoice WHERE id = '\(target)'")
        let result = try verify()
        #expect(result.problem?.contains("invoice \(target.prefix(8))") == true)
        #expect(result.problem?.contains("missing") == true)
    }

    /// Runs `sql` as someone editing the file with any SQLite tool would: foreign keys unenforced.
    func tamperWithoutForeignKeys(_ sql: String) throws {
        try harness.tamper { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: sql)
        }
    }
}
