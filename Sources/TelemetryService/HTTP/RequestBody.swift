import TelemetryDecoding
import TelemetryStore

/// What the transport made of a request's body. The FastCGI and CGI readers produce it and the
/// service takes it as is, so a body cut short, over the limit or refused keeps one form from
/// the socket to the ingestor. Its description gives sizes and reasons only, never content.
package enum RequestBody: Sendable, Equatable, CustomStringConvertible {
    /// All of it (or no body, for a method that has none).
    case complete([UInt8])
    /// More than `limit` bytes were declared or arrived; the rest was left unread.
    case tooLarge(limit: Int)
    /// The body ended early or could not be read: part of a batch must never be counted.
    case incomplete(String)
    /// Refused by the transport's own rules (no length, longer than declared, too slow, over the
    /// memory budget); the rest was left unread.
    case refused(TransportRefusal)

    package var description: String {
        switch self {
        case .complete(let bytes): return "read \(bytes.count) bytes"
        case .tooLarge: return "over the limit"
        case .incomplete(let reason): return "incomplete: \(reason)"
        case .refused(let refusal): return "refused: \(refusal)"
        }
    }

    /// The bytes to decode, or the error that answers the request (``ErrorAnswer`` maps it:
    /// 413, 400, or the refusal's own status). `limit` holds a body handed over whole, without
    /// a reader (tests, in-process callers), to the limit the readers apply while reading.
    func bytes(limit: Int) throws -> [UInt8] {
        switch self {
        case .complete(let bytes):
            guard bytes.count <= limit else { throw PayloadError.tooLarge(limit: limit, decompressed: false) }
            return bytes
        case .tooLarge(let limit):
            throw PayloadError.tooLarge(limit: limit, decompressed: false)
        case .incomplete(let reason):
            throw PayloadError.incomplete(reason)
        case .refused(let refusal):
            throw refusal
        }
    }
}
