package import Logging

/// What the request log says about one request: never attribute values, never prompts.
package struct RequestSummary: Sendable, Equatable {
    package var method: String
    /// The route's name (`metrics/user-path`, `logs/documented`, `health/metrics`, `not-found`, ...).
    package var route: String
    package var user: String?
    package var status: Int
    package var applied = 0
    package var rejected = 0
    package var duplicates = 0
    package var durationMicroseconds = 0
    /// The error message, for failures.
    package var error: String?
    /// Why the request was refused (``ErrorAnswer/reason``), for failures: the label of
    /// `claude_telemetry_refused_requests_total`. Not logged (the message says it).
    package var refusal: String?
    /// For requests with no user in URL or headers: what attribution did (`bound`,
    /// `bound-by-email`, `parked`, `refused`) and the client's User-Agent, sanitised.
    package var attribution: String?
    package var userAgent: String?

    package init(method: String, route: String, user: String? = nil, status: Int, error: String? = nil) {
        self.method = method
        self.route = route
        self.user = user
        self.status = status
        self.error = error
    }

    /// `key=value` pairs for the log line, in a fixed order.
    package var fields: [(String, String)] {
        var pairs: [(String, String)] = [
            ("method", method), ("route", route), ("user", user ?? "-"), ("status", String(status)),
            ("applied", String(applied)), ("rejected", String(rejected)), ("duplicates", String(duplicates)),
            ("ms", String(format3(Double(durationMicroseconds) / 1000))),
        ]
        if let attribution { pairs.append(("attribution", attribution)) }
        if let userAgent { pairs.append(("agent", userAgent)) }
        if let error { pairs.append(("error", error)) }
        return pairs
    }

    /// The fields as swift-log metadata: what the responder logs for each request, rendered by
    /// ``render(_:)`` in the order of ``fieldOrder``.
    package var metadata: Logger.Metadata {
        Logger.Metadata(uniqueKeysWithValues: fields.map { ($0, .string($1)) })
    }

    /// The order of the fields in a log line; other keys follow, sorted.
    package static let fieldOrder = [
        "method", "route", "user", "status", "applied", "rejected", "duplicates", "ms", "attribution", "agent", "error",
    ]

    package var line: String { Self.render(metadata) }

    /// `key=value` pairs, the fields in ``fieldOrder`` and other keys after them in sorted
    /// order; a value with a space or a quote is quoted (its quotes made apostrophes).
    package static func render(_ metadata: Logger.Metadata) -> String {
        let known = fieldOrder.filter { metadata[$0] != nil }
        let others = metadata.keys.filter { !fieldOrder.contains($0) }.sorted()
        return (known + others).map { key in
            let value = "\(metadata[key]!)"
            // Byte tests: `contains(String)` would go through Foundation's `NSString`.
            let needsQuotes = value.utf8.contains { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\"") }
            return needsQuotes ? "\(key)=\"\(value.replacingQuotes)\"" : "\(key)=\(value)"
        }.joined(separator: " ")
    }

    package static func == (lhs: RequestSummary, rhs: RequestSummary) -> Bool { lhs.line == rhs.line }
}

private func format3(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

extension String {
    fileprivate var replacingQuotes: String {
        String(map { $0 == "\"" ? "'" : $0 })
    }
}
