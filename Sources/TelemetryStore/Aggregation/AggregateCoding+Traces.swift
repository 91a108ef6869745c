import TelemetryDecoding

/// The trace parts of `aggregate.json`: `latency` (per model), `latencyBucketsMs` (the bucket
/// bounds), `toolDurations` (per tool), and `state.recentSpans`. A document written before
/// traces were read has none of them and reads back with them empty.
extension AggregateCoding {
    // MARK: Writing

    /// `latency`, then `latencyBucketsMs`: written between `events` and `models`.
    static func writeLatency(_ traces: TraceFigures, to w: inout JSONWriter) {
        w.key("latency")
        w.beginObject()
        for name in traces.models.keys.sorted() {
            let latency = traces.models[name]!
            w.key(name)
            w.beginObject()
            w.key("durationMs"); write(latency.durationMs, to: &w)
            w.key("failures"); w.integer(Int64(latency.failures))
            w.key("requests"); w.integer(Int64(latency.durationMs.count))
            w.key("ttftMs"); write(latency.ttftMs, to: &w)
            w.endObject()
        }
        w.endObject()
        w.key("latencyBucketsMs")
        w.beginArray()
        for bound in DurationStats.boundsMs { w.number(bound) }
        w.endArray()
    }

    /// `toolDurations`: written between `state` and `tools`.
    static func writeToolDurations(_ traces: TraceFigures, to w: inout JSONWriter) {
        w.key("toolDurations")
        w.beginObject()
        for name in traces.tools.keys.sorted() {
            let stats = traces.tools[name]!
            w.key(name)
            w.beginObject()
            w.key("calls"); w.integer(Int64(stats.count))
            w.key("durationMs"); write(stats, to: &w)
            w.endObject()
        }
        w.endObject()
    }

    private static func write(_ stats: DurationStats, to w: inout JSONWriter) {
        w.beginObject()
        w.key("buckets")
        w.beginArray()
        for count in stats.buckets { w.integer(Int64(count)) }
        w.endArray()
        w.key("count"); w.integer(Int64(stats.count))
        w.key("max"); w.number(stats.maxMs)
        w.key("total"); w.number(stats.totalMs)
        w.endObject()
    }

    // MARK: Reading

    static func readLatency(_ scanner: inout JSONScanner, into traces: inout TraceFigures) throws {
        try scanner.beginObject()
        while let name = try scanner.nextKey() {
            var latency = TraceFigures.RequestLatency()
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                switch key {
                case "durationMs": latency.durationMs = try readStats(&scanner, at: "latency.\(name).durationMs")
                case "ttftMs": latency.ttftMs = try readStats(&scanner, at: "latency.\(name).ttftMs")
                case "failures": latency.failures = try scanner.integer()
                default: try scanner.skipValue()  // requests: derived
                }
            }
            traces.models[name] = latency
        }
    }

    static func readToolDurations(_ scanner: inout JSONScanner, into traces: inout TraceFigures) throws {
        try scanner.beginObject()
        while let name = try scanner.nextKey() {
            var stats = DurationStats()
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                if key == "durationMs" {
                    stats = try readStats(&scanner, at: "toolDurations.\(name).durationMs")
                } else {
                    try scanner.skipValue()  // calls: derived
                }
            }
            traces.tools[name] = stats
        }
    }

    private static func readStats(_ scanner: inout JSONScanner, at path: String) throws -> DurationStats {
        var stats = DurationStats()
        var buckets: [Int] = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            switch key {
            case "count": stats.count = try scanner.integer()
            case "total": stats.totalMs = try scanner.double()
            case "max": stats.maxMs = try scanner.double()
            case "buckets":
                try scanner.beginArray()
                while try scanner.nextElement() { buckets.append(try scanner.integer()) }
            default: try scanner.skipValue()
            }
        }
        guard buckets.count == DurationStats.boundsMs.count + 1 else {
            throw AggregateCodingError(reason: "\(path).buckets must hold \(DurationStats.boundsMs.count + 1) counts")
        }
        stats.buckets = buckets
        return stats
    }
}
