import TelemetryDecoding

/// What each supported metric and event feeds in `aggregate.json`: published by the health
/// check so a user can see what will be counted, and documented in the README.
package enum Catalog {
    package struct Entry: Sendable, Codable, Equatable {
        package let name: String
        package let feeds: [String]
        package let note: String?
    }

    package static let metrics: [Entry] = [
        Entry(
            name: MetricName.sessionCount, feeds: ["totalSessions", "agentsViewStarts"],
            note: "start_type = agents_view (the claude agents UI) counts under agentsViewStarts, not as a session"),
        Entry(
            name: MetricName.tokenUsage,
            feeds: [
                "totalInputTokens", "totalOutputTokens", "totalCacheReadTokens", "totalCacheCreationTokens",
                "models.*.inputTokens", "models.*.outputTokens", "models.*.cacheReadTokens", "models.*.cacheCreationTokens",
                "querySources.*",
            ],
            note: "by attribute type = input / output / cacheRead / cacheCreation; preferred token source"),
        Entry(
            name: MetricName.costUsage, feeds: ["totalTokenCostUsd", "models.*.costUsd", "querySources.*.costUsd"],
            note: "preferred cost source"),
        Entry(
            name: MetricName.linesOfCode, feeds: ["totalLinesAdded", "totalLinesRemoved"],
            note: "by attribute type = added / removed"),
        Entry(name: MetricName.commitCount, feeds: ["aiAssistedCommits"], note: nil),
        Entry(name: MetricName.pullRequestCount, feeds: ["prsCreated"], note: nil),
        Entry(
            name: MetricName.codeEditToolDecision,
            feeds: ["editDecisions", "editsAccepted", "editsRejected", "tools.*.accepts", "tools.*.rejects"],
            note: "by attribute decision = accept / reject; tool from tool_name (older: tool); preferred decision source"),
        Entry(name: MetricName.activeTime, feeds: ["totalMinutes"], note: "seconds, published as minutes"),
        Entry(name: MetricName.toolUsage, feeds: ["totalToolCalls", "tools.*.calls"], note: "preferred tool-call source"),
        Entry(
            name: MetricName.genAITokenUsage,
            feeds: ["totalInputTokens", "totalOutputTokens", "models.*.inputTokens", "models.*.outputTokens"],
            note: "histogram sum by gen_ai.token.type; used when claude_code.token.usage is absent"),
        Entry(
            name: MetricName.genAIOperationDuration, feeds: ["apiRequests", "models.*.apiRequests"],
            note: "histogram count; preferred API request source"),
    ]

    package static let events: [Entry] = [
        Entry(
            name: EventName.apiRequest,
            feeds: [
                "apiRequests", "models.*.apiRequests", "totalInputTokens", "totalOutputTokens", "totalCacheReadTokens",
                "totalCacheCreationTokens", "totalTokenCostUsd", "models.*", "querySources.*",
            ],
            note: "tokens and cost only for users who send no token / cost metrics (no double counting)"),
        Entry(name: EventName.apiError, feeds: ["apiErrors", "models.*.apiErrors"], note: nil),
        Entry(
            name: EventName.toolResult, feeds: ["totalToolCalls", "tools.*.calls", "tools.*.failures"],
            note: "calls only for users who send no claude_code.tool.usage metric"),
        Entry(
            name: EventName.toolDecision,
            feeds: ["editDecisions", "editsAccepted", "editsRejected", "tools.*.accepts", "tools.*.rejects"],
            note: "edit figures only for users who send no claude_code.code_edit_tool.decision metric"),
        Entry(name: EventName.userPrompt, feeds: ["events.user_prompt"], note: "prompt text is never stored"),
        Entry(name: "*", feeds: ["events.<name>"], note: "every other event is accepted and counted by name"),
    ]

    package static let spans: [Entry] = [
        Entry(
            name: "claude_code.llm_request", feeds: ["latency.*"],
            note: "per model: duration_ms and ttft_ms distributions, failures (success = false); token counts are never read"),
        Entry(name: "claude_code.tool", feeds: ["toolDurations.*"], note: "per tool_name: duration_ms distribution"),
        Entry(name: "*", feeds: [], note: "every other span is accepted and ignored"),
    ]
}
