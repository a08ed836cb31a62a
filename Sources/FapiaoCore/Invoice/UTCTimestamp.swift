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
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z"),
            let date = CalendarDate(parsing: String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let millis = number(20..<23), hour < 24, minute < 60, second < 60
        else { return nil }
        millisecondsSinceEpoch =
            Int64(date.daysSinceEpoch) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1_000 + millis
    }

    public var description: String {
        let days = Int(millisecondsSinceEpoch.floorDivided(by: 86_400_000))
        let inDay = millisecondsSinceEpoch - Int64(days) * 86_400_000
        let date = CalendarDate(daysSinceEpoch: days)
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
