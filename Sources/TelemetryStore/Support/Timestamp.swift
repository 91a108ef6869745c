import SystemCalls

/// A point in time as OTLP carries it: nanoseconds since the Unix epoch, UTC.
/// Formatting is plain arithmetic (no calendars, no locale), so it is fast and exact.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
    public init(seconds: UInt64) { self.nanoseconds = seconds &* 1_000_000_000 }

    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    /// Whole seconds since the epoch.
    public var seconds: UInt64 { nanoseconds / 1_000_000_000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// The UTC calendar day, `YYYY-MM-DD`.
    public var day: String {
        let (year, month, day) = civil
        return Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var iso8601: String {
        let seconds = Int64(nanoseconds / 1_000_000_000)
        let secondOfDay = Int(seconds % 86_400)
        let millis = Int((nanoseconds / 1_000_000) % 1000)
        return day + "T" + Self.pad(secondOfDay / 3600, 2) + ":" + Self.pad(secondOfDay / 60 % 60, 2) + ":"
            + Self.pad(secondOfDay % 60, 2) + "." + Self.pad(millis, 3) + "Z"
    }

    public var description: String { iso8601 }

    /// Year, month, day from days since the epoch (Howard Hinnant's `civil_from_days`).
    private var civil: (Int, Int, Int) {
        let days = Int64(nanoseconds / 1_000_000_000) / 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
