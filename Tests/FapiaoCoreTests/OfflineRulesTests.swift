import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// The offline rules of each profile at work: limits at capture, deadlines, filing days,
/// business days and voids, on chosen instants (never the wall clock).
@Suite struct OfflineRulesTests {
    static func profile(_ name: String) throws -> Profile { try Profile.builtIn(name) }

    static func instant(_ text: String) throws -> UTCTimestamp { try #require(UTCTimestamp(parsing: text)) }

    static func date(_ text: String) throws -> CalendarDate { try #require(CalendarDate(parsing: text)) }

    func invoice(gross: Int64, issued: String = "2026-11-20", type: InvoiceType = .special) throws -> Invoice {
        let seller = Party(name: "北京示例科技有限公司", taxID: InvoiceFixtures.sellerTaxID)
        return Invoice(
            id: SequentialIDSource.id(1),
            kind: gross < 0 ? .red : .normal,
            type: type,
            code: type.isDigital ? nil : InvoiceFixtures.paperCode,
            number: type.isDigital ? InvoiceFixtures.number : "00000001",
            issueDate: try Self.date(issued),
            seller: seller,
            buyer: Party(name: "北京客户有限公司", taxID: InvoiceFixtures.buyerTaxID),
            net: Money(minorUnits: gross),
            tax: Money(minorUnits: 0),
            gross: Money(minorUnits: gross),
            taxRate: TaxRate(basisPoints: 0),
            capturedAt: try Self.instant("2026-11-20T02:00:00.000Z"),
            branch: "bj-01"
        )
    }

    // MARK: Offline limits (cn-ukey: 24 h, 1,000,000.00 blue and red gross; 2014年第73号)

    @Test func aCaptureWithinTheOfflineHoursPassesAndOnePastThemIsRefusedWithTheFigures() throws {
        let ukey = try Self.profile("cn-ukey")
        let outage = OfflineRules.Outage(startedAt: try Self.instant("2026-11-20T00:00:00.000Z"))
        let early = OfflineRules.checkCapture(
            try invoice(gross: 100),
            outage: outage,
            tally: .init(),
            profile: ukey,
            now: try Self.instant("2026-11-20T10:00:00.000Z")
        )
        #expect(early.refusals.isEmpty && early.warnings.isEmpty)
        // 80 % of 24 h is 19 h 12 min: a warning, not a refusal.
        let late = OfflineRules.checkCapture(
            try invoice(gross: 100),
            outage: outage,
            tally: .init(),
            profile: ukey,
            now: try Self.instant("2026-11-20T19:30:00.000Z")
        )
        #expect(late.refusals.isEmpty)
        #expect(late.warnings.first?.contains("19 h 30 min of the 24 hours") == true)
        let past = OfflineRules.checkCapture(
            try invoice(gross: 100),
            outage: outage,
            tally: .init(),
            profile: ukey,
            now: try Self.instant("2026-11-21T00:00:00.000Z")
        )
        #expect(past.refusals.map(\.rule) == ["offline.hours"])
        #expect(past.refusals.first?.message.contains("24 h 0 min") == true)
        #expect(past.refusals.first?.message.contains("24 hours (offline.hours)") == true)
    }

    @Test func theCumulativeBlueAndRedAmountsAreBoundedSeparately() throws {
        let ukey = try Self.profile("cn-ukey")
        let outage = OfflineRules.Outage(startedAt: try Self.instant("2026-11-20T00:00:00.000Z"))
        let now = try Self.instant("2026-11-20T01:00:00.000Z")
        let tally = OfflineRules.Tally(count: 10, positiveGross: 90_000_000, negativeGross: 0)
        // 900,000.00 + 100,000.00 reaches the 1,000,000.00 limit exactly: allowed, with a warning.
        let atLimit = OfflineRules.checkCapture(
            try invoice(gross: 10_000_000),
            outage: outage,
            tally: tally,
            profile: ukey,
            now: now
        )
        #expect(atLimit.refusals.isEmpty)
        #expect(atLimit.warnings.count == 1)
        let over = OfflineRules.checkCapture(
            try invoice(gross: 10_000_001),
            outage: outage,
            tally: tally,
            profile: ukey,
            now: now
        )
        #expect(over.refusals.map(\.rule) == ["offline.positiveAmount"])
        #expect(over.refusals.first?.message.contains("1000000.01") == true)
        #expect(over.refusals.first?.message.contains("900000.00 so far") == true)
        // A red invoice counts against the negative limit only.
        let red = OfflineRules.checkCapture(
            try invoice(gross: -10_000_001),
            outage: outage,
            tally: tally,
            profile: ukey,
            now: now
        )
        #expect(red.refusals.isEmpty)
    }

    @Test func aBranchCountLimitRefusesTheCaptureAfterTheLast() throws {
        let ukey = try Self.profile("cn-ukey").applying(["offline.count": "5"])
        let outage = OfflineRules.Outage(startedAt: try Self.instant("2026-11-20T00:00:00.000Z"))
        let now = try Self.instant("2026-11-20T01:00:00.000Z")
        let fourth = OfflineRules.checkCapture(
            try invoice(gross: 1),
            outage: outage,
            tally: .init(count: 3),
            profile: ukey,
            now: now
        )
        #expect(fourth.refusals.isEmpty)
        #expect(fourth.warnings == ["the outage holds 4 of the 5 invoices the cn-ukey profile allows"])
        let sixth = OfflineRules.checkCapture(
            try invoice(gross: 1),
            outage: outage,
            tally: .init(count: 5),
            profile: ukey,
            now: now
        )
        #expect(sixth.refusals.map(\.rule) == ["offline.count"])
    }

    @Test func withoutAnOpenOutageNoOfflineLimitApplies() throws {
        let ukey = try Self.profile("cn-ukey").applying(["offline.count": "1"])
        let check = OfflineRules.checkCapture(
            try invoice(gross: 1),
            outage: nil,
            tally: .init(count: 50),
            profile: ukey,
            now: try Self.instant("2026-11-20T01:00:00.000Z")
        )
        #expect(check.refusals.isEmpty && check.warnings.isEmpty)
    }

    // MARK: Deadlines and filing days

    /// cn-ukey: by the filing day of the month after issue; November 2026 is filed by 16 December
    /// (税总办征科函〔2025〕64号), 24:00 in Asia/Shanghai.
    @Test func aChineseInvoiceIsDueByThePublishedFilingDay() throws {
        let ukey = try Self.profile("cn-ukey")
        let deadline = OfflineRules.uploadDeadline(
            issueDate: try Self.date("2026-11-20"),
            capturedAt: try Self.instant("2026-11-20T02:00:00.000Z"),
            outage: nil,
            profile: ukey
        )
        #expect(deadline == (try Self.instant("2026-12-15T16:00:00.000Z")))
        #expect(
            OfflineRules.filingDay(forPeriod: try Self.date("2025-09-03"), profile: ukey)
                == (try Self.date("2025-10-27"))
        )
        // Unpublished periods fall back to the 15th moved to a business day: 2027-01-15 is a Friday.
        #expect(
            OfflineRules.filingDay(forPeriod: try Self.date("2026-12-01"), profile: ukey)
                == (try Self.date("2027-01-15"))
        )
    }

    /// pl-ksef, offline24: due by the end of the next business day after issue.
    ///
    /// Art. 106nda ust. 2 ustawy o VAT, counted in Europe/Warsaw; 24–26 December are holidays
    /// (with Wigilia from 2025).
    @Test(arguments: [
        ("2026-11-27", "2026-11-30T23:00:00.000Z"),  // Friday → Monday, CET
        ("2026-12-23", "2026-12-28T23:00:00.000Z"),  // Wednesday → past Wigilia, Christmas, the weekend
        ("2026-04-03", "2026-04-07T22:00:00.000Z"),  // Friday → past Easter Monday, CEST
    ])
    func aPolishInvoiceIsDueByTheEndOfTheNextBusinessDay(issued: String, due: String) throws {
        let deadline = OfflineRules.uploadDeadline(
            issueDate: try Self.date(issued),
            capturedAt: try Self.instant("2026-01-01T00:00:00.000Z"),
            outage: nil,
            profile: try Self.profile("pl-ksef")
        )
        #expect(deadline == (try Self.instant(due)))
    }

    /// pl-ksef: JPK_V7 by the 25th, moved past Christmas and the weekend.
    ///
    /// Art. 99 ust. 1 ustawy o VAT; Ordynacja podatkowa art. 12 § 5.
    @Test func aPolishFilingDayMovesPastHolidaysAndTheWeekend() throws {
        let ksef = try Self.profile("pl-ksef")
        #expect(
            OfflineRules.filingDay(forPeriod: try Self.date("2026-11-05"), profile: ksef)
                == (try Self.date("2026-12-28"))
        )
        #expect(
            OfflineRules.filingDay(forPeriod: try Self.date("2026-09-05"), profile: ksef)
                == (try Self.date("2026-10-26"))
        )
    }

    @Test func chineseMakeUpWorkdaysAreBusinessDaysAndHolidaysAreNot() throws {
        let calendar = try Self.profile("cn-ukey").calendar
        #expect(calendar.isBusinessDay(try Self.date("2026-02-14")))  // Saturday, 调休
        #expect(!calendar.isBusinessDay(try Self.date("2026-02-16")))  // Monday, 春节
        #expect(calendar.businessDay(1, after: try Self.date("2026-09-30")) == (try Self.date("2026-10-08")))
        #expect(calendar.businessDay(1, after: try Self.date("2026-10-09")) == (try Self.date("2026-10-10")))
    }

    @Test func anOutageDeadlineWaitsForTheOutagesEnd() throws {
        var ukey = try Self.profile("cn-ukey")
        ukey.uploadDeadline = .hoursAfterOutageEnd(48)
        let start = try Self.instant("2026-11-20T00:00:00.000Z")
        let open = OfflineRules.uploadDeadline(
            issueDate: try Self.date("2026-11-20"),
            capturedAt: start,
            outage: .init(startedAt: start),
            profile: ukey
        )
        #expect(open == nil)
        let ended = OfflineRules.uploadDeadline(
            issueDate: try Self.date("2026-11-20"),
            capturedAt: start,
            outage: .init(startedAt: start, endedAt: try Self.instant("2026-11-21T00:00:00.000Z")),
            profile: ukey
        )
        #expect(ended == (try Self.instant("2026-11-23T00:00:00.000Z")))
    }

    @Test func aDeadlineIsShownAsAClerkReadsItInTheProfilesZone() throws {
        let shanghai = try Self.profile("cn-ukey").timeZone
        #expect(
            try Self.instant("2026-12-15T16:00:00.000Z").localText(in: shanghai) == "2026-12-15 24:00 Asia/Shanghai"
        )
        #expect(
            try Self.instant("2026-11-20T01:30:00.000Z").localText(in: shanghai) == "2026-11-20 09:30 Asia/Shanghai"
        )
        let warsaw = try Self.profile("pl-ksef").timeZone
        #expect(try Self.instant("2026-07-01T22:00:00.000Z").localText(in: warsaw) == "2026-07-01 24:00 Europe/Warsaw")
    }

    // MARK: Voids (国税发〔2006〕156号 第二十条; 数电票 never)

    @Test func voidsFollowTheProfilesRule() throws {
        let digital = try Self.profile("cn-digital")
        let ukey = try Self.profile("cn-ukey")
        let inMonth = try Self.instant("2026-11-25T02:00:00.000Z")
        let nextMonth = try Self.instant("2026-12-01T02:00:00.000Z")
        let paper = try invoice(gross: 100)
        #expect(OfflineRules.voidRefusal(paper, profile: ukey, now: inMonth, closedPeriods: []) == nil)
        #expect(
            OfflineRules.voidRefusal(paper, profile: ukey, now: nextMonth, closedPeriods: [])?.contains(
                "month of issue"
            ) == true
        )
        #expect(
            OfflineRules.voidRefusal(paper, profile: ukey, now: inMonth, closedPeriods: ["2026-11"])?.contains("closed")
                == true
        )
        // 2026-11-30T16:00Z is already 1 December in Asia/Shanghai.
        #expect(
            OfflineRules.voidRefusal(
                paper,
                profile: ukey,
                now: try Self.instant("2026-11-30T16:00:00.000Z"),
                closedPeriods: []
            )
                != nil
        )
        let digitalInvoice = try invoice(gross: 100, type: .digitalOrdinary)
        #expect(
            OfflineRules.voidRefusal(digitalInvoice, profile: digital, now: inMonth, closedPeriods: [])?.contains(
                "red invoice"
            )
                == true
        )
        var red = try invoice(gross: -100)
        red.kind = .red
        #expect(
            OfflineRules.voidRefusal(red, profile: ukey, now: inMonth, closedPeriods: [])?.contains("never voided")
                == true
        )
    }
}
