/// Field names of one message for ``JSONScanner/nextField(in:depth:limit:)``: lowerCamelCase
/// JSON names and original proto names, each with its field number (or enum value names
/// with their numbers). An entry is found by length and first eight bytes, then the rest is
/// compared; the names are stored end to end, so a lookup retains nothing.
package struct JSONFieldTable: Sendable {
    private struct Entry: Sendable {
        let count: Int
        let prefix: UInt64
        let offset: Int
        let number: Int
    }

    private let entries: [Entry]
    private let names: [UInt8]

    package init(_ table: [(StaticString, Int)]) {
        var entries: [Entry] = []
        var names: [UInt8] = []
        for (name, number) in table {
            let bytes = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            entries.append(Entry(count: bytes.count, prefix: Self.prefix(bytes), offset: names.count, number: number))
            names.append(contentsOf: bytes)
        }
        self.entries = entries
        self.names = names
    }

    /// A table of names known only at run time (e.g. every figure's name).
    package init(names table: [(String, Int)]) {
        var entries: [Entry] = []
        var names: [UInt8] = []
        for (name, number) in table {
            let bytes = Array(name.utf8)
            let prefix = bytes.withUnsafeBytes { Self.prefix($0) }
            entries.append(Entry(count: bytes.count, prefix: prefix, offset: names.count, number: number))
            names.append(contentsOf: bytes)
        }
        self.entries = entries
        self.names = names
    }

    /// The number for the name `key`, or nil.
    package func number(_ key: UnsafeRawBufferPointer) -> Int? {
        let prefix = Self.prefix(key)
        for entry in entries where entry.prefix == prefix && entry.count == key.count {
            if key.count <= 8 { return entry.number }
            let equal = names.withUnsafeBytes { names in
                var index = 8
                while index < key.count, key[index] == names[entry.offset + index] { index += 1 }
                return index == key.count
            }
            if equal { return entry.number }
        }
        return nil
    }

    /// Up to the first eight bytes, little-endian, zero-padded.
    @inline(__always)
    private static func prefix(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        if bytes.count >= 8 { return bytes.loadUnaligned(as: UInt64.self) }
        var prefix: UInt64 = 0
        for index in 0..<bytes.count { prefix |= UInt64(bytes[index]) << (8 * UInt64(index)) }
        return prefix
    }
}
