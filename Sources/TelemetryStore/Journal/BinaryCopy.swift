/// `aggregate.bin`: the document of one `aggregate.json`, in a binary form that loads about ten
/// times faster than the JSON (no numbers to parse, no keys to match, no base64). It is what a
/// writer whose cache misses and a reader of a user with a long history load instead of the
/// JSON, so that their cost does not follow the length of the history text.
///
/// It is a copy and never the record: `aggregate.json` stays complete and authoritative. A copy
/// names the exact `aggregate.json` it was made from (device, inode, size, modification and
/// status-change times) and is used only while that file is still there unchanged; anything
/// else — a newer `aggregate.json` (a crash between the two renames, an import, an older
/// version's write), a torn or damaged copy (XXH64 of each section), no copy — and the JSON is
/// read instead.
/// So it is written without `fsync`, and only when it decodes to exactly the document
/// (checked when written). Small documents have none (``CompactionPolicy/binaryCopyBytes``):
/// their JSON loads as fast.
///
///     header:    "CTB3"  u32 order  identity (5 × u64)  u64 front length  u64 state length
///                u64 published length  u64 XXH64 of each of the three        (little-endian)
///                (each seeded with the XXH64 of the header's first 72 bytes, so that a header
///                torn from its sections, or another copy's, fails too)
///     front:     everything the read endpoints use
///     state:     the receiver's bookkeeping (series, replay windows, parked marks)
///     published: every day's published figures (``PublishedDay``) under the document's source
///                selection, for readers; writers never read it. Newest first (order 1), so
///                that a reader of recent days stops at the first older one; copies of earlier
///                versions have them oldest first (order 0), and are read whole
///
/// Copies of the earlier layouts (`CTB1`, without the published days; `CTB2`, with CRC-32s) are
/// not read: the JSON is, until the next writer's load or fold writes a copy again.
package enum BinaryCopy {
    static let headerSize = 96
    /// The header before its three checksums, which are seeded with its XXH64.
    private static let checkedHeaderSize = 72
    private static let magic: [UInt8] = Array("CTB3".utf8)
    /// The header's word after the magic: the published days newest first.
    private static let newestFirst: UInt32 = 1

    package static func encode(_ document: AggregateDocument, of identity: FileIdentity) -> [UInt8] {
        var front = BinaryCopyOutput(capacity: 64 << 10)
        writeFront(document, to: &front)
        var state = BinaryCopyOutput(capacity: 16 << 10)
        writeState(document, to: &state)
        var published = BinaryCopyOutput(capacity: 16 << 10)
        writePublished(document, to: &published)
        let sections = [front.bytes, state.bytes, published.bytes]
        var header = BinaryCopyOutput(capacity: headerSize + sections.reduce(0) { $0 + $1.count })
        header.bytes.append(contentsOf: magic)
        header.u32(newestFirst)
        for field in identity.fields { header.u64(field) }
        for section in sections { header.u64(UInt64(section.count)) }
        assert(header.bytes.count == checkedHeaderSize)
        let seed = XXHash64.hash(header.bytes)
        for section in sections { header.u64(checksum(section, seed: seed)) }
        for section in sections { header.bytes.append(contentsOf: section) }
        return header.bytes
    }

    /// The lengths a copy's header gives, when it is a copy of `identity`.
    struct Layout {
        let frontLength: Int
        let stateLength: Int
        let publishedLength: Int
        let frontChecksum: UInt64
        let stateChecksum: UInt64
        let publishedChecksum: UInt64
        /// The sections' checksums' seed: the XXH64 of the header before them.
        let seed: UInt64
        /// The published days come newest first (else oldest first: copies of earlier versions).
        let publishedNewestFirst: Bool

        var fileSize: Int { headerSize + frontLength + stateLength + publishedLength }
    }

    static func layout(_ header: [UInt8], of identity: FileIdentity) -> Layout? {
        guard header.count >= headerSize, Array(header[0..<4]) == magic else { return nil }
        return header.withUnsafeBytes { raw -> Layout? in
            func load<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
            }
            let order = load(UInt32.self, 4)
            guard order == 0 || order == newestFirst else { return nil }
            for (index, field) in identity.fields.enumerated() where load(UInt64.self, 8 + index * 8) != field {
                return nil
            }
            let front = load(UInt64.self, 48)
            let state = load(UInt64.self, 56)
            let published = load(UInt64.self, 64)
            guard front < 1 << 32, state < 1 << 32, published < 1 << 32 else { return nil }
            return Layout(
                frontLength: Int(front), stateLength: Int(state), publishedLength: Int(published),
                frontChecksum: load(UInt64.self, checkedHeaderSize), stateChecksum: load(UInt64.self, checkedHeaderSize + 8),
                publishedChecksum: load(UInt64.self, checkedHeaderSize + 16),
                seed: XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[0..<checkedHeaderSize])),
                publishedNewestFirst: order == newestFirst)
        }
    }

    /// The document in `bytes` (the front, then the state unless `skippingState`, as
    /// ``layout(_:of:)`` describes), or nil when it is damaged or another user's.
    ///
    /// `leavingOutDayModels`: the days' model maps and the sessions are passed over, not built
    /// (a reader that has the published days); the model maps' offset in `front` is returned for
    /// ``dayModels(front:at:keeping:)``.
    static func decode(
        front: [UInt8], state: [UInt8]?, layout: Layout, user: UserID, limits: AggregationLimits,
        leavingOutDayModels: Bool = false
    ) -> (document: AggregateDocument, dayModelsOffset: Int)? {
        guard front.count == layout.frontLength, checksum(front, seed: layout.seed) == layout.frontChecksum else { return nil }
        var document = AggregateDocument(user: user, limits: limits)
        var dayModelsOffset = 0
        do throws(BinaryCopyDamage) {
            dayModelsOffset = try front.withUnsafeBytes { raw in
                Result { () throws(BinaryCopyDamage) -> Int in
                    var input = BinaryCopyInput(raw, from: 0)
                    return try readFront(&input, into: &document, leavingOutDayModels: leavingOutDayModels)
                }
            }.get()
            guard document.userId == user.rawValue else { return nil }
            guard let state else { return (document, dayModelsOffset) }
            guard state.count == layout.stateLength, checksum(state, seed: layout.seed) == layout.stateChecksum else {
                return nil
            }
            try state.withUnsafeBytes { raw in
                Result { () throws(BinaryCopyDamage) in
                    var input = BinaryCopyInput(raw, from: 0)
                    try readState(&input, into: &document, limits: limits)
                }
            }.get()
        } catch {
            return nil
        }
        return (document, dayModelsOffset)
    }

    /// The model maps of the days `keeping` accepts, read from `front` at `offset` (where
    /// ``decode(front:state:layout:user:limits:leavingOutDayModels:)`` passed over them); nil
    /// when they do not parse.
    static func dayModels(
        front: [UInt8], at offset: Int, keeping: (String) -> Bool
    ) -> [String: [String: Figures]]? {
        let result = front.withUnsafeBytes { raw in
            Result { () throws(BinaryCopyDamage) -> [String: [String: Figures]] in
                var input = BinaryCopyInput(raw, from: offset)
                var maps: [String: [String: Figures]] = [:]
                for _ in 0..<(try input.count()) {
                    let day = try input.string()
                    if keeping(day) { maps[day] = try input.map { try $0.figures() } } else { try input.skipModels() }
                }
                return maps
            }
        }
        return try? result.get()
    }

    /// Decodes a whole copy held in memory (without the state when `skippingState`).
    package static func decode(
        _ bytes: [UInt8], of identity: FileIdentity, user: UserID, limits: AggregationLimits, skippingState: Bool = false
    ) -> AggregateDocument? {
        guard let layout = layout(bytes, of: identity), bytes.count == layout.fileSize else { return nil }
        let frontEnd = headerSize + layout.frontLength
        return decode(
            front: Array(bytes[headerSize..<frontEnd]),
            state: skippingState ? nil : Array(bytes[frontEnd..<frontEnd + layout.stateLength]),
            layout: layout, user: user, limits: limits)?.document
    }

    static func checksum(_ bytes: [UInt8], seed: UInt64) -> UInt64 { XXHash64.hash(bytes, seed: seed) }

    // MARK: Front

    private static func writeFront(_ d: AggregateDocument, to o: inout BinaryCopyOutput) {
        o.string(d.userId)
        o.count(d.updatedAt == nil ? 0 : 1)
        if let updatedAt = d.updatedAt { o.string(updatedAt) }
        o.u64(d.journalGeneration)
        o.figures(d.totals)
        d.days.write(to: &o)
        d.dayModels.write(to: &o)
        o.map(d.models) { $0.figures($1) }
        o.map(d.tools) { $0.figures($1) }
        o.map(d.querySources) { $0.figures($1) }
        o.map(d.traces.models) { $0.latency($1) }
        o.map(d.traces.tools) { $0.durations($1) }
        o.map(d.events) { $0.integer($1) }
        o.received(d.received)
        o.map(d.attributes) { $0.string($1) }
        o.map(d.sessions) { $0.session($1) }
        o.strings(d.metricsSeen)
    }

    /// Returns the offset of the days' model maps.
    private static func readFront(
        _ i: inout BinaryCopyInput, into d: inout AggregateDocument, leavingOutDayModels: Bool
    ) throws(BinaryCopyDamage) -> Int {
        d.userId = try i.string()
        d.updatedAt = try i.count() == 0 ? nil : try i.string()
        d.journalGeneration = try i.u64()
        d.totals = try i.figures()
        d.days = try PackedMap(reading: &i)
        let dayModelsOffset = i.offset
        if leavingOutDayModels {
            for _ in 0..<(try i.count()) {
                _ = try i.slice()
                try i.skipModels()
            }
        } else {
            d.dayModels = try PackedMap(reading: &i)
        }
        d.models = try i.map { try $0.figures() }
        d.tools = try i.map { try $0.figures() }
        d.querySources = try i.map { try $0.figures() }
        d.traces.models = try i.map { try $0.latency() }
        d.traces.tools = try i.map { try $0.durations() }
        d.events = try i.map { try $0.integer() }
        d.received = try i.received()
        d.attributes = try i.map { try $0.string() }
        if leavingOutDayModels {
            for _ in 0..<(try i.count()) {
                _ = try i.slice()
                try i.skipSession()
            }
        } else {
            d.sessions = try i.map { try $0.session() }
        }
        d.metricsSeen = try i.stringSet()
        guard i.isAtEnd else { throw BinaryCopyDamage() }
        return dayModelsOffset
    }

    // MARK: State

    private static func writeState(_ d: AggregateDocument, to o: inout BinaryCopyOutput) {
        o.u64(d.seriesClock)
        o.map(d.parkedApplied.highest) { $0.u64($1) }
        o.blob(d.series.packed())
        o.blob(d.recentRecords.packed(last: d.recentRecords.count))
        o.blob(d.recentRequests.packed(last: d.recentRequests.count))
        o.blob(d.traces.recentSpans.packed(last: d.traces.recentSpans.count))
    }

    private static func readState(
        _ i: inout BinaryCopyInput, into d: inout AggregateDocument, limits: AggregationLimits
    ) throws(BinaryCopyDamage) {
        d.seriesClock = try i.u64()
        d.parkedApplied = try i.parkedMarks()
        do {
            d.series = try SeriesMap(packed: Array(try i.slice()))
        } catch {
            throw BinaryCopyDamage()
        }
        d.recentRecords = try digests(try i.slice(), capacity: limits.recentRecords)
        d.recentRequests = try digests(try i.slice(), capacity: limits.recentRequests)
        d.traces.recentSpans = try digests(try i.slice(), capacity: limits.recentRecords)
        guard i.isAtEnd else { throw BinaryCopyDamage() }
    }

    private static func digests(_ packed: UnsafeRawBufferPointer, capacity: Int) throws(BinaryCopyDamage) -> RecentDigests {
        guard packed.count % 12 == 0 else { throw BinaryCopyDamage() }
        return RecentDigests(packed: packed, capacity: capacity)
    }
}
