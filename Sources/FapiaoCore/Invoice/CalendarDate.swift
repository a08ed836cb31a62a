/// A calendar date with no time of day, as printed on an invoice (`2026-11-20`).
///
/// Invoice dates are China Standard Time dates; "today" for a branch is computed in
/// Asia/Shanghai (UTC+8, no daylight saving) from an injected instant.
public struct CalendarDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Creates a date; returns `nil` when the day does not exist (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month),
            (1...Self.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(parsing text: String) {
        var text = text
        guard let date = text.withUTF8({ Self(utf8: $0, at: 0) }) else { return nil }
        guard text.utf8.count == 10 else { return nil }
        self = date
    }

    /// The date written `YYYY-MM-DD` in the ten bytes of `bytes` from `start`, read in place
    /// (every stored invoice and every audit entry's time carries one).
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>, at start: Int) {
        guard start >= 0, bytes.count - start >= 10, bytes[start + 4] == UInt8(ascii: "-"),
            bytes[start + 7] == UInt8(ascii: "-"),
            let year = Self.digits(bytes, start..<start + 4), let month = Self.digits(bytes, start + 5..<start + 7),
            let day = Self.digits(bytes, start + 8..<start + 10)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The decimal number written in `range` of `bytes`, or `nil` when a byte is not a digit.
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var value = 0
        for index in range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// The date in Asia/Shanghai at `instant`.
    public init(shanghaiDateAt instant: UTCTimestamp) {
        let shanghai = instant.millisecondsSinceEpoch + 8 * 3_600_000
        let days = Int(shanghai.floorDivided(by: 86_400_000))
        self = Self(daysSinceEpoch: days)
    }

    /// Creates the date `days` days after 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + days) }

    public var description: String {
        // Every date of every invoice is written when it is validated and encoded: a date of the
        // years 0…9999 is written straight into the string's storage.
        if (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day) {
            return String(unsafeUninitializedCapacity: 10) { buffer in
                func digit(_ value: Int) -> UInt8 { UInt8(ascii: "0") + UInt8(value) }
                buffer[0] = digit(year / 1000)
                buffer[1] = digit(year / 100 % 10)
                buffer[2] = digit(year / 10 % 10)
                buffer[3] = digit(year % 10)
                buffer[4] = UInt8(ascii: "-")
                buffer[5] = digit(month / 10)
                buffer[6] = digit(month % 10)
                buffer[7] = UInt8(ascii: "-")
                buffer[8] = digit(day / 10)
                buffer[9] = digit(day % 10)
                return 10
            }
        }
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
