import TelemetryStore

/// The `sessions` and `sessionAverages` of a user's summary: the kept sessions (the last 100 by
/// `session.id`, most recently active first), each with `id`, `start` and `lastActivity` (ISO
/// 8601, from the data's own times), `models` and the session's figures (`totals`); and the
/// average per listed session of cost, tokens, active minutes, lines added and removed,
/// commits, pull requests and API errors.
enum SessionList {
    static func write(_ sessions: [UserDigest.Session], to w: inout JSONWriter) {
        w.beginArray()
        for session in sessions {
            w.beginObject()
            w.key("id"); w.string(session.id)
            w.key("lastActivity"); w.string(Timestamp(seconds: session.lastSeen).iso8601)
            w.key("models")
            w.beginArray()
            for model in session.models { w.string(model) }
            w.endArray()
            w.key("start"); w.string(Timestamp(seconds: session.firstSeen).iso8601)
            w.key("totals"); session.figures.write(to: &w, raw: false)
            w.endObject()
        }
        w.endArray()
    }

    static func writeAverages(_ sessions: [UserDigest.Session], to w: inout JSONWriter) {
        var sum = PublishedTotals()
        for session in sessions { sum.add(session.figures) }
        let count = Double(sessions.count)
        func average(_ value: Double) { if count > 0 { w.number(BudgetStatus.rounded(value / count)) } else { w.null() } }
        w.beginObject()
        w.key("aiAssistedCommits"); average(Double(sum.count(.aiAssistedCommits)))
        w.key("apiErrors"); average(Double(sum.count(.apiErrors)))
        w.key("prsCreated"); average(Double(sum.count(.prsCreated)))
        w.key("sessions"); w.integer(Int64(sessions.count))
        w.key("tokens")
        average(
            Double(sum.count(.totalInputTokens)) + Double(sum.count(.totalOutputTokens))
                + Double(sum.count(.totalCacheReadTokens))
                + Double(sum.count(.totalCacheCreationTokens)))
        w.key("totalLinesAdded"); average(Double(sum.count(.totalLinesAdded)))
        w.key("totalLinesRemoved"); average(Double(sum.count(.totalLinesRemoved)))
        w.key("totalMinutes"); average(sum.amount(.totalMinutes))
        w.key("totalTokenCostUsd"); average(sum.amount(.totalTokenCostUsd))
        w.endObject()
    }
}
