/// A journal record's payload in the binary form (the values as ``BinaryCopy`` writes them):
/// a process whose cache misses folds every record of the journal, up to as many bytes as the
/// document itself, and binary records read several times faster than the JSON ones journals
/// held before. The first byte tells the two apart (`1` here; `{` for JSON, still read).
///
///     u8 1  varint presence bits  [updatedAt] [totals]
///     days, dayModels, models, tools, querySources, events, sessions, latency, toolDurations:
///         map of changed entries, then the removed keys
///     [received] [attributes] [metricsSeen] [parkedApplied]
///     series table (``SeriesTable``), removed series ids, [seriesClock]
///     [recentRecords] [recentRequests] [recentSpans]: appended entries, live count
extension DocumentChanges {
    static let binaryVersion: UInt8 = 1

    /// Which optional pieces a record holds (its presence bits).
    enum Present: UInt64 {
        case updatedAt = 1
        case totals = 2
        case received = 4
        case attributes = 8
        case metricsSeen = 16
        case parkedApplied = 32
        case seriesClock = 64
        case recentRecords = 128
        case recentRequests = 256
        case recentSpans = 512
    }

    /// The payload of a journal record.
    func encoded() -> [UInt8] {
        var o = BinaryCopyOutput(capacity: 1024)
        o.bytes.append(Self.binaryVersion)
        let present: [(Present, Bool)] = [
            (.updatedAt, updatedAt != nil), (.totals, totals != nil), (.received, received != nil),
            (.attributes, attributes != nil), (.metricsSeen, metricsSeen != nil), (.parkedApplied, parkedApplied != nil),
            (.seriesClock, seriesClock != nil), (.recentRecords, recentRecords != nil),
            (.recentRequests, recentRequests != nil), (.recentSpans, recentSpans != nil),
        ]
        o.varint(present.reduce(0) { $0 | ($1.1 ? $1.0.rawValue : 0) })
        if let updatedAt { o.string(updatedAt) }
        if let totals { o.figures(totals) }
        Self.write(days, to: &o) { $0.figures($1) }
        Self.write(dayModels, to: &o) { $0.map($1) { $0.figures($1) } }
        Self.write(models, to: &o) { $0.figures($1) }
        Self.write(tools, to: &o) { $0.figures($1) }
        Self.write(querySources, to: &o) { $0.figures($1) }
        Self.write(events, to: &o) { $0.integer($1) }
        Self.write(sessions, to: &o) { $0.session($1) }
        Self.write(latency, to: &o) { $0.latency($1) }
        Self.write(toolDurations, to: &o) { $0.durations($1) }
        if let received { o.received(received) }
        if let attributes { o.map(attributes) { $0.string($1) } }
        if let metricsSeen { o.strings(metricsSeen) }
        if let parkedApplied { o.map(parkedApplied.highest) { $0.u64($1) } }
        o.blob(SeriesMap(series).packed())
        o.count(seriesRemoved.count)
        for id in seriesRemoved { o.u64(id) }
        if let seriesClock { o.u64(seriesClock) }
        for change in [recentRecords, recentRequests, recentSpans] {
            guard let change else { continue }
            o.blob(change.appended)
            o.integer(change.count)
        }
        return o.bytes
    }

    /// Parses a record's payload: binary, or JSON as journals held before.
    init(decoding bytes: [UInt8]) throws(JournalError) {
        guard bytes.first == Self.binaryVersion else {
            try self.init(decodingJSON: bytes)
            return
        }
        try self.init(decodingBinary: bytes)
    }

    /// Parses a payload written by ``encoded()``.
    init(decodingBinary bytes: [UInt8]) throws(JournalError) {
        self.init()
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(BinaryCopyDamage) -> DocumentChanges in
                var i = BinaryCopyInput(raw, from: 1)
                return try DocumentChanges(reading: &i)
            }
        }
        switch result {
        case .success(let changes): self = changes
        case .failure: throw JournalError(reason: "not a valid journal record (binary record ends early or is malformed)")
        }
    }

    private init(reading i: inout BinaryCopyInput) throws(BinaryCopyDamage) {
        self.init()
        let present = try i.varint()
        func has(_ piece: Present) -> Bool { present & piece.rawValue != 0 }
        if has(.updatedAt) { updatedAt = try i.string() }
        if has(.totals) { totals = try i.figures() }
        days = try Self.read(&i) { try $0.figures() }
        dayModels = try Self.read(&i) { try $0.map { try $0.figures() } }
        models = try Self.read(&i) { try $0.figures() }
        tools = try Self.read(&i) { try $0.figures() }
        querySources = try Self.read(&i) { try $0.figures() }
        events = try Self.read(&i) { try $0.integer() }
        sessions = try Self.read(&i) { try $0.session() }
        latency = try Self.read(&i) { try $0.latency() }
        toolDurations = try Self.read(&i) { try $0.durations() }
        if has(.received) { received = try i.received() }
        if has(.attributes) { attributes = try i.map { try $0.string() } }
        if has(.metricsSeen) { metricsSeen = try i.stringSet() }
        if has(.parkedApplied) { parkedApplied = try i.parkedMarks() }
        do {
            series = Dictionary(uniqueKeysWithValues: try SeriesMap(packed: Array(try i.slice())).map { ($0.key, $0.value) })
        } catch {
            throw BinaryCopyDamage()
        }
        for _ in 0..<(try i.count()) { seriesRemoved.append(try i.u64()) }
        if has(.seriesClock) { seriesClock = try i.u64() }
        func digests() throws(BinaryCopyDamage) -> DigestChanges {
            let appended = Array(try i.slice())
            guard appended.count % 12 == 0 else { throw BinaryCopyDamage() }
            return DigestChanges(appended: appended, count: try i.integer())
        }
        if has(.recentRecords) { recentRecords = try digests() }
        if has(.recentRequests) { recentRequests = try digests() }
        if has(.recentSpans) { recentSpans = try digests() }
        guard i.isAtEnd else { throw BinaryCopyDamage() }
    }

    private static func write<Value>(
        _ changes: MapChanges<Value>, to o: inout BinaryCopyOutput, _ value: (inout BinaryCopyOutput, Value) -> Void
    ) {
        o.map(changes.changed, value)
        o.strings(changes.removed)
    }

    private static func read<Value>(
        _ i: inout BinaryCopyInput, _ value: (inout BinaryCopyInput) throws -> Value
    ) throws(BinaryCopyDamage) -> MapChanges<Value> {
        var changes = MapChanges<Value>()
        changes.changed = try i.map(value)
        changes.removed = try i.stringArray()
        return changes
    }
}
