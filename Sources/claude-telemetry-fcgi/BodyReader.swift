import TelemetryService
import TelemetryStore

/// Reads a request body in chunks straight into one buffer, never keeping more than one
/// byte beyond the limit: a client cannot make the responder hold more than `limit` bytes.
///
/// Only POST bodies are read: every other method is answered without one (a GET under CGI
/// without `CONTENT_LENGTH` must not wait for an end of input that may never come).
/// Under FastCGI a POST must declare its length and deliver exactly that many bytes: nginx
/// always declares it, and a body whose length differs was cut or padded on the way (libfcgi
/// silently skips records it takes for another request's). A CGI body is read up to its
/// declared length, because a CGI server need not close stdin after it, or to the end of input
/// when no length is given. What comes of it is a ``RequestBody``, handed to the service as is.
struct BodyReader {
    /// How the body is framed on the way in.
    enum Framing {
        /// FastCGI `FCGI_STDIN`: has its own end; `CONTENT_LENGTH` is required and must match.
        case fastCGI
        /// CGI standard input: read up to `CONTENT_LENGTH`, or to the end without one.
        case cgi
    }

    /// Reads and appends at most this many bytes at a time.
    static let chunkSize = 64 * 1024

    let limit: Int

    /// Whether a request with this method has a body to read.
    static func readsBody(method: String?) -> Bool {
        method == "POST"
    }

    /// The declared length: nil when absent or empty, or the outcome that answers the request
    /// without reading (not a byte count, or over the limit).
    func declaredLength(_ text: String?) -> Result<Int?, Refusal> {
        guard let text, !text.isEmpty else { return .success(nil) }
        guard let number = Int(text), number >= 0 else {
            return .failure(Refusal(outcome: .incomplete("CONTENT_LENGTH '\(text.prefix(32))' is not a byte count")))
        }
        if number > limit { return .failure(Refusal(outcome: .tooLarge(limit: limit))) }
        return .success(number)
    }

    /// An outcome decided before reading, as an `Error` for `Result`.
    struct Refusal: Error {
        let outcome: RequestBody
    }

    /// `method` is `REQUEST_METHOD`; `declaredLength` is `CONTENT_LENGTH` as sent (nil or empty
    /// when absent). `source` fills its buffer with up to its `count` bytes and returns how many,
    /// 0 at the end of the body; it may throw a ``TransportRefusal`` (a timeout).
    func read(
        method: String?, declaredLength text: String?, framing: Framing,
        from source: (UnsafeMutableRawBufferPointer) throws -> Int
    ) -> RequestBody {
        guard Self.readsBody(method: method) else { return .complete([]) }
        let declared: Int?
        switch declaredLength(text) {
        case .success(let value): declared = value
        case .failure(let refusal): return refusal.outcome
        }
        if framing == .fastCGI && declared == nil { return .refused(.lengthRequired) }

        var body: [UInt8] = []
        // With a declared length: that much, plus the one byte that shows a FastCGI body is
        // longer than declared, without reallocating.
        body.reserveCapacity(declared.map { framing == .cgi ? $0 : $0 + 1 } ?? Self.chunkSize)
        while true {
            var wanted = min(Self.chunkSize, limit + 1 - body.count)
            if let declared {
                if body.count < declared {
                    wanted = min(wanted, declared - body.count)
                } else if framing == .cgi {
                    break
                } else {
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
            } catch let refusal as TransportRefusal {
                return .refused(refusal)
            } catch {
                return .incomplete("reading the body failed after \(start) bytes: \(error)")
            }
            body.removeLast(wanted - received)
            if received == 0 { break }
            if let declared, body.count > declared { return .refused(.longerThanDeclared(declared: declared)) }
            if body.count > limit { return .tooLarge(limit: limit) }
        }
        if let declared, body.count < declared {
            return .incomplete("the body ended after \(body.count) of \(declared) declared bytes")
        }
        return .complete(body)
    }
}
