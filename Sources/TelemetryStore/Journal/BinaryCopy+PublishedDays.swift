extension BinaryCopy {
    /// Days per chunk of the published section: a team summary needs a few weeks of a user's
    /// days, so it checks and decodes one or two chunks, not the year.
    static let publishedChunkDays = 32

    /// Every day's ``PublishedDay`` under the document's source selection, newest first, in
    /// chunks of ``publishedChunkDays``, each `u64 XXH64 · length · count · days`, so that a reader
    /// of recent days checks only the chunks it reads. The chunks' checksums are seeded with the
    /// XXH64 of the header's magic, order word and identity (the copy's `aggregate.json`).
    static func writePublished(_ d: AggregateDocument, seed: UInt64, to o: inout BinaryCopyOutput) {
        let selection = d.sourceSelection
        let days = Array(d.daysWithModels().reversed())
        var start = 0
        while start < days.count {
            let end = min(start + publishedChunkDays, days.count)
            var chunk = BinaryCopyOutput(capacity: (end - start) * 160)
            chunk.count(end - start)
            for (day, figures, models) in days[start..<end] {
                chunk.publishedDay(day, PublishedDay(figures, models: models, selection))
            }
            o.u64(checksum(chunk.bytes[...], seed: seed))
            o.blob(chunk.bytes)
            start = end
        }
    }

    /// What decoding (part of) the published section gave.
    enum PublishedRead {
        /// The days asked for, oldest first.
        case days(PublishedDays)
        /// The bytes end before the days asked for do: read the whole section and decode again.
        case needsMore
        /// Damaged (a length or checksum that does not hold, days out of order): none taken.
        case damaged
    }

    /// The published section of a copy laid out as `layout` says, the days from `daysFrom` (a
    /// day key) on, or every day; nil when damaged. Newest first: the days before `daysFrom`
    /// are not decoded, and, in a chunked section, their chunks not checked either.
    static func decodePublished(_ bytes: [UInt8], layout: Layout, from daysFrom: String? = nil) -> PublishedDays? {
        guard case .days(let days) = decodePublished(bytes, of: layout.length(.published), layout: layout, from: daysFrom)
        else { return nil }
        return days
    }

    /// As ``decodePublished(_:layout:from:)``, from the first `bytes` of a section `length` long
    /// (a chunked one; an unchunked one is read whole).
    static func decodePublished(
        _ bytes: [UInt8], of length: Int, layout: Layout, from daysFrom: String?
    ) -> PublishedRead {
        if !layout.chunkedPublished {
            guard bytes.count == length else { return .needsMore }
            guard layout.holds(bytes[...], as: .published) else { return .damaged }
        }
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(BinaryCopyDamage) -> [PublishedDays.Entry]? in
                var entries: [PublishedDays.Entry] = []
                var names: [String] = []
                guard layout.chunkedPublished else {
                    var i = BinaryCopyInput(raw, from: 0)
                    let complete = try decodeDays(&i, from: daysFrom, into: &entries, names: &names)
                    guard !complete || i.isAtEnd else { throw BinaryCopyDamage() }
                    return entries
                }
                var chunks = BinaryCopyInput(raw, from: 0)
                while !chunks.isAtEnd {
                    // A chunk cut by the end of what was read: the rest of the section is needed.
                    guard let chunk = try? chunks.checkedChunk(seed: layout.chunkSeed) else {
                        if bytes.count < length { return nil }
                        throw BinaryCopyDamage()
                    }
                    var i = BinaryCopyInput(chunk, from: 0)
                    guard try decodeDays(&i, from: daysFrom, into: &entries, names: &names) else { return entries }
                    guard i.isAtEnd else { throw BinaryCopyDamage() }
                }
                return bytes.count < length ? nil : entries
            }
        }
        switch result {
        case .failure: return .damaged
        case .success(nil): return .needsMore
        case .success(var entries?):
            // Written newest first; turned in place (no second array), through the buffer so that
            // each swap moves the entries' bytes rather than copying them, and checked all the
            // same, since readers merge in order.
            entries.withUnsafeMutableBufferPointer { $0.reverse() }
            return PublishedDays(sorted: entries).map { .days($0) } ?? .damaged
        }
    }

    /// Decodes a count and that many days, newest first, appending them to `entries` until one
    /// is older than `daysFrom`. False when it stopped there (every later day is older: the
    /// checksum held, and the order is the fold's). Inlined, with the readers it calls: a team
    /// summary runs it for a few weeks of days of every user.
    @inline(__always)
    private static func decodeDays(
        _ i: inout BinaryCopyInput, from daysFrom: String?, into entries: inout [PublishedDays.Entry],
        names: inout [String]
    ) throws(BinaryCopyDamage) -> Bool {
        let count = try i.count()
        for _ in 0..<count {
            let day = try i.string()
            if let daysFrom, day < daysFrom { return false }
            let totals = try i.totals()
            var models: [ModelView] = []
            let modelCount = try i.count()
            models.reserveCapacity(modelCount)
            for _ in 0..<modelCount {
                models.append(ModelView(name: try i.string(reusing: &names), figures: try i.model()))
            }
            let unknown = try i.count() == 0 ? nil : try i.model()
            entries.append(
                PublishedDays.Entry(day: day, figures: PublishedDay(totals: totals, models: models, unknownModel: unknown)))
        }
        return true
    }
}

extension BinaryCopyOutput {
    /// One entry of the published section: the day, its totals, its models, what they leave uncovered.
    mutating func publishedDay(_ day: String, _ published: PublishedDay) {
        string(day)
        totals(published.totals)
        count(published.models.count)
        for entry in published.models {
            string(entry.name)
            model(entry.figures)
        }
        count(published.unknownModel == nil ? 0 : 1)
        if let unknown = published.unknownModel { model(unknown) }
    }

    mutating func totals(_ t: PublishedTotals) {
        for slot in 0..<PublishedTotals.lanes.counts { integer(Int(t.count(atSlot: slot))) }
        for slot in 0..<PublishedTotals.lanes.amounts { double(t.amount(atSlot: slot)) }
    }

    mutating func model(_ m: PublishedModel) {
        for slot in 0..<PublishedModel.lanes.counts { integer(Int(m.count(atSlot: slot))) }
        double(m.cost)
    }
}

extension BinaryCopyInput {
    /// The next chunk of a chunked section (``BinaryCopy/writePublished(_:seed:to:)``), whole
    /// and with the checksum it names.
    mutating func checkedChunk(seed: UInt64) throws(BinaryCopyDamage) -> UnsafeRawBufferPointer {
        let sum = try u64()
        let chunk = try slice()
        guard XXHash64.hash(chunk, seed: seed) == sum else { throw BinaryCopyDamage() }
        return chunk
    }

    @inline(__always)
    mutating func totals() throws(BinaryCopyDamage) -> PublishedTotals {
        var t = PublishedTotals()
        for slot in 0..<PublishedTotals.lanes.counts { t.setCount(Int64(try integer()), atSlot: slot) }
        for slot in 0..<PublishedTotals.lanes.amounts { t.setAmount(try double(), atSlot: slot) }
        return t
    }

    @inline(__always)
    mutating func model() throws(BinaryCopyDamage) -> PublishedModel {
        var m = PublishedModel()
        for slot in 0..<PublishedModel.lanes.counts { m.setCount(Int64(try integer()), atSlot: slot) }
        m.cost = try double()
        return m
    }
}
