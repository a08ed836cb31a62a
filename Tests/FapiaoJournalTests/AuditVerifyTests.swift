import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import GRDB
import Testing

@Suite struct AuditVerifyTests {
    let harness: JournalHarness
    /// The three captured invoices, by number 1, 2, 3.
    let receipts: [CaptureReceipt]

    /// Creates a journal with three captures, an amend of the first and a void of the second
    /// (audit entries 1 initialized, 2–4 captured, 5 amended, 6 voided), and closes it.
    init() throws {
        harness = try JournalHarness()
        let journal = try harness.create()
        var receipts: [CaptureReceipt] = []
        for sequence in 1...3 {
            harness.clock.advance(byMilliseconds: 1_000)
            // The second is on paper: the default profile lets a branch void only paper invoices.
            let input = sequence == 2 ? harness.paperInput(sequence) : harness.input(sequence)
            receipts.append(try journal.capture(input, options: JournalHarness.options))
        }
        harness.clock.advance(byMilliseconds: 1_000)
        try journal.amend(
            receipts[0].invoice.id.uuidString,
            changes: InvoiceInput(fields: ["note": "补开"]),
            options: JournalHarness.options
        )
        harness.clock.advance(byMilliseconds: 1_000)
        try journal.void(receipts[1].invoice.id.uuidString, reason: "开错了", options: JournalHarness.options)
        try journal.close()
        self.receipts = receipts
    }

    func verify() throws -> AuditVerification {
        let journal = try harness.open()
        defer { try? journal.close() }
        return try journal.verifyAudit()
    }

    @Test func anUntouchedJournalVerifies() throws {
        let journal = try harness.open()
        let result = try journal.verifyAudit()
        #expect(result.isIntact)
        #expect(result.problem == nil)
        #expect(result.brokenSequence == nil)
        #expect(result.entriesChecked == 6)
        #expect(result.operationsChecked == 5)
        #expect(result.invoicesChecked == 3)
        let entries = try journal.auditEntries()
        #expect(entries.map(\.event) == [.initialized, .captured, .captured, .captured, .amended, .voided])
        #expect(result.head == entries.last?.hash)
        #expect(try journal.auditEntries(limit: 2).map(\.sequence) == [1, 2])
    }

    @Test func anExportSelectionAppliesEachFilterAndReadsTheWholeChainsHead() throws {
        let journal = try harness.open()
        defer { try? journal.close() }
        let entries = try journal.auditEntries()
        func sequences(_ filter: AuditFilter) throws -> [Int64] {
            let selection = try journal.auditSelection(matching: filter)
            #expect(selection.head == entries.last)
            return selection.entries.map(\.sequence)
        }
        #expect(try sequences(AuditFilter()) == [1, 2, 3, 4, 5, 6])
        #expect(try sequences(AuditFilter(event: .captured)) == [2, 3, 4])
        #expect(try sequences(AuditFilter(invoiceID: receipts[0].invoice.id)) == [2, 5])
        // --since is inclusive, --until exclusive.
        #expect(try sequences(AuditFilter(since: entries[2].wallTime, until: entries[4].wallTime)) == [3, 4])
        #expect(try sequences(AuditFilter(actor: JournalHarness.actor, event: .voided)) == [6])
        #expect(try sequences(AuditFilter(actor: "nobody")) == [])
    }

    @Test func theTriggersRefuseUpdatesAndDeletes() throws {
        #expect(throws: DatabaseError.self) {
            try harness.tamper(sql: "UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2")
        }
        #expect(throws: DatabaseError.self) { try harness.tamper(sql: "DELETE FROM audit_entry WHERE seq = 2") }
        let result = try verify()
        #expect(result.isIntact)
        #expect(result.entriesChecked == 6)
    }

    @Test func anEditedEntryIsNamedOnceTheTriggerIsDropped() throws {
        try harness.tamper(sql: "DROP TRIGGER audit_entry_no_update")
        try harness.tamper(sql: "UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2")
        let result = try verify()
        #expect(!result.isIntact)
        #expect(result.brokenSequence == 2)
        #expect(result.entriesChecked == 1)
        #expect(result.problem?.contains("audit entry 2 ") == true)
    }

    @Test(arguments: [
        "details = '{}'", "wall_time = '2026-11-20T08:15:31.126Z'", #"clock = '{"bj-01":2}'"#, "node = 'sh-02'",
        "event = 'rejected'", "op_id = NULL",
    ])
    func anyEditedColumnIsCaught(assignment: String) throws {
        try harness.tamper(sql: "DROP TRIGGER audit_entry_no_update")
        try harness.tamper(sql: "UPDATE audit_entry SET \(assignment) WHERE seq = 3")
        let result = try verify()
        #expect(result.brokenSequence == 3)
        #expect(result.problem != nil)
    }

    @Test func aDeletedEntryIsReportedAtTheNextOne() throws {
        try harness.tamper(sql: "DROP TRIGGER audit_entry_no_delete")
        try harness.tamper(sql: "DELETE FROM audit_entry WHERE seq = 2")
        let result = try verify()
        #expect(result.brokenSequence == 3)
        #expect(result.problem?.contains("before entry 3 are missing") == true)
    }

    @Test func anEntryRewrittenWithARecomputedHashBreaksTheNextLink() throws {
        try harness.tamper(sql: "DROP TRIGGER audit_entry_no_update")
        let journal = try harness.open()
        let original = try #require(try journal.auditEntries().first { $0.sequence == 4 })
        try journal.close()
        var forged = original
        forged.actor = "mallory"
        forged.hash = forged.computedHash
        try harness.tamper { db in
            try db.execute(
                sql: "UPDATE audit_entry SET actor = ?, hash = ? WHERE seq = 4",
                arguments: [forged.actor, forged.hash]
            )
        }
        let result = try verify()
        #expect(result.brokenSequence == 5)
        #expect(result.problem?.contains("audit entry 5 does not follow") == true)
    }

    @Test func aForgedEntryAppendedAtTheEndIsCaught() throws {
        try harness.tamper(
            sql: """
                INSERT INTO audit_entry (seq, wall_time, node, actor, event, invoice_id, op_id, clock, details,
                    prev_hash, hash)
                VALUES (7, '2026-11-20T09:00:00.000Z', 'bj-01', 'mallory', 'voided', NULL, NULL, '{}', '{}',
                    '\(Digest.zeroHex)', '\(Digest.zeroHex)')
                """
        )
        let result = try verify()
        #expect(result.brokenSequence == 7)
    }

    @Test func anEditedInvoiceRowIsNamed() throws {
        let target = receipts[2].invoice
        try harness.tamper(
            sql: """
                UPDATE invoice SET buyer_name = 'mallory', content = replace(content, '\(InvoiceFixtures.buyerName)',
                    'mallory') WHERE id = '\(target.id.uuidString)'
                """
        )
        let result = try verify()
        #expect(!result.isIntact)
        #expect(result.brokenSequence == nil)
        #expect(result.entriesChecked == 6)
        #expect(result.problem?.contains("invoice \(target.id.uuidString.prefix(8))") == true)
    }

    @Test func anEditedInvoiceRowIsNamedEvenWithARecomputedContentHash() throws {
        let target = receipts[2].invoice
        var forged = target
        forged.buyer.name = "mallory"
        let content = forged.canonicalJSON.text
        try harness.tamper { db in
            try db.execute(
                sql: "UPDATE invoice SET buyer_name = ?, content = ?, content_hash = ? WHERE id = ?",
                arguments: ["mallory", content, Digest.sha256Hex(Array(content.utf8)), target.id.uuidString]
            )
        }
        let result = try verify()
        #expect(result.problem?.contains("invoice \(target.id.uuidString.prefix(8))") == true)
    }

    @Test func anEditedOperationIsNamed() throws {
        let target = receipts[0]
        try harness.tamper(
            sql: """
                UPDATE operation SET payload = replace(payload, '"net":"520.75"', '"net":"500.75"')
                WHERE id = '\(target.operationID.uuidString)'
                """
        )
        let result = try verify()
        #expect(result.problem?.contains("operation \(target.operationID.uuidString)") == true)
        #expect(result.entriesChecked == 6)
    }
}

extension AuditVerifyTests {
    @Test func removingTheNewestEntryIsCaughtThroughItsOperation() throws {
        let journal = try harness.open()
        let last = try #require(try journal.auditEntries().last)
        try journal.close()
        let operationID = try #require(last.operationID)
        try harness.tamper(sql: "DROP TRIGGER audit_entry_no_delete")
        try harness.tamper(sql: "DELETE FROM audit_entry WHERE seq = 6")
        let result = try verify()
        #expect(!result.isIntact)
        #expect(result.entriesChecked == 5)
        #expect(result.problem?.contains("operation \(operationID.uuidString) has no audit entry") == true)
    }
}
