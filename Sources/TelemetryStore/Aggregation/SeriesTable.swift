import TelemetryDecoding

/// `state.series` as `aggregate.json` stores it: base64 of fixed-layout little-endian entries,
/// sorted by series id. A user can have 4 096 live series; as JSON objects they were the larger
/// half of a busy user's document and of the time to read it (about 3 ms of 7), which every
/// write pays whose document is not cached. Each entry:
///
///     id, start, time (u64) · value, count (f64 bits) · touched, seen (u64) · n (u8) · n recent digests (u64)
///
/// Documents written before hold an object of JSON entries under the same key; both are read
/// (``AggregateCoding``), and the next write stores this form.
enum SeriesTable {
    static let fixedBytes = 7 * 8 + 1

    static func encode(_ series: [UInt64: SeriesState], appendingTo output: inout [UInt8]) {
        packed(series).withUnsafeBufferPointer { Base64.encode($0, appendingTo: &output) }
    }

    /// The entries unencoded (the binary copy stores them so).
    static func packed(_ series: [UInt64: SeriesState]) -> [UInt8] {
        var packed: [UInt8] = []
        packed.reserveCapacity(series.count * (fixedBytes + 8))
        func append(_ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { packed.append(contentsOf: $0) }
        }
        for id in series.keys.sorted() {
            let state = series[id]!
            append(id)
            append(state.start)
            append(state.time)
            append(state.value.bitPattern)
            append(state.count.bitPattern)
            append(state.touched)
            append(state.seen)
            let recent = state.recent.suffix(Int(UInt8.max))
            packed.append(UInt8(recent.count))
            for digest in recent { append(digest) }
        }
        return packed
    }

    /// Refuses a table that is not whole entries in increasing id order, and readings outside
    /// the range the aggregator stores (the next cumulative delta is computed from them).
    static func decode(_ text: String) throws(AggregateCodingError) -> [UInt64: SeriesState] {
        var text = text
        guard let packed = text.withUTF8({ Base64.decode($0) }) else {
            throw AggregateCodingError(reason: "state.series is not base64")
        }
        let result = packed.withUnsafeBytes { bytes in
            Result { () throws(AggregateCodingError) in try decode(packed: bytes) }
        }
        return try result.get()
    }

    static func decode(packed bytes: UnsafeRawBufferPointer) throws(AggregateCodingError) -> [UInt64: SeriesState] {
        try decode(packed: bytes, keeping: { _ in true })
    }

    /// The entries whose id `keeping` accepts (asked once per entry, in table order); the others
    /// are checked for length and order only, and skipped without being built.
    static func decode(
        packed bytes: UnsafeRawBufferPointer, keeping: (UInt64) -> Bool
    ) throws(AggregateCodingError) -> [UInt64: SeriesState] {
        // Most series keep one recent digest.
        var series = [UInt64: SeriesState](minimumCapacity: bytes.count / (fixedBytes + 8))
        var offset = 0
        var previous: UInt64?
        let plausible = 0...MetricsAggregator.largestPlausibleValue
        func next() -> UInt64 {
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        while offset < bytes.count {
            guard bytes.count - offset >= fixedBytes else {
                throw AggregateCodingError(reason: "state.series ends inside an entry")
            }
            let id = next()
            if let previous, id <= previous {
                throw AggregateCodingError(reason: "state.series ids are not in increasing order")
            }
            previous = id
            guard keeping(id) else {
                let recent = Int(bytes[offset + fixedBytes - 9])
                guard bytes.count - offset >= fixedBytes - 8 + recent * 8 else {
                    throw AggregateCodingError(reason: "state.series ends inside an entry")
                }
                offset += fixedBytes - 8 + recent * 8
                continue
            }
            var state = SeriesState()
            state.start = next()
            state.time = next()
            state.value = Double(bitPattern: next())
            state.count = Double(bitPattern: next())
            state.touched = next()
            state.seen = next()
            let recent = Int(bytes[offset])
            offset += 1
            guard bytes.count - offset >= recent * 8 else {
                throw AggregateCodingError(reason: "state.series ends inside an entry")
            }
            state.recent.reserveCapacity(recent)
            for _ in 0..<recent { state.recent.append(next()) }
            guard plausible.contains(state.value), plausible.contains(state.count) else {
                throw AggregateCodingError(reason: "state.series.\(AggregateCoding.seriesName(id)): value or count out of range")
            }
            series[id] = state
        }
        return series
    }
}
