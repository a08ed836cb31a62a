import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

/// Number series assigned to a branch: numbers outside them refused unless overridden (audited),
/// gaps reported until explained, a voided number still used.
@Suite struct SeriesJournalTests {
    let harness: JournalHarness
    let journal: Journal

    init() throws {
        harness = try JournalHarness()
        journal = try harness.create()
        try journal.addSeries(
            type: "ordinary",
            code: InvoiceFixtures.paperCode,
            first: "00000001",
            last: "00000050",
            actor: "王芳"
        )
    }

    @Test func aSeriesIsCheckedWhenAdded() throws {
        for (type, code, first, last) in [
            ("ordinary", InvoiceFixtures.paperCode, "00000040", "00000060"),  // overlaps
            ("ordinary", InvoiceFixtures.paperCode, "0000100", "0000200"),  // 7 digits
            ("ordinary", InvoiceFixtures.paperCode, "00000200", "00000100"),  // backwards
            ("digitalOrdinary", "011002600111", "26110000000000000001", "26110000000000000009"),  // a code on digital
            ("paper", "", "00000001", "00000002"),
        ] {
            let error = journalError {
                try journal.addSeries(type: type, code: code, first: first, last: last, actor: "王芳")
            }
            #expect(error?.code == .invalidSetting, "\(type) \(first)-\(last)")
        }
        #expect(try journal.series().count == 1)
    }

    @Test func aNumberOutsideTheSeriesIsRefusedUnlessOverriddenWithAReason() throws {
        let outside = harness.paperInput(77)
        let failure = validationFailure { try journal.capture(outside, options: JournalHarness.options) }
        #expect(failure?.brokenRules == ["number series"])
        #expect(failure?.issues.first?.message.contains("011002600111:00000001-00000050") == true)
        var options = JournalHarness.options
        options.acceptOutsideSeries = true
        #expect(
            validationFailure { try journal.capture(outside, options: options) }?.brokenRules == [
                "overrideReason required"
            ]
        )
        options.overrideReason = "a roll handed over by the Xicheng branch"
        let receipt = try journal.capture(outside, options: options)
        let entry = try #require(try journal.auditEntries(invoiceID: receipt.invoice.id).first)
        #expect(try JSONValue.parse(entry.detailsText)["outsideSeries"] == .bool(true))
        // Digital invoices have no series here, so they are not checked.
        try journal.capture(harness.input(1), options: JournalHarness.options)
    }

    @Test func gapsAreRemindedUntilExplainedAndAVoidedNumberStaysUsed() throws {
        for number in [1, 2, 5] { try journal.capture(harness.paperInput(number), options: JournalHarness.options) }
        let second = try journal.invoice("00000002")
        try journal.void(second.invoice.id.uuidString, reason: "开错了", options: JournalHarness.options)
        let report = try #require(try journal.numberReports().first)
        #expect(report.used == 3)
        #expect(report.voided == 1)
        #expect(report.gaps.map(\.text) == ["00000003-00000004"])
        #expect(try journal.obligations().map(\.rule) == ["numberGap"])
        let explanation = try journal.explainNumbers("011002600111:00000003-00000004", reason: "打印机卡纸", actor: "王芳")
        #expect(explanation.first == "00000003")
        #expect(try journal.numberReports().first?.gaps.isEmpty == true)
        #expect(try journal.obligations().isEmpty)
        #expect(journalError { try journal.explainNumbers("3-x", reason: "x", actor: "王芳") }?.code == .invalidSetting)
        #expect(try journal.verifyAudit().isIntact)
    }
}
