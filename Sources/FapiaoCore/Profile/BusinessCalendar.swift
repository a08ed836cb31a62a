import Foundation

/// Which days are business days in a jurisdiction: Monday to Friday, less its public holidays,
/// plus the weekend days made working days (China's 调休), as its profile lists them per year.
public struct BusinessCalendar: Hashable, Sendable {
    /// Public holidays (and other closed days) on which no business day falls.
    public var closed: Set<CalendarDate>
    /// Weekend days that are working days.
    public var workdays: Set<CalendarDate>
    /// The years the profile lists; outside them only weekends are known.
    public var years: Set<Int>

    public init(closed: Set<CalendarDate> = [], workdays: Set<CalendarDate> = [], years: Set<Int> = []) {
        self.closed = closed
        self.workdays = workdays
        self.years = years
    }

    /// Whether `date` is a business day.
    public func isBusinessDay(_ date: CalendarDate) -> Bool {
        if workdays.contains(date) { return true }
        if closed.contains(date) { return false }
        return !date.isWeekend
    }

    /// `date` itself when it is a business day, else the next one.
    public func businessDay(onOrAfter date: CalendarDate) -> CalendarDate {
        var day = date
        // A year has at most a few dozen closed days in a row; the bound only stops bad data looping.
        for _ in 0..<370 where !isBusinessDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The `count`th business day after `date` (`count` ≥ 1; the date itself is not counted).
    public func businessDay(_ count: Int, after date: CalendarDate) -> CalendarDate {
        var day = date
        var remaining = max(count, 0)
        while remaining > 0 {
            day = businessDay(onOrAfter: day.adding(days: 1))
            remaining -= 1
        }
        return day
    }
}

extension CalendarDate {
    /// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
    public var weekdayIndex: Int { ((daysSinceEpoch + 3) % 7 + 7) % 7 }

    /// Whether the date is a Saturday or Sunday.
    public var isWeekend: Bool { weekdayIndex >= 5 }

    /// `YYYY-MM`, the tax period the date belongs to.
    public var monthText: String { String(description.prefix(7)) }

    /// The first day of the month after this date's.
    public var firstOfNextMonth: CalendarDate {
        // The day after the month's last day is the next month's first.
        sameMonth(day: 31).adding(days: 1)
    }

    /// The same month's `day`, or its last day when the month is shorter.
    public func sameMonth(day: Int) -> CalendarDate {
        let last = Self.daysInMonth(year: year, month: month)
        return adding(days: min(max(day, 1), last) - self.day)
    }
}
