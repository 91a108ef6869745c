package import TelemetryStore

/// The environment a user puts in a shell profile so Claude Code exports to this receiver.
///
/// Two forms, both delivered by the real Claude Code: the recommended one sets only
/// `OTEL_EXPORTER_OTLP_ENDPOINT` to a per-user base, to which the exporter appends `/v1/metrics`
/// and `/v1/logs` (the receiver's user-path route); the header form sets the plain base and
/// `OTEL_EXPORTER_OTLP_HEADERS=x-user-id=<uuid>`. Neither uses a query: Claude Code's exporter
/// sends only the URL's path, so a `?user=` never arrives (such requests are attributed through
/// the data's installation id, or parked until `claude-telemetry user claim`).
package struct ExporterEnvironment: Sendable, Equatable {
    package struct Variable: Sendable, Equatable {
        package let name: String
        package let value: String

        /// `export NAME=value`, the value quoted for POSIX shells when needed (e.g. for `?`).
        package var exportLine: String { "export \(name)=\(ExporterEnvironment.shellQuoted(value))" }
    }

    /// The path under which the receiver serves everything (the responder's route prefix).
    package static let pathPrefix = "/api/v1/integrations/claude"
    /// Where the receiver is reached when nothing else is configured.
    package static let defaultBaseURL = "http://127.0.0.1:8080"
    /// The environment variable with the receiver's public base URL.
    package static let baseURLEnvironment = "CLAUDE_TELEMETRY_PUBLIC_URL"

    package let recommended: [Variable]
    package let headerForm: [Variable]

    /// `baseURL` is the receiver's public origin (optionally with a path), without the route
    /// prefix; trailing slashes are ignored.
    package init(baseURL: String, user: UserID) throws(ExporterEnvironmentError) {
        let base = try Self.normalizedBaseURL(baseURL) + Self.pathPrefix
        let common = [
            Variable(name: "CLAUDE_CODE_ENABLE_TELEMETRY", value: "1"),
            Variable(name: "OTEL_METRICS_EXPORTER", value: "otlp"),
            Variable(name: "OTEL_LOGS_EXPORTER", value: "otlp"),
            Variable(name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "http/protobuf"),
        ]
        recommended = common + [Variable(name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "\(base)/users/\(user)")]
        headerForm =
            common + [
                Variable(name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: base),
                Variable(name: "OTEL_EXPORTER_OTLP_HEADERS", value: "x-user-id=\(user)"),
            ]
    }

    /// Checks that `text` is an `http`/`https` URL with a host and no query, fragment, spaces or
    /// control characters, and drops trailing slashes.
    package static func normalizedBaseURL(_ text: String) throws(ExporterEnvironmentError) -> String {
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        let lower = url.lowercased()
        let scheme: String
        if lower.hasPrefix("http://") {
            scheme = "http://"
        } else if lower.hasPrefix("https://") {
            scheme = "https://"
        } else {
            throw .invalid(text, "must start with http:// or https://")
        }
        let rest = url.dropFirst(scheme.count)
        let host = rest.prefix { $0 != "/" }
        guard !host.isEmpty else { throw .invalid(text, "has no host") }
        guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw .invalid(text, "contains spaces or control characters")
        }
        guard !url.contains("?") && !url.contains("#") else {
            throw .invalid(text, "must not have a query or fragment")
        }
        return url
    }

    /// A value as a POSIX shell word: unchanged when it holds only safe characters, otherwise
    /// in single quotes (a single quote inside becomes `'\''`).
    package static func shellQuoted(_ value: String) -> String {
        let safe = value.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": true
            case "_", "-", ".", "/", ":", "@", "%", "+", ",", "=": true
            default: false
            }
        }
        if safe && !value.isEmpty { return value }
        return "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}

package enum ExporterEnvironmentError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String, String)

    package var description: String {
        switch self {
        case .invalid(let url, let problem):
            return "base URL '\(UserID.preview(url))' \(problem) (e.g. https://telemetry.example.com)"
        }
    }
}
