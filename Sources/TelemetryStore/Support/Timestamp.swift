import SystemCalls

/// A point in time as OTLP carries it: nanoseconds since the Unix epoch, UTC.
/// Formatting is plain arithmetic (no calendars, no locale), so it is fast and exact.
package struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    package let nanoseconds: UInt64

    package init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
    package init(seconds: UInt64) { self.nanoseconds = seconds &* 1_000_000_000 }

    package static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    /// Whole seconds since the epoch.
    package var seconds: UInt64 { nanoseconds / 1_000_000_000 }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// The UTC calendar day, `YYYY-MM-DD`.
    package var day: String { CivilDate(days: Int64(nanoseconds / 1_000_000_000) / 86_400).text }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    package var iso8601: String {
        let seconds = Int64(nanoseconds / 1_000_000_000)
        let secondOfDay = Int(seconds % 86_400)
        let millis = Int((nanoseconds / 1_000_000) % 1000)
        return day + "T" + CivilDate.pad(secondOfDay / 3600, 2) + ":" + CivilDate.pad(secondOfDay / 60 % 60, 2) + ":"
            + CivilDate.pad(secondOfDay % 60, 2) + "." + CivilDate.pad(millis, 3) + "Z"
    }

    package var description: String { iso8601 }
}
