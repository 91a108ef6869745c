/// Why a request body could not be read. Nothing has been stored when one of these is thrown.
package enum PayloadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `Content-Type` is missing or not one of ``PayloadFormat``.
    case unsupportedContentType(String?)
    /// `Content-Encoding` is not one of ``ContentEncoding``.
    case unsupportedContentEncoding(String)
    /// The body (before or after decompression) exceeds the limit.
    case tooLarge(limit: Int, decompressed: Bool)
    /// The body ended before its declared length, or could not be read (the client went away).
    case incomplete(String)
    /// The compressed stream is damaged.
    case invalidCompression(String)
    /// The body is not a valid OTLP export request in its declared format.
    case malformed(format: PayloadFormat, signal: Signal, reason: String)
    /// Inflating the body would take more memory than the process may give it now (the
    /// bodies in flight hold the rest): retry shortly.
    case overMemoryBudget(plainBytes: Int)

    package var description: String {
        switch self {
        case .unsupportedContentType(let value):
            let supported = "application/x-protobuf (http/protobuf) or application/json (http/json)"
            guard let value, !value.isEmpty else {
                return "missing Content-Type; send \(supported)"
            }
            return
                "unsupported Content-Type '\(UntrustedText.preview(value))'; send \(supported). gRPC cannot pass through this endpoint: set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"
        case .unsupportedContentEncoding(let value):
            return "unsupported Content-Encoding '\(UntrustedText.preview(value))'; supported: gzip, deflate, identity"
        case .tooLarge(let limit, let decompressed):
            return decompressed
                ? "decompressed body exceeds the limit of \(limit) bytes"
                : "body exceeds the limit of \(limit) bytes"
        case .incomplete(let reason):
            return "body incomplete: \(reason)"
        case .invalidCompression(let reason):
            return "compressed body is invalid: \(reason)"
        case .overMemoryBudget(let plainBytes):
            return "the receiver is busy with other large bodies and cannot inflate this one "
                + "(\(plainBytes) bytes decompressed) now (memory budget); retry later"
        case .malformed(let format, let signal, let reason):
            let what =
                switch signal {
                case .metrics: "ExportMetricsServiceRequest"
                case .logs: "ExportLogsServiceRequest"
                case .traces: "ExportTraceServiceRequest"
                }
            let how = format == .protobuf ? "protobuf" : "OTLP/JSON"
            return "body is not a valid \(how) \(what): \(reason)"
        }
    }
}
