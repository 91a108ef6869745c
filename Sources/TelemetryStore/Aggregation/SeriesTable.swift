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

    static func encode(_ series: SeriesMap, appendingTo output: inout [UInt8]) {
        series.packed().withUnsafeBufferPointer { Base64.encode($0, appendingTo: &output) }
    }

    /// Appends one entry.
    static func append(_ id: UInt64, _ state: SeriesState, to packed: inout [UInt8]) {
        func append(_ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { packed.append(contentsOf: $0) }
        }
        append(id)
        append(state.start)
        append(state.time)
        append(state.value.bitPattern)
        append(state.count.bitPattern)
        append(state.touched)
        append(state.seen)
        packed.append(UInt8(state.recent.count))
        for digest in state.recent { append(digest) }
    }

    /// The table of `state.series` (see ``SeriesMap/init(packed:)`` for what it refuses).
    static func decode(_ text: String) throws(AggregateCodingError) -> SeriesMap {
        var text = text
        guard let packed = text.withUTF8({ Base64.decode($0) }) else {
            throw AggregateCodingError(reason: "state.series is not base64")
        }
        return try SeriesMap(packed: packed)
    }
}
