/// `Content-Encoding` of a request body. OTLP requires servers to accept gzip; deflate (zlib
/// format, or raw deflate as some clients send it) is accepted as well.
package enum ContentEncoding: String, Sendable, Equatable, CaseIterable {
    case identity
    case gzip
    case deflate

    /// Parses a `Content-Encoding` header value; nil or empty means identity. Returns nil for an
    /// unsupported coding or a chain of several codings (the caller answers 415).
    package init?(header: String?) {
        guard let header else {
            self = .identity
            return
        }
        let value = Substring(header).trimmingSpaces.lowercased()
        switch value {
        case "", "identity": self = .identity
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        default: return nil
        }
    }
}
