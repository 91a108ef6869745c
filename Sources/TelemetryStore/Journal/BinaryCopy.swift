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
///     header:    "CTB4"  u32 2 (1: see below)  identity (5 × u64)  u64 length of each of the four sections
///                u64 XXH64 of each                                        (little-endian)
///                (each seeded with the XXH64 of the header's first 80 bytes, so that a header
///                torn from its sections, or another copy's, fails too)
///     summary:   what the read endpoints use besides the days and the sessions (totals,
///                models, tools, events, attributes, …): a team reader reads this and the
///                published days only
///     history:   every day's raw figures and model map, and the sessions
///     state:     the receiver's bookkeeping (series, replay windows, parked marks)
///     published: every day's published figures (``PublishedDay``) under the document's source
///                selection, newest first, so that a reader of recent days stops at the first
///                older one; writers never read it. In chunks of 32 days, each with its own
///                XXH64 (seeded with the XXH64 of the header's first 48 bytes: magic, word,
///                identity), so that such a reader reads and checks the chunks it needs
///
/// The word after the magic says how the published days are laid out: 2, in checked chunks;
/// 1, as one run of days (copies written before the chunks, read as they are, the section
/// checked whole); anything else is not this layout. Copies of the earlier layouts
/// (`CTB1`–`CTB3`) are not read: the JSON is, until the next writer's load or fold writes a
/// copy again.
package enum BinaryCopy {
    /// The sections, in the order they follow the header.
    enum Section: Int, CaseIterable {
        case summary, history, state, published
    }

    static let headerSize = 112
    /// The header before its checksums, which are seeded with its XXH64.
    private static let checkedHeaderSize = 80
    private static let magic: [UInt8] = Array("CTB4".utf8)
    /// The header's word after the magic: the published days newest first, in one run or in
    /// checked chunks (what this version writes).
    private static let newestFirst: UInt32 = 1
    private static let newestFirstInChunks: UInt32 = 2
    /// The header's magic, word and identity, whose XXH64 seeds the published chunks' checksums.
    private static let identifiedHeaderSize = 48

    package static func encode(_ document: AggregateDocument, of identity: FileIdentity) -> [UInt8] {
        var summary = BinaryCopyOutput(capacity: 8 << 10)
        writeSummary(document, to: &summary)
        var history = BinaryCopyOutput(capacity: 64 << 10)
        writeHistory(document, to: &history)
        var state = BinaryCopyOutput(capacity: 16 << 10)
        writeState(document, to: &state)
        var header = BinaryCopyOutput(capacity: headerSize)
        header.bytes.append(contentsOf: magic)
        header.u32(newestFirstInChunks)
        for field in identity.fields { header.u64(field) }
        assert(header.bytes.count == identifiedHeaderSize)
        var published = BinaryCopyOutput(capacity: 16 << 10)
        writePublished(document, seed: XXHash64.hash(header.bytes), to: &published)
        let sections = [summary.bytes, history.bytes, state.bytes, published.bytes]
        header.bytes.reserveCapacity(headerSize + sections.reduce(0) { $0 + $1.count })
        for section in sections { header.u64(UInt64(section.count)) }
        assert(header.bytes.count == checkedHeaderSize)
        let seed = XXHash64.hash(header.bytes)
        for section in sections { header.u64(checksum(section[...], seed: seed)) }
        for section in sections { header.bytes.append(contentsOf: section) }
        return header.bytes
    }

    /// Where a copy's header puts each section, when it is a copy of `identity`.
    struct Layout {
        /// By ``Section``.
        let lengths: [Int]
        let checksums: [UInt64]
        /// The sections' checksums' seed: the XXH64 of the header before them.
        let seed: UInt64
        /// Whether the published days are in checked chunks, and those checksums' seed.
        let chunkedPublished: Bool
        let chunkSeed: UInt64

        func length(_ section: Section) -> Int { lengths[section.rawValue] }
        func offset(_ section: Section) -> Int { headerSize + lengths[..<section.rawValue].reduce(0, +) }
        var fileSize: Int { headerSize + lengths.reduce(0, +) }

        /// Whether `bytes` are the section whole (length and checksum).
        func holds(_ bytes: ArraySlice<UInt8>, as section: Section) -> Bool {
            bytes.count == length(section) && checksum(bytes, seed: seed) == checksums[section.rawValue]
        }
    }

    static func layout(_ header: [UInt8], of identity: FileIdentity) -> Layout? {
        guard header.count >= headerSize, Array(header[0..<4]) == magic else { return nil }
        return header.withUnsafeBytes { raw -> Layout? in
            func load<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
            }
            let word = load(UInt32.self, 4)
            guard word == newestFirst || word == newestFirstInChunks else { return nil }
            for (index, field) in identity.fields.enumerated() where load(UInt64.self, 8 + index * 8) != field {
                return nil
            }
            let count = Section.allCases.count
            let lengths = (0..<count).map { load(UInt64.self, 48 + $0 * 8) }
            guard lengths.allSatisfy({ $0 < 1 << 32 }) else { return nil }
            return Layout(
                lengths: lengths.map { Int($0) }, checksums: (0..<count).map { load(UInt64.self, checkedHeaderSize + $0 * 8) },
                seed: XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[0..<checkedHeaderSize])),
                chunkedPublished: word == newestFirstInChunks,
                chunkSeed: XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[0..<identifiedHeaderSize])))
        }
    }

    /// The document in the sections given (each checked against `layout`): the summary, then
    /// the history unless nil (the days, their model maps and the sessions are then left empty),
    /// then the state unless nil. Nil when a section is damaged or the copy is another user's.
    ///
    /// `leavingOutDayModels`: the days' model maps and the sessions are passed over, not built
    /// (a reader that has the published days); the model maps' offset in `history` is returned
    /// for ``dayModels(history:at:keeping:)``.
    static func decode(
        summary: ArraySlice<UInt8>, history: ArraySlice<UInt8>?, state: ArraySlice<UInt8>?, layout: Layout, user: UserID,
        limits: AggregationLimits, leavingOutDayModels: Bool = false
    ) -> (document: AggregateDocument, dayModelsOffset: Int)? {
        guard layout.holds(summary, as: .summary) else { return nil }
        if let history, !layout.holds(history, as: .history) { return nil }
        if let state, !layout.holds(state, as: .state) { return nil }
        var document = AggregateDocument(user: user, limits: limits)
        var dayModelsOffset = 0
        do throws(BinaryCopyDamage) {
            try read(summary) { input throws(BinaryCopyDamage) in try readSummary(&input, into: &document) }
            guard document.userId == user.rawValue else { return nil }
            if let history {
                try read(history) { input throws(BinaryCopyDamage) in
                    dayModelsOffset = try readHistory(&input, into: &document, leavingOutDayModels: leavingOutDayModels)
                }
            }
            if let state {
                try read(state) { input throws(BinaryCopyDamage) in try readState(&input, into: &document, limits: limits) }
            }
        } catch {
            return nil
        }
        return (document, dayModelsOffset)
    }

    /// Runs `body` over `bytes`, which it must read to their end; the tables it reads are
    /// slices of `bytes`.
    private static func read(
        _ bytes: ArraySlice<UInt8>, _ body: (inout BinaryCopyInput) throws(BinaryCopyDamage) -> Void
    ) throws(BinaryCopyDamage) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(BinaryCopyDamage) in
                var input = BinaryCopyInput(raw, from: 0, owner: bytes)
                try body(&input)
                guard input.isAtEnd else { throw BinaryCopyDamage() }
            }
        }.get()
    }

    /// The model maps of the days `keeping` accepts, read from `history` at `offset` (where
    /// ``decode(summary:history:state:layout:user:limits:leavingOutDayModels:)`` passed over
    /// them); nil when they do not parse.
    static func dayModels(
        history: ArraySlice<UInt8>, at offset: Int, keeping: (String) -> Bool
    ) -> [String: [String: Figures]]? {
        let result = history.withUnsafeBytes { raw in
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
        func section(_ section: Section) -> ArraySlice<UInt8> {
            bytes[layout.offset(section)..<layout.offset(section) + layout.length(section)]
        }
        return decode(
            summary: section(.summary), history: section(.history), state: skippingState ? nil : section(.state),
            layout: layout, user: user, limits: limits)?.document
    }

    static func checksum(_ bytes: ArraySlice<UInt8>, seed: UInt64) -> UInt64 {
        bytes.withUnsafeBytes { XXHash64.hash($0, seed: seed) }
    }

    // MARK: Summary and history

    private static func writeSummary(_ d: AggregateDocument, to o: inout BinaryCopyOutput) {
        o.string(d.userId)
        o.count(d.updatedAt == nil ? 0 : 1)
        if let updatedAt = d.updatedAt { o.string(updatedAt) }
        o.u64(d.journalGeneration)
        o.figures(d.totals)
        o.map(d.models) { $0.figures($1) }
        o.map(d.tools) { $0.figures($1) }
        o.map(d.querySources) { $0.figures($1) }
        o.map(d.traces.models) { $0.latency($1) }
        o.map(d.traces.tools) { $0.durations($1) }
        o.map(d.events) { $0.integer($1) }
        o.received(d.received)
        o.map(d.attributes) { $0.string($1) }
        o.strings(d.metricsSeen)
    }

    private static func readSummary(_ i: inout BinaryCopyInput, into d: inout AggregateDocument) throws(BinaryCopyDamage) {
        d.userId = try i.string()
        d.updatedAt = try i.count() == 0 ? nil : try i.string()
        d.journalGeneration = try i.u64()
        d.totals = try i.figures()
        d.models = try i.map { try $0.figures() }
        d.tools = try i.map { try $0.figures() }
        d.querySources = try i.map { try $0.figures() }
        d.traces.models = try i.map { try $0.latency() }
        d.traces.tools = try i.map { try $0.durations() }
        d.events = try i.map { try $0.integer() }
        d.received = try i.received()
        d.attributes = try i.map { try $0.string() }
        d.metricsSeen = try i.stringSet()
    }

    private static func writeHistory(_ d: AggregateDocument, to o: inout BinaryCopyOutput) {
        d.days.write(to: &o)
        d.dayModels.write(to: &o)
        d.sessions.write(to: &o)
    }

    /// Returns the offset of the days' model maps.
    private static func readHistory(
        _ i: inout BinaryCopyInput, into d: inout AggregateDocument, leavingOutDayModels: Bool
    ) throws(BinaryCopyDamage) -> Int {
        d.days = try PackedMap(reading: &i)
        let dayModelsOffset = i.offset
        if leavingOutDayModels {
            for _ in 0..<(try i.count()) {
                _ = try i.slice()
                try i.skipModels()
            }
            for _ in 0..<(try i.count()) {
                _ = try i.slice()
                try i.skipSession()
            }
        } else {
            d.dayModels = try PackedMap(reading: &i)
            d.sessions = try PackedMap(reading: &i)
        }
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
            d.series = try SeriesMap(packed: try i.table())
        } catch {
            throw BinaryCopyDamage()
        }
        d.recentRecords = try digests(try i.slice(), capacity: limits.recentRecords)
        d.recentRequests = try digests(try i.slice(), capacity: limits.recentRequests)
        d.traces.recentSpans = try digests(try i.slice(), capacity: limits.recentRecords)
    }

    private static func digests(_ packed: UnsafeRawBufferPointer, capacity: Int) throws(BinaryCopyDamage) -> RecentDigests {
        guard packed.count % 12 == 0 else { throw BinaryCopyDamage() }
        return RecentDigests(written: packed, capacity: capacity)
    }
}
