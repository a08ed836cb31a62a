import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

@Suite struct AmendVoidTests {
    let harness: JournalHarness
    let journal: Journal
    let captured: CaptureReceipt

    init() throws {
        harness = try JournalHarness()
        journal = try harness.create()
        captured = try journal.capture(harness.input(), options: JournalHarness.options)
        harness.clock.advance(byMilliseconds: 60_000)
    }

    var reference: String { captured.invoice.id.uuidString }

    /// A paper invoice (普票), captured for the void tests: the default profile (cn-digital) lets a
    /// branch void paper invoices within their month of issue, and digital ones never.
    func capturePaper() throws -> CaptureReceipt {
        try journal.capture(harness.paperInput(), options: JournalHarness.options)
    }

    func counts() throws -> [Int] {
        let status = try journal.status()
        return [status.invoices, status.pendingOperations, status.auditEntries]
    }

    @Test func amendingTheBuyerNameQueuesAnAmendWithTheNextClock() throws {
        let changes = InvoiceInput(fields: ["buyer.name": "北京新客户有限公司"])
        let receipt = try journal.amend(reference, changes: changes, options: JournalHarness.options)
        #expect(receipt.clock == VectorClock([JournalHarness.node: 2]))
        #expect(receipt.changedFields == ["buyer"])
        #expect(receipt.invoice.buyer.name == "北京新客户有限公司")
        #expect(receipt.invoice.id == captured.invoice.id)
        #expect(receipt.invoice.capturedAt == captured.invoice.capturedAt)
        #expect(receipt.operationID == SequentialIDSource.id(3))

        let record = try journal.invoice(reference)
        #expect(record.invoice == receipt.invoice)
        #expect(record.clock == receipt.clock)
        #expect(record.syncState == .pending)
        #expect(record.pendingOperations == 2)
        #expect(record.updatedAt == harness.clock.now)

        let operations = try journal.operations(of: captured.invoice.id)
        #expect(operations.map(\.kind) == ["create", "amend"])
        #expect(operations.map(\.status) == ["pending", "pending"])
        #expect(operations.last?.clock == #"{"bj-01":2}"#)
        #expect(operations.last?.id == receipt.operationID.uuidString)

        let entries = try journal.auditEntries(invoiceID: captured.invoice.id)
        #expect(entries.map(\.event) == [.captured, .amended])
        let amended = try #require(entries.last)
        #expect(amended.clock == receipt.clock)
        #expect(amended.operationID == receipt.operationID)
        #expect(amended.wallTime == harness.clock.now)
        let details = try JSONValue.parse(amended.detailsText)
        #expect(details["changedFields"] == .array([.string("buyer")]))
        #expect(details["kind"] == .string("amend"))
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func amendsCountUpTheClock() throws {
        for (index, name) in ["甲公司", "乙公司", "丙公司"].enumerated() {
            let receipt = try journal.amend(
                reference,
                changes: InvoiceInput(fields: ["buyer.name": name]),
                options: JournalHarness.options
            )
            #expect(receipt.clock == VectorClock([JournalHarness.node: UInt64(index + 2)]))
        }
        #expect(try journal.operations(of: captured.invoice.id).count == 4)
    }

    @Test func anAmendIsValidatedAsAWhole() throws {
        let before = try counts()
        let changes = InvoiceInput(fields: ["gross": "552.01"])
        let failure = try #require(
            validationFailure { try journal.amend(reference, changes: changes, options: JournalHarness.options) }
        )
        #expect(failure.brokenRules == ["gross grossMismatch"])
        #expect(try counts() == before)
        #expect(try journal.invoice(reference).invoice == captured.invoice)
    }

    @Test func anAmendThatChangesNothingIsRefused() throws {
        let before = try counts()
        let same = InvoiceInput(fields: ["buyer.name": InvoiceFixtures.buyerName])
        let error = journalError { try journal.amend(reference, changes: same, options: JournalHarness.options) }
        #expect(error?.code == .invalidChange)
        let empty = journalError {
            try journal.amend(reference, changes: InvoiceInput(), options: JournalHarness.options)
        }
        #expect(empty?.code == .invalidChange)
        #expect(try counts() == before)
    }

    @Test func theIDCannotBeAmended() throws {
        let changes = InvoiceInput(fields: ["id": SequentialIDSource.id(77).uuidString])
        let failure = try #require(
            validationFailure { try journal.amend(reference, changes: changes, options: JournalHarness.options) }
        )
        #expect(failure.brokenRules == ["id immutable"])
    }

    @Test func anAmendCannotTakeAnotherInvoicesNumber() throws {
        try journal.capture(harness.input(2), options: JournalHarness.options)
        let changes = InvoiceInput(fields: ["number": InvoiceFixtures.number(2)])
        let failure = try #require(
            validationFailure { try journal.amend(reference, changes: changes, options: JournalHarness.options) }
        )
        #expect(failure.brokenRules == ["number unique"])
    }

    @Test func anUnknownReferenceIsNotFound() {
        let error = journalError {
            try journal.amend("FFFFFFFF", changes: InvoiceInput(fields: ["note": "x"]), options: JournalHarness.options)
        }
        #expect(error?.code == .invoiceNotFound)
        #expect(
            journalError { try journal.void("FFFFFFFF", reason: "x", options: JournalHarness.options) }?.code
                == .invoiceNotFound
        )
    }

    @Test func voidingRecordsTheReasonAndQueuesAVoid() throws {
        let paper = try capturePaper()
        let paperReference = paper.invoice.id.uuidString
        let receipt = try journal.void(paperReference, reason: "  开票信息有误  ", options: JournalHarness.options)
        #expect(receipt.clock == VectorClock([JournalHarness.node: 2]))
        #expect(receipt.invoice.void == VoidRecord(reason: "开票信息有误", at: harness.clock.now, by: JournalHarness.actor))
        #expect(receipt.changedFields == ["void"])
        let record = try journal.invoice(paperReference)
        #expect(record.isVoided)
        #expect(record.stateText == "voided (pending)")
        #expect(try journal.invoices(.voided).map(\.invoice.id) == [paper.invoice.id])
        #expect(try journal.status().voided == 1)
        #expect(try journal.operations(of: paper.invoice.id).map(\.kind) == ["create", "void"])
        let entry = try #require(try journal.auditEntries(invoiceID: paper.invoice.id).last)
        #expect(entry.event == .voided)
        #expect(try JSONValue.parse(entry.detailsText)["reason"] == .string("开票信息有误"))
    }

    @Test func aVoidedInvoiceCannotBeAmended() throws {
        let paper = try capturePaper()
        let paperReference = paper.invoice.id.uuidString
        try journal.void(paperReference, reason: "开错了", options: JournalHarness.options)
        let before = try counts()
        let error = journalError {
            try journal.amend(
                paperReference,
                changes: InvoiceInput(fields: ["buyer.name": "北京新客户有限公司"]),
                options: JournalHarness.options
            )
        }
        #expect(error?.code == .invalidChange)
        #expect(try counts() == before)
    }

    @Test func anInvoiceCannotBeVoidedTwice() throws {
        let paper = try capturePaper()
        let paperReference = paper.invoice.id.uuidString
        try journal.void(paperReference, reason: "开错了", options: JournalHarness.options)
        let before = try counts()
        let error = journalError { try journal.void(paperReference, reason: "再来一次", options: JournalHarness.options) }
        #expect(error?.code == .invalidChange)
        #expect(try counts() == before)
    }

    @Test(arguments: ["", "   ", "\n\t", String(repeating: "错", count: 201)])
    func aVoidNeedsAReasonOfAtMost200Characters(reason: String) throws {
        let before = try counts()
        let failure = try #require(
            validationFailure { try journal.void(reference, reason: reason, options: JournalHarness.options) }
        )
        #expect(failure.brokenRules == ["reason required"])
        #expect(try counts() == before)
        #expect(try journal.invoice(reference).isVoided == false)
    }
}
