/// A minimal, fast JSON writer into one byte buffer. It writes exactly what it is told
/// (callers order keys themselves), escapes strings per RFC 8259, and writes numbers in
/// their shortest round-trip form. Used for `aggregate.json`, which is rewritten on every update.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Whether the next member or element needs a comma before it, per open container.
    private var needsComma: [Bool] = []

    package init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    package mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    package mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    package mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes `"key":`; the value written next belongs to it.
    package mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// True between a key and its value: the value gets no comma of its own.
    private var afterKey = false

    package mutating func string(_ value: String) {
        separate()
        appendString(value)
    }

    /// A string whose characters `body` appends itself, unescaped: only for text that is
    /// printable ASCII without `"` or `\\` by construction (base64, hexadecimal).
    mutating func plainString(_ body: (inout [UInt8]) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        body(&bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":` for a key of exactly 16 lowercase hexadecimal digits.
    mutating func hexKey(_ value: UInt64) {
        separate()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 19) { buffer in
            buffer[0] = UInt8(ascii: "\"")
            Self.hexDigits.withUnsafeBufferPointer { digits in
                for index in 0..<16 {
                    buffer[1 + index] = digits[Int(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF]
                }
            }
            buffer[17] = UInt8(ascii: "\"")
            buffer[18] = UInt8(ascii: ":")
            bytes.append(contentsOf: buffer)
        }
        afterKey = true
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    package mutating func integer(_ value: Int64) {
        separate()
        appendInteger(value)
    }

    package mutating func unsigned(_ value: UInt64) {
        separate()
        appendUnsigned(value)
    }

    /// A finite double, shortest form that reads back to the same value.
    package mutating func number(_ value: Double) {
        separate()
        if value == value.rounded(), abs(value) < 9.0e15 {
            appendInteger(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    package mutating func null() {
        separate()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    package mutating func newline() {
        bytes.append(0x0A)
    }

    // MARK: Internals

    /// Puts a comma between siblings; a value right after its key needs none.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = needsComma.indices.last else { return }
        if needsComma[last] {
            bytes.append(UInt8(ascii: ","))
        } else {
            needsComma[last] = true
        }
    }

    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var copy = value
        copy.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendInteger(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendUnsigned(value.magnitude)
        } else {
            appendUnsigned(UInt64(value))
        }
    }

    /// Decimal digits, two at a time, built right to left in a stack buffer and appended at once.
    private mutating func appendUnsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var index = 20
            var remaining = value
            while remaining >= 100 {
                let pair = Int(remaining % 100) * 2
                remaining /= 100
                index -= 2
                buffer[index] = Self.digitPairs[pair]
                buffer[index + 1] = Self.digitPairs[pair + 1]
            }
            if remaining >= 10 {
                let pair = Int(remaining) * 2
                index -= 2
                buffer[index] = Self.digitPairs[pair]
                buffer[index + 1] = Self.digitPairs[pair + 1]
            } else {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(remaining)
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<20]))
        }
    }

    /// "00" "01" ... "99" as bytes.
    private static let digitPairs: [UInt8] = (0..<100).flatMap {
        [UInt8(ascii: "0") + UInt8($0 / 10), UInt8(ascii: "0") + UInt8($0 % 10)]
    }
}
