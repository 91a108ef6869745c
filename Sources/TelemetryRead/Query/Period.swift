import TelemetryStore

/// The size of the buckets a summary or the CSV is cut into (`?period=day|week|month`). Weeks
/// start on Monday; months are calendar months. Days are the stored day buckets, which were
/// cut in the deployment's `--timezone`, so weeks and months follow that zone too.
package enum Period: String, CaseIterable, Sendable {
    case day, week, month

    /// One bucket: its label and the inclusive days it covers inside the range asked for.
    package struct Bucket: Equatable, Sendable {
        /// `YYYY-MM-DD` of the bucket's first calendar day (a Monday for weeks), `YYYY-MM` for months.
        package let label: String
        package let from: CalendarDay
        package let to: CalendarDay

        package func contains(_ day: String) -> Bool { day >= from.description && day <= to.description }
    }

    /// The first day of the period holding `day`.
    package func start(of day: CalendarDay) -> CalendarDay {
        switch self {
        case .day:
            return day
        case .week:
            // 1970-01-01 was a Thursday: (ordinal + 3) mod 7 is 0 on Mondays.
            let sinceMonday = ((day.ordinal + 3) % 7 + 7) % 7
            return day.adding(days: -sinceMonday)
        case .month:
            let date = CivilDate(days: day.ordinal)
            return CalendarDay(ordinal: day.ordinal - Int64(date.day - 1))
        }
    }

    /// The last day of the period starting at `start`.
    package func end(ofPeriodStartingAt start: CalendarDay) -> CalendarDay {
        switch self {
        case .day: return start
        case .week: return start.adding(days: 6)
        case .month:
            let date = CivilDate(days: start.ordinal)
            return start.adding(days: Int64(CivilDate.daysIn(month: date.month, year: date.year) - 1))
        }
    }

    package func label(ofPeriodStartingAt start: CalendarDay) -> String {
        self == .month ? String(start.description.prefix(7)) : start.description
    }

    /// The periods that meet `range`, oldest first, each cut to the range.
    package func buckets(in range: DayRange) -> [Bucket] {
        var buckets: [Bucket] = []
        var start = self.start(of: range.from)
        while start <= range.to {
            let end = end(ofPeriodStartingAt: start)
            buckets.append(
                Bucket(label: label(ofPeriodStartingAt: start), from: max(start, range.from), to: min(end, range.to)))
            start = end.adding(days: 1)
        }
        return buckets
    }

    /// `?period=`: absent is nil; anything but day, week or month is refused.
    package static func parse(_ text: String?) throws(ReadQueryError) -> Period? {
        guard let text else { return nil }
        guard let period = Period(rawValue: text) else {
            throw .invalidParameter(name: "period", value: text, expected: "day, week or month")
        }
        return period
    }
}
