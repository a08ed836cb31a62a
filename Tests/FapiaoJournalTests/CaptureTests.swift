import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import GRDB
import Testing

@Suite struct CaptureTests {
    let harness: JournalHarness
    let journal: Journal

    init() throws {
        harness = try JournalHarness()
        journal = try harness.create()
    }

    /// Invoices, operations (pending) and audit entries in the journal.
    func counts() throws -> [Int] {
        let status = try journal.status()
        return [status.invoices, status.pendingOperations, status.auditEntries]
    }

    @Test func capturingTheFixtureRecordsInvoiceOperationAndAuditEntry() throws {
        let receipt = try journal.capture(harness.input(), options: JournalHarness.options)
        #expect(receipt.invoice.id == SequentialIDSource.id(1))
        #expect(receipt.operationID == SequentialIDSource.id(2))
        #expect(receipt.clock == VectorClock([JournalHarness.node: 1]))
        #expect(receipt.auditSequence == 2)
        #expect(receipt.invoice.capturedAt == harness.clock.now)
        #expect(receipt.invoice.branch == JournalHarness.node)
        #expect(receipt.invoice.operatorName == JournalHarness.actor)

        let records = try journal.invoices(.all)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.invoice == receipt.invoice)
        #expect(record.syncState == .pending)
        #expect(record.stateText == "pending")
        #expect(record.pendingOperations == 1)
        #expect(record.clock == receipt.clock)
        #expect(record.updatedAt == harness.clock.now)
        #expect(try journal.invoices(.state(.pending)).count == 1)
        #expect(try journal.invoices(.state(.accepted)).isEmpty)
        #expect(try journal.invoices(.voided).isEmpty)

        let status = try journal.status()
        #expect(status.invoices == 1)
        #expect(status.byState == [.pending: 1])
        #expect(status.pendingOperations == 1)
        #expect(status.voided == 0)
        #expect(status.auditEntries == 2)
        #expect(status.oldestPendingSince == harness.clock.now)
        #expect(status.node == JournalHarness.node)

        let operations = try journal.operations(of: receipt.invoice.id)
        #expect(operations.count == 1)
        #expect(operations.first?.id == receipt.operationID.uuidString)
        #expect(operations.first?.kind == "create")
        #expect(operations.first?.status == "pending")
        #expect(operations.first?.clock == #"{"bj-01":1}"#)

        let entry = try #require(try journal.auditEntries(invoiceID: receipt.invoice.id).first)
        #expect(entry.sequence == 2)
        #expect(entry.event == .captured)
        #expect(entry.actor == JournalHarness.actor)
        #expect(entry.operationID == receipt.operationID)
        #expect(entry.clock == receipt.clock)
        let details = try JSONValue.parse(entry.detailsText)
        #expect(details["source"] == .string("cli"))
        #expect(details["number"] == .string(InvoiceFixtures.number))
        #expect(details["overrides"] == nil)
    }

    @Test func aCapturedInvoiceCanBeFoundByIDPrefixOrNumber() throws {
        let first = try journal.capture(harness.input(1), options: JournalHarness.options)
        let second = try journal.capture(harness.input(2), options: JournalHarness.options)
        #expect(try journal.invoice(first.invoice.id.uuidString).invoice == first.invoice)
        #expect(try journal.invoice(first.invoice.id.uuidString.lowercased()).invoice == first.invoice)
        #expect(try journal.invoice(String(second.invoice.id.uuidString.prefix(8))).invoice == second.invoice)
        #expect(try journal.invoice(InvoiceFixtures.number(2)).invoice == second.invoice)
        #expect(journalError { try journal.invoice("0000000") }?.code == .ambiguousID)
        #expect(journalError { try journal.invoice("FFFFFFFF") }?.code == .invoiceNotFound)
    }

    @Test func aCapturedInvoiceSurvivesReopening() throws {
        let receipt = try journal.capture(harness.input(), options: JournalHarness.options)
        try journal.close()
        let reopened = try harness.open()
        #expect(try reopened.invoices().map(\.invoice) == [receipt.invoice])
    }

    @Test func invalidInputThrowsAndWritesNothing() throws {
        try journal.capture(harness.input(1), options: JournalHarness.options)
        let before = try counts()
        var input = harness.input(2)
        input.fields["gross"] = "552.01"
        input.fields["seller.taxID"] = "91350100M000100Y44"
        let failure = try #require(validationFailure { try journal.capture(input, options: JournalHarness.options) })
        #expect(Set(failure.brokenRules) == ["gross grossMismatch", "seller.taxID checkCharacter"])
        #expect(try counts() == before)
        #expect(try journal.invoices().count == 1)
    }

    @Test func aDuplicateNumberForTheSameSellerIsRefused() throws {
        let first = try journal.capture(harness.input(), options: JournalHarness.options)
        let before = try counts()
        var again = harness.input()
        again.fields["buyer.name"] = "另一个客户有限公司"
        let failure = try #require(validationFailure { try journal.capture(again, options: JournalHarness.options) })
        #expect(failure.brokenRules == ["number unique"])
        #expect(failure.issues.first?.message.contains(InvoiceFixtures.number) == true)
        #expect(failure.issues.first?.message.contains(String(first.invoice.id.uuidString.prefix(8))) == true)
        #expect(try counts() == before)
    }

    /// cn-ukey keys a number by seller, code and number; cn-digital by code and number, so a
    /// 20-digit 数电票 number (no code) is unique whoever the seller (each profile's numberKey source).
    @Test func theSameNumberForAnotherSellerFollowsTheProfilesNumberKey() throws {
        let body = "91110108MA01KLMN1"
        let otherSeller = body + String(try #require(TaxpayerID.creditCodeCheckCharacter(for: body)))
        try journal.capture(harness.input(), options: JournalHarness.options)
        let other = InvoiceFixtures.validInput(issueDate: harness.clock.shanghaiToday, sellerTaxID: otherSeller)
        let failure = try #require(validationFailure { try journal.capture(other, options: JournalHarness.options) })
        #expect(failure.brokenRules == ["number unique"])
        #expect(failure.issues.first?.message.contains("code and number") == true)

        let ukeyPath = harness.path + ".ukey"
        let ukey = try Journal.create(
            at: ukeyPath,
            settings: try JournalSettings(node: JournalHarness.node, profile: try Profile.builtIn("cn-ukey")),
            actor: JournalHarness.actor,
            environment: harness.environment
        )
        var paper = harness.paperInput()
        try ukey.capture(paper, options: JournalHarness.options)
        paper.fields["seller.taxID"] = otherSeller
        let receipt = try ukey.capture(paper, options: JournalHarness.options)
        #expect(receipt.invoice.seller.taxID == otherSeller)
        #expect(try ukey.status().invoices == 2)
    }

    @Test func anInvoiceIDCannotBeCapturedTwice() throws {
        var input = harness.input(1)
        input.fields["id"] = SequentialIDSource.id(500).uuidString
        try journal.capture(input, options: JournalHarness.options)
        input.fields["number"] = InvoiceFixtures.number(2)
        let failure = try #require(validationFailure { try journal.capture(input, options: JournalHarness.options) })
        #expect(failure.brokenRules == ["id unique"])
    }

    @Test func theCheckCharacterOverrideNeedsAReason() throws {
        var input = harness.input()
        input.fields["seller.taxID"] = "91350100M000100Y44"
        let before = try counts()
        var options = CaptureOptions(actor: JournalHarness.actor, source: "cli", acceptBadCheckCharacters: true)
        for reason in [nil, "", "   "] as [String?] {
            options.overrideReason = reason
            let failure = try #require(validationFailure { try journal.capture(input, options: options) })
            #expect(failure.brokenRules == ["overrideReason required"])
            #expect(failure.issues.first?.message.contains("seller.taxID") == true)
        }
        #expect(try counts() == before)

        options.overrideReason = "纸质发票原件核对无误"
        let receipt = try journal.capture(input, options: options)
        #expect(receipt.invoice.seller.taxID == "91350100M000100Y44")
        let entry = try #require(try journal.auditEntries(invoiceID: receipt.invoice.id).first)
        let details = try JSONValue.parse(entry.detailsText)
        #expect(details["overrideReason"] == .string("纸质发票原件核对无误"))
        let override = JSONValue.object([
            (key: "field", value: .string("seller.taxID")), (key: "rule", value: .string("checkCharacter")),
        ])
        #expect(details["overrides"] == .array([override]))
    }

    @Test func withoutTheOverrideABadCheckCharacterIsRefusedEvenWithAReason() throws {
        var input = harness.input()
        input.fields["seller.taxID"] = "91350100M000100Y44"
        let options = CaptureOptions(actor: "x", source: "cli", overrideReason: "我确定")
        let failure = try #require(validationFailure { try journal.capture(input, options: options) })
        #expect(failure.brokenRules == ["seller.taxID checkCharacter"])
    }

    @Test func theIssueDateIsCheckedAgainstTheJournalsClock() throws {
        let input = harness.input()
        harness.clock.advance(byDays: 91)
        let failure = try #require(validationFailure { try journal.capture(input, options: JournalHarness.options) })
        #expect(failure.brokenRules == ["issueDate offlineWindow"])
        harness.clock.advance(byDays: -1)
        #expect(try journal.capture(input, options: JournalHarness.options).invoice.number == InvoiceFixtures.number)
    }
}

@Suite struct RefusedCaptureBytesTests {
    let harness: JournalHarness

    /// A journal holding one invoice, closed.
    init() throws {
        harness = try JournalHarness()
        let journal = try harness.create()
        try journal.capture(harness.input(1), options: JournalHarness.options)
        try journal.close()
    }

    var files: [String] { ["", "-wal"].map { harness.path + $0 } }

    /// Refuses an invalid invoice and a duplicate number, and reads, on a freshly opened journal.
    func refuseAndRead(_ connections: Journal.Connections) throws {
        let journal = try harness.open(connections: connections)
        var invalid = harness.input(2)
        invalid.fields["gross"] = "552.01"
        #expect(validationFailure { try journal.capture(invalid, options: JournalHarness.options) } != nil)
        let duplicate = validationFailure { try journal.capture(harness.input(1), options: JournalHarness.options) }
        #expect(duplicate?.brokenRules == ["number unique"])
        #expect(try journal.invoices().count == 1)
        #expect(try journal.status().auditEntries == 2)
        #expect(try journal.verifyAudit().isIntact)
        try journal.close()
    }

    @Test(arguments: [Journal.Connections.pool, .single])
    func refusingAnInvoiceLeavesTheJournalByteForByte(connections: Journal.Connections) throws {
        let before = files.map { harness.bytes($0) }
        #expect(before[0] != nil)
        try refuseAndRead(connections)
        let after = files.map { harness.bytes($0) }
        #expect(after[0] == before[0])
        // Whether closing left committed pages in the WAL depends on which connection closed
        // last; either way a refusal leaves it as it was, or creates an empty one holding nothing.
        if let wal = before[1], !wal.isEmpty {
            #expect(after[1] == wal)
        } else {
            #expect(after[1]?.isEmpty ?? true)
        }
    }

    @Test(arguments: [Journal.Connections.pool, .single])
    func refusingAnInvoiceLeavesACheckpointedJournalByteForByte(connections: Journal.Connections) throws {
        // Opening and closing it read-write as the only connection folds the WAL in and removes it.
        try harness.tamper { _ in }
        #expect(harness.bytes(harness.path + "-wal") == nil)
        let before = harness.bytes()
        #expect(before != nil)
        try refuseAndRead(connections)
        #expect(harness.bytes() == before)
        // SQLite may leave an empty WAL behind after a read; it holds nothing.
        #expect(harness.bytes(harness.path + "-wal")?.isEmpty ?? true)
    }
}

/// ``Journal/Connections/single``: what a one-shot `fapiao enqueue` opens.
@Suite struct SingleConnectionTests {
    let harness: JournalHarness

    init() throws {
        harness = try JournalHarness()
        try harness.create().close()
    }

    @Test(arguments: [Journal.Connections.pool, .single])
    func aCaptureIsDurableAndReadBackBeforeAndAfterClosing(connections: Journal.Connections) throws {
        let journal = try harness.open(connections: connections)
        let receipt = try journal.capture(harness.input(1), options: JournalHarness.options)
        #expect(try journal.writerSynchronousMode() == 2)
        // Reads after the write go through the writer and see it.
        #expect(try journal.invoice(receipt.invoice.id.uuidString).invoice == receipt.invoice)
        #expect(try journal.status().auditEntries == 2)
        #expect(try journal.verifyAudit().isIntact)
        try journal.close()
        let reopened = try harness.open(connections: connections)
        #expect(try reopened.invoices().map(\.invoice) == [receipt.invoice])
        #expect(validationFailure { try reopened.capture(harness.input(1), options: JournalHarness.options) } != nil)
        try reopened.capture(harness.input(2), options: JournalHarness.options)
        #expect(try reopened.status().auditEntries == 3)
        try reopened.close()
    }

    @Test func aJournalCopiedInOutOfWALModeIsPutBackInItBeforeTheWrite() throws {
        try harness.tamper { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
        let journal = try harness.open(connections: .single)
        try journal.capture(harness.input(1), options: JournalHarness.options)
        try journal.close()
        var mode: String?
        try harness.tamper { db in mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        #expect(try harness.open().invoices().count == 1)
    }

    @Test func aCaptureFoldsTheWALIntoTheFileWhenItsConnectionClosesLast() throws {
        // A journal whose last close left committed pages in the WAL (its read-only connection
        // closed last, as `close()` does).
        let earlier = try harness.open()
        try earlier.capture(harness.input(1), options: JournalHarness.options)
        try earlier.close()
        #expect(!(harness.bytes(harness.path + "-wal") ?? Data()).isEmpty)
        let journal = try harness.open(connections: .single)
        try journal.capture(harness.input(2), options: JournalHarness.options)
        journal.closeFoldingWriteAheadLog()
        // Both captures are in the file itself: the WAL is gone, or empty.
        #expect(harness.bytes(harness.path + "-wal")?.isEmpty ?? true)
        #expect(try harness.open().invoices().count == 2)
    }
}
