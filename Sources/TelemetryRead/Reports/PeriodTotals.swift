import TelemetryStore

/// The `periods` object of a summary: one entry per bucket label, with the days it covers
/// inside the range and the sum of its days' figures (every bucket is present, empty or not).
enum PeriodTotals {
    static func write(
        _ buckets: [(bucket: Period.Bucket, figures: PublishedTotals)], raw: Bool, activeUsers: [Int]? = nil,
        to w: inout JSONWriter
    ) {
        w.beginObject()
        for (index, entry) in buckets.enumerated() {
            w.key(entry.bucket.label)
            w.beginObject()
            if let activeUsers { w.key("activeUsers"); w.integer(Int64(activeUsers[index])) }
            w.key("from"); w.string(entry.bucket.from.description)
            w.key("to"); w.string(entry.bucket.to.description)
            w.key("totals"); entry.figures.write(to: &w, raw: raw)
            w.endObject()
        }
        w.endObject()
    }
}
