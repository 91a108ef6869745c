/// The two OTLP/HTTP body encodings, chosen by `Content-Type`.
package enum PayloadFormat: String, Sendable, Equatable, CaseIterable {
    case protobuf = "application/x-protobuf"
    case json = "application/json"

    /// The media type to answer with (OTLP answers in the request's encoding).
    package var mediaType: String { rawValue }

    /// Parses a `Content-Type` header value, ignoring parameters (`; charset=utf-8`) and case.
    /// Returns nil for anything else (the caller answers 415).
    package init?(contentType: String?) {
        guard let contentType else { return nil }
        let essence = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch essence.trimmingSpaces.lowercased() {
        case "application/x-protobuf", "application/protobuf", "application/vnd.google.protobuf":
            self = .protobuf
        case "application/json":
            self = .json
        default:
            return nil
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
