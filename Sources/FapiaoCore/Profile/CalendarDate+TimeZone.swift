import Foundation

extension CalendarDate {
    /// The date in `zone` at `instant`.
    public init(at instant: UTCTimestamp, in zone: TimeZone) {
        let date = Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1000)
        let local = instant.millisecondsSinceEpoch + Int64(zone.secondsFromGMT(for: date)) * 1000
        self.init(daysSinceEpoch: Int(local.floorDivided(by: 86_400_000)))
    }

    /// The instant this date begins (00:00) in `zone`.
    public func start(in zone: TimeZone) -> UTCTimestamp {
        let midnightUTC = Int64(daysSinceEpoch) * 86_400_000
        // The offset at local midnight can differ from the one at UTC midnight on a day
        // daylight saving changes; one refinement settles it.
        func offset(_ milliseconds: Int64) -> Int64 {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(milliseconds) / 1000))) * 1000
        }
        let guess = midnightUTC - offset(midnightUTC)
        return UTCTimestamp(millisecondsSinceEpoch: midnightUTC - offset(guess))
    }

    /// The instant this date ends (24:00, the next day's start) in `zone`.
    public func end(in zone: TimeZone) -> UTCTimestamp { adding(days: 1).start(in: zone) }
}

extension UTCTimestamp {
    /// The instant as a clerk reads it in `zone`: `2026-12-15 24:00 Asia/Shanghai` for the end of a
    /// day (deadlines end at midnight), else `2026-12-15 09:30 Asia/Shanghai`.
    public func localText(in zone: TimeZone) -> String {
        let date = CalendarDate(at: self, in: zone)
        let minutes = Int((millisecondsSinceEpoch - date.start(in: zone).millisecondsSinceEpoch) / 60_000)
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        if minutes == 0 { return "\(date.adding(days: -1)) 24:00 \(zone.identifier)" }
        return "\(date) \(pad(minutes / 60)):\(pad(minutes % 60)) \(zone.identifier)"
    }
}
