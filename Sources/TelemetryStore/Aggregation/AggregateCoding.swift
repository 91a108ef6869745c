import TelemetryDecoding

/// Reads and writes `aggregate.json`, with a hand-written writer and pull parser: the file is
/// rewritten on every update, so its coding is on the hot path.
///
/// Layout (compact, keys sorted): `days` (each day with its `models`, once it has any), `events`, `latency`, `latencyBucketsMs`, `models`,
/// `querySources`, `received`, `schemaVersion`, `sessions` (only once a point or record named
/// a `session.id`), `sources` (which source each doubly-reported
/// figure is published from), `state` (the receiver's bookkeeping; dashboards ignore it),
/// `toolDurations`, `tools`, `totals`, `updatedAt`, `userId`.
/// Published numbers are derived from each bucket's `raw` figures, which alone are read back.
package enum AggregateCoding {
    package static func encode(_ document: AggregateDocument) -> [UInt8] {
        let selection = document.sourceSelection
        // A recent record, request or span is 12 bytes, 16 base64 characters.
        var w = JSONWriter(
            capacity: 2048
                + (document.recentRecords.count + document.recentRequests.count + document.traces.recentSpans.count) * 16
                + document.series.count * 80
                + document.days.count * 700)
        w.beginObject()

        if !document.attributes.isEmpty { writeAttributes(document.attributes, to: &w) }

        w.key("days")
        w.beginObject()
        for (day, figures, models) in document.daysWithModels() {
            w.key(day)
            write(PublishedTotals(figures, selection), models: models, selection, to: &w)
        }
        w.endObject()

        w.key("events")
        w.beginObject()
        for name in document.events.keys.sorted() {
            w.key(name)
            w.integer(Int64(document.events[name]!))
        }
        w.endObject()

        writeLatency(document.traces, to: &w)

        w.key("models")
        w.beginObject()
        for name in document.models.keys.sorted() {
            w.key(name)
            write(PublishedModel(document.models[name]!, selection), to: &w)
        }
        w.endObject()

        w.key("querySources")
        w.beginObject()
        for name in document.querySources.keys.sorted() {
            w.key(name)
            write(PublishedModel(document.querySources[name]!, selection), to: &w)
        }
        w.endObject()

        w.key("received")
        document.received.write(to: &w)

        w.key("schemaVersion")
        w.integer(Int64(AggregateDocument.schemaVersion))

        if !document.sessions.isEmpty {
            writeSessions(Dictionary(document.sessions.entries(), uniquingKeysWith: { first, _ in first }), selection, to: &w)
        }

        w.key("sources")
        w.beginObject()
        let names = selection.names
        for family in names.keys.sorted() {
            w.key(family)
            w.string(names[family]!)
        }
        w.endObject()

        w.key("state")
        writeState(document, to: &w)

        writeToolDurations(document.traces, to: &w)

        w.key("tools")
        w.beginObject()
        for name in document.tools.keys.sorted() {
            w.key(name)
            write(PublishedTool(document.tools[name]!, tool: name, selection), to: &w)
        }
        w.endObject()

        w.key("totals")
        write(PublishedTotals(document.totals, selection), to: &w)

        if let updatedAt = document.updatedAt {
            w.key("updatedAt")
            w.string(updatedAt)
        }
        w.key("userId")
        w.string(document.userId)
        w.endObject()
        w.newline()
        return w.bytes
    }

    /// Parses a stored document; any inconsistency throws a reason for ``StorageError/corrupt(path:reason:)``.
    /// Readers that never write the document back (the read endpoints) pass `skippingState`:
    /// of the receiver's bookkeeping only `metricsSeen` (which decides the published sources)
    /// is read; the rest is only checked to be valid JSON.
    package static func decode(
        _ bytes: [UInt8], expectedUser: UserID, limits: AggregationLimits,
        skippingState: Bool = false
    ) throws(AggregateCodingError) -> AggregateDocument {
        var document = AggregateDocument(user: expectedUser, limits: limits)
        var scanner = JSONScanner(bytes)
        var seen: Set<String> = []
        do {
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                seen.insert(key)
                switch key {
                case "schemaVersion":
                    let version = try scanner.integer()
                    guard version == AggregateDocument.schemaVersion else {
                        throw AggregateCodingError(reason: "schemaVersion \(version) is not \(AggregateDocument.schemaVersion)")
                    }
                case "userId":
                    let user = try scanner.string()
                    guard user == expectedUser.rawValue else {
                        throw AggregateCodingError(reason: "belongs to user \(user), not \(expectedUser)")
                    }
                case "updatedAt":
                    document.updatedAt = scanner.isNull() ? nil : try scanner.string()
                case "totals":
                    document.totals = try readBucket(&scanner, at: "totals")
                case "days":
                    let (days, dayModels) = try readDays(&scanner, at: "days")
                    document.days = PackedMap(days)
                    document.dayModels = PackedMap(dayModels)
                case "models":
                    document.models = try readBuckets(&scanner, at: "models")
                case "tools":
                    document.tools = try readBuckets(&scanner, at: "tools")
                case "querySources":
                    document.querySources = try readBuckets(&scanner, at: "querySources")
                case "latency":
                    try readLatency(&scanner, into: &document.traces)
                case "toolDurations":
                    try readToolDurations(&scanner, into: &document.traces)
                case "events":
                    try scanner.beginObject()
                    while let name = try scanner.nextKey() { document.events[name] = try scanner.integer() }
                case "received":
                    document.received = try readReceived(&scanner)
                case "state" where skippingState:
                    try readMetricsSeen(&scanner, into: &document)
                case "state":
                    try readState(&scanner, into: &document, limits: limits)
                case "attributes":
                    document.attributes = try readAttributes(&scanner)
                case "sessions":
                    document.sessions = PackedMap(try readSessions(&scanner))
                default:
                    try scanner.skipValue()
                }
            }
            try scanner.end()
        } catch let failure as JSONScanner.Failure {
            throw AggregateCodingError(reason: "not a valid aggregate document (\(failure))")
        } catch let error as AggregateCodingError {
            throw error
        } catch {
            throw AggregateCodingError(reason: "\(error)")
        }
        for required in ["schemaVersion", "userId", "totals", "days", "models", "tools", "events", "received", "state"]
        where !seen.contains(required) {
            throw AggregateCodingError(reason: "not a valid aggregate document (missing key '\(required)')")
        }
        return document
    }

    // MARK: Writing

    /// A bucket of totals; a day's also holds `models` (its ``AggregateDocument/dayModels``),
    /// in the shape of the top-level `models`, when it has any.
    private static func write(
        _ p: PublishedTotals, models: [String: Figures]? = nil, _ selection: SourceSelection? = nil,
        to w: inout JSONWriter
    ) {
        guard let models, let selection, !models.isEmpty else { return p.write(to: &w, raw: true) }
        p.write(to: &w, raw: true) { w in writeDayModelsValue(models, selection, to: &w) }
    }

    private static func write(_ p: PublishedModel, to w: inout JSONWriter) { p.write(to: &w, raw: true) }

    private static func write(_ p: PublishedTool, to w: inout JSONWriter) { p.write(to: &w, raw: true) }

    private static func writeState(_ document: AggregateDocument, to w: inout JSONWriter) {
        w.beginObject()
        if document.journalGeneration != 0 {
            w.key("journalGeneration")
            w.unsigned(document.journalGeneration)
        }
        w.key("metricsSeen")
        w.beginArray()
        for name in document.metricsSeen.sorted() { w.string(name) }
        w.endArray()
        // Only documents a claim touched carry it, so every other document is written as before.
        if !document.parkedApplied.isEmpty {
            w.key("parkedApplied")
            w.beginObject()
            for source in document.parkedApplied.highest.keys.sorted() {
                w.key(source)
                w.unsigned(document.parkedApplied.highest[source]!)
            }
            w.endObject()
        }
        w.key("recentRecords")
        w.plainString { document.recentRecords.encode(appendingTo: &$0) }
        w.key("recentRequests")
        w.plainString { document.recentRequests.encode(appendingTo: &$0) }
        w.key("recentSpans")
        w.plainString { document.traces.recentSpans.encode(appendingTo: &$0) }
        w.key("series")
        w.plainString { SeriesTable.encode(document.series, appendingTo: &$0) }
        w.key("seriesClock")
        w.unsigned(document.seriesClock)
        w.endObject()
    }

    static func writeSeries(_ state: SeriesState, to w: inout JSONWriter) {
        w.beginObject()
        if state.count != 0 { w.key("c"); w.number(state.count) }
        w.key("o"); w.unsigned(state.touched)
        if !state.recent.isEmpty {
            w.key("r")
            w.beginArray()
            for digest in state.recent { w.unsigned(digest) }
            w.endArray()
        }
        if state.start != 0 { w.key("s"); w.unsigned(state.start) }
        if state.time != 0 { w.key("t"); w.unsigned(state.time) }
        if state.value != 0 { w.key("v"); w.number(state.value) }
        if state.seen != 0 { w.key("w"); w.unsigned(state.seen) }
        w.endObject()
    }

    /// `sessions`: per `session.id`, `firstSeen` and `lastSeen` (seconds since the epoch),
    /// `models`, and `totals` (published figures with their `raw`, as a day bucket).
    static func writeSessions(_ sessions: [String: SessionRecord], _ selection: SourceSelection, to w: inout JSONWriter) {
        w.key("sessions")
        w.beginObject()
        for id in sessions.keys.sorted() {
            let record = sessions[id]!
            w.key(id)
            w.beginObject()
            w.key("firstSeen"); w.unsigned(record.firstSeen)
            w.key("lastSeen"); w.unsigned(record.lastSeen)
            w.key("models")
            w.beginArray()
            for model in record.models { w.string(model) }
            w.endArray()
            w.key("totals"); write(PublishedTotals(record.figures, selection), to: &w)
            w.endObject()
        }
        w.endObject()
    }

    /// `models` of a day entry: per model, published figures with their `raw`.
    /// The value of a day's `models` key.
    static func writeDayModelsValue(_ models: [String: Figures], _ selection: SourceSelection, to w: inout JSONWriter) {
        w.beginObject()
        for name in models.keys.sorted() {
            w.key(name)
            write(PublishedModel(models[name]!, selection), to: &w)
        }
        w.endObject()
    }

    // MARK: Reading

    /// `days`: each day's bucket, and the day's `models` where it has them (days written before
    /// they were kept have none).
    static func readDays(_ scanner: inout JSONScanner, at path: String) throws -> ([String: Figures], [String: [String: Figures]])
    {
        var days: [String: Figures] = [:]
        var dayModels: [String: [String: Figures]] = [:]
        try scanner.beginObject()
        while let day = try scanner.nextKey() {
            let (figures, models) = try readBucket(&scanner, at: path + "." + day, withModels: true)
            days[day] = figures
            if let models, !models.isEmpty { dayModels[day] = models }
        }
        return (days, dayModels)
    }

    static func readSessions(_ scanner: inout JSONScanner) throws -> [String: SessionRecord] {
        var sessions: [String: SessionRecord] = [:]
        try scanner.beginObject()
        while let id = try scanner.nextKey() {
            var record = SessionRecord()
            var hasTotals = false
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                switch key {
                case "firstSeen": record.firstSeen = try scanner.unsigned()
                case "lastSeen": record.lastSeen = try scanner.unsigned()
                case "models":
                    try scanner.beginArray()
                    while try scanner.nextElement() { record.models.append(try scanner.string()) }
                case "totals":
                    record.figures = try readBucket(&scanner, at: "sessions.\(id).totals")
                    hasTotals = true
                default: try scanner.skipValue()
                }
            }
            guard hasTotals else { throw AggregateCodingError(reason: "missing key 'totals' at sessions.\(id)") }
            sessions[id] = record
        }
        return sessions
    }

    static func readBuckets(_ scanner: inout JSONScanner, at path: String) throws -> [String: Figures] {
        var buckets: [String: Figures] = [:]
        try scanner.beginObject()
        while let name = try scanner.nextKey() {
            buckets[name] = try readBucket(&scanner, at: path + "." + name)
        }
        return buckets
    }

    /// A bucket's keys: only `raw` is read (the published figures are derived from it), and a
    /// day's `models`.
    private static let bucketKeys = JSONFieldTable([("raw", 0), ("models", 1)])
    /// Every figure's name under `raw`, numbered by the figure.
    private static let figureNames = JSONFieldTable(names: Figure.allCases.map { ($0.name, $0.rawValue) })

    /// Reads a bucket's `raw` figures (the rest is derived from them); keys are matched in
    /// place, without making Strings of them (a year of days holds some 13 000 keys).
    static func readBucket(_ scanner: inout JSONScanner, at path: String) throws -> Figures {
        try readBucket(&scanner, at: path, withModels: false).figures
    }

    /// A published bucket, and with `withModels` its `models` (a day's), if present.
    static func readBucket(
        _ scanner: inout JSONScanner, at path: String, withModels: Bool
    ) throws -> (figures: Figures, models: [String: Figures]?) {
        var figures: Figures?
        var models: [String: Figures]?
        try scanner.beginObject()
        while case let key = try scanner.nextKey(in: bucketKeys), key != .end {
            if withModels && key == .number(1) {
                models = try readBuckets(&scanner, at: path + ".models")
                continue
            }
            guard key == .number(0) else {
                try scanner.skipValue()
                continue
            }
            var raw = Figures()
            try scanner.beginObject()
            while case let name = try scanner.nextKey(in: figureNames), name != .end {
                guard case .number(let number) = name, let figure = Figure(rawValue: number) else {
                    throw AggregateCodingError(reason: "unknown figure '\(scanner.lastKey)' at \(path).raw")
                }
                raw[figure] = try scanner.double()
            }
            figures = raw
        }
        guard let figures else { throw AggregateCodingError(reason: "missing key 'raw' at \(path)") }
        return (figures, models)
    }

    static func readReceived(_ scanner: inout JSONScanner) throws -> ReceiveCounters {
        var r = ReceiveCounters()
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            switch key {
            case "metricRequests": r.metricRequests = try scanner.integer()
            case "logRequests": r.logRequests = try scanner.integer()
            case "dataPointsApplied": r.dataPointsApplied = try scanner.integer()
            case "dataPointsRejected": r.dataPointsRejected = try scanner.integer()
            case "dataPointsDuplicate": r.dataPointsDuplicate = try scanner.integer()
            case "logRecordsApplied": r.logRecordsApplied = try scanner.integer()
            case "logRecordsRejected": r.logRecordsRejected = try scanner.integer()
            case "logRecordsDuplicate": r.logRecordsDuplicate = try scanner.integer()
            case "traceRequests": r.traceRequests = try scanner.integer()
            case "spansApplied": r.spansApplied = try scanner.integer()
            case "spansRejected": r.spansRejected = try scanner.integer()
            case "spansDuplicate": r.spansDuplicate = try scanner.integer()
            default: try scanner.skipValue()
            }
        }
        return r
    }

    private static func readState(
        _ scanner: inout JSONScanner, into document: inout AggregateDocument,
        limits: AggregationLimits
    ) throws {
        var seen: Set<String> = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            seen.insert(key)
            switch key {
            case "journalGeneration":
                document.journalGeneration = try scanner.unsigned()
            case "metricsSeen":
                try scanner.beginArray()
                while try scanner.nextElement() { document.metricsSeen.insert(try scanner.string()) }
            case "parkedApplied":
                try scanner.beginObject()
                while let source = try scanner.nextKey() {
                    guard ParkedSource(source)?.rawValue == source else {
                        throw AggregateCodingError(
                            reason: "state.parkedApplied key '\(UserID.preview(source))' is not a parked source")
                    }
                    document.parkedApplied.record(source, try scanner.unsigned())
                }
            case "seriesClock":
                // Incremented on every series update: a value near 2^64 (only a damaged or edited
                // file has one) would overflow on the next update and stop the receiver.
                let clock = try scanner.unsigned()
                guard clock < 1 << 53 else { throw AggregateCodingError(reason: "state.seriesClock \(clock) is out of range") }
                document.seriesClock = clock
            case "recentRecords":
                let text = try scanner.string()
                do {
                    document.recentRecords = try RecentDigests(encoded: text, capacity: limits.recentRecords)
                } catch {
                    throw AggregateCodingError(reason: "state.recentRecords is not base64 of 12-byte digest entries")
                }
            case "recentRequests":
                // Absent from documents written before whole requests were remembered.
                let text = try scanner.string()
                do {
                    document.recentRequests = try RecentDigests(encoded: text, capacity: limits.recentRequests)
                } catch {
                    throw AggregateCodingError(reason: "state.recentRequests is not base64 of 12-byte digest entries")
                }
            case "recentSpans":
                let text = try scanner.string()
                do {
                    document.traces.recentSpans = try RecentDigests(encoded: text, capacity: limits.recentRecords)
                } catch {
                    throw AggregateCodingError(reason: "state.recentSpans is not base64 of 12-byte digest entries")
                }
            case "series" where scanner.nextIsString():
                document.series = try SeriesTable.decode(try scanner.string())
            case "series":
                // Written before the table: one JSON object per series.
                try scanner.beginObject()
                while let id = try scanner.nextKey(reading: hexadecimal) {
                    guard let id else {
                        throw AggregateCodingError(reason: "series key '\(scanner.lastKey)' is not hexadecimal")
                    }
                    document.series[id] = try readSeries(&scanner, id: id)
                }
            default:
                try scanner.skipValue()
            }
        }
        for required in ["metricsSeen", "series", "seriesClock", "recentRecords"] where !seen.contains(required) {
            throw AggregateCodingError(reason: "not a valid aggregate document (missing key 'state.\(required)')")
        }
    }

    private static func readMetricsSeen(_ scanner: inout JSONScanner, into document: inout AggregateDocument) throws {
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            switch key {
            case "metricsSeen":
                try scanner.beginArray()
                while try scanner.nextElement() { document.metricsSeen.insert(try scanner.string()) }
            case "journalGeneration":
                document.journalGeneration = try scanner.unsigned()
            default:
                try scanner.skipValue()
            }
        }
    }

    private static let seriesKeys = JSONFieldTable([("s", 0), ("t", 1), ("v", 2), ("c", 3), ("o", 4), ("w", 5), ("r", 6)])

    /// A series key as stored: 16 hexadecimal digits.
    static func seriesName(_ id: UInt64) -> String {
        let digits = String(id, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// A series key: 1 to 16 hexadecimal digits.
    static func hexadecimal(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard (1...16).contains(bytes.count) else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    static func readSeries(_ scanner: inout JSONScanner, id: UInt64) throws -> SeriesState {
        var state = SeriesState()
        try scanner.beginObject()
        while case let key = try scanner.nextKey(in: seriesKeys), key != .end {
            switch key {
            case .number(0): state.start = try scanner.unsigned()
            case .number(1): state.time = try scanner.unsigned()
            case .number(2): state.value = try scanner.double()
            case .number(3): state.count = try scanner.double()
            case .number(4): state.touched = try scanner.unsigned()
            case .number(5): state.seen = try scanner.unsigned()
            case .number(6):
                try scanner.beginArray()
                var recent: [UInt64] = []
                while try scanner.nextElement() { recent.append(try scanner.unsigned()) }
                state.recent = PointDigests(recent)
            default: try scanner.skipValue()
            }
        }
        // The aggregator only ever stores readings in this range; the next cumulative delta is
        // computed from them, so an out-of-range one (a damaged file) would add an unbounded
        // amount, up to infinity, which would make the document unwritable.
        let plausible = 0...MetricsAggregator.largestPlausibleValue
        guard plausible.contains(state.value), plausible.contains(state.count) else {
            throw AggregateCodingError(reason: "state.series.\(seriesName(id)): value or count out of range")
        }
        return state
    }
}

package struct AggregateCodingError: Error, Sendable {
    package let reason: String
}

extension Figures {
    /// Raw figures as `aggregate.json` writes them (under `raw`): sorted by name, zeros left
    /// out. The read side writes `raw` through this too, so both always agree.
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        for figure in Figure.sortedByName where self[figure] != 0 {
            w.key(figure.name)
            w.number(self[figure])
        }
        w.endObject()
    }
}

extension ReceiveCounters {
    /// `received` as `aggregate.json` writes it, keys sorted; the user summary copies it as is.
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("dataPointsApplied"); w.integer(Int64(dataPointsApplied))
        w.key("dataPointsDuplicate"); w.integer(Int64(dataPointsDuplicate))
        w.key("dataPointsRejected"); w.integer(Int64(dataPointsRejected))
        w.key("logRecordsApplied"); w.integer(Int64(logRecordsApplied))
        w.key("logRecordsDuplicate"); w.integer(Int64(logRecordsDuplicate))
        w.key("logRecordsRejected"); w.integer(Int64(logRecordsRejected))
        w.key("logRequests"); w.integer(Int64(logRequests))
        w.key("metricRequests"); w.integer(Int64(metricRequests))
        w.key("spansApplied"); w.integer(Int64(spansApplied))
        w.key("spansDuplicate"); w.integer(Int64(spansDuplicate))
        w.key("spansRejected"); w.integer(Int64(spansRejected))
        w.key("traceRequests"); w.integer(Int64(traceRequests))
        w.endObject()
    }
}
