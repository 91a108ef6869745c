/// The rule for data stamped in the future: a clock can be wrong, or a sender hostile, and a
/// point dated in the year 2500 must not decide which days the daily view keeps (it keeps the
/// latest ones) or freeze a cumulative series (a reading no newer than the last one is a replay).
///
/// A time more than ``tolerance`` after receipt is not trusted. Such a delta point or log record
/// counts on the day it was received; such a cumulative reading is refused: its increase is
/// not lost, because the series' next reading carries it.
enum ReceiveTimeBound {
    /// One day: more than any clock skew or export delay, so real data is never moved.
    static let tolerance: UInt64 = 86_400 * 1_000_000_000

    /// True when `nanoseconds` lies more than ``tolerance`` after `now`.
    static func isFuture(_ nanoseconds: UInt64, receivedAt now: Timestamp) -> Bool {
        nanoseconds > now.nanoseconds &+ min(tolerance, UInt64.max &- now.nanoseconds)
    }

    /// The day (in `zone`) a point or record counts on: its own time's, or the receive day when
    /// it has no time or a time from the future.
    static func day(_ nanoseconds: UInt64, receivedAt now: Timestamp, zone: DayZone = .utc) -> String {
        zone.day(of: nanoseconds == 0 || isFuture(nanoseconds, receivedAt: now) ? now : Timestamp(nanoseconds: nanoseconds))
    }

    /// The time (seconds since the epoch) a point or record counts at, by the same rule as ``day(_:receivedAt:zone:)``.
    static func seconds(_ nanoseconds: UInt64, receivedAt now: Timestamp) -> UInt64 {
        (nanoseconds == 0 || isFuture(nanoseconds, receivedAt: now) ? now : Timestamp(nanoseconds: nanoseconds)).seconds
    }

    /// Why a cumulative reading cannot be ordered, or nil when it can.
    static func futureReadingReason(start: UInt64, time: UInt64, receivedAt now: Timestamp) -> String? {
        guard isFuture(start, receivedAt: now) || isFuture(time, receivedAt: now) else { return nil }
        return "cumulative reading dated more than a day after it was received (the next reading carries its increase)"
    }
}
