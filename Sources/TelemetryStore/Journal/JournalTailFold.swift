/// Folds a run of journal records into the document they follow, newest record first.
///
/// A record holds the new value of every entry its update touched, so of the records after the
/// last fold only the newest value of each entry counts: a run of requests writes the same day,
/// models, tools, sessions and series again and again. Read newest first, each entry's value is
/// built once and every older value of it is skipped unread (its length checked), instead of
/// building and replacing it once per record. A process whose cache misses folds up to as
/// many bytes of records as the document itself; this makes that fold cost about the entries the
/// records touch, not the number of records.
///
/// The result is exactly that of applying each record in order (``DocumentChanges/apply(to:includingState:)``):
/// an entry's last mention decides it, set or removed; single values take the newest record that
/// has them; the replay windows, whose records append to what the one before left, are replayed
/// oldest first. Journals of JSON records (earlier versions) are applied in order as before.
enum JournalTailFold {
    /// The day keys the folded records set or removed, in `days` and in `dayModels`.
    struct TouchedDays {
        var days: Set<String> = []
        var dayModels: Set<String> = []
    }

    @discardableResult
    static func fold(
        _ payloads: [[UInt8]], into document: inout AggregateDocument, includingState: Bool = true
    ) throws(JournalError) -> TouchedDays {
        var merged: DocumentChanges?
        return try fold(payloads, into: &document, includingState: includingState, merging: &merged)
    }

    /// Folds as above, and adds to `merged` (unless nil) the records' changes merged into one
    /// (``DocumentChanges/merge(_:)``): the values the fold decided, read once. Only with the
    /// state: changes without it would not be the records'.
    @discardableResult
    static func fold(
        _ payloads: [[UInt8]], into document: inout AggregateDocument, includingState: Bool = true,
        merging merged: inout DocumentChanges?
    ) throws(JournalError) -> TouchedDays {
        guard payloads.count > 1, payloads.allSatisfy({ $0.first == DocumentChanges.binaryVersion }) else {
            var touched = TouchedDays()
            for payload in payloads {
                let changes = try DocumentChanges(decoding: payload)
                touched.days.formUnion(changes.days.changed.keys)
                touched.days.formUnion(changes.days.removed)
                touched.dayModels.formUnion(changes.dayModels.changed.keys)
                touched.dayModels.formUnion(changes.dayModels.removed)
                try changes.apply(to: &document, includingState: includingState)
                if includingState { merged?.merge(changes) }
            }
            return touched
        }
        var decided = Decided()
        // What the records decided, newest first; merged into `merged` at the end.
        var folded: DocumentChanges? = merged == nil ? nil : DocumentChanges()
        var windows: [[DocumentChanges.DigestChanges?]] = []
        windows.reserveCapacity(payloads.count)
        for payload in payloads.reversed() {
            let result = payload.withUnsafeBytes { raw in
                Result { () throws(BinaryCopyDamage) -> [DocumentChanges.DigestChanges?] in
                    var input = BinaryCopyInput(raw, from: 1)
                    return try fold(
                        &input, into: &document, decided: &decided, includingState: includingState, recording: &folded)
                }
            }
            switch result {
            case .success(let changes): windows.append(changes)
            case .failure: throw JournalError(reason: "not a valid journal record (binary record ends early or is malformed)")
            }
        }
        let touched = TouchedDays(days: decided.entries.days, dayModels: decided.entries.dayModels)
        guard includingState else { return touched }
        do {
            for changes in windows.reversed() {
                if let records = changes[0] {
                    try document.recentRecords.replay(appended: records.appended, count: records.count)
                }
                if let requests = changes[1] {
                    try document.recentRequests.replay(appended: requests.appended, count: requests.count)
                }
                if let spans = changes[2] {
                    try document.traces.recentSpans.replay(appended: spans.appended, count: spans.count)
                }
            }
        } catch {
            throw JournalError(reason: "a record's replay-window change does not fit the document it follows")
        }
        if var folded {
            // The windows' changes fit (replayed above), so they merge.
            for changes in windows.reversed() {
                DocumentChanges.DigestChanges.merge(changes[0], into: &folded.recentRecords)
                DocumentChanges.DigestChanges.merge(changes[1], into: &folded.recentRequests)
                DocumentChanges.DigestChanges.merge(changes[2], into: &folded.recentSpans)
            }
            folded.sortRemovals()
            merged?.merge(folded)
        }
        return touched
    }

    /// What a newer record already decided.
    private struct Decided {
        /// The map entries newer records wrote or removed, kept as an update logs its own.
        var entries = UpdateLog()
        var series: Set<UInt64> = []
        var single: Set<UInt64> = []

        /// True the first time a single value is met.
        mutating func first(_ piece: DocumentChanges.Present) -> Bool { single.insert(piece.rawValue).inserted }
    }

    /// Reads one record (laid out as ``DocumentChanges/encoded()`` writes it) into the document,
    /// keeping only what no newer record decided, and into `r` (unless nil) what it decided;
    /// returns its replay-window changes.
    private static func fold(
        _ i: inout BinaryCopyInput, into d: inout AggregateDocument, decided: inout Decided, includingState: Bool,
        recording r: inout DocumentChanges?
    ) throws(BinaryCopyDamage) -> [DocumentChanges.DigestChanges?] {
        let present = try i.varint()
        func has(_ piece: DocumentChanges.Present) -> Bool { present & piece.rawValue != 0 }
        if has(.updatedAt) {
            let value = try i.string()
            if decided.first(.updatedAt) {
                d.updatedAt = value
                r?.updatedAt = value
            }
        }
        if has(.totals) {
            if decided.first(.totals) {
                d.totals = try i.figures()
                r?.totals = d.totals
            } else {
                try i.skipFigures()
            }
        }
        try fold(&i, into: &d.days, &decided.entries.days, &r, \.days)
        try fold(&i, into: &d.dayModels, &decided.entries.dayModels, &r, \.dayModels)
        try fold(&i, into: &d.models, &decided.entries.models, &r, \.models)
        try fold(&i, into: &d.tools, &decided.entries.tools, &r, \.tools)
        try fold(&i, into: &d.querySources, &decided.entries.querySources, &r, \.querySources)
        try fold(
            &i, into: &d.events, &decided.entries.events, &r, \.events,
            read: { i throws(BinaryCopyDamage) in try i.integer() }, skip: { i throws(BinaryCopyDamage) in _ = try i.varint() })
        try fold(
            &i, into: &d.sessions, &decided.entries.sessions, &r, \.sessions,
            read: { i throws(BinaryCopyDamage) in try i.session() }, skip: { i throws(BinaryCopyDamage) in try i.skipSession() })
        // Traces are few: their older values are read and dropped.
        try fold(
            &i, into: &d.traces.models, &decided.entries.latency, &r, \.latency,
            read: { i throws(BinaryCopyDamage) in try i.latency() }, skip: { i throws(BinaryCopyDamage) in _ = try i.latency() })
        try fold(
            &i, into: &d.traces.tools, &decided.entries.toolDurations, &r, \.toolDurations,
            read: { i throws(BinaryCopyDamage) in try i.durations() },
            skip: { i throws(BinaryCopyDamage) in _ = try i.durations() })
        if has(.received) {
            let value = try i.received()
            if decided.first(.received) {
                d.received = value
                r?.received = value
            }
        }
        if has(.attributes) {
            let value = try i.map { try $0.string() }
            if decided.first(.attributes) {
                d.attributes = value
                r?.attributes = value
            }
        }
        if has(.metricsSeen) {
            let value = try i.stringSet()
            if decided.first(.metricsSeen) {
                d.metricsSeen = value
                r?.metricsSeen = value
            }
        }
        if has(.parkedApplied) {
            let value = try i.parkedMarks()
            if includingState && decided.first(.parkedApplied) {
                d.parkedApplied = value
                r?.parkedApplied = value
            }
        }
        let table = try i.slice()
        if includingState {
            let series: SeriesMap
            do {
                series = try SeriesMap(packed: Array(table))
            } catch {
                throw BinaryCopyDamage()
            }
            for (id, state) in series where decided.series.insert(id).inserted {
                d.series[id] = state
                r?.series[id] = state
            }
        }
        var removed: [UInt64] = []
        for _ in 0..<(try i.count()) {
            let id = try i.u64()
            if includingState && decided.series.insert(id).inserted { removed.append(id) }
        }
        d.series.removeAll(removed)
        r?.seriesRemoved += removed
        if has(.seriesClock) {
            let value = try i.u64()
            if includingState && decided.first(.seriesClock) {
                d.seriesClock = value
                r?.seriesClock = value
            }
        }
        func digests(_ piece: DocumentChanges.Present) throws(BinaryCopyDamage) -> DocumentChanges.DigestChanges? {
            guard has(piece) else { return nil }
            let appended = try i.slice()
            guard appended.count % 12 == 0 else { throw BinaryCopyDamage() }
            let count = try i.integer()
            return includingState ? DocumentChanges.DigestChanges(appended: Array(appended), count: count) : nil
        }
        let windows = [try digests(.recentRecords), try digests(.recentRequests), try digests(.recentSpans)]
        guard i.isAtEnd else { throw BinaryCopyDamage() }
        return windows
    }

    /// A map of buckets or of model maps (days, their models, models, tools, query sources),
    /// read and passed over as the binary copy stores them (``PackedValue``).
    private static func fold<Value: PackedValue>(
        _ i: inout BinaryCopyInput, into map: inout some KeyedEntries<Value>, _ decided: inout Set<String>,
        _ r: inout DocumentChanges?, _ changes: WritableKeyPath<DocumentChanges, DocumentChanges.MapChanges<Value>>
    ) throws(BinaryCopyDamage) {
        try fold(
            &i, into: &map, &decided, &r, changes, read: { i throws(BinaryCopyDamage) in try Value.read(&i) },
            skip: { i throws(BinaryCopyDamage) in try Value.skip(&i) })
    }

    /// One map's section of a record: changed entries, then removed keys; an entry a newer
    /// record decided is skipped.
    private static func fold<Value>(
        _ i: inout BinaryCopyInput, into map: inout some KeyedEntries<Value>, _ decided: inout Set<String>,
        _ r: inout DocumentChanges?, _ changes: WritableKeyPath<DocumentChanges, DocumentChanges.MapChanges<Value>>,
        read: (inout BinaryCopyInput) throws(BinaryCopyDamage) -> Value,
        skip: (inout BinaryCopyInput) throws(BinaryCopyDamage) -> Void
    ) throws(BinaryCopyDamage) {
        for _ in 0..<(try i.count()) {
            let key = try i.string()
            if decided.insert(key).inserted {
                let value = try read(&i)
                map[key] = value
                r?[keyPath: changes].changed[key] = value
            } else {
                try skip(&i)
            }
        }
        for _ in 0..<(try i.count()) {
            let key = try i.string()
            if decided.insert(key).inserted {
                map.removeValue(forKey: key)
                r?[keyPath: changes].removed.append(key)
            }
        }
    }
}
