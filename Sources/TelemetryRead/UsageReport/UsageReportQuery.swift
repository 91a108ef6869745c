package import TelemetryStore

/// A query parameter of the usage report that cannot be served; the message names it and
/// says what to send instead (answered 400).
package struct UsageReportQueryError: Error, Sendable, Equatable {
    package let message: String

    package init(message: String) { self.message = message }
}

/// `starting_at`, `limit` and `page` of `…/team/usage_report/claude_code`, with the official
/// Claude Code Analytics API's rules: one day (of the deployment's `--timezone`) per request, 20 records per page by default,
/// at most 1000, and an opaque cursor from the previous answer's `next_page`.
package struct UsageReportQuery: Sendable, Equatable {
    package static let defaultLimit = 20
    package static let maximumLimit = 1000

    package let day: String
    package let limit: Int
    /// Records continue after this user id (from the page cursor).
    package let after: String?

    package init(day: String, limit: Int = UsageReportQuery.defaultLimit, after: String? = nil) {
        self.day = day
        self.limit = limit
        self.after = after
    }

    /// Reads the decoded query parameters (name → value; a repeated name is refused by the caller).
    /// `zone`: the deployment's `--timezone`, which the messages name.
    package init(parameters: [String: String], zone: DayZone = .utc) throws(UsageReportQueryError) {
        guard let day = parameters["starting_at"] else {
            throw UsageReportQueryError(
                message:
                    "starting_at is required: the day to report, as YYYY-MM-DD (days are cut in \(zone), the service's --timezone)"
            )
        }
        guard UTCTime.date(day) != nil else {
            throw UsageReportQueryError(
                message:
                    "starting_at must be a day (in \(zone), the service's --timezone) as YYYY-MM-DD, got '\(Self.quoted(day))'")
        }
        var limit = Self.defaultLimit
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                throw UsageReportQueryError(
                    message: "limit must be an integer from 1 to \(Self.maximumLimit), got '\(Self.quoted(text))'")
            }
            limit = value
        }
        var after: String?
        if let page = parameters["page"], !page.isEmpty {
            guard let cursor = PageCursor(token: page) else {
                throw UsageReportQueryError(
                    message: "page is not a cursor this service issued; send the next_page value of the previous answer")
            }
            guard cursor.day == day else {
                throw UsageReportQueryError(
                    message: "page belongs to starting_at=\(cursor.day); send it with that day or start without page")
            }
            after = cursor.after
        }
        self.init(day: day, limit: limit, after: after)
    }

    /// Parameter values are untrusted: cut and stripped of control characters for messages.
    static func quoted(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(64).filter { $0.value >= 0x20 && $0.value != 0x7f }))
    }
}

/// The opaque `next_page` token: `page_` and the base64url (no padding) of `DAY/USER-ID`, so a
/// page is stable while users are added (records are ordered by user id).
struct PageCursor: Equatable {
    let day: String
    let after: String

    init(day: String, after: String) {
        self.day = day
        self.after = after
    }

    init?(token: String) {
        guard token.hasPrefix("page_"), let bytes = Self.decode(String(token.dropFirst(5))),
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, UTCTime.date(String(parts[0])) != nil, (try? UserID(validating: String(parts[1]))) != nil
        else { return nil }
        day = String(parts[0])
        after = String(parts[1])
    }

    var token: String { "page_" + Self.encode(Array((day + "/" + after).utf8)) }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value =
                (UInt32(chunk[0]) << 16) | (UInt32(chunk.count > 1 ? chunk[1] : 0) << 8) | UInt32(chunk.count > 2 ? chunk[2] : 0)
            for position in 0...chunk.count { out.append(alphabet[Int((value >> UInt32(18 - 6 * position)) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt32] = []
        for byte in text.utf8 {
            guard let position = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt32(position))
        }
        guard values.count % 4 != 1, values.count <= 200 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < values.count {
            let group = Array(values[index..<min(index + 4, values.count)])
            var value: UInt32 = 0
            for (position, sextet) in group.enumerated() { value |= sextet << UInt32(18 - 6 * position) }
            for position in 0..<(group.count - 1) { out.append(UInt8((value >> UInt32(16 - 8 * position)) & 0xff)) }
            index += 4
        }
        return out
    }
}
