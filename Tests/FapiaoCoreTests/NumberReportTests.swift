import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// 编号是否连续: gaps below the highest number, explained ranges, duplicates and issue dates out
/// of number order, per series.
@Suite struct NumberReportTests {
    static let series = NumberSeries(id: 1, type: .ordinary, code: "011002600111", first: "00000001", last: "00000100")

    static func use(
        _ number: String,
        _ date: String = "2026-11-20",
        branch: String = "bj-01",
        code: String = "011002600111"
    )
        -> NumberReport.Use
    {
        NumberReport.Use(
            invoiceID: UUID(),
            type: .ordinary,
            code: code,
            number: number,
            issueDate: CalendarDate(parsing: date) ?? CalendarDate(daysSinceEpoch: 0),
            branch: branch
        )
    }

    @Test func gapsAreTheNumbersSkippedBelowTheHighestLessThoseExplained() throws {
        let uses = ["00000001", "00000002", "00000006", "00000009"].map { Self.use($0) }
        let explanation = NumberExplanation(code: "011002600111", first: "00000004", last: "00000004", reason: "损坏")
        let report = try #require(
            NumberReport.reports(series: [Self.series], uses: uses, explanations: [explanation]).first
        )
        #expect(report.used == 4)
        #expect(report.highest == "00000009")
        #expect(report.gaps.map(\.text) == ["00000003", "00000005", "00000007-00000008"])
        #expect(report.gapCount == 4)
        #expect(report.explained.map(\.text) == ["00000004"])
        #expect(report.duplicates.isEmpty)
    }

    @Test func aSeriesStartsCountingAtItsFirstNumber() throws {
        let report = try #require(
            NumberReport.reports(series: [Self.series], uses: [Self.use("00000004")], explanations: []).first
        )
        #expect(report.gaps.map(\.text) == ["00000001-00000003"])
    }

    @Test func duplicatesAcrossBranchesAndDatesOutOfOrderAreNamed() throws {
        let uses = [
            Self.use("00000001", "2026-11-20", branch: "bj-01"), Self.use("00000002", "2026-11-22", branch: "bj-01"),
            Self.use("00000002", "2026-11-22", branch: "sh-02"), Self.use("00000003", "2026-11-21", branch: "sh-02"),
        ]
        let report = try #require(NumberReport.reports(series: [Self.series], uses: uses, explanations: []).first)
        #expect(report.duplicates.map(\.number) == ["00000002"])
        #expect(report.duplicates.first?.uses.map(\.branch).sorted() == ["bj-01", "sh-02"])
        #expect(report.outOfOrder.map(\.number) == ["00000003"])
        #expect(report.gaps.isEmpty)
    }

    @Test func numbersNoSeriesCoversAreReportedByTypeAndCode() {
        let reports = NumberReport.reports(
            series: [Self.series],
            uses: [Self.use("00000002"), Self.use("00000500"), Self.use("00000001", code: "011002600222")],
            explanations: []
        )
        #expect(
            reports.map { $0.series?.rangeText ?? "\($0.code) uncovered" } == [
                "011002600111:00000001-00000100", "011002600111 uncovered", "011002600222 uncovered",
            ]
        )
        #expect(reports[0].gaps.map(\.text) == ["00000001"])
    }

    @Test func twentyDigitNumbersBeyondSixtyFourBitsAreCounted() throws {
        let digital = NumberSeries(
            type: .digitalOrdinary,
            code: "",
            first: "99999999999999999990",
            last: "99999999999999999999"
        )
        let uses = ["99999999999999999990", "99999999999999999993"].map {
            NumberReport.Use(
                invoiceID: UUID(),
                type: .digitalOrdinary,
                code: "",
                number: $0,
                issueDate: CalendarDate(daysSinceEpoch: 20_000)
            )
        }
        let report = try #require(NumberReport.reports(series: [digital], uses: uses, explanations: []).first)
        #expect(report.gaps.map(\.text) == ["99999999999999999991-99999999999999999992"])
        #expect(digital.contains(type: .digitalOrdinary, code: "", number: "99999999999999999995"))
        #expect(!digital.contains(type: .digitalOrdinary, code: "", number: "9999999999999999999"))
    }

    @Test func aMonthReportsOnlyThatMonthsNumbers() throws {
        let uses = [
            Self.use("00000001", "2026-10-30"), Self.use("00000005", "2026-11-02"), Self.use("00000007", "2026-11-03"),
        ]
        let report = try #require(
            NumberReport.reports(series: [Self.series], uses: uses, explanations: [], month: "2026-11").first
        )
        #expect(report.used == 2)
        #expect(report.gaps.map(\.text) == ["00000006"])
    }
}
