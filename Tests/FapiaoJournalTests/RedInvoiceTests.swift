import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

/// Red invoices (红字发票) against originals in the journal (DESIGN §3): in full or in part, never
/// beyond the original (per line and in total), never of a voided or red invoice, and their
/// operations wait in the outbox until the original is accepted.
@Suite struct RedInvoiceTests: OutboxSuite {
    let harness: JournalHarness
    let journal: Journal
    let lease: SyncLease
    let original: CaptureReceipt

    init() throws {
        (harness, journal, lease) = try Self.makeJournal()
        original = try journal.capture(harness.input(1), options: JournalHarness.options)
    }

    /// The fixture's original: net 520.75, tax 31.25, gross 552.00, one line 技术服务费 at 6 %.
    func red(
        _ sequence: Int,
        reason: String = "销货退回",
        amounts: (net: String, tax: String, gross: String)? = nil,
        of invoice: Invoice? = nil
    ) -> InvoiceInput {
        InvoiceInput.red(
            reversing: invoice ?? original.invoice,
            number: InvoiceFixtures.number(100 + sequence),
            code: nil,
            issueDate: harness.clock.shanghaiToday,
            reason: reason,
            confirmation: "1101002611000000000\(sequence % 10)",
            amounts: amounts
        )
    }

    func counts() throws -> [Int] {
        let status = try journal.status()
        return [status.invoices, status.pendingOperations, status.auditEntries]
    }

    @Test func aFullReversalIssuedInErrorCopiesTheOriginalNegated() throws {
        let receipt = try journal.capture(red(1, reason: "开票有误"), options: JournalHarness.options)
        #expect(receipt.invoice.kind == .red)
        #expect(receipt.invoice.gross.minorUnits == -55_200)
        #expect(receipt.invoice.lines.map(\.net.minorUnits) == [-52_075])
        #expect(receipt.invoice.originalNumber == original.invoice.number)
        #expect(receipt.invoice.red?.reason == "开票有误")
        // Reversed in full, it cannot be reversed again.
        let failure = try #require(validationFailure { try journal.capture(red(2), options: JournalHarness.options) })
        #expect(failure.brokenRules.contains("net overReversed"))
    }

    @Test func partialReversalsAddUpToTheOriginalAndNoFurther() throws {
        try journal.capture(red(1, amounts: ("-300.00", "-18.00", "-318.00")), options: JournalHarness.options)
        let before = try counts()
        let failure = try #require(
            validationFailure {
                try journal.capture(red(2, amounts: ("-300.00", "-18.00", "-318.00")), options: JournalHarness.options)
            }
        )
        #expect(failure.brokenRules == ["net overReversed", "tax overReversed", "gross overReversed"])
        #expect(
            failure.issues.first?.message.contains(
                "would reverse 600.00 of the original's net 520.75 (300.00 by earlier red invoices)"
            ) == true
        )
        #expect(try counts() == before)
        try journal.capture(red(3, amounts: ("-220.75", "-13.25", "-234.00")), options: JournalHarness.options)
    }

    @Test func issuedInErrorMustReverseInFull() throws {
        let failure = try #require(
            validationFailure {
                try journal.capture(
                    red(1, reason: "开票有误", amounts: ("-100.00", "-6.00", "-106.00")),
                    options: JournalHarness.options
                )
            }
        )
        #expect(failure.brokenRules == ["net fullReversal"])
    }

    @Test func aRedInvoiceCannotBeReversedNorAVoidedOneNorAnUnknownOneWithoutItsAmounts() throws {
        let first = try journal.capture(
            red(1, amounts: ("-100.00", "-6.00", "-106.00")),
            options: JournalHarness.options
        )
        let ofRed = red(2, amounts: ("-1.00", "-0.06", "-1.06"), of: first.invoice)
        #expect(
            validationFailure { try journal.capture(ofRed, options: JournalHarness.options) }?.brokenRules == [
                "originalNumber notRed"
            ]
        )
        let paper = try journal.capture(harness.paperInput(7), options: JournalHarness.options)
        try journal.void(paper.invoice.id.uuidString, reason: "开错了", options: JournalHarness.options)
        var ofVoided = red(3, of: paper.invoice)
        ofVoided.fields["code"] = InvoiceFixtures.paperCode
        ofVoided.fields["number"] = "00000099"
        ofVoided.fields["redConfirmation"] = nil
        #expect(
            validationFailure { try journal.capture(ofVoided, options: JournalHarness.options) }?.brokenRules == [
                "originalNumber voided"
            ]
        )
        var unknown = red(4)
        unknown.fields["originalNumber"] = InvoiceFixtures.number(55)
        unknown.fields["originalIssueDate"] = nil
        #expect(
            validationFailure { try journal.capture(unknown, options: JournalHarness.options) }?.brokenRules == [
                "originalNumber unknown"
            ]
        )
        unknown.fields.merge([
            "originalIssueDate": harness.clock.shanghaiToday.description, "originalNet": "520.75",
            "originalTax": "31.25", "originalGross": "552.00",
        ]) { $1 }
        #expect(
            try journal.capture(unknown, options: JournalHarness.options).invoice.red?.originalGross?.minorUnits
                == 55_200
        )
    }

    @Test func aRedLineMustBeALineOfTheOriginalAndStayWithinIt() throws {
        var input = red(1)
        input.fields.merge(["redReason": "销售折让", "net": "-600.00", "tax": "-36.00", "gross": "-636.00"]) { $1 }
        input.lines = [["description": "技术服务费", "net": "-600.00", "taxRate": "0.06", "tax": "-36.00"]]
        let failure = try #require(validationFailure { try journal.capture(input, options: JournalHarness.options) })
        #expect(failure.brokenRules.contains("lines[1].net overReversed"))
        input.lines = [["description": "咨询费", "net": "-600.00", "taxRate": "0.06", "tax": "-36.00"]]
        let other = try #require(validationFailure { try journal.capture(input, options: JournalHarness.options) })
        #expect(other.brokenRules.contains("lines[1].description original"))
    }

    @Test func theRedInvoicesBuyerAndRateAreTheOriginals() throws {
        var input = red(1, amounts: ("-100.00", "-13.00", "-113.00"))
        input.fields["taxRate"] = "0.13"
        input.fields["buyer.name"] = "另一个客户"
        input.fields["buyer.taxID"] = nil
        let failure = try #require(validationFailure { try journal.capture(input, options: JournalHarness.options) })
        #expect(failure.brokenRules.contains("buyer.taxID original"))
        #expect(failure.brokenRules.contains("taxRate original"))
    }

    @Test func aRedInvoicesOperationWaitsInTheOutboxUntilTheOriginalIsAccepted() throws {
        let receipt = try journal.capture(red(1, reason: "开票有误"), options: JournalHarness.options)
        #expect(try outbox().map(\.operation.invoiceID) == [original.invoice.id])
        #expect(try journal.blockedOperationCount() == 1)
        try answer(original.operationID, .answered(.accepted))
        #expect(try outbox().map(\.operation.invoiceID) == [receipt.invoice.id])
        #expect(try journal.blockedOperationCount() == 0)
        // A red invoice is never voided.
        let error = journalError {
            try journal.void(receipt.invoice.id.uuidString, reason: "x", options: JournalHarness.options)
        }
        #expect(error?.code == .invalidChange)
        #expect(error?.message.contains("never voided") == true)
    }
}
