/// A distribution of durations in milliseconds: count, total, largest, and counts per fixed
/// bucket. The buckets are the same for every figure and every user, so a dashboard can add
/// them up across models, tools or users and read percentiles from the sum.
package struct DurationStats: Equatable, Sendable {
    /// Upper bounds of the buckets, in milliseconds: bucket `i` counts durations `d` with
    /// `bounds[i-1] < d <= bounds[i]`, and one more bucket counts those above the last bound.
    package static let boundsMs: [Double] = [
        50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000,
    ]

    package var count = 0
    package var totalMs: Double = 0
    package var maxMs: Double = 0
    /// `boundsMs.count + 1` counts.
    package var buckets = Array(repeating: 0, count: DurationStats.boundsMs.count + 1)

    package init() {}

    mutating func record(_ milliseconds: Double) {
        count += 1
        totalMs += milliseconds
        maxMs = max(maxMs, milliseconds)
        buckets[Self.bucket(milliseconds)] += 1
    }

    static func bucket(_ milliseconds: Double) -> Int {
        Self.boundsMs.firstIndex { milliseconds <= $0 } ?? Self.boundsMs.count
    }
}
