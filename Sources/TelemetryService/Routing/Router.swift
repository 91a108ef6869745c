import TelemetryDecoding

/// Maps a request path and query onto a ``Route``. Everything lives under one prefix, which
/// may be preceded by a mount point (e.g. a CGI script path).
package struct Router: Sendable {
    package static let prefix = "/api/v1/integrations/claude"

    package init() {}

    package func route(path: String, query: String) -> Route {
        guard let rest = Self.remainder(after: Self.prefix, in: path) else { return .notFound }
        let queryUser = Self.queryValue("user", in: query)
        var segments = rest.split(separator: "/", omittingEmptySubsequences: true).map(String.init)

        if segments.isEmpty {
            // `…/claude?user=U/v1/metrics`: the SDK appended `/v1/<signal>` to the query.
            for signal in Signal.allCases {
                let suffix = "/v1/" + signal.rawValue
                if query.hasSuffix(suffix) {
                    let trimmed = String(query.dropLast(suffix.count))
                    return .signal(signal, form: .appendedToQuery, pathUser: nil, queryUser: Self.queryValue("user", in: trimmed))
                }
            }
            return .base
        }
        if let read = ReadRoute(segments: segments) { return .read(read) }

        var pathUser: String?
        var form = Route.URLForm.documented
        if segments.first == "users" {
            guard segments.count >= 2 else { return .notFound }
            pathUser = segments[1]
            segments.removeFirst(2)
            form = .userPath
        }
        if segments.first == "v1" {
            segments.removeFirst()
            if form == .documented { form = .standard }
        }
        guard segments.count == 1, let signal = Signal(rawValue: segments[0]) else { return .notFound }
        return .signal(signal, form: form, pathUser: pathUser, queryUser: queryUser)
    }

    /// The part of `path` after `prefix`, when `prefix` appears as whole segments.
    /// Compares UTF-8 bytes, as a URL path is bytes (a match may end inside a combining
    /// sequence, which `range(of:)`, comparing characters, would skip); this runs on every
    /// request, and `range(of:)` would also go through Foundation's `NSString`.
    static func remainder(after prefix: String, in path: String) -> Substring? {
        let haystack = path.utf8, needle = prefix.utf8
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var start = haystack.startIndex
        let last = haystack.index(haystack.endIndex, offsetBy: -needle.count)
        while start <= last {
            if haystack[start...].starts(with: needle) {
                let end = haystack.index(start, offsetBy: needle.count)
                let rest = path[end...]
                guard rest.isEmpty || rest.utf8.first == UInt8(ascii: "/") else { return nil }
                return rest
            }
            start = haystack.index(after: start)
        }
        return nil
    }

    /// The percent-decoded value of the first `name=` parameter of a query string.
    static func queryValue(_ name: String, in query: String) -> String? {
        queryValues(name, in: query).first
    }

    /// Every percent-decoded value of `name=` parameters, in order.
    static func queryValues(_ name: String, in query: String) -> [String] {
        query.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard percentDecoded(parts[0]) == name else { return nil }
            return parts.count > 1 ? percentDecoded(parts[1]) : ""
        }
    }

    static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") || text.contains("+") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else {
                    bytes.append(UInt8(ascii: "%"))
                    continue
                }
                bytes.append(value)
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
