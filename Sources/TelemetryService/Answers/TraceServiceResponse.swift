import TelemetryDecoding

/// An `ExportTraceServiceResponse`, encoded by hand: there are no generated trace messages.
/// Protobuf: `partial_success` (1) { `rejected_spans` (1, int64), `error_message` (2) }, and
/// nothing at all when nothing was rejected. JSON: `{}` or
/// `{"partialSuccess":{"rejectedSpans":"N","errorMessage":"…"}}` (an int64 is a string in
/// protobuf's JSON mapping, as swift-protobuf writes the other two responses).
struct TraceServiceResponse {
    let rejectedSpans: Int
    let errorMessage: String?

    func encoded(_ format: PayloadFormat) -> [UInt8] {
        guard let errorMessage else {
            return format == .protobuf ? [] : Array("{}".utf8)
        }
        switch format {
        case .protobuf:
            var inner: [UInt8] = [0x08]
            Self.appendVarint(UInt64(truncatingIfNeeded: Int64(rejectedSpans)), to: &inner)
            inner.append(0x12)
            let message = Array(errorMessage.utf8)
            Self.appendVarint(UInt64(message.count), to: &inner)
            inner += message
            var body: [UInt8] = [0x0A]
            Self.appendVarint(UInt64(inner.count), to: &body)
            return body + inner
        case .json:
            var body = Array("{\"partialSuccess\":{\"rejectedSpans\":\"\(rejectedSpans)\",\"errorMessage\":".utf8)
            Self.appendJSONString(errorMessage, to: &body)
            body += Array("}}".utf8)
            return body
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    private static func appendJSONString(_ text: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes += [UInt8(ascii: "\\"), byte]
            case 0..<0x20:
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
