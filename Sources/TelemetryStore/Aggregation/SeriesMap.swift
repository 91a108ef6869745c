/// A user's series states by id (``AggregateDocument/series``): read in place from the packed
/// table the document was loaded from (``SeriesTable``: sorted by id, found by binary search),
/// with what changed since kept aside.
///
/// A year-old user has about 4 000 series. Building a dictionary of them was the largest part
/// of a write whose document was not cached (15 % of the responder's time over the benchmark
/// kit's year-old users), and freeing it again when the cache let the user go another part;
/// a write touches a handful.
struct SeriesMap: Sendable {
    /// The table as loaded (a slice of the copy's section as read, or of a decoded array);
    /// `offsets[position]` is where its entry `position` starts.
    private var table: ArraySlice<UInt8> = []
    private var offsets: [UInt32] = []
    /// The table's entries replaced (by one in `changed`) or removed.
    private var shadowed = ShadowedEntries()
    /// Entries set since the table was loaded; they win over the table.
    private var changed: [UInt64: SeriesState] = [:]
    private(set) var count = 0

    init() {}

    /// A table as ``SeriesTable/packed(_:)`` lays it out. Refuses one that is not whole entries
    /// in increasing id order, or holds readings outside the range the aggregator stores (the
    /// next cumulative delta is computed from them).
    init(packed: ArraySlice<UInt8>) throws(AggregateCodingError) {
        let offsets = packed.withUnsafeBytes { bytes in
            Result { () throws(AggregateCodingError) in try Self.offsets(of: bytes) }
        }
        self.offsets = try offsets.get()
        table = packed
        count = self.offsets.count
    }

    init(packed: [UInt8]) throws(AggregateCodingError) { try self.init(packed: packed[...]) }

    private static func offsets(of bytes: UnsafeRawBufferPointer) throws(AggregateCodingError) -> [UInt32] {
        var offsets: [UInt32] = []
        offsets.reserveCapacity(bytes.count / (SeriesTable.fixedBytes + 8))
        let plausible = 0...MetricsAggregator.largestPlausibleValue
        var offset = 0
        var previous: UInt64?
        while offset < bytes.count {
            guard bytes.count - offset >= SeriesTable.fixedBytes else {
                throw AggregateCodingError(reason: "state.series ends inside an entry")
            }
            let id = word(bytes, offset, 0)
            if let previous, id <= previous {
                throw AggregateCodingError(reason: "state.series ids are not in increasing order")
            }
            previous = id
            let value = Double(bitPattern: word(bytes, offset, 3))
            let count = Double(bitPattern: word(bytes, offset, 4))
            guard plausible.contains(value), plausible.contains(count) else {
                throw AggregateCodingError(reason: "state.series.\(AggregateCoding.seriesName(id)): value or count out of range")
            }
            let length = SeriesTable.fixedBytes + Int(bytes[offset + SeriesTable.fixedBytes - 1]) * 8
            guard bytes.count - offset >= length else {
                throw AggregateCodingError(reason: "state.series ends inside an entry")
            }
            offsets.append(UInt32(offset))
            offset += length
        }
        return offsets
    }

    init(_ states: [UInt64: SeriesState]) {
        changed = states
        count = states.count
    }

    var isEmpty: Bool { count == 0 }

    subscript(id: UInt64) -> SeriesState? {
        get {
            if let state = changed[id] { return state }
            guard let position = position(of: id), !isShadowed(position) else { return nil }
            return state(at: position)
        }
        set {
            guard let newValue else {
                removeValue(forKey: id)
                return
            }
            if changed.updateValue(newValue, forKey: id) != nil { return }
            if let position = position(of: id) {
                // Replaced: the count stays. Already shadowed: it was removed, and is back.
                if isShadowed(position) { count += 1 } else { shadow(position) }
            } else {
                count += 1
            }
        }
    }

    @discardableResult
    mutating func removeValue(forKey id: UInt64) -> SeriesState? {
        if let state = changed.removeValue(forKey: id) {
            // Its table entry, if any, was shadowed when it was set.
            count -= 1
            return state
        }
        guard let position = position(of: id), !isShadowed(position) else { return nil }
        shadow(position)
        count -= 1
        return state(at: position)
    }

    /// Removes the series of `ids` (a journal record's or a memo's removals, which come in
    /// increasing order: each search then starts after the last one found), without building
    /// the states removed. A memo after idle series were forgotten names thousands.
    mutating func removeAll(_ ids: [UInt64]) {
        var low = 0
        var previous: UInt64?
        for id in ids {
            if changed.removeValue(forKey: id) != nil {
                count -= 1
                continue
            }
            if let last = previous, id <= last { low = 0 }
            previous = id
            guard let position = position(of: id, from: low) else { continue }
            low = position + 1
            if !isShadowed(position) {
                shadow(position)
                count -= 1
            }
        }
    }

    /// The table `SeriesTable` stores: every entry in increasing id order. The table's own
    /// entries are copied as they are.
    func packed() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(table.count + changed.count * (SeriesTable.fixedBytes + 8))
        let added = changed.keys.sorted()
        var next = 0
        table.withUnsafeBytes { bytes in
            for position in offsets.indices where !isShadowed(position) {
                let start = Int(offsets[position])
                let id = Self.word(bytes, start, 0)
                while next < added.count && added[next] < id {
                    SeriesTable.append(added[next], changed[added[next]]!, to: &output)
                    next += 1
                }
                let end = position + 1 < offsets.count ? Int(offsets[position + 1]) : bytes.count
                output.append(contentsOf: bytes[start..<end])
            }
        }
        for id in added[next...] { SeriesTable.append(id, changed[id]!, to: &output) }
        return output
    }

    /// The ids of the series `picked` chooses by their last receive time and whether they hold
    /// a cumulative reading: what forgetting idle series asks of every series on every update,
    /// read from the table's entries without building them.
    func ids(where picked: (_ seen: UInt64, _ cumulative: Bool) -> Bool) -> [UInt64] {
        var ids: [UInt64] = []
        table.withUnsafeBytes { bytes in
            for position in offsets.indices where !isShadowed(position) {
                let offset = Int(offsets[position])
                let cumulative = Self.word(bytes, offset, 3) != 0 || Self.word(bytes, offset, 4) != 0
                if picked(Self.word(bytes, offset, 6), cumulative) { ids.append(Self.word(bytes, offset, 0)) }
            }
        }
        for (id, state) in changed where picked(state.seen, state.value != 0 || state.count != 0) { ids.append(id) }
        return ids
    }

    /// About how many bytes of heap the map holds (see ``AggregateDocument/estimatedMemoryBytes``):
    /// the table's bytes, and 250 per series set since (the size that kept the benchmark kit's
    /// RSS flat, as for the replay windows' entries).
    var estimatedMemoryBytes: Int {
        table.count + offsets.count * 4 + shadowed.estimatedMemoryBytes + changed.count * 250
    }

    // MARK: The table

    private static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ index: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + index * 8, as: UInt64.self))
    }

    private func id(at position: Int) -> UInt64 {
        table.withUnsafeBytes { Self.word($0, Int(offsets[position]), 0) }
    }

    private func position(of id: UInt64, from first: Int = 0) -> Int? {
        var low = first
        var high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            let found = self.id(at: middle)
            if found == id { return middle }
            if found < id { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    private func state(at position: Int) -> SeriesState {
        table.withUnsafeBytes { bytes in
            let offset = Int(offsets[position])
            var state = SeriesState()
            state.start = Self.word(bytes, offset, 1)
            state.time = Self.word(bytes, offset, 2)
            state.value = Double(bitPattern: Self.word(bytes, offset, 3))
            state.count = Double(bitPattern: Self.word(bytes, offset, 4))
            state.touched = Self.word(bytes, offset, 5)
            state.seen = Self.word(bytes, offset, 6)
            let recent = Int(bytes[offset + SeriesTable.fixedBytes - 1])
            let first = offset + SeriesTable.fixedBytes
            // Tables written with a larger window keep their newest digests.
            for index in Swift.max(0, recent - PointDigests.capacity)..<recent {
                let digest = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: first + index * 8, as: UInt64.self))
                state.recent.append(digest, keepingAtMost: PointDigests.capacity)
            }
            return state
        }
    }

    private func isShadowed(_ position: Int) -> Bool { shadowed.contains(position) }

    private mutating func shadow(_ position: Int) { shadowed.insert(position, of: offsets.count) }
}

extension SeriesMap: Sequence {
    /// The table's live entries in id order, then the changed ones in no particular order.
    struct Iterator: IteratorProtocol {
        fileprivate let map: SeriesMap
        fileprivate var position = 0
        fileprivate var changed: Dictionary<UInt64, SeriesState>.Iterator

        mutating func next() -> (key: UInt64, value: SeriesState)? {
            while position < map.offsets.count {
                defer { position += 1 }
                if map.isShadowed(position) { continue }
                return (map.id(at: position), map.state(at: position))
            }
            return changed.next()
        }
    }

    func makeIterator() -> Iterator { Iterator(map: self, changed: changed.makeIterator()) }

    var underestimatedCount: Int { count }
}

extension SeriesMap: Equatable {
    /// Equal when they hold the same states by id, however each was loaded and changed.
    static func == (lhs: SeriesMap, rhs: SeriesMap) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (id, state) in lhs where rhs[id] != state { return false }
        return true
    }
}
