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
