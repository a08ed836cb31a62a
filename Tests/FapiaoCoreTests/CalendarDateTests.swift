import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@Suite struct CalendarDateTests {
    /// Foundation's Gregorian calendar in UTC, an independent oracle for day arithmetic.
    static let gregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    @Test(arguments: [
        ("1970-01-01", 0),
        ("2000-02-29", 11_016),
        ("2026-11-20", 20_777),
        ("1900-01-01", -25_567),
        ("9999-12-31", 2_932_896),
    ])
    func knownDays(text: String, days: Int) throws {
        let date = try #require(CalendarDate(parsing: text))
        #expect(date.daysSinceEpoch == days)
        #expect(CalendarDate(daysSinceEpoch: days) == date)
        #expect(date.description == text)
    }

    /// Years 0…9999 are written digit by digit, others padded from their number: both agree
    /// with zero-padding every part.
    @Test(arguments: [
        (0, 1, 1, "0000-01-01"), (5, 3, 9, "0005-03-09"), (999, 12, 31, "0999-12-31"),
        (2026, 12, 5, "2026-12-05"), (9999, 12, 31, "9999-12-31"), (10_000, 1, 1, "10000-01-01"),
    ])
    func writesEveryPartZeroPadded(year: Int, month: Int, day: Int, text: String) throws {
        // The parts are set one by one: the initialiser takes only years from 1900.
        var date = try #require(CalendarDate(year: 2026, month: 1, day: 1))
        (date.year, date.month, date.day) = (year, month, day)
        #expect(date.description == text)
    }

    @Test func parseAndFormatRoundTripOverEveryFewDaysOfTheRange() throws {
        var days = -25_567  // 1900-01-01
        var checked = 0
        while days <= 2_932_896 {  // 9999-12-31
            let date = CalendarDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            let parsed = try #require(CalendarDate(parsing: date.description), "\(date)")
            #expect(parsed == date)
            let components = Self.gregorian.dateComponents(
                [.year, .month, .day],
                from: Date(timeIntervalSince1970: Double(days) * 86_400)
            )
            #expect(components.year == date.year && components.month == date.month && components.day == date.day)
            days += 97
            checked += 1
        }
        #expect(checked > 30_000)
    }

    @Test func everyDayOfTwoYearsAroundNowRoundTrips() throws {
        let start = try #require(CalendarDate(parsing: "2025-12-01"))
        var previous = start.adding(days: -1)
        for offset in 0..<800 {
            let date = start.adding(days: offset)
            #expect(previous < date)
            #expect(CalendarDate(parsing: date.description) == date)
            #expect(CalendarDate(year: date.year, month: date.month, day: date.day) == date)
            previous = date
        }
    }

    @Test(arguments: [
        "2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-11-00",
        "2026-11-32", "1899-12-31", "0000-01-01",
    ])
    func refusesDaysThatDoNotExist(text: String) {
        #expect(CalendarDate(parsing: text) == nil)
    }

    @Test(arguments: [
        "", "2026-1-01", "2026-11-2", "2026/11/20", "20261120", " 2026-11-20", "2026-11-20 ", "+026-11-20",
        "2026-11-2a", "2026-11-20T00:00", "２０２６-11-20", "-2026-11-2",
    ])
    func refusesAnythingButYYYYMMDD(text: String) {
        #expect(CalendarDate(parsing: text) == nil)
    }

    @Test func leapDaysExistOnlyInLeapYears() {
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2100, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2026, month: 2, day: 30) == nil)
        #expect(CalendarDate(year: 2026, month: 12, day: 31) != nil)
    }

    @Test func addingDaysCrossesMonthsAndYears() throws {
        let newYearsEve = try #require(CalendarDate(parsing: "2026-12-31"))
        #expect(newYearsEve.adding(days: 1).description == "2027-01-01")
        let march = try #require(CalendarDate(parsing: "2024-03-01"))
        #expect(march.adding(days: -1).description == "2024-02-29")
        let today = try #require(CalendarDate(parsing: "2026-11-20"))
        #expect(today.adding(days: -90).description == "2026-08-22")
    }

    @Test(arguments: [
        ("2026-11-21T15:59:59.999Z", "2026-11-21"),
        ("2026-11-21T16:00:00.000Z", "2026-11-22"),
        ("2026-11-20T08:15:30.125Z", "2026-11-20"),
        ("2026-12-31T16:00:00.000Z", "2027-01-01"),
        ("1969-12-31T15:59:59.999Z", "1969-12-31"),
        ("1969-12-31T16:00:00.000Z", "1970-01-01"),
    ])
    func shanghaiDateChangesAt1600UTC(instant: String, date: String) throws {
        let timestamp = try #require(UTCTimestamp(parsing: instant))
        #expect(CalendarDate(shanghaiDateAt: timestamp).description == date)
    }

    @Test func theManualClockSeesTheShanghaiDateTurnOver() {
        let clock = ManualClock(UTCTimestamp(millisecondsSinceEpoch: 1_795_276_799_999))  // 2026-11-21T15:59:59.999Z
        #expect(clock.shanghaiToday.description == "2026-11-21")
        clock.advance(byMilliseconds: 1)
        #expect(clock.shanghaiToday.description == "2026-11-22")
        #expect(clock.now.description == "2026-11-21T16:00:00.000Z")
    }
}
