package import TelemetryStore

/// The Claude Code usage report in the shape of Anthropic's Claude Code Analytics Admin API
/// (`GET /v1/organizations/usage_report/claude_code`): one record per user per day, so a
/// script written for the official report reads ours unchanged. Days are the stored day buckets,
/// cut in the deployment's `--timezone`; each record's `date` is that day's midnight in the zone.
///
/// What the aggregates cannot fill is filled as documented in the README ("Usage report"):
/// the actor is a `user_actor` when the team attribute `user.email` is kept, else an
/// `api_actor` named after the user (our users are keys in an endpoint URL);
/// `organization_id` and `terminal_type` come from the team attributes `organization.id` and
/// `terminal.type` when kept, else `"unknown"`;
/// `subscription_type` is null, and `customer_type` is `"api"` (the cost is Claude Code's
/// list-price estimate). Day buckets keep a per-model split (``DayView/models``) but no per-tool
/// one: see ``modelBreakdown`` and ``toolKey``.
package enum UsageReport {
    /// The official report's keys for the edit tools.
    static let toolKeys: [(tool: String, key: String)] = [
        ("Edit", "edit_tool"), ("MultiEdit", "multi_edit_tool"), ("NotebookEdit", "notebook_edit_tool"), ("Write", "write_tool"),
    ]
    /// Model name of a day's breakdown when the user has used several models.
    package static let allModels = "(all models)"
    package static let unknown = "unknown"

    /// One page of the report as compact JSON with sorted keys.
    package static func render(_ stored: StoredUsers, query: UsageReportQuery, zone: DayZone = .utc) -> [UInt8] {
        let candidates = stored.users.filter { user in
            guard let view = user.view, view.days.contains(where: { $0.day == query.day }) else { return false }
            return query.after.map { user.record.id > $0 } ?? true
        }
        let page = candidates.prefix(query.limit)
        let hasMore = candidates.count > page.count
        var json = ReportJSON()
        json.raw("{\"data\":[")
        for (index, user) in page.enumerated() {
            if index > 0 { json.raw(",") }
            record(user, day: query.day, zone: zone, into: &json)
        }
        json.raw("],\"has_more\":")
        json.raw(hasMore ? "true" : "false")
        json.raw(",\"next_page\":")
        if hasMore, let last = page.last {
            json.string(PageCursor(day: query.day, after: last.record.id).token)
        } else {
            json.raw("null")
        }
        json.raw("}")
        return json.bytes
    }

    static func record(_ user: StoredUser, day: String, zone: DayZone, into json: inout ReportJSON) {
        guard let view = user.view, let bucket = view.days.first(where: { $0.day == day }) else { return }
        let t = bucket.totals
        if let email = user.attributes["user.email"], !email.isEmpty {
            json.raw("{\"actor\":{\"email_address\":")
            json.string(email)
            json.raw(",\"type\":\"user_actor\"}")
        } else {
            json.raw("{\"actor\":{\"api_key_name\":")
            json.string(user.record.name)
            json.raw(",\"type\":\"api_actor\"}")
        }
        json.raw(",\"core_metrics\":{\"commits_by_claude_code\":")
        json.raw(String(t.count(.aiAssistedCommits)))
        json.raw(",\"lines_of_code\":{\"added\":")
        json.raw(String(t.count(.totalLinesAdded)))
        json.raw(",\"removed\":")
        json.raw(String(t.count(.totalLinesRemoved)))
        json.raw("},\"num_sessions\":")
        json.raw(String(t.count(.totalSessions)))
        json.raw(",\"pull_requests_by_claude_code\":")
        json.raw(String(t.count(.prsCreated)))
        json.raw("},\"customer_type\":\"api\",\"date\":")
        json.string(midnight(of: day, in: zone))
        json.raw(",\"model_breakdown\":[")
        for (index, part) in modelBreakdown(bucket, view).enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{\"estimated_cost\":{\"amount\":")
            json.raw(DecimalText.plain(part.figures.amount(.totalTokenCostUsd) * 100))
            json.raw(",\"currency\":\"USD\"},\"model\":")
            json.string(part.name)
            json.raw(",\"tokens\":{\"cache_creation\":")
            json.raw(String(part.figures.count(.totalCacheCreationTokens)))
            json.raw(",\"cache_read\":")
            json.raw(String(part.figures.count(.totalCacheReadTokens)))
            json.raw(",\"input\":")
            json.raw(String(part.figures.count(.totalInputTokens)))
            json.raw(",\"output\":")
            json.raw(String(part.figures.count(.totalOutputTokens)))
            json.raw("}}")
        }
        json.raw("],\"organization_id\":")
        json.string(user.attributes["organization.id"].flatMap { $0.isEmpty ? nil : $0 } ?? unknown)
        json.raw(",\"subscription_type\":null,\"terminal_type\":")
        json.string(user.attributes["terminal.type"].flatMap { $0.isEmpty ? nil : $0 } ?? unknown)
        json.raw(",\"tool_actions\":{")
        let key = toolKey(view)
        for (index, entry) in toolKeys.enumerated() {
            if index > 0 { json.raw(",") }
            let mine = entry.key == key
            json.string(entry.key)
            json.raw(":{\"accepted\":")
            json.raw(String(mine ? t.count(.editsAccepted) : 0))
            json.raw(",\"rejected\":")
            json.raw(String(mine ? t.count(.editsRejected) : 0))
            json.raw("}")
        }
        json.raw("}}")
    }

    /// One entry per model the day holds, with that model's tokens and cost, and one for what no
    /// model covers (``DayView/unknownModel``, named ``ModelView/unknownName``). A day stored
    /// before models were kept per day has one entry with the whole day: named after the user's
    /// model when they have used only one, else ``allModels``. The entries add up to the day.
    static func modelBreakdown(_ day: DayView, _ view: AggregateView) -> [ModelView] {
        let used = day.models.filter { $0.figures.allTokens != 0 || $0.figures.amount(.totalTokenCostUsd) != 0 }
        if day.models.isEmpty {
            guard let whole = day.unknownModel, whole.figures.allTokens != 0 || whole.figures.amount(.totalTokenCostUsd) != 0
            else { return [] }
            let name = view.models.count == 1 ? view.models[0].name : allModels
            return [whole.renamed(name)]
        }
        guard let rest = day.unknownModel, rest.figures.allTokens != 0 || rest.figures.amount(.totalTokenCostUsd) != 0
        else { return used }
        return used + [rest]
    }

    /// `date`: the day's midnight in `zone`, RFC 3339 (`…T00:00:00Z` in UTC, else with the
    /// zone's offset at that midnight, e.g. `2026-11-23T00:00:00-08:00`).
    package static func midnight(of day: String, in zone: DayZone) -> String {
        guard zone != .utc, let date = CivilDate(day) else { return day + "T00:00:00Z" }
        let local = date.days * 86_400
        // The offset in force at the local midnight: found from the offset a day-half earlier,
        // then checked at the instant it gives (daylight saving changes at night).
        let offset = zone.offset(atSecond: local - zone.offset(atSecond: local - 43_200))
        let sign = offset < 0 ? "-" : "+"
        let minutes = Int(abs(offset) / 60)
        return day + "T00:00:00" + sign + CivilDate.pad(minutes / 60, 2) + ":" + CivilDate.pad(minutes % 60, 2)
    }

    /// Day buckets are not split by tool: the day's edit decisions go to the one edit tool the
    /// user has decided on, or to `edit_tool` when there are several (sums stay exact).
    static func toolKey(_ view: AggregateView) -> String {
        let decided = view.tools.filter {
            ($0.figures[.accepts] != 0 || $0.figures[.rejects] != 0) && PrometheusExposition.editTools.contains($0.name)
        }
        if decided.count == 1, let key = toolKeys.first(where: { $0.tool == decided[0].name })?.key { return key }
        return "edit_tool"
    }
}

/// The few JSON pieces the report needs: raw text and escaped strings.
struct ReportJSON {
    private(set) var bytes: [UInt8] = []

    package mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
