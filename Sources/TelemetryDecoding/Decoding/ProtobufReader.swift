/// A bounds-checked cursor over protobuf wire format (varints, fixed 32/64, length-delimited,
/// groups), for the hand-written OTLP decoder. Every read checks the remaining length, so a
/// truncated or hostile message throws instead of reading past its end.
package struct ProtobufReader {
    private let base: UnsafeRawBufferPointer
    private(set) var position: Int
    package let end: Int

    package enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    package struct Failure: Error {
        package let reason: String
    }

    package init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer
        position = 0
        end = buffer.count
    }

    private init(base: UnsafeRawBufferPointer, position: Int, end: Int) {
        self.base = base
        self.position = position
        self.end = end
    }

    var isAtEnd: Bool { position >= end }

    /// The next field number and wire type, or nil at the end of this message.
    package mutating func nextField() throws(Failure) -> (number: UInt32, wire: WireType)? {
        guard position < end else { return nil }
        let key = try varint()
        guard key <= UInt64(UInt32.max) else { throw Failure(reason: "malformed protobuf") }
        let number = UInt32(key >> 3)
        guard number != 0, let wire = WireType(rawValue: UInt8(key & 7)) else { throw Failure(reason: "malformed protobuf") }
        return (number, wire)
    }

    mutating func varint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw Failure(reason: "truncated message") }
            let byte = base[position]
            position += 1
            if shift == 63 && byte > 1 { throw Failure(reason: "malformed protobuf") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw Failure(reason: "malformed protobuf") }
        }
    }

    mutating func fixed64() throws(Failure) -> UInt64 {
        guard end - position >= 8 else { throw Failure(reason: "truncated message") }
        let value = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return UInt64(littleEndian: value)
    }

    mutating func fixed32() throws(Failure) -> UInt32 {
        guard end - position >= 4 else { throw Failure(reason: "truncated message") }
        let value = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: value)
    }

    /// A reader limited to the next length-delimited field's bytes; this reader skips past them.
    package mutating func message() throws(Failure) -> ProtobufReader {
        let length = try varint()
        guard length <= UInt64(end - position) else { throw Failure(reason: "truncated message") }
        let sub = ProtobufReader(base: base, position: position, end: position + Int(length))
        position += Int(length)
        return sub
    }

    /// A length-delimited field as UTF-8 text (proto3 strings must be valid UTF-8).
    package mutating func string() throws(Failure) -> String {
        let sub = try message()
        let count = sub.end - sub.position
        guard count > 0, let start = base.baseAddress?.advanced(by: sub.position) else { return "" }
        let utf8 = UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: count)
        guard let text = UTF8Text.string(utf8) else {
            throw Failure(reason: "a string field is not valid UTF-8")
        }
        return text
    }

    mutating func bytes() throws(Failure) -> [UInt8] {
        let sub = try message()
        return Array(UnsafeRawBufferPointer(rebasing: base[sub.position..<sub.end]))
    }

    /// Skips a field of any wire type (groups included, nested at most `depth` levels).
    package mutating func skip(_ wire: WireType, depth: Int = 0) throws(Failure) {
        switch wire {
        case .varint: _ = try varint()
        case .fixed64:
            guard end - position >= 8 else { throw Failure(reason: "truncated message") }
            position += 8
        case .fixed32:
            guard end - position >= 4 else { throw Failure(reason: "truncated message") }
            position += 4
        case .lengthDelimited: _ = try message()
        case .startGroup:
            guard depth < 32 else { throw Failure(reason: "nesting deeper than the limit") }
            while let field = try nextField() {
                if field.wire == .endGroup { return }
                try skip(field.wire, depth: depth + 1)
            }
            throw Failure(reason: "truncated message")
        case .endGroup:
            throw Failure(reason: "malformed protobuf")
        }
    }

    /// Checks that a known field arrived with the wire type its declaration implies.
    func expect(_ wire: WireType, _ expected: WireType) throws(Failure) {
        guard wire == expected else { throw Failure(reason: "malformed protobuf") }
    }
}
