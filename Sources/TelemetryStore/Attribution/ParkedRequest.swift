import Foundation
package import TelemetryDecoding

/// One parked request (a record's payload in its source's ``ParkedLog``): a one-line JSON header (what is needed to replay it through
/// the normal ingest path) followed by the body exactly as it was received, still compressed.
package struct ParkedRequest: Equatable, Sendable {
    package struct Header: Codable, Equatable, Sendable {
        package var version = 1
        package var signal: String
        package var contentType: String
        package var contentEncoding: String
        package var receivedAtNanoseconds: UInt64
        /// Sanitised, for the operator's benefit only.
        package var userAgent: String?
    }

    package var signal: Signal
    package var format: PayloadFormat
    package var encoding: ContentEncoding
    package var receivedAt: Timestamp
    package var userAgent: String?
    package var body: [UInt8]

    package init(
        signal: Signal, format: PayloadFormat, encoding: ContentEncoding, receivedAt: Timestamp,
        userAgent: String?, body: [UInt8]
    ) {
        self.signal = signal
        self.format = format
        self.encoding = encoding
        self.receivedAt = receivedAt
        self.userAgent = userAgent
        self.body = body
    }

    var encoded: [UInt8] {
        let header = Header(
            signal: signal.rawValue, contentType: format.mediaType, contentEncoding: encoding.rawValue,
            receivedAtNanoseconds: receivedAt.nanoseconds, userAgent: userAgent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding a struct of strings and integers cannot fail.
        let line = (try? encoder.encode(header)) ?? Data()
        return Array(line) + [UInt8(ascii: "\n")] + body
    }

    /// Reads a parked request file's bytes; throws a description of what is wrong.
    package init(decoding bytes: [UInt8]) throws(ParkedRequestFormatError) {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { throw ParkedRequestFormatError("no header line") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[..<newline]))
        } catch {
            throw ParkedRequestFormatError("header is not valid: \(error)")
        }
        guard header.version == 1 else { throw ParkedRequestFormatError("unknown version \(header.version)") }
        guard let signal = Signal(rawValue: header.signal) else { throw ParkedRequestFormatError("unknown signal") }
        guard let format = PayloadFormat(contentType: header.contentType) else {
            throw ParkedRequestFormatError("unknown content type")
        }
        guard let encoding = ContentEncoding(header: header.contentEncoding) else {
            throw ParkedRequestFormatError("unknown content encoding")
        }
        self.init(
            signal: signal, format: format, encoding: encoding,
            receivedAt: Timestamp(nanoseconds: header.receivedAtNanoseconds), userAgent: header.userAgent,
            body: Array(bytes[(newline + 1)...]))
    }
}

package struct ParkedRequestFormatError: Error {
    package let reason: String
    init(_ reason: String) { self.reason = reason }
}
