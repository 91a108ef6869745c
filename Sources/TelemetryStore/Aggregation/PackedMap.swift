/// A map by day (``AggregateDocument/days``, ``AggregateDocument/dayModels``): read in place
/// from the binary copy's section when the document came from one, each entry decoded when
/// asked for, with the entries set since kept aside.
///
/// A year-old user has 400 days, each with a bucket and a model map. Building them was a sixth
/// of each write whose document was not cached (400 dictionaries and ~1 200 buckets, then freed
/// again when the cache let the user go), and the largest part of the document's memory; a
/// write touches one or two days. Entries of the table are found by comparing their keys' bytes
/// in turn (400 short keys): hashing every key into an index when the section was read cost
/// more than the few look-ups a write makes.
package struct PackedMap<Value: PackedValue>: Sendable, KeyedEntries, ExpressibleByDictionaryLiteral {
    /// The copy's section (as ``write(to:)`` writes it), and where each of its entries starts.
    /// A slice of the section's bytes as read (shared with the document's other tables).
    private var table: ArraySlice<UInt8> = []
    private var starts: [UInt32] = []
    /// The entries of the table set again (their keys are in `changed`) or removed since.
    private var shadowed = ShadowedEntries()
    private var liveInTable = 0
    /// Whether the table's keys are in increasing byte order, as ``write(to:)`` writes them
    /// (sections written before it are in no order): a key is then found by binary search
    /// instead of a scan of every key (a year-old user's 400 days, for each day a write adds to).
    private var sortedTable = false
    private var changed: [String: Value] = [:]

    package init() {}

    package init(_ entries: [String: Value]) { changed = entries }

    package init(dictionaryLiteral elements: (String, Value)...) {
        changed = Dictionary(uniqueKeysWithValues: elements)
    }

    /// Reads the section at `input`'s position, checking it whole, without building a value.
    init(reading input: inout BinaryCopyInput) throws(BinaryCopyDamage) {
        let start = input.offset
        let count = try input.count()
        var starts: [UInt32] = []
        starts.reserveCapacity(count)
        var sorted = true
        var previous: UnsafeRawBufferPointer?
        for _ in 0..<count {
            starts.append(UInt32(input.offset - start))
            let key = try input.slice()
            if sorted, let previous, !previous.lexicographicallyPrecedes(key) { sorted = false }
            previous = key
            try Value.skip(&input)
        }
        self.starts = starts
        sortedTable = sorted
        liveInTable = count
        table = input.bytes(from: start)
    }

    package var count: Int { liveInTable + changed.count }

    package var isEmpty: Bool { count == 0 }

    /// The keys, in no particular order.
    package var keys: [String] { keys(from: nil) }

    /// The keys from `lowest` on (in the order of their bytes, as day keys sort; nil: every
    /// key), in no particular order. Keys of the table before it are compared in place, never
    /// made into strings: a reader of a few weeks passes over a year of days.
    package func keys(from lowest: String?) -> [String] {
        var keys: [String] = []
        forEachTableKey(from: lowest) { key, _ in keys.append(key) }
        for key in changed.keys where Self.lies(key, from: lowest) { keys.append(key) }
        return keys
    }

    package subscript(key: String) -> Value? {
        get {
            if let value = changed[key] { return value }
            return position(of: key).map { value(at: $0) }
        }
        set {
            if changed[key] == nil, let position = position(of: key) { shadow(position) }
            changed[key] = newValue
        }
    }

    /// Changes the value in place (as a dictionary's does): the aggregators add to a day's
    /// bucket for every amount, and a copy of it each time was a heap block each time.
    package subscript(key: String, default empty: @autoclosure () -> Value) -> Value {
        get { self[key] ?? empty() }
        _modify {
            if changed[key] == nil, let position = position(of: key) {
                changed[key] = value(at: position)
                shadow(position)
            }
            yield &changed[key, default: empty()]
        }
    }

    @discardableResult
    package mutating func removeValue(forKey key: String) -> Value? {
        if let value = changed.removeValue(forKey: key) { return value }
        guard let position = position(of: key) else { return nil }
        shadow(position)
        return value(at: position)
    }

    /// The entries whose keys lie from `lowest` on (as ``keys(from:)``) and `wanted` accepts,
    /// decoded, in no particular order: one pass over the table, where looking keys up one by
    /// one would compare every key before each.
    package func entries(
        from lowest: String? = nil, where wanted: (String) -> Bool = { _ in true }
    ) -> [(key: String, value: Value)] {
        var result: [(key: String, value: Value)] = []
        forEachTableKey(from: lowest) { key, position in
            if wanted(key) { result.append((key, value(at: position))) }
        }
        for (key, value) in changed where Self.lies(key, from: lowest) && wanted(key) { result.append((key, value)) }
        return result
    }

    /// Calls `body` with the key and position of each live entry of the table whose key lies
    /// from `lowest` on; the keys before it are compared as bytes in place, never made strings.
    private func forEachTableKey(from lowest: String?, _ body: (String, Int) -> Void) {
        table.withUnsafeBytes { raw in
            func walk(_ bound: UnsafeRawBufferPointer?) {
                for position in starts.indices where !isShadowed(position) {
                    let key = self.key(raw, position)
                    if let bound, key.lexicographicallyPrecedes(bound) { continue }
                    body(String(decoding: key, as: UTF8.self), position)
                }
            }
            guard var lowest else { return walk(nil) }
            lowest.withUTF8 { walk(UnsafeRawBufferPointer($0)) }
        }
    }

    /// True when `key` lies from `lowest` on (always when there is no `lowest`).
    private static func lies(_ key: String, from lowest: String?) -> Bool { lowest.map { key >= $0 } ?? true }

    /// About how many bytes of heap the map holds: the table's bytes, and the values built.
    var estimatedMemoryBytes: Int {
        var total = table.count + starts.count * 4 + shadowed.estimatedMemoryBytes
        for value in changed.values { total += value.estimatedMemoryBytes }
        return total
    }

    /// Writes the section ``init(reading:)`` reads, in increasing byte order of the keys; the
    /// table's entries are copied as they are.
    func write(to output: inout BinaryCopyOutput) {
        output.count(count)
        let added = changed.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var next = 0
        func writeAdded(before bound: UnsafeRawBufferPointer?) {
            while next < added.count {
                var key = added[next]
                if let bound, !key.withUTF8({ UnsafeRawBufferPointer($0).lexicographicallyPrecedes(bound) }) { return }
                output.string(key)
                changed[key]!.write(to: &output)
                next += 1
            }
        }
        table.withUnsafeBytes { raw in
            // A table in no order (written before the order) is put in order with the rest.
            let order =
                sortedTable
                ? Array(starts.indices) : starts.indices.sorted { key(raw, $0).lexicographicallyPrecedes(key(raw, $1)) }
            for position in order where !isShadowed(position) {
                writeAdded(before: key(raw, position))
                let start = Int(starts[position])
                let end = position + 1 < starts.count ? Int(starts[position + 1]) : raw.count
                output.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            }
        }
        writeAdded(before: nil)
    }

    // MARK: The table

    /// The key of the table's entry at `position` (the table was checked whole when read).
    private func key(_ raw: UnsafeRawBufferPointer, _ position: Int) -> UnsafeRawBufferPointer {
        var input = BinaryCopyInput(raw, from: Int(starts[position]))
        guard let key = try? input.slice() else { preconditionFailure("a packed map's key no longer decodes") }
        return key
    }

    /// The live entry of the table whose key is `key`.
    private func position(of key: String) -> Int? {
        guard liveInTable > 0 else { return nil }
        var key = key
        return key.withUTF8 { wanted -> Int? in
            table.withUnsafeBytes { raw -> Int? in
                let wanted = UnsafeRawBufferPointer(wanted)
                if sortedTable {
                    var (low, high) = (0, starts.count)
                    while low < high {
                        let middle = (low + high) / 2
                        let stored = self.key(raw, middle)
                        if stored.elementsEqual(wanted) { return isShadowed(middle) ? nil : middle }
                        if stored.lexicographicallyPrecedes(wanted) { low = middle + 1 } else { high = middle }
                    }
                    return nil
                }
                return starts.indices.first { !isShadowed($0) && self.key(raw, $0).elementsEqual(wanted) }
            }
        }
    }

    /// The value of an entry. The table was checked whole when read, so a value that does not
    /// decode cannot occur.
    private func value(at position: Int) -> Value {
        let result = table.withUnsafeBytes { raw in
            Result { () throws(BinaryCopyDamage) -> Value in
                var input = BinaryCopyInput(raw, from: Int(starts[position]))
                _ = try input.slice()
                return try Value.read(&input)
            }
        }
        guard case .success(let value) = result else { preconditionFailure("a packed map's entry no longer decodes") }
        return value
    }

    private func isShadowed(_ position: Int) -> Bool { shadowed.contains(position) }

    private mutating func shadow(_ position: Int) {
        shadowed.insert(position, of: starts.count)
        liveInTable -= 1
    }
}

extension PackedMap: Sequence {
    package func makeIterator() -> Array<(key: String, value: Value)>.Iterator { entries().makeIterator() }

    package var underestimatedCount: Int { count }
}

extension PackedMap: Equatable {
    /// Equal when they hold the same values by key, however each was read and changed.
    package static func == (lhs: PackedMap, rhs: PackedMap) -> Bool {
        guard lhs.count == rhs.count else { return false }
        let left = Dictionary(lhs.entries(), uniquingKeysWith: { first, _ in first })
        return rhs.entries().allSatisfy { left[$0.key] == $0.value }
    }
}

extension PackedMap where Value == SessionRecord {
    /// The session seen least recently (of two seen last at the same second, the one whose id
    /// comes first), as `min(by:)` over the entries finds it, without building the table's
    /// records: a year-old user keeps 100 sessions, and each new one lets the oldest go.
    func leastRecentlySeen() -> (key: String, lastSeen: UInt64)? {
        var least: (key: String, lastSeen: UInt64)?
        func consider(_ key: String, _ seen: UInt64) {
            if let current = least, (current.lastSeen, current.key) <= (seen, key) { return }
            least = (key, seen)
        }
        table.withUnsafeBytes { raw in
            for position in starts.indices where !isShadowed(position) {
                var input = BinaryCopyInput(raw, from: Int(starts[position]))
                let seen = Result { () throws(BinaryCopyDamage) in (try input.slice(), try input.sessionLastSeen()) }
                guard case .success(let (key, lastSeen)) = seen else {
                    preconditionFailure("a packed map's entry no longer decodes")
                }
                // Only a candidate's id is made a string.
                if let current = least, lastSeen > current.lastSeen { continue }
                consider(String(decoding: key, as: UTF8.self), lastSeen)
            }
        }
        for (key, record) in changed { consider(key, record.lastSeen) }
        return least
    }
}
