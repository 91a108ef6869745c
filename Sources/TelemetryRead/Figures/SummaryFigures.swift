package import TelemetryStore

/// The published figures of a bucket (the keys of `totals` in `aggregate.json`), in a form that
/// adds up: a user's range is the sum of its days, a team's totals the sum of its users'.
/// Sums are of the published numbers, so every total a reader sees equals the sum of the
/// figures it can see beside it.
package struct SummaryFigures: Equatable, Sendable {
    package var totalSessions: Int64 = 0
    package var agentsViewStarts: Int64 = 0
    package var totalInputTokens: Int64 = 0
    package var totalOutputTokens: Int64 = 0
    package var totalCacheReadTokens: Int64 = 0
    package var totalCacheCreationTokens: Int64 = 0
    package var totalTokenCostUsd: Double = 0
    package var totalLinesAdded: Int64 = 0
    package var totalLinesRemoved: Int64 = 0
    package var totalMinutes: Double = 0
    package var aiAssistedCommits: Int64 = 0
    package var prsCreated: Int64 = 0
    package var editDecisions: Int64 = 0
    package var editsAccepted: Int64 = 0
    package var editsRejected: Int64 = 0
    package var totalToolCalls: Int64 = 0
    package var apiRequests: Int64 = 0
    package var apiErrors: Int64 = 0
    /// The per-source raw figures behind these (summed likewise); written only on request.
    /// nil when not kept (team answers never show it): saves a heap array per bucket.
    package var raw: Figures?

    package init() {}

    package init(_ view: TotalsView, keepingRaw: Bool = true) {
        totalSessions = view.totalSessions
        agentsViewStarts = view.agentsViewStarts
        totalInputTokens = view.totalInputTokens
        totalOutputTokens = view.totalOutputTokens
        totalCacheReadTokens = view.totalCacheReadTokens
        totalCacheCreationTokens = view.totalCacheCreationTokens
        totalTokenCostUsd = view.totalTokenCostUsd
        totalLinesAdded = view.totalLinesAdded
        totalLinesRemoved = view.totalLinesRemoved
        totalMinutes = view.totalMinutes
        aiAssistedCommits = view.aiAssistedCommits
        prsCreated = view.prsCreated
        editDecisions = view.editDecisions
        editsAccepted = view.editsAccepted
        editsRejected = view.editsRejected
        totalToolCalls = view.totalToolCalls
        apiRequests = view.apiRequests
        apiErrors = view.apiErrors
        raw = keepingRaw ? view.raw : nil
    }

    package mutating func add(_ other: SummaryFigures) {
        totalSessions = totalSessions.saturatingAdd(other.totalSessions)
        agentsViewStarts = agentsViewStarts.saturatingAdd(other.agentsViewStarts)
        totalInputTokens = totalInputTokens.saturatingAdd(other.totalInputTokens)
        totalOutputTokens = totalOutputTokens.saturatingAdd(other.totalOutputTokens)
        totalCacheReadTokens = totalCacheReadTokens.saturatingAdd(other.totalCacheReadTokens)
        totalCacheCreationTokens = totalCacheCreationTokens.saturatingAdd(other.totalCacheCreationTokens)
        totalTokenCostUsd += other.totalTokenCostUsd
        totalLinesAdded = totalLinesAdded.saturatingAdd(other.totalLinesAdded)
        totalLinesRemoved = totalLinesRemoved.saturatingAdd(other.totalLinesRemoved)
        totalMinutes += other.totalMinutes
        aiAssistedCommits = aiAssistedCommits.saturatingAdd(other.aiAssistedCommits)
        prsCreated = prsCreated.saturatingAdd(other.prsCreated)
        editDecisions = editDecisions.saturatingAdd(other.editDecisions)
        editsAccepted = editsAccepted.saturatingAdd(other.editsAccepted)
        editsRejected = editsRejected.saturatingAdd(other.editsRejected)
        totalToolCalls = totalToolCalls.saturatingAdd(other.totalToolCalls)
        apiRequests = apiRequests.saturatingAdd(other.apiRequests)
        apiErrors = apiErrors.saturatingAdd(other.apiErrors)
        if let otherRaw = other.raw {
            var sum = raw ?? Figures()
            sum.add(otherRaw)
            raw = sum
        }
    }

    /// Every figure, named as in `aggregate.json`, in the order of the contract's figure list
    /// (CSV columns follow it).
    package var fields: [SummaryField] {
        [
            SummaryField(name: "totalSessions", value: .count(totalSessions)),
            SummaryField(name: "agentsViewStarts", value: .count(agentsViewStarts)),
            SummaryField(name: "totalInputTokens", value: .count(totalInputTokens)),
            SummaryField(name: "totalOutputTokens", value: .count(totalOutputTokens)),
            SummaryField(name: "totalCacheReadTokens", value: .count(totalCacheReadTokens)),
            SummaryField(name: "totalCacheCreationTokens", value: .count(totalCacheCreationTokens)),
            SummaryField(name: "totalTokenCostUsd", value: .amount(totalTokenCostUsd)),
            SummaryField(name: "totalLinesAdded", value: .count(totalLinesAdded)),
            SummaryField(name: "totalLinesRemoved", value: .count(totalLinesRemoved)),
            SummaryField(name: "totalMinutes", value: .amount(totalMinutes)),
            SummaryField(name: "aiAssistedCommits", value: .count(aiAssistedCommits)),
            SummaryField(name: "prsCreated", value: .count(prsCreated)),
            SummaryField(name: "editsAccepted", value: .count(editsAccepted)),
            SummaryField(name: "editsRejected", value: .count(editsRejected)),
            SummaryField(name: "editDecisions", value: .count(editDecisions)),
            SummaryField(name: "totalToolCalls", value: .count(totalToolCalls)),
            SummaryField(name: "apiRequests", value: .count(apiRequests)),
            SummaryField(name: "apiErrors", value: .count(apiErrors)),
        ]
    }

    /// Writes the figures as a JSON object, keys sorted; `raw` only when asked for.
    /// `activeUsers` (a team day) sorts before every figure; `models` (a user's day, as
    /// `aggregate.json` has them) is written when not empty.
    package func write(
        to w: inout JSONWriter, raw includeRaw: Bool, activeUsers: Int? = nil, models: [UserDigest.Model] = []
    ) {
        w.beginObject()
        if let activeUsers { w.key("activeUsers"); w.integer(Int64(activeUsers)) }
        w.key("agentsViewStarts"); w.integer(agentsViewStarts)
        w.key("aiAssistedCommits"); w.integer(aiAssistedCommits)
        w.key("apiErrors"); w.integer(apiErrors)
        w.key("apiRequests"); w.integer(apiRequests)
        w.key("editDecisions"); w.integer(editDecisions)
        w.key("editsAccepted"); w.integer(editsAccepted)
        w.key("editsRejected"); w.integer(editsRejected)
        if !models.isEmpty {
            w.key("models")
            w.beginObject()
            for model in models {
                w.key(model.name)
                model.figures.write(to: &w, raw: includeRaw)
            }
            w.endObject()
        }
        w.key("prsCreated"); w.integer(prsCreated)
        if includeRaw { w.key("raw"); (raw ?? Figures()).write(to: &w) }
        w.key("totalCacheCreationTokens"); w.integer(totalCacheCreationTokens)
        w.key("totalCacheReadTokens"); w.integer(totalCacheReadTokens)
        w.key("totalInputTokens"); w.integer(totalInputTokens)
        w.key("totalLinesAdded"); w.integer(totalLinesAdded)
        w.key("totalLinesRemoved"); w.integer(totalLinesRemoved)
        w.key("totalMinutes"); w.number(totalMinutes)
        w.key("totalOutputTokens"); w.integer(totalOutputTokens)
        w.key("totalSessions"); w.integer(totalSessions)
        w.key("totalTokenCostUsd"); w.number(totalTokenCostUsd)
        w.key("totalToolCalls"); w.integer(totalToolCalls)
        w.endObject()
    }
}

extension Int64 {
    /// Published counts are clamped to the Int64 range; so are their sums.
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}

/// One named figure (a CSV column, a JSON key).
package struct SummaryField: Sendable, Equatable {
    package let name: String
    package let value: PublishedNumber
}
