/// What is remembered about one metric series (metric name + resource + scope + point
/// attributes) between requests: the last cumulative reading, to turn running totals into
/// deltas, and the times of recent delta points, to recognise a replayed batch.
struct SeriesState: Equatable, Sendable {
    /// `start_time_unix_nano` of the last accepted point.
    var start: UInt64 = 0
    /// `time_unix_nano` of the last accepted point.
    var time: UInt64 = 0
    /// Last cumulative value (sum value, or histogram sum).
    var value: Double = 0
    /// Last cumulative histogram count.
    var count: Double = 0
    /// Store-wide order of the last update, for least-recently-seen eviction.
    var touched: UInt64 = 0
    /// Digests of (start, time) of the most recent delta points, newest last.
    var recent: [UInt64] = []
}

extension SeriesState: Codable {
    private enum Keys: String, CodingKey { case s, t, v, c, o, r }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        start = try c.decodeIfPresent(UInt64.self, forKey: .s) ?? 0
        time = try c.decodeIfPresent(UInt64.self, forKey: .t) ?? 0
        value = try c.decodeIfPresent(Double.self, forKey: .v) ?? 0
        count = try c.decodeIfPresent(Double.self, forKey: .c) ?? 0
        touched = try c.decodeIfPresent(UInt64.self, forKey: .o) ?? 0
        recent = try c.decodeIfPresent([UInt64].self, forKey: .r) ?? []
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        if start != 0 { try c.encode(start, forKey: .s) }
        if time != 0 { try c.encode(time, forKey: .t) }
        if value != 0 { try c.encode(value, forKey: .v) }
        if count != 0 { try c.encode(count, forKey: .c) }
        try c.encode(touched, forKey: .o)
        if !recent.isEmpty { try c.encode(recent, forKey: .r) }
    }
}
