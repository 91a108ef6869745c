package import TelemetryStore

/// The published figures of one model (the keys of `models.*` in `aggregate.json`; all time),
/// summable over the users of a team.
package struct SummaryModel: Equatable, Sendable {
    package var inputTokens: Int64 = 0
    package var outputTokens: Int64 = 0
    package var cacheReadTokens: Int64 = 0
    package var cacheCreationTokens: Int64 = 0
    package var costUsd: Double = 0
    package var apiRequests: Int64 = 0
    package var apiErrors: Int64 = 0
    /// nil when not kept (team answers never show it): saves a heap array per bucket.
    package var raw: Figures?

    package init() {}

    package init(_ view: ModelView, raw: Figures?) {
        inputTokens = view.inputTokens
        outputTokens = view.outputTokens
        cacheReadTokens = view.cacheReadTokens
        cacheCreationTokens = view.cacheCreationTokens
        costUsd = view.costUsd
        apiRequests = view.apiRequests
        apiErrors = view.apiErrors
        self.raw = raw
    }

    package mutating func add(_ other: SummaryModel) {
        inputTokens = saturatingSum(inputTokens, other.inputTokens)
        outputTokens = saturatingSum(outputTokens, other.outputTokens)
        cacheReadTokens = saturatingSum(cacheReadTokens, other.cacheReadTokens)
        cacheCreationTokens = saturatingSum(cacheCreationTokens, other.cacheCreationTokens)
        costUsd += other.costUsd
        apiRequests = saturatingSum(apiRequests, other.apiRequests)
        apiErrors = saturatingSum(apiErrors, other.apiErrors)
        if let otherRaw = other.raw {
            var sum = raw ?? Figures()
            sum.add(otherRaw)
            raw = sum
        }
    }

    package func write(to w: inout JSONWriter, raw includeRaw: Bool) {
        w.beginObject()
        w.key("apiErrors"); w.integer(apiErrors)
        w.key("apiRequests"); w.integer(apiRequests)
        w.key("cacheCreationTokens"); w.integer(cacheCreationTokens)
        w.key("cacheReadTokens"); w.integer(cacheReadTokens)
        w.key("costUsd"); w.number(costUsd)
        w.key("inputTokens"); w.integer(inputTokens)
        w.key("outputTokens"); w.integer(outputTokens)
        if includeRaw { w.key("raw"); (raw ?? Figures()).write(to: &w) }
        w.endObject()
    }
}
