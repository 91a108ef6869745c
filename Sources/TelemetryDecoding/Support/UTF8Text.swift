/// Strings from raw bytes, validated, with a fast path for ASCII: the generic
/// `String(validating:as:)` costs runtime metadata lookups on every call, and nearly every
/// key and value in OTLP and in `aggregate.json` is plain ASCII.
enum UTF8Text {
    package static func string(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        for byte in utf8 where byte >= 0x80 {
            return String(validating: utf8, as: UTF8.self)
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
