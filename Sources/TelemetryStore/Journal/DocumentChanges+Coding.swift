import TelemetryDecoding

/// A journal record's payload as journals held it before the binary form
/// (``encoded()``): compact JSON in the vocabulary of `aggregate.json`, holding only what
/// changed. Still read; written only by the tests that check it is. Buckets are written as `{"raw": {…}}` (the published figures are derived when
/// the document is written), and `removed` lists the keys that left each map.
extension DocumentChanges {
    func encodedJSON() -> [UInt8] {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        if let attributes { AggregateCoding.writeAttributes(attributes, to: &w) }
        if !dayModels.changed.isEmpty {
            w.key("dayModels")
            w.beginObject()
            for day in dayModels.changed.keys.sorted() {
                w.key(day)
                Self.writeBuckets(dayModels.changed[day]!, to: &w)
            }
            w.endObject()
        }
        Self.writeBuckets("days", days.changed, to: &w)
        if !events.changed.isEmpty {
            w.key("events")
            w.beginObject()
            for name in events.changed.keys.sorted() {
                w.key(name)
                w.integer(Int64(events.changed[name]!))
            }
            w.endObject()
        }
        if !latency.changed.isEmpty {
            var traces = TraceFigures(limits: AggregationLimits())
            traces.models = latency.changed
            AggregateCoding.writeLatency(traces, to: &w)
        }
        Self.writeBuckets("models", models.changed, to: &w)
        Self.writeBuckets("querySources", querySources.changed, to: &w)
        if let received {
            w.key("received")
            received.write(to: &w)
        }
        writeRemoved(to: &w)
        if !sessions.changed.isEmpty {
            // Published figures in a record are never read (only `raw` is): any selection will do.
            AggregateCoding.writeSessions(sessions.changed, SourceSelection(metricsSeen: []), to: &w)
        }
        writeState(to: &w)
        if !toolDurations.changed.isEmpty {
            var traces = TraceFigures(limits: AggregationLimits())
            traces.tools = toolDurations.changed
            AggregateCoding.writeToolDurations(traces, to: &w)
        }
        Self.writeBuckets("tools", tools.changed, to: &w)
        if let totals {
            w.key("totals")
            Self.writeBucket(totals, to: &w)
        }
        if let updatedAt {
            w.key("updatedAt")
            w.string(updatedAt)
        }
        w.endObject()
        return w.bytes
    }

    private static func writeBuckets(_ name: String, _ buckets: [String: Figures], to w: inout JSONWriter) {
        guard !buckets.isEmpty else { return }
        w.key(name)
        writeBuckets(buckets, to: &w)
    }

    private static func writeBuckets(_ buckets: [String: Figures], to w: inout JSONWriter) {
        w.beginObject()
        for key in buckets.keys.sorted() {
            w.key(key)
            writeBucket(buckets[key]!, to: &w)
        }
        w.endObject()
    }

    private static func writeBucket(_ figures: Figures, to w: inout JSONWriter) {
        w.beginObject()
        w.key("raw")
        figures.write(to: &w)
        w.endObject()
    }

    private func writeRemoved(to w: inout JSONWriter) {
        let lists: [(String, [String])] = [
            ("dayModels", dayModels.removed), ("days", days.removed), ("events", events.removed), ("latency", latency.removed),
            ("models", models.removed), ("querySources", querySources.removed), ("sessions", sessions.removed),
            ("toolDurations", toolDurations.removed), ("tools", tools.removed),
        ]
        guard lists.contains(where: { !$0.1.isEmpty }) else { return }
        w.key("removed")
        w.beginObject()
        for (name, keys) in lists where !keys.isEmpty {
            w.key(name)
            w.beginArray()
            for key in keys { w.string(key) }
            w.endArray()
        }
        w.endObject()
    }

    private func writeState(to w: inout JSONWriter) {
        w.key("state")
        w.beginObject()
        if let metricsSeen {
            w.key("metricsSeen")
            w.beginArray()
            for name in metricsSeen.sorted() { w.string(name) }
            w.endArray()
        }
        if let parkedApplied {
            w.key("parkedApplied")
            w.beginObject()
            for source in parkedApplied.highest.keys.sorted() {
                w.key(source)
                w.unsigned(parkedApplied.highest[source]!)
            }
            w.endObject()
        }
        for (name, change) in [
            ("recentRecords", recentRecords), ("recentRequests", recentRequests), ("recentSpans", recentSpans),
        ] {
            guard let change else { continue }
            w.key(name)
            w.beginObject()
            w.key("appended")
            var text = [UInt8]()
            change.appended.withUnsafeBufferPointer { Base64.encode($0, appendingTo: &text) }
            w.string(String(decoding: text, as: UTF8.self))
            w.key("count")
            w.integer(Int64(change.count))
            w.endObject()
        }
        if !series.isEmpty {
            w.key("series")
            w.beginObject()
            for id in series.keys.sorted() {
                w.hexKey(id)
                AggregateCoding.writeSeries(series[id]!, to: &w)
            }
            w.endObject()
        }
        if let seriesClock {
            w.key("seriesClock")
            w.unsigned(seriesClock)
        }
        if !seriesRemoved.isEmpty {
            w.key("seriesRemoved")
            w.beginArray()
            for id in seriesRemoved { w.string(String(id, radix: 16)) }
            w.endArray()
        }
        w.endObject()
    }

    /// Parses a payload written by ``encodedJSON()``.
    init(decodingJSON bytes: [UInt8]) throws(JournalError) {
        self.init()
        var scanner = JSONScanner(bytes)
        do {
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                switch key {
                case "attributes": attributes = try AggregateCoding.readAttributes(&scanner)
                case "days": days.changed = try AggregateCoding.readBuckets(&scanner, at: "days")
                case "dayModels":
                    try scanner.beginObject()
                    while let day = try scanner.nextKey() {
                        dayModels.changed[day] = try AggregateCoding.readBuckets(&scanner, at: "dayModels." + day)
                    }
                case "models": models.changed = try AggregateCoding.readBuckets(&scanner, at: "models")
                case "tools": tools.changed = try AggregateCoding.readBuckets(&scanner, at: "tools")
                case "querySources": querySources.changed = try AggregateCoding.readBuckets(&scanner, at: "querySources")
                case "events":
                    try scanner.beginObject()
                    while let name = try scanner.nextKey() { events.changed[name] = try scanner.integer() }
                case "latency":
                    var traces = TraceFigures(limits: AggregationLimits())
                    try AggregateCoding.readLatency(&scanner, into: &traces)
                    latency.changed = traces.models
                case "toolDurations":
                    var traces = TraceFigures(limits: AggregationLimits())
                    try AggregateCoding.readToolDurations(&scanner, into: &traces)
                    toolDurations.changed = traces.tools
                case "received": received = try AggregateCoding.readReceived(&scanner)
                case "sessions": sessions.changed = try AggregateCoding.readSessions(&scanner)
                case "removed": try readRemoved(&scanner)
                case "state": try readState(&scanner)
                case "totals": totals = try AggregateCoding.readBucket(&scanner, at: "totals")
                case "updatedAt": updatedAt = try scanner.string()
                default: try scanner.skipValue()
                }
            }
            try scanner.end()
        } catch let error as JournalError {
            throw error
        } catch let error as AggregateCodingError {
            throw JournalError(reason: error.reason)
        } catch {
            throw JournalError(reason: "not a valid journal record (\(error))")
        }
    }

    private mutating func readRemoved(_ scanner: inout JSONScanner) throws {
        try scanner.beginObject()
        while let name = try scanner.nextKey() {
            var keys: [String] = []
            try scanner.beginArray()
            while try scanner.nextElement() { keys.append(try scanner.string()) }
            switch name {
            case "days": days.removed = keys
            case "dayModels": dayModels.removed = keys
            case "events": events.removed = keys
            case "latency": latency.removed = keys
            case "models": models.removed = keys
            case "querySources": querySources.removed = keys
            case "sessions": sessions.removed = keys
            case "toolDurations": toolDurations.removed = keys
            case "tools": tools.removed = keys
            default: throw JournalError(reason: "unknown map '\(name)' under removed")
            }
        }
    }

    private mutating func readState(_ scanner: inout JSONScanner) throws {
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            switch key {
            case "metricsSeen":
                var names: Set<String> = []
                try scanner.beginArray()
                while try scanner.nextElement() { names.insert(try scanner.string()) }
                metricsSeen = names
            case "parkedApplied":
                var marks = ParkedMarks()
                try scanner.beginObject()
                while let source = try scanner.nextKey() { marks.record(source, try scanner.unsigned()) }
                parkedApplied = marks
            case "recentRecords": recentRecords = try Self.readDigestChanges(&scanner)
            case "recentRequests": recentRequests = try Self.readDigestChanges(&scanner)
            case "recentSpans": recentSpans = try Self.readDigestChanges(&scanner)
            case "series":
                try scanner.beginObject()
                while let id = try scanner.nextKey(reading: AggregateCoding.hexadecimal) {
                    guard let id else { throw JournalError(reason: "series key '\(scanner.lastKey)' is not hexadecimal") }
                    series[id] = try AggregateCoding.readSeries(&scanner, id: id)
                }
            case "seriesClock": seriesClock = try scanner.unsigned()
            case "seriesRemoved":
                try scanner.beginArray()
                while try scanner.nextElement() { seriesRemoved.append(try Self.seriesKey(try scanner.string())) }
            default: try scanner.skipValue()
            }
        }
    }

    private static func seriesKey(_ name: String) throws(JournalError) -> UInt64 {
        guard name.utf8.count <= 16, let id = UInt64(name, radix: 16) else {
            throw JournalError(reason: "series key '\(name)' is not hexadecimal")
        }
        return id
    }

    private static func readDigestChanges(_ scanner: inout JSONScanner) throws -> DigestChanges {
        var appended: String?
        var count: Int?
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            switch key {
            case "appended": appended = try scanner.string()
            case "count": count = try scanner.integer()
            default: try scanner.skipValue()
            }
        }
        guard let appended, let count else { throw JournalError(reason: "a replay-window change lacks 'appended' or 'count'") }
        var text = appended
        guard let packed = text.withUTF8({ Base64.decode($0) }), packed.count % 12 == 0 else {
            throw JournalError(reason: "a replay-window change is not base64 of 12-byte digest entries")
        }
        return DigestChanges(appended: packed, count: count)
    }
}

/// A journal that cannot be read as records of its user's document (not a torn tail, which is
/// expected after a crash and cut, but a record whose checksum holds and whose content does not).
struct JournalError: Error, Equatable, Sendable {
    let reason: String
}
