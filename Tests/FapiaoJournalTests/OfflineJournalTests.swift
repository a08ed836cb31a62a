import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

/// Outages, offline limits, voids, closed periods, branch values and deadlines, on a cn-ukey
/// journal and the manual clock (2026-11-20 16:15 in Asia/Shanghai).
@Suite struct OfflineJournalTests {
    let harness: JournalHarness
    let journal: Journal

    init() throws {
        harness = try JournalHarness()
        journal = try harness.create(
            settings: try JournalSettings(
                node: JournalHarness.node,
                operatorName: JournalHarness.actor,
                profile: try Profile.builtIn("cn-ukey")
            )
        )
    }

    func counts() throws -> [Int] {
        let status = try journal.status()
        return [status.invoices, status.pendingOperations, status.auditEntries]
    }

    func capture(_ sequence: Int) throws -> CaptureReceipt {
        harness.clock.advance(byMilliseconds: 1_000)
        return try journal.capture(harness.paperInput(sequence), options: JournalHarness.options)
    }

    @Test func anOutageIsOpenedAndEndedOnceEachAndAudited() throws {
        #expect(try journal.openOutage() == nil)
        let outage = try journal.startOutage(mode: "outage", notice: "网络中断", actor: "王芳")
        #expect(outage.openedBy == "王芳")
        #expect(try journal.openOutage()?.id == outage.id)
        #expect(journalError { try journal.startOutage(actor: "王芳") }?.code == .invalidChange)
        let receipt = try capture(1)
        #expect(try journal.openOutage()?.tally.count == 1)
        // The receipt names the outage the capture fell in, and gives the deadline the journal gives.
        #expect(receipt.outage == OfflineRules.Outage(startedAt: outage.startedAt))
        #expect(journal.uploadDeadline(for: receipt) == (try journal.uploadDeadline(of: receipt.invoice)))
        harness.clock.advance(byMilliseconds: 3_600_000)
        let ended = try #require(try journal.endOutage(actor: "王芳"))
        #expect(ended.endedAt == harness.clock.now)
        #expect(try journal.endOutage(actor: "王芳") == nil)
        let events = try journal.auditEntries().map(\.event)
        #expect(events.filter { $0 == .outageStarted }.count == 1)
        #expect(events.filter { $0 == .outageEnded }.count == 1)
        let captured = try #require(try journal.auditEntries(invoiceID: receipt.invoice.id).first)
        #expect(try JSONValue.parse(captured.detailsText)["outage"] == .number(String(outage.id)))
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func aCapturePastTheOutagesCountIsRefusedWithTheFiguresAndChangesNothing() throws {
        try journal.setProfileValue("offline.count", "2", reason: "branch policy", actor: "王芳")
        let limited = try harness.open()
        try limited.startOutage(actor: "王芳")
        harness.clock.advance(byMilliseconds: 1_000)
        let first = try limited.capture(harness.paperInput(1), options: JournalHarness.options)
        #expect(first.warnings.isEmpty)
        let second = try limited.capture(harness.paperInput(2), options: JournalHarness.options)
        #expect(second.warnings == ["the outage holds 2 of the 2 invoices the cn-ukey profile allows"])
        let before = try counts()
        let failure = try #require(
            validationFailure { try limited.capture(harness.paperInput(3), options: JournalHarness.options) }
        )
        #expect(failure.brokenRules == ["outage offline.count"])
        #expect(
            failure.issues.first?.message.contains("holds 2 invoice(s); the cn-ukey profile allows 2 per outage")
                == true
        )
        #expect(try counts() == before)
        // An import that would go past it names the row and imports nothing.
        let plan = try limited.planImport(
            [ImportRow(line: 1, input: .success(harness.paperInput(4)))],
            options: JournalHarness.options
        )
        #expect(plan.valid.isEmpty)
        #expect(plan.invalid.first?.failure.brokenRules == ["outage offline.count"])
        // Once the outage ends, captures are no longer offline.
        try limited.endOutage(actor: "王芳")
        #expect(try limited.capture(harness.paperInput(5), options: JournalHarness.options).warnings.isEmpty)
    }

    @Test func aCapturePastTheOfflineHoursIsRefused() throws {
        try journal.startOutage(actor: "王芳")
        harness.clock.advance(byMilliseconds: 24 * 3_600_000)
        let failure = try #require(validationFailure { try capture(1) })
        #expect(failure.brokenRules == ["outage offline.hours"])
    }

    @Test func theSingleInvoiceLimitIsTheBranchsOwnOnceSetAndTheChangeIsAudited() throws {
        var big = harness.paperInput(1)
        big.fields.merge(["net": "100000.00", "tax": "6000.00", "gross": "106000.00"]) { $1 }
        big.lines = []
        #expect(
            validationFailure { try journal.capture(big, options: JournalHarness.options) }?.brokenRules == [
                "net singleInvoiceLimit"
            ]
        )
        let settings = try journal.setProfileValue(
            "singleInvoiceLimit",
            "1000000.00",
            reason: "税务机关核定百万元版",
            actor: "王芳"
        )
        #expect(settings.profile.singleInvoiceLimit == 100_000_000)
        let entry = try #require(try journal.auditEntries().last)
        #expect(entry.event == .configured)
        let details = try JSONValue.parse(entry.detailsText)
        #expect(details["from"] == .string("100000.00"))
        #expect(details["to"] == .string("1000000.00"))
        #expect(details["reason"] == .string("税务机关核定百万元版"))
        try journal.close()
        let reopened = try harness.open()
        #expect(try reopened.capture(big, options: JournalHarness.options).invoice.net.minorUnits == 10_000_000)
        #expect(
            journalError { try reopened.setProfileValue("rates", "1", reason: "x", actor: "王芳") }?.code
                == .invalidSetting
        )
        #expect(
            journalError { try reopened.setProfileValue("offline.hours", "0", reason: "x", actor: "王芳") }?.code
                == .invalidSetting
        )
    }

    @Test func aPaperInvoiceIsVoidedInItsMonthButNotAfterNorOnceThePeriodIsClosed() throws {
        let first = try capture(1)
        let second = try capture(2)
        try journal.void(first.invoice.id.uuidString, reason: "开错了", options: JournalHarness.options)
        try journal.closePeriod("2026-11", actor: "王芳")
        #expect(journalError { try journal.closePeriod("2026-11", actor: "王芳") }?.code == .alreadyExists)
        #expect(journalError { try journal.closePeriod("2026-12", actor: "王芳") }?.code == .invalidSetting)
        #expect(journalError { try journal.closePeriod("2026-13", actor: "王芳") }?.code == .invalidSetting)
        let before = try counts()
        let closed = journalError {
            try journal.void(second.invoice.id.uuidString, reason: "开错了", options: JournalHarness.options)
        }
        #expect(closed?.code == .invalidChange)
        #expect(closed?.message.contains("period 2026-11 is closed") == true)
        #expect(try counts() == before)
        #expect(try journal.closedPeriods() == ["2026-11"])
    }

    @Test func aVoidAfterTheMonthOfIssuePointsToARedInvoice() throws {
        let receipt = try capture(1)
        harness.clock.advance(byDays: 11)  // 2026-12-01 in Asia/Shanghai
        let error = journalError {
            try journal.void(receipt.invoice.id.uuidString, reason: "退货", options: JournalHarness.options)
        }
        #expect(error?.code == .invalidChange)
        #expect(error?.message.contains("only within its month of issue (2026-11") == true)
        #expect(error?.message.contains("red invoice") == true)
    }

    @Test func deadlinesMoveStatusFromNothingToWarningsToErrors() throws {
        let receipt = try capture(1)
        #expect(try journal.uploadDeadline(of: receipt.invoice) == UTCTimestamp(parsing: "2026-12-15T16:00:00.000Z"))
        #expect(receipt.outage == nil)
        #expect(journal.uploadDeadline(for: receipt) == UTCTimestamp(parsing: "2026-12-15T16:00:00.000Z"))
        #expect(try journal.obligations().isEmpty)
        harness.clock.advance(byDays: 21)  // 2026-12-11
        #expect(try journal.obligations().map(\.rule) == ["unsyncedMonth"])
        harness.clock.advance(byDays: 4)  // 2026-12-15 16:15 in Shanghai: the deadline is 24:00 tonight
        #expect(try journal.obligations().map(\.rule) == ["uploadDeadline", "unsyncedMonth"])
        harness.clock.advance(byDays: 1)
        let overdue = try journal.obligations()
        #expect(overdue.map(\.severity) == [.error, .error])
        #expect(overdue.first?.invoiceIDs == [receipt.invoice.id])
    }

    @Test func theTextAClerkTypedIsKeptInTheCaptureAuditEntry() throws {
        var typed = harness.paperInput(1)
        typed.fields["number"] = "０００００００１"
        let receipt = try journal.capture(typed, options: JournalHarness.options)
        #expect(receipt.invoice.number == "00000001")
        let entry = try #require(try journal.auditEntries(invoiceID: receipt.invoice.id).first)
        #expect(try JSONValue.parse(entry.detailsText)["typed"]?["number"] == .string("０００００００１"))
    }
}
