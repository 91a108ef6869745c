/// Reads a request body in chunks straight into one buffer, never keeping more than one
/// byte beyond the limit: a client cannot make the responder hold more than `limit` bytes.
///
/// FastCGI bodies are read to their end whatever `CONTENT_LENGTH` says, since front ends that
/// pass chunked uploads through send no length. A CGI body is read only up to its declared
/// length, because a CGI server need not close stdin after it.
struct BodyReader {
    /// What came of reading. Its description gives sizes only, never content.
    enum Outcome: CustomStringConvertible {
        case complete([UInt8])
        /// More than `limit` bytes were declared or arrived; the rest was left unread.
        case tooLarge
        /// The body ended early or could not be read; it must not be processed.
        case incomplete(String)

        var description: String {
            switch self {
            case .complete(let bytes): return "read \(bytes.count) bytes"
            case .tooLarge: return "over the limit"
            case .incomplete(let reason): return "incomplete: \(reason)"
            }
        }
    }

    /// Reads and appends at most this many bytes at a time.
    static let chunkSize = 64 * 1024

    let limit: Int

    /// `declaredLength` is `CONTENT_LENGTH` as sent (nil or empty when absent);
    /// `stopAtDeclaredLength` is true for CGI. `source` fills its buffer with up to its
    /// `count` bytes and returns how many, 0 at the end of the body.
    func read(declaredLength text: String?, stopAtDeclaredLength: Bool,
              from source: (UnsafeMutableRawBufferPointer) throws -> Int) -> Outcome {
        var declared: Int?
        if let text, !text.isEmpty {
            guard let number = Int(text), number >= 0 else {
                return .incomplete("CONTENT_LENGTH '\(text.prefix(32))' is not a byte count")
            }
            // Declared too large: answered without reading a byte of it.
            if number > limit { return .tooLarge }
            declared = number
        }

        var body: [UInt8] = []
        // With a declared length: that much, plus the one byte that finds the end of a
        // FastCGI body without reallocating.
        body.reserveCapacity(declared.map { stopAtDeclaredLength ? $0 : $0 + 1 } ?? Self.chunkSize)
        while true {
            var wanted = min(Self.chunkSize, limit + 1 - body.count)
            if let declared {
                if body.count < declared {
                    wanted = min(wanted, declared - body.count)
                } else if stopAtDeclaredLength {
                    break
                } else if body.count == declared {
                    wanted = 1
                }
            }
            let start = body.count
            // Grow into the reserved capacity and let the source fill the new tail.
            body.append(contentsOf: repeatElement(0, count: wanted))
            let received: Int
            do {
                received = try body.withUnsafeMutableBytes { bytes in
                    try source(UnsafeMutableRawBufferPointer(rebasing: bytes[start..<(start + wanted)]))
                }
            } catch {
                return .incomplete("reading the body failed after \(start) bytes: \(error)")
            }
            body.removeLast(wanted - received)
            if received == 0 { break }
            if body.count > limit { return .tooLarge }
        }
        if let declared, body.count < declared {
            return .incomplete("the body ended after \(body.count) of \(declared) declared bytes")
        }
        return .complete(body)
    }
}
