import FapiaoCore
import FapiaoTesting
import Testing

@Suite struct UTCTimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (1_795_162_530_125, "2026-11-20T08:15:30.125Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func knownInstants(milliseconds: Int64, text: String) {
        let timestamp = UTCTimestamp(millisecondsSinceEpoch: milliseconds)
        #expect(timestamp.description == text)
        #expect(UTCTimestamp(parsing: text) == timestamp)
    }

    /// Past the year 9999 the time is written by the padded path: the same form, a longer year.
    @Test func anInstantPastTheYear9999IsWrittenAllTheSame() {
        #expect(UTCTimestamp(millisecondsSinceEpoch: 253_402_300_800_000).description == "10000-01-01T00:00:00.000Z")
    }

    @Test func roundTripsOverManyInstants() throws {
        var random = SeededGenerator(seed: 8_601)
        for _ in 0..<5_000 {
            let milliseconds = Int64.random(in: -2_208_988_800_000...253_402_300_799_999, using: &random)
            let timestamp = UTCTimestamp(millisecondsSinceEpoch: milliseconds)
            let parsed = try #require(UTCTimestamp(parsing: timestamp.description), "\(timestamp)")
            #expect(parsed.millisecondsSinceEpoch == milliseconds)
        }
    }

    @Test(arguments: [
        "", "2026-11-20T08:15:30Z", "2026-11-20T08:15:30.125", "2026-11-20 08:15:30.125Z", "2026-11-20t08:15:30.125Z",
        "2026-11-20T24:00:00.000Z", "2026-11-20T08:60:00.000Z", "2026-11-20T08:15:60.000Z", "2026-02-30T08:15:30.125Z",
        "2026-11-20T08:15:30.125+08:00", "2026-11-20T8:15:30.125Z", "2026-11-20T08:15:30.1250Z",
        "2026-11-20T08:15:3a.125Z", "2026-11-20T08:15:30.12aZ", "2026-11-20T08:15:30.-25Z", "2026-1１-20T08:15:30.125Z",
    ])
    func refusesOtherForms(text: String) {
        #expect(UTCTimestamp(parsing: text) == nil)
    }

    @Test func ordersByInstant() {
        let clock = ManualClock()
        let before = clock.now
        clock.advance(byMilliseconds: 1)
        #expect(before < clock.now)
        clock.now = before
        #expect(clock.now == before)
        clock.advance(byDays: -1)
        #expect(clock.now.millisecondsSinceEpoch == before.millisecondsSinceEpoch - 86_400_000)
    }
}
