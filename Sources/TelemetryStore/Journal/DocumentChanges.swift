/// What one update changed in a user's document: the new value of every entry it touched, the
/// entries it removed, and the digests it appended to the replay windows. A journal record
/// holds exactly this, so its size follows the request, never the user's history.
///
/// Entries carry new values, not increments: replaying a record onto the document it was
/// computed from gives back the updated document exactly (``apply(to:)``), which the journal's
/// tests check against the in-memory result for every kind of request.
struct DocumentChanges: Equatable, Sendable {
    /// A map's entries that changed (new values) and the keys that left it.
    struct MapChanges<Value: Equatable & Sendable>: Equatable, Sendable {
        var changed: [String: Value] = [:]
        var removed: [String] = []

        init() {}

        /// The entries `keys` name as they are in `after`: their values, or removed.
        init(keys: Set<String>, in after: some KeyedEntries<Value>) {
            for key in keys {
                if let value = after[key] { changed[key] = value } else { removed.append(key) }
            }
            removed.sort()
        }

        var isEmpty: Bool { changed.isEmpty && removed.isEmpty }

        func apply(to map: inout some KeyedEntries<Value>) {
            for key in removed { map.removeValue(forKey: key) }
            for (key, value) in changed { map[key] = value }
        }
    }

    /// What an update did to one replay window: appended these entries (12-byte entries, as
    /// ``RecentDigests/packed(last:)`` lays them out), leaving `count` live ones.
    struct DigestChanges: Equatable, Sendable {
        var appended: [UInt8]
        var count: Int
    }

    var updatedAt: String?
    var totals: Figures?
    var days = MapChanges<Figures>()
    /// Per day, the day's whole model map (at most ``AggregationLimits/dayModels`` entries).
    var dayModels = MapChanges<[String: Figures]>()
    var models = MapChanges<Figures>()
    var tools = MapChanges<Figures>()
    var querySources = MapChanges<Figures>()
    var events = MapChanges<Int>()
    var sessions = MapChanges<SessionRecord>()
    var latency = MapChanges<TraceFigures.RequestLatency>()
    var toolDurations = MapChanges<DurationStats>()
    var received: ReceiveCounters?
    var attributes: [String: String]?
    var metricsSeen: Set<String>?
    /// The parked requests already applied, per source (whole: at most 64 entries).
    var parkedApplied: ParkedMarks?

    var series: [UInt64: SeriesState] = [:]
    var seriesRemoved: [UInt64] = []
    var seriesClock: UInt64?
    var recentRecords: DigestChanges?
    var recentRequests: DigestChanges?
    var recentSpans: DigestChanges?

    init() {}

    /// What an update's record needs of the document it started from besides the update's own
    /// log: the few single values it compares, and where the replay windows stood. Taken when a
    /// document is lent to an update, it holds no map, so the update changes every map in place.
    struct Baseline {
        var updatedAt: String?
        var totals: Figures
        var received: ReceiveCounters
        var attributes: [String: String]
        var metricsSeen: Set<String>
        var parkedApplied: ParkedMarks
        var seriesClock: UInt64
        /// Where each replay window stood: entries inserted so far, entries live.
        var records: (inserted: Int, count: Int)
        var requests: (inserted: Int, count: Int)
        var spans: (inserted: Int, count: Int)

        init(_ document: AggregateDocument) {
            updatedAt = document.updatedAt
            totals = document.totals
            received = document.received
            attributes = document.attributes
            metricsSeen = document.metricsSeen
            parkedApplied = document.parkedApplied
            seriesClock = document.seriesClock
            records = (document.recentRecords.inserted, document.recentRecords.count)
            requests = (document.recentRequests.inserted, document.recentRequests.count)
            spans = (document.traces.recentSpans.inserted, document.traces.recentSpans.count)
        }
    }

    /// The changes one update made, from its ``UpdateLog`` and the ``Baseline`` taken before it:
    /// the size of the request's effect, whatever the length of the history.
    init(from before: Baseline, to after: AggregateDocument) {
        let log = after.updateLog
        if before.updatedAt != after.updatedAt { updatedAt = after.updatedAt }
        if before.totals != after.totals { totals = after.totals }
        days = MapChanges(keys: log.days, in: after.days)
        dayModels = MapChanges(keys: log.dayModels, in: after.dayModels)
        models = MapChanges(keys: log.models, in: after.models)
        tools = MapChanges(keys: log.tools, in: after.tools)
        querySources = MapChanges(keys: log.querySources, in: after.querySources)
        events = MapChanges(keys: log.events, in: after.events)
        sessions = MapChanges(keys: log.sessions, in: after.sessions)
        latency = MapChanges(keys: log.latency, in: after.traces.models)
        toolDurations = MapChanges(keys: log.toolDurations, in: after.traces.tools)
        if before.received != after.received { received = after.received }
        if before.attributes != after.attributes { attributes = after.attributes }
        if before.metricsSeen != after.metricsSeen { metricsSeen = after.metricsSeen }
        if before.parkedApplied != after.parkedApplied { parkedApplied = after.parkedApplied }
        // Every series an update writes goes through `touchSeries`, which stamps it with the
        // next clock value and logs it; forgetting and evicting log what they remove. The log
        // may also hold earlier updates' entries: the clock tells them apart, and removing a
        // key that is absent changes nothing.
        if before.seriesClock != after.seriesClock { seriesClock = after.seriesClock }
        for key in log.touchedSeries {
            if let state = after.series[key], state.touched > before.seriesClock { series[key] = state }
        }
        seriesRemoved = Set(log.removedSeries).filter { after.series[$0] == nil }.sorted()
        recentRecords = Self.digestChanges(before.records, after.recentRecords)
        recentRequests = Self.digestChanges(before.requests, after.recentRequests)
        recentSpans = Self.digestChanges(before.spans, after.traces.recentSpans)
    }

    private static func digestChanges(_ before: (inserted: Int, count: Int), _ after: RecentDigests) -> DigestChanges? {
        let appended = min(after.inserted - before.inserted, after.count)
        if appended == 0 && before.count == after.count { return nil }
        return DigestChanges(appended: after.packed(last: appended), count: after.count)
    }

    var isEmpty: Bool { self == DocumentChanges() }

    /// Replays the changes onto the document they were computed from. Throws when a digest
    /// window does not fit (a record that does not belong to this document). Readers that
    /// decoded the document without its bookkeeping pass `includingState: false` (the
    /// `metricsSeen` that decides published sources is always applied).
    func apply(to document: inout AggregateDocument, includingState: Bool = true) throws(JournalError) {
        if let updatedAt { document.updatedAt = updatedAt }
        if let totals { document.totals = totals }
        days.apply(to: &document.days)
        dayModels.apply(to: &document.dayModels)
        models.apply(to: &document.models)
        tools.apply(to: &document.tools)
        querySources.apply(to: &document.querySources)
        events.apply(to: &document.events)
        sessions.apply(to: &document.sessions)
        latency.apply(to: &document.traces.models)
        toolDurations.apply(to: &document.traces.tools)
        if let received { document.received = received }
        if let attributes { document.attributes = attributes }
        if let metricsSeen { document.metricsSeen = metricsSeen }
        guard includingState else { return }
        if let parkedApplied { document.parkedApplied = parkedApplied }
        if let seriesClock { document.seriesClock = seriesClock }
        document.series.removeAll(seriesRemoved)
        for (key, state) in series { document.series[key] = state }
        do {
            if let recentRecords {
                try document.recentRecords.replay(appended: recentRecords.appended, count: recentRecords.count)
            }
            if let recentRequests {
                try document.recentRequests.replay(appended: recentRequests.appended, count: recentRequests.count)
            }
            if let recentSpans {
                try document.traces.recentSpans.replay(appended: recentSpans.appended, count: recentSpans.count)
            }
        } catch {
            throw JournalError(reason: "a record's replay-window change does not fit the document it follows")
        }
    }
}
