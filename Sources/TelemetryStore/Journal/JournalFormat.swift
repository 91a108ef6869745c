import CZlib

/// The byte layout of a user's `journal` (after LevelDB's log and SQLite's WAL): a 16-byte
/// header naming the generation of `aggregate.json` the records follow, then records, each
/// written with one `write` and checksummed, so a record cut short by a crash is recognised and
/// cut instead of being read as data.
///
///     header:  "CTJ1"  u32 0  u64 generation              (little-endian)
///     record:  u32 payload length  u32 CRC-32  u64 receive seconds  payload
///
/// The CRC-32 (zlib's) covers the length, the time and the payload.
enum JournalFormat {
    static let headerSize = 16
    static let recordHeaderSize = 16
    private static let magic: [UInt8] = Array("CTJ1".utf8)
    /// A record is one request's changes; anything larger is damage, not data.
    static let largestPayload = 64 << 20

    struct Record: Sendable {
        let seconds: UInt64
        let payload: [UInt8]
    }

    /// What a journal's bytes hold: its generation (nil without a whole header), the whole
    /// records from `offset` on, where they end, and how many bytes after that are a torn tail.
    struct Scan: Sendable {
        let generation: UInt64?
        let records: [Record]
        /// Offset just after the last whole record (or the header, or `offset`).
        let end: Int
        let tornBytes: Int
    }

    static func header(generation: UInt64) -> [UInt8] {
        var bytes = magic + [0, 0, 0, 0]
        appendLittleEndian(generation, to: &bytes)
        return bytes
    }

    static func frame(_ payload: [UInt8], seconds: UInt64) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(recordHeaderSize + payload.count)
        appendLittleEndian(UInt32(payload.count), to: &bytes)
        appendLittleEndian(UInt32(0), to: &bytes)
        appendLittleEndian(seconds, to: &bytes)
        bytes.append(contentsOf: payload)
        let checksum = crc(bytes, skipping: 4..<8)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: checksum.littleEndian, toByteOffset: 4, as: UInt32.self) }
        return bytes
    }

    /// The generation in `bytes`' header; nil when the header is not whole (a journal being
    /// created, or cut by a crash before its first record) or not a journal's.
    static func generation(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count >= headerSize, Array(bytes[0..<4]) == magic else { return nil }
        return load(UInt64.self, bytes, at: 8)
    }

    /// The receive time of the first record, from the journal's first `headerSize +
    /// recordHeaderSize` bytes; nil without a whole header and record header.
    static func firstRecordSeconds(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count >= headerSize + recordHeaderSize, generation(bytes) != nil else { return nil }
        return load(UInt64.self, bytes, at: headerSize + 8)
    }

    /// Scans a whole journal's records.
    static func scan(_ bytes: [UInt8]) -> Scan {
        let generation = generation(bytes)
        guard generation != nil else { return Scan(generation: nil, records: [], end: 0, tornBytes: bytes.count) }
        return scanRecords(bytes, from: headerSize, generation: generation)
    }

    /// Scans records in `bytes` from `offset` on (bytes read from where an earlier scan stopped
    /// start at 0 and have no header).
    static func scanRecords(_ bytes: [UInt8], from offset: Int, generation: UInt64? = nil) -> Scan {
        var records: [Record] = []
        var position = offset
        while bytes.count - position >= recordHeaderSize {
            let length = Int(load(UInt32.self, bytes, at: position))
            guard length <= largestPayload, bytes.count - position - recordHeaderSize >= length else { break }
            let stored = load(UInt32.self, bytes, at: position + 4)
            let end = position + recordHeaderSize + length
            guard crc(bytes[position..<end], skipping: 4..<8) == stored else { break }
            records.append(
                Record(
                    seconds: load(UInt64.self, bytes, at: position + 8),
                    payload: Array(bytes[(position + recordHeaderSize)..<end])))
            position = end
        }
        return Scan(generation: generation, records: records, end: position, tornBytes: bytes.count - position)
    }

    /// CRC-32 of `bytes` with the bytes at `skipped` (relative to the start) counted as zeros.
    private static func crc(_ bytes: some Collection<UInt8>, skipping skipped: Range<Int>) -> UInt32 {
        var copy = Array(bytes)
        for index in skipped { copy[index] = 0 }
        return copy.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func load<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
