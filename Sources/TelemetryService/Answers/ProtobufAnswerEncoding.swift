import TelemetryDecoding

/// The two message shapes the service answers with, encoded by hand so that the responder does
/// not link swift-protobuf: `Export{Metrics,Logs}ServiceResponse` (a `partial_success` message
/// of a count and a text) and `google.rpc.Status` (a code and a text).
///
/// Byte for byte what swift-protobuf 1.39 writes for the same messages (proto3: a field at its
/// default value is left out; JSON names are lowerCamelCase, an int64 is a quoted string, and a
/// string escapes `"`, `\`, C0 and C1 controls and DEL as swift-protobuf does). The service
/// tests compare both encodings against swift-protobuf.
enum ProtobufAnswerEncoding {
    /// An export response: nothing when nothing was rejected, else `partial_success` (field 1)
    /// holding the count (field 1, int64) and the message (field 2) under their JSON names.
    static func exportResponse(
        rejectedField: String, partialSuccess: (rejected: Int64, message: String)?,
        format: PayloadFormat
    ) -> [UInt8] {
        guard let partialSuccess else { return format == .protobuf ? [] : Array("{}".utf8) }
        switch format {
        case .protobuf:
            var inner: [UInt8] = []
            if partialSuccess.rejected != 0 {
                inner.append(0x08)
                appendVarint(UInt64(bitPattern: partialSuccess.rejected), to: &inner)
            }
            appendString(field: 2, partialSuccess.message, to: &inner)
            var body: [UInt8] = [0x0A]
            appendVarint(UInt64(inner.count), to: &body)
            return body + inner
        case .json:
            var members: [[UInt8]] = []
            if partialSuccess.rejected != 0 {
                members.append(Array("\"\(rejectedField)\":\"\(partialSuccess.rejected)\"".utf8))
            }
            if !partialSuccess.message.isEmpty {
                var member = Array("\"errorMessage\":".utf8)
                appendJSONString(partialSuccess.message, to: &member)
                members.append(member)
            }
            return Array("{\"partialSuccess\":{".utf8) + joined(members) + Array("}}".utf8)
        }
    }

    /// A `google.rpc.Status`: `code` (field 1, int32) and `message` (field 2).
    static func status(code: Int32, message: String, format: PayloadFormat) -> [UInt8] {
        switch format {
        case .protobuf:
            var body: [UInt8] = []
            if code != 0 {
                body.append(0x08)
                appendVarint(UInt64(bitPattern: Int64(code)), to: &body)
            }
            appendString(field: 2, message, to: &body)
            return body
        case .json:
            var members: [[UInt8]] = []
            if code != 0 { members.append(Array("\"code\":\(code)".utf8)) }
            if !message.isEmpty {
                var member = Array("\"message\":".utf8)
                appendJSONString(message, to: &member)
                members.append(member)
            }
            return Array("{".utf8) + joined(members) + Array("}".utf8)
        }
    }

    private static func joined(_ members: [[UInt8]]) -> [UInt8] {
        Array(members.joined(separator: [UInt8(ascii: ",")]))
    }

    /// A length-delimited string field, left out when empty (proto3).
    private static func appendString(field: UInt8, _ text: String, to bytes: inout [UInt8]) {
        guard !text.isEmpty else { return }
        let utf8 = Array(text.utf8)
        bytes.append(field << 3 | 2)
        appendVarint(UInt64(utf8.count), to: &bytes)
        bytes += utf8
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A JSON string literal escaped as swift-protobuf's `JSONEncoder` escapes it.
    private static func appendJSONString(_ text: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 8: bytes += Array("\\b".utf8)
            case 9: bytes += Array("\\t".utf8)
            case 10: bytes += Array("\\n".utf8)
            case 12: bytes += Array("\\f".utf8)
            case 13: bytes += Array("\\r".utf8)
            case 34: bytes += Array("\\\"".utf8)
            case 92: bytes += Array("\\\\".utf8)
            case 0...31, 127...159:
                bytes += Array("\\u00".utf8) + [hex[Int(scalar.value / 16)], hex[Int(scalar.value & 15)]]
            default:
                bytes += Array(String(scalar).utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
