import FapiaoCommandSupport
import Testing

/// `--interval`, `--timeout`: durations a person types, bounded before any arithmetic.
@Suite struct DurationTextTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("250ms", .milliseconds(250)), ("5m", .seconds(300)), ("2h", .seconds(7200)),
        ("45", .seconds(45)), (" 1H ", .seconds(3600)), ("7d", .seconds(604_800)),
    ])
    func durationsAreRead(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: [
        "99999999999999h", "9223372036854775807ms", "9223372036854775808", "-5s", "0s", "", "s", "1.5s", "30 s",
        "１０s", "8d",
    ])
    func overflowingOrMalformedDurationsAreRefusedNotTrapped(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func theLongestDurationIsAWeek() {
        #expect(DurationText.parse("168h") == .seconds(604_800))
        #expect(DurationText.parse("169h") == nil)
    }
}
