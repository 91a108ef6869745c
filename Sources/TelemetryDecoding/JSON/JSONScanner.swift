/// A pull parser over JSON bytes: the caller asks for the value it expects next, and anything
/// it does not want is skipped. No tree is built, so reading `aggregate.json` allocates little
/// more than the values it keeps. Strict RFC 8259 syntax; every error says where it is.
package struct JSONScanner {
    // Internal rather than private: the protobuf JSON mapping (JSONScanner+Protobuf.swift)
    // reads the same bytes with the same cursor.
    let bytes: [UInt8]
    var position = 0
    /// Nesting allowed for skipped values, so hostile files cannot exhaust the stack.
    private let depthLimit = 64

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package struct Failure: Error, CustomStringConvertible {
        let message: String
        let offset: Int
        package var description: String { "\(message) at byte \(offset)" }
    }

    func failure(_ message: String) -> Failure { Failure(message: message, offset: position) }

    // MARK: Structure

    package mutating func beginObject() throws(Failure) { try expect(UInt8(ascii: "{"), "expected an object") }
    package mutating func beginArray() throws(Failure) { try expect(UInt8(ascii: "["), "expected an array") }

    /// The next member's key, or nil at the end of the object (consuming `}`).
    package mutating func nextKey() throws(Failure) -> String? {
        guard try nextMember(closing: UInt8(ascii: "}")) else { return nil }
        let key = try string()
        try expect(UInt8(ascii: ":"), "expected ':' after a key")
        return key
    }

    /// The next member's key looked up in `table` without making a String of it: its number
    /// there, or nil for a key the table does not name (`lastKey` then spells it); `.end` at
    /// the end of the object (consuming `}`). Escaped keys are decoded first, so they match as
    /// their plain spelling would.
    package enum KeyLookup: Equatable {
        case number(Int)
        case unknown
        case end
    }

    package mutating func nextKey(in table: JSONFieldTable) throws(Failure) -> KeyLookup {
        guard let found = try nextKey(reading: { table.number($0) }) else { return .end }
        return found.map(KeyLookup.number) ?? .unknown
    }

    /// The next member's key handed to `body` as bytes (decoded when it has escapes), without
    /// making a String of it; nil at the end of the object (consuming `}`).
    @inline(__always)
    package mutating func nextKey<Result>(reading body: (UnsafeRawBufferPointer) -> Result) throws(Failure) -> Result? {
        guard try nextMember(closing: UInt8(ascii: "}")) else { return nil }
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a string") }
        let start = position + 1
        let result: Result
        if let index = plainASCIIStringEnd(from: start) {
            lastKeyRange = start..<index
            result = bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<index])) }
            position = index + 1
        } else {
            let key = try string()
            lastKeyText = key
            lastKeyRange = nil
            result = Array(key.utf8).withUnsafeBytes { body($0) }
        }
        try expect(UInt8(ascii: ":"), "expected ':' after a key")
        return result
    }

    /// The key `nextKey(in:)` or `nextKey(reading:)` last read (for messages about keys).
    package var lastKey: String {
        guard let range = lastKeyRange else { return lastKeyText }
        return String(decoding: bytes[range], as: UTF8.self)
    }
    private var lastKeyRange: Range<Int>?
    private var lastKeyText = ""

    /// Skips a string, checking it as `string()` does, without making a String of it.
    mutating func skipString() throws(Failure) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a string") }
        if let index = plainASCIIStringEnd(from: position + 1) {
            position = index + 1
            return
        }
        // Escapes, control characters or non-ASCII bytes: the full check.
        _ = try string()
    }

    /// The index of the closing `"` of a string whose content starts at `index` and is plain
    /// ASCII (no escape, no control character): such a string needs no decoding or UTF-8 check.
    /// nil for any other string, which ``string()`` reads.
    @inline(__always)
    private func plainASCIIStringEnd(from index: Int) -> Int? {
        guard let (end, ascii) = bytes.withUnsafeBytes({ Self.plainStringEnd($0, from: index) }), ascii else { return nil }
        return end
    }

    /// The index of the first `"` from `index` on, and whether every byte before it is ASCII;
    /// nil when a backslash or a control character comes first, or the bytes end. Eight bytes
    /// at a time: a byte `b` matches when `b == 0x22`, `b == 0x5C` or `b < 0x20`.
    @inline(__always)
    static func plainStringEnd(_ raw: UnsafeRawBufferPointer, from index: Int) -> (end: Int, ascii: Bool)? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = index
        var high: UInt64 = 0
        while index + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // Zero bytes of `quote`/`backslash`, and bytes below 0x20, get their high bit set;
            // the lowest marked byte is exact (borrows only run upwards).
            let marks = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word) & highs
            if marks != 0 {
                let found = index + marks.trailingZeroBitCount / 8
                let before = found - index
                if before > 0 { high |= word & (highs >> UInt64(64 - 8 * before)) }
                index = found
                break
            }
            high |= word
            index += 8
        }
        var ascii = high & highs == 0
        while index < raw.count {
            let byte = raw[index]
            if byte == UInt8(ascii: "\"") { return (index, ascii) }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    /// True when another array element follows (consuming `]` at the end).
    package mutating func nextElement() throws(Failure) -> Bool {
        try nextMember(closing: UInt8(ascii: "]"))
    }

    var firstInContainer = true

    mutating func nextMember(closing: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end") }
        if bytes[position] == closing {
            position += 1
            firstInContainer = false
            return false
        }
        if !firstInContainer {
            guard bytes[position] == UInt8(ascii: ",") else {
                throw failure("expected ',' or '\(Character(UnicodeScalar(closing)))'")
            }
            position += 1
        }
        firstInContainer = false
        return true
    }

    /// Call after `beginObject`/`beginArray`: marks the container as empty so far.
    private mutating func opened() { firstInContainer = true }

    package mutating func end() throws(Failure) {
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected data after the document") }
    }

    // MARK: Values

    /// Whether the next value is a string (nothing is consumed).
    package mutating func nextIsString() -> Bool {
        skipWhitespace()
        return position < bytes.count && bytes[position] == UInt8(ascii: "\"")
    }

    package mutating func isNull() -> Bool {
        skipWhitespace()
        if bytes.count - position >= 4, bytes[position] == 0x6E, bytes[position + 1] == 0x75,
            bytes[position + 2] == 0x6C, bytes[position + 3] == 0x6C
        {
            position += 4
            return true
        }
        return false
    }

    package mutating func string() throws(Failure) -> String {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a string") }
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let end = position
                let text = bytes.withUnsafeBufferPointer { buffer in
                    UTF8Text.string(UnsafeBufferPointer(start: buffer.baseAddress! + start, count: end - start))
                }
                position += 1
                guard let text else { throw Failure(message: "invalid UTF-8 in a string", offset: start) }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("control character in a string") }
            position += 1
        }
        // Slow path with escapes.
        var decoded = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = decoded.withUnsafeBufferPointer({ UTF8Text.string($0) }) else {
                    throw Failure(message: "invalid UTF-8 in a string", offset: start)
                }
                return text
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw failure("unexpected end in a string") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw failure("unpaired surrogate") }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
                    decoded.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw failure("invalid escape")
                }
            default:
                if byte < 0x20 { throw failure("control character in a string") }
                decoded.append(byte)
            }
        }
        throw failure("unexpected end in a string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard bytes.count - position >= 4 else { throw failure("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// A number as a finite double.
    package mutating func double() throws(Failure) -> Double {
        let (start, end, integral) = try numberSpan()
        if integral, end - start <= 15 {
            // Up to 15 digits: exact as a double, no text conversion needed.
            var value: Int64 = 0
            var index = start
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            while index < end {
                value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            return Double(negative ? -value : value)
        }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw Failure(message: "number out of range", offset: start)
        }
        return value
    }

    /// A non-negative integer that fits 64 bits, exactly.
    package mutating func unsigned() throws(Failure) -> UInt64 {
        let (start, end, integral) = try numberSpan()
        guard integral, bytes[start] != UInt8(ascii: "-") else {
            throw Failure(message: "expected a non-negative integer", offset: start)
        }
        var value: UInt64 = 0
        for index in start..<end {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            if overflow1 || overflow2 { throw Failure(message: "integer out of range", offset: start) }
            value = sum
        }
        return value
    }

    /// An integer that fits `Int`.
    package mutating func integer() throws(Failure) -> Int {
        let start = position
        let value = try double()
        guard value == value.rounded(), abs(value) < 9.0e15 else {
            throw Failure(message: "expected an integer", offset: start)
        }
        return Int(value)
    }

    /// Validates a JSON number at the cursor; returns its span and whether it is an integer.
    private mutating func numberSpan() throws(Failure) -> (Int, Int, Bool) {
        skipWhitespace()
        let start = position
        var integral = true
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw failure("expected a number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw failure("expected a digit") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            integral = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw failure("expected a digit") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return (start, position, integral)
    }

    /// Skips one value of any type (bounded nesting).
    package mutating func skipValue(depth: Int = 0) throws(Failure) {
        guard depth < depthLimit else { throw failure("nesting too deep") }
        skipWhitespace()
        guard position < bytes.count else { throw failure("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            try beginObject()
            while try nextMember(closing: UInt8(ascii: "}")) {
                try skipString()
                try expect(UInt8(ascii: ":"), "expected ':' after a key")
                try skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try beginArray()
            while try nextElement() { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            _ = try numberSpan()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw failure("unexpected end") }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] {
            throw failure("invalid literal")
        }
        position += count
    }

    mutating func expect(_ byte: UInt8, _ message: String) throws(Failure) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { throw failure(message) }
        position += 1
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { opened() }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        // Stored documents are compact: most calls find no whitespace at all.
        if position < bytes.count, bytes[position] > 0x20 { return }
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
