/// The two text formats a Prometheus scrape can ask for.
package enum ExpositionFormat: String, Sendable, CaseIterable {
    /// Prometheus text format 0.0.4 (what node_exporter's textfile collector reads).
    case prometheus
    /// OpenMetrics 1.0.0 text: counters typed without `_total`, a closing `# EOF`.
    case openMetrics

    package var contentType: String {
        switch self {
        case .prometheus: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// OpenMetrics when the `Accept` header lists `application/openmetrics-text` with a
    /// non-zero quality, otherwise the Prometheus text format (which every scraper reads).
    /// Prometheus sends `application/openmetrics-text;version=1.0.0,…;q=0.5,text/plain;…` by default.
    package static func negotiate(accept: String?) -> ExpositionFormat {
        guard let accept else { return .prometheus }
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingSpaces.lowercased() }
            guard parts.first == "application/openmetrics-text" else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { return .openMetrics }
        }
        return .prometheus
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
