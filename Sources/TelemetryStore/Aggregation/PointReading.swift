/// What one usable sum or histogram data point says, once its values are validated: the
/// reading its series remembers (value, and a histogram's count) and which of the two feeds the
/// figures. Sums and histograms differ only in how this is read from the point; the delta and
/// cumulative bookkeeping after it is one routine (``MetricsAggregator``'s `apply(_:known:…)`).
struct PointReading {
    var start: UInt64
    var time: UInt64
    var attributes: Attributes
    /// A sum's value, or a histogram's sum.
    var value: Double
    /// A histogram's count; 0 for a sum.
    var count: Double
    /// Whether the figures take the count (a histogram of requests, such as operation duration)
    /// rather than the value.
    var amountIsCount: Bool

    /// The amount a delta of this reading adds to the figures.
    func amount(value: Double, count: Double) -> Double {
        amountIsCount ? count : value
    }
}
