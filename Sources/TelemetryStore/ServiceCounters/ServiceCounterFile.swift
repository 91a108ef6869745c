/// The bytes of one process's counter file: small, fixed-layout, little-endian, ending in a
/// checksum so that a torn or short file is recognised and left out rather than misread.
///
///     "CTSC"  version:u32  count:u32  reserved:u32
///     count × ( family:u8  firstLength:u8  secondLength:u8  0:u8  value:u64  created:u64  first  second )
///     checksum:u64   (FNV-1a 64 of every byte before it)
package enum ServiceCounterFile {
    static let magic: [UInt8] = Array("CTSC".utf8)
    static let version: UInt32 = 1
    /// More entries than any real file holds (routes × statuses, reasons, buckets): a count
    /// above it is damage.
    static let maxEntries = 100_000

    package static func encode(_ counters: [ServiceCounterKey: ServiceCounterValue]) -> [UInt8] {
        var bytes = magic
        bytes.reserveCapacity(32 + counters.count * 64)
        append(version, to: &bytes)
        append(UInt32(counters.count), to: &bytes)
        append(UInt32(0), to: &bytes)
        for key in counters.keys.sorted() {
            let entry = counters[key]!
            let first = Array(key.first.utf8), second = Array(key.second.utf8)
            bytes += [key.family.rawValue, UInt8(first.count), UInt8(second.count), 0]
            append(entry.value, to: &bytes)
            append(entry.createdMilliseconds, to: &bytes)
            bytes += first
            bytes += second
        }
        append(checksum(bytes[...]), to: &bytes)
        return bytes
    }

    /// The counters, or nil when the bytes are not a whole file of this format.
    package static func decode(_ bytes: [UInt8]) -> [ServiceCounterKey: ServiceCounterValue]? {
        guard bytes.count >= 24, Array(bytes[0..<4]) == magic, read32(bytes, 4) == version else { return nil }
        let body = bytes[..<(bytes.count - 8)]
        guard checksum(body) == read64(bytes, bytes.count - 8) else { return nil }
        let count = Int(read32(bytes, 8))
        guard count <= maxEntries else { return nil }
        var counters: [ServiceCounterKey: ServiceCounterValue] = [:]
        var offset = 16
        for _ in 0..<count {
            guard offset + 20 <= body.count, let family = ServiceCounterFamily(rawValue: bytes[offset]) else { return nil }
            let firstLength = Int(bytes[offset + 1]), secondLength = Int(bytes[offset + 2])
            let value = read64(bytes, offset + 4), created = read64(bytes, offset + 12)
            offset += 20
            guard offset + firstLength + secondLength <= body.count else { return nil }
            let first = String(decoding: bytes[offset..<(offset + firstLength)], as: UTF8.self)
            offset += firstLength
            let second = String(decoding: bytes[offset..<(offset + secondLength)], as: UTF8.self)
            offset += secondLength
            counters[ServiceCounterKey(family, first, second)] = ServiceCounterValue(
                value: value, createdMilliseconds: created)
        }
        guard offset == body.count else { return nil }
        return counters
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private static func read64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }
}
