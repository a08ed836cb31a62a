import FapiaoCore
import Foundation

/// A clock that stands still until a test sets or advances it.
///
/// Hand it to ``FapiaoJournal/JournalEnvironment/testing(clock:ids:)`` so that every
/// timestamp a journal writes, and every "today" a validator computes, is known in advance.
public final class ManualClock: @unchecked Sendable {
    // `lock` (the NSLock below) guards `current`: every read and write takes it.
    private let lock = NSLock()
    private var current: UTCTimestamp

    /// Where a clock starts unless told otherwise: 2026-11-20T08:15:30.125Z, which is
    /// 2026-11-20 16:15:30 in Asia/Shanghai (the DESIGN example's issue date).
    public static let defaultStart = UTCTimestamp(millisecondsSinceEpoch: 1_795_162_530_125)

    /// Creates a clock showing `start`.
    /// - Parameter start: the first instant the clock returns.
    public init(_ start: UTCTimestamp = ManualClock.defaultStart) {
        current = start
    }

    /// The instant the clock shows; setting it moves the clock there (backwards too).
    public var now: UTCTimestamp {
        get {
            lock.lock()
            defer { lock.unlock() }
            return current
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            current = newValue
        }
    }

    /// Today's date in Asia/Shanghai at the clock's instant: the date issue dates are checked against.
    public var shanghaiToday: CalendarDate { CalendarDate(shanghaiDateAt: now) }

    /// Moves the clock forward (or back, when negative).
    /// - Parameter milliseconds: how far to move it.
    public func advance(byMilliseconds milliseconds: Int64) {
        lock.lock()
        defer { lock.unlock() }
        current = UTCTimestamp(millisecondsSinceEpoch: current.millisecondsSinceEpoch + milliseconds)
    }

    /// Moves the clock forward by whole days (or back, when negative).
    /// - Parameter days: how many days of 86,400,000 ms to move it.
    public func advance(byDays days: Int) {
        advance(byMilliseconds: Int64(days) * 86_400_000)
    }
}
