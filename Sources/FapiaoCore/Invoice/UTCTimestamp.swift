/// An instant in UTC with millisecond precision, written as ISO 8601 (`2026-11-20T08:15:30.125Z`).
///
/// Kept as an integer so that its text form, which is hashed into the audit chain, is
/// exact and cheap to produce. Wall time is for people to read; it never decides an outcome.
public struct UTCTimestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    /// Creates a timestamp.
    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    /// Parses the ISO 8601 form this type writes (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
    public init?(parsing text: String) {
        // Read in place: every audit entry's time is parsed when the chain is read or anchored.
        var text = text
        guard
            let milliseconds = text.withUTF8({ bytes -> Int64? in
                guard bytes.count == 24, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
                    bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z"),
                    let date = CalendarDate(utf8: bytes, at: 0),
                    let hour = CalendarDate.digits(bytes, 11..<13), let minute = CalendarDate.digits(bytes, 14..<16),
                    let second = CalendarDate.digits(bytes, 17..<19), let millis = CalendarDate.digits(bytes, 20..<23),
                    hour < 24, minute < 60, second < 60
                else { return nil }
                return Int64(date.daysSinceEpoch) * 86_400_000 + Int64(hour) * 3_600_000 + Int64(minute) * 60_000
                    + Int64(second) * 1_000 + Int64(millis)
            })
        else { return nil }
        millisecondsSinceEpoch = milliseconds
    }

    public var description: String {
        let days = Int(millisecondsSinceEpoch.floorDivided(by: 86_400_000))
        let inDay = millisecondsSinceEpoch - Int64(days) * 86_400_000
        let date = CalendarDate(daysSinceEpoch: days)
        // Every audit entry's time is written when it is hashed, stored and sent: a time of the
        // years 0…9999 is written straight into the string's storage.
        if (0...9999).contains(date.year) {
            let parts = (inDay / 3_600_000, inDay / 60_000 % 60, inDay / 1_000 % 60, inDay % 1_000)
            return String(unsafeUninitializedCapacity: 24) { buffer in
                func put(_ value: Int, at position: Int, width: Int) {
                    var rest = value
                    for offset in stride(from: width - 1, through: 0, by: -1) {
                        buffer[position + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                }
                put(date.year, at: 0, width: 4)
                buffer[4] = UInt8(ascii: "-")
                put(date.month, at: 5, width: 2)
                buffer[7] = UInt8(ascii: "-")
                put(date.day, at: 8, width: 2)
                buffer[10] = UInt8(ascii: "T")
                put(Int(parts.0), at: 11, width: 2)
                buffer[13] = UInt8(ascii: ":")
                put(Int(parts.1), at: 14, width: 2)
                buffer[16] = UInt8(ascii: ":")
                put(Int(parts.2), at: 17, width: 2)
                buffer[19] = UInt8(ascii: ".")
                put(Int(parts.3), at: 20, width: 3)
                buffer[23] = UInt8(ascii: "Z")
                return 24
            }
        }
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let hour = inDay / 3_600_000
        let minute = inDay / 60_000 % 60
        let second = inDay / 1_000 % 60
        let millis = inDay % 1_000
        return "\(date)T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))Z"
    }

    public static func < (lhs: UTCTimestamp, rhs: UTCTimestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }
}
