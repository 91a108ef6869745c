package import TelemetryStore

/// A calendar day (cut in the deployment's `--timezone`), as `aggregate.json` names its day buckets (`YYYY-MM-DD`). Parsing is
/// strict (real dates only, four-digit years) so that a query naming a day either means
/// exactly one bucket key or is refused.
package struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    package let ordinal: Int64

    package init(ordinal: Int64) { self.ordinal = ordinal }

    /// The UTC day of `timestamp`.
    package init(_ timestamp: Timestamp) { ordinal = Int64(timestamp.seconds / 86_400) }

    /// The day of `timestamp` in `zone` (`--timezone`): what "today" is for a read.
    package init(_ timestamp: Timestamp, in zone: DayZone) {
        ordinal = zone.dayNumber(atSecond: Int64(clamping: timestamp.seconds))
    }

    /// Parses `YYYY-MM-DD`; nil for anything else, including dates that do not exist and
    /// years before 1970.
    package init?(_ text: some StringProtocol) {
        guard let date = CivilDate(text), date.year >= 1970 else { return nil }
        ordinal = date.days
    }

    package var description: String { CivilDate(days: ordinal).text }

    package func adding(days: Int64) -> CalendarDay { CalendarDay(ordinal: ordinal + days) }

    package static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.ordinal < rhs.ordinal }
}
