/// A map the journal's records change entry by entry: a dictionary, or one read in place.
protocol KeyedEntries<Value> {
    associatedtype Value
    subscript(key: String) -> Value? { get set }
    @discardableResult mutating func removeValue(forKey key: String) -> Value?
}

extension Dictionary: KeyedEntries where Key == String {}

/// Per day, the figures of each model used that day (``AggregateDocument/dayModels``): read in
/// place from the binary copy's section when the document came from one, each day decoded when
/// asked for, with the days set since kept aside.
///
/// A year-old user has 400 such maps. Building them was a tenth of each write whose document
/// was not cached (400 dictionaries and ~800 buckets, then freed again when the cache let the
/// user go), and the largest part of the document's memory; a write touches one or two days.
package struct DayModelMaps: Sendable, KeyedEntries, ExpressibleByDictionaryLiteral {
    package typealias Models = [String: Figures]
    /// The copy's section (as ``BinaryCopyOutput`` writes a map of maps), and where each day
    /// still read from it starts: its model map's count. A day set or removed leaves `stored`.
    private var table: [UInt8] = []
    private var stored: [String: Int] = [:]
    private var changed: [String: Models] = [:]

    package init() {}

    package init(_ maps: [String: Models]) { changed = maps }

    package init(dictionaryLiteral elements: (String, Models)...) {
        changed = Dictionary(uniqueKeysWithValues: elements)
    }

    /// Reads the section at `input`'s position, checking it whole, without building a day.
    init(reading input: inout BinaryCopyInput) throws(BinaryCopyDamage) {
        let start = input.offset
        var stored: [String: Int] = [:]
        let days = try input.count()
        stored.reserveCapacity(days)
        for _ in 0..<days {
            let day = try input.string()
            stored[day] = input.offset - start
            try input.skipModels()
        }
        self.stored = stored
        table = input.bytes(from: start)
    }

    package var count: Int { stored.count + changed.count }

    package var isEmpty: Bool { count == 0 }

    /// The days, in no particular order.
    package var keys: [String] { Array(stored.keys) + Array(changed.keys) }

    package subscript(day: String) -> Models? {
        get {
            if let models = changed[day] { return models }
            return stored[day].map { decode(at: $0) }
        }
        set {
            stored.removeValue(forKey: day)
            changed[day] = newValue
        }
    }

    package subscript(day: String, default empty: @autoclosure () -> Models) -> Models {
        get { self[day] ?? empty() }
        set { self[day] = newValue }
    }

    @discardableResult
    package mutating func removeValue(forKey day: String) -> Models? {
        let models = self[day]
        stored.removeValue(forKey: day)
        changed.removeValue(forKey: day)
        return models
    }

    /// About how many bytes of heap the maps hold: the table's bytes, and the days built.
    func estimatedMemoryBytes(bucket: Int) -> Int {
        var total = table.count + stored.count * 48
        for models in changed.values { total += 120 + models.count * bucket }
        return total
    }

    /// One day's models from the table. The table was checked whole when read, so a day that
    /// does not decode cannot occur; it would read as no models.
    private func decode(at offset: Int) -> Models {
        let result = table.withUnsafeBytes { raw in
            Result { () throws(BinaryCopyDamage) -> Models in
                var input = BinaryCopyInput(raw, from: offset)
                return try input.map { try $0.figures() }
            }
        }
        return (try? result.get()) ?? [:]
    }
}

extension DayModelMaps: Sequence {
    package func makeIterator() -> some IteratorProtocol<(key: String, value: Models)> {
        var days = keys.makeIterator()
        return AnyIterator { () -> (key: String, value: Models)? in
            guard let day = days.next() else { return nil }
            return (day, self[day] ?? [:])
        }
    }

    package var underestimatedCount: Int { count }
}

extension DayModelMaps: Equatable {
    /// Equal when they hold the same models by day, however each was read and changed.
    package static func == (lhs: DayModelMaps, rhs: DayModelMaps) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for day in lhs.keys where lhs[day] != rhs[day] { return false }
        return true
    }
}
