import TelemetryStore

/// The `cacheEfficiency` object of a summary: the cache-read share of the input-side tokens,
/// `cacheRead / (input + cacheRead + cacheCreation)`, all time (`total`), over the range
/// (`range`), per day in the range and per model (all time). null where no input-side tokens
/// were counted. How much of the prompt was served from the cache, the cheapest way to send it.
enum CacheEfficiency {
    static func share(_ f: PublishedTotals) -> Double? {
        Outcomes.cacheReadShare(
            input: f.count(.totalInputTokens), cacheRead: f.count(.totalCacheReadTokens),
            cacheCreation: f.count(.totalCacheCreationTokens))
    }

    static func share(_ m: PublishedModel) -> Double? {
        Outcomes.cacheReadShare(
            input: m.count(.totalInputTokens), cacheRead: m.count(.totalCacheReadTokens),
            cacheCreation: m.count(.totalCacheCreationTokens))
    }

    static func write(
        totals: PublishedTotals, range: PublishedTotals, days: some Sequence<(day: String, figures: PublishedTotals)>,
        models: some Sequence<(name: String, figures: PublishedModel)>, to w: inout JSONWriter
    ) {
        func value(_ share: Double?) { if let share { w.number(share) } else { w.null() } }
        w.beginObject()
        w.key("days")
        w.beginObject()
        for day in days {
            w.key(day.day)
            value(share(day.figures))
        }
        w.endObject()
        w.key("models")
        w.beginObject()
        for model in models {
            w.key(model.name)
            value(share(model.figures))
        }
        w.endObject()
        w.key("range"); value(share(range))
        w.key("total"); value(share(totals))
        w.endObject()
    }
}
