import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

/// `$FAPIAO_AS_OF`: runs a command as of another instant, for tests and demos of deadlines.
///
/// A journal made with it set is marked as having a simulated clock (``JournalSettings/simulatedClock``,
/// audited at `init`), and only such a journal accepts it: a real journal never records a
/// capture at an invented time, and a simulated one never runs on the real clock.
struct AsOfClock {
    /// The instant the process starts at.
    let start: UTCTimestamp
    /// Simulated milliseconds per real millisecond (`$FAPIAO_CLOCK_RATE`, 1 by default): a
    /// three-hour outage watched by `sync --watch` in seconds, for tests and demos.
    var rate: Double = 1

    static let variable = "FAPIAO_AS_OF"
    static let rateVariable = "FAPIAO_CLOCK_RATE"

    /// The clock `$FAPIAO_AS_OF` asks for, or `nil` when it is not set.
    /// - Throws: `ValidationError` naming the variable and the form when it does not read.
    static func fromEnvironment(
        _ environment: (String) -> String? = ProcessEnvironment.value
    ) throws -> AsOfClock? {
        guard let text = environment(variable), !text.isEmpty else {
            if let rate = environment(rateVariable), !rate.isEmpty {
                throw JournalError(
                    code: .invalidSetting,
                    message: "$\(rateVariable) speeds up a simulated clock only: set $\(variable) too, or unset it."
                )
            }
            return nil
        }
        guard let instant = parse(text) else {
            throw JournalError(
                code: .invalidSetting,
                message: "$\(variable) must be an instant such as 2026-11-20T09:00:00+08:00 or 2026-11-20T01:00:00Z, "
                    + "not \"\(text.prefix(40))\"."
            )
        }
        var clock = AsOfClock(start: instant)
        if let text = environment(rateVariable), !text.isEmpty {
            guard let rate = Double(text), rate.isFinite, rate >= 1, rate <= 100_000 else {
                throw JournalError(
                    code: .invalidSetting,
                    message: "$\(rateVariable) must be a number from 1 to 100000 (simulated seconds per second), "
                        + "not \"\(text.prefix(20))\"."
                )
            }
            clock.rate = rate
        }
        return clock
    }

    /// Reads `YYYY-MM-DDTHH:MM[:SS[.mmm]]` followed by `Z` or `±HH:MM`.
    static func parse(_ text: String) -> UTCTimestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 17, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            let date = CalendarDate(parsing: String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hour = number(11..<13), let minute = number(14..<16), hour < 24, minute < 60 else { return nil }
        var index = 16
        var second: Int64 = 0
        var millis: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard let value = number(17..<19), value < 60 else { return nil }
            second = value
            index = 19
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                guard let value = number(20..<23) else { return nil }
                millis = value
                index = 23
            }
        }
        var offsetMinutes: Int64 = 0
        let zone = bytes[index...]
        if zone.elementsEqual("Z".utf8) {
            offsetMinutes = 0
        } else if zone.count == 6, zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"),
            bytes[index + 3] == UInt8(ascii: ":"), let hours = number(index + 1..<index + 3),
            let minutes = number(index + 4..<index + 6), hours < 15, minutes < 60
        {
            offsetMinutes = (hours * 60 + minutes) * (zone.first == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        let milliseconds =
            Int64(date.daysSinceEpoch) * 86_400_000 + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000
            + millis
        return UTCTimestamp(millisecondsSinceEpoch: milliseconds)
    }

    /// A journal environment whose clock starts at ``start`` and runs on from there, ``rate`` times as fast.
    var environment: JournalEnvironment {
        let start = start
        let rate = rate
        let began = Date()
        return JournalEnvironment(now: {
            UTCTimestamp(
                millisecondsSinceEpoch: start.millisecondsSinceEpoch
                    + Int64(Date().timeIntervalSince(began) * 1000 * rate)
            )
        })
    }
}
