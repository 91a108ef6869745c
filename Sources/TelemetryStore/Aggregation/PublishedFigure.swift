/// The figures published for every bucket (the keys of `totals`, `days.*` and a session's
/// `totals`): one row each, with everything that says where the figure goes. Every output that
/// lists the totals iterates this table — `aggregate.json`, the summaries, the team CSV, `show`
/// — so a new figure is one case here and one row in each switch below.
package enum PublishedFigure: Int, CaseIterable, Sendable {
    case totalSessions
    case agentsViewStarts
    case totalInputTokens
    case totalOutputTokens
    case totalCacheReadTokens
    case totalCacheCreationTokens
    case totalTokenCostUsd
    case totalLinesAdded
    case totalLinesRemoved
    case totalMinutes
    case aiAssistedCommits
    case prsCreated
    case editsAccepted
    case editsRejected
    case editDecisions
    case totalToolCalls
    case apiRequests
    case apiErrors

    /// How a figure is counted: counts are whole numbers, the rest are amounts.
    package enum Unit: Sendable {
        case count, usd, minutes
    }

    /// Where a figure also appears in the Prometheus export: the sum of this family's samples of
    /// one user that carry `labels`, times `scale`, is the user's all-time figure.
    package struct PrometheusSamples: Sendable {
        package let family: String
        package let labels: [String: String]
        package let scale: Double
    }

    /// The key in `aggregate.json` and in every JSON answer, and the team CSV's column
    /// (columns follow the table's order).
    package var key: String {
        switch self {
        case .totalSessions: "totalSessions"
        case .agentsViewStarts: "agentsViewStarts"
        case .totalInputTokens: "totalInputTokens"
        case .totalOutputTokens: "totalOutputTokens"
        case .totalCacheReadTokens: "totalCacheReadTokens"
        case .totalCacheCreationTokens: "totalCacheCreationTokens"
        case .totalTokenCostUsd: "totalTokenCostUsd"
        case .totalLinesAdded: "totalLinesAdded"
        case .totalLinesRemoved: "totalLinesRemoved"
        case .totalMinutes: "totalMinutes"
        case .aiAssistedCommits: "aiAssistedCommits"
        case .prsCreated: "prsCreated"
        case .editsAccepted: "editsAccepted"
        case .editsRejected: "editsRejected"
        case .editDecisions: "editDecisions"
        case .totalToolCalls: "totalToolCalls"
        case .apiRequests: "apiRequests"
        case .apiErrors: "apiErrors"
        }
    }

    @inlinable package var unit: Unit {
        switch self {
        case .totalTokenCostUsd: .usd
        case .totalMinutes: .minutes
        case .totalSessions, .agentsViewStarts, .totalInputTokens, .totalOutputTokens, .totalCacheReadTokens,
            .totalCacheCreationTokens, .totalLinesAdded, .totalLinesRemoved, .aiAssistedCommits, .prsCreated,
            .editsAccepted, .editsRejected, .editDecisions, .totalToolCalls, .apiRequests, .apiErrors:
            .count
        }
    }

    /// Where ``PublishedTotals`` keeps the figure: its place among the counts, or among the
    /// amounts (the table's order within each).
    @inlinable package var slot: Int {
        switch self {
        case .totalSessions: 0
        case .agentsViewStarts: 1
        case .totalInputTokens: 2
        case .totalOutputTokens: 3
        case .totalCacheReadTokens: 4
        case .totalCacheCreationTokens: 5
        case .totalTokenCostUsd: 0
        case .totalLinesAdded: 6
        case .totalLinesRemoved: 7
        case .totalMinutes: 1
        case .aiAssistedCommits: 8
        case .prsCreated: 9
        case .editsAccepted: 10
        case .editsRejected: 11
        case .editDecisions: 12
        case .totalToolCalls: 13
        case .apiRequests: 14
        case .apiErrors: 15
        }
    }

    /// What `show` calls the figure (the dashboard's words where it has a card for it).
    package var label: String {
        switch self {
        case .totalSessions: "Sessions"
        case .agentsViewStarts: "Agents view starts"
        case .totalInputTokens: "Input tokens"
        case .totalOutputTokens: "Output tokens"
        case .totalCacheReadTokens: "Cache-read tokens"
        case .totalCacheCreationTokens: "Cache-creation tokens"
        case .totalTokenCostUsd: "Cost (USD, Claude Code's estimate)"
        case .totalLinesAdded: "Lines added"
        case .totalLinesRemoved: "Lines removed"
        case .totalMinutes: "Active time"
        case .aiAssistedCommits: "Commits"
        case .prsCreated: "Pull requests"
        case .editsAccepted: "Edits accepted"
        case .editsRejected: "Edits rejected"
        case .editDecisions: "Edit decisions"
        case .totalToolCalls: "Tool calls"
        case .apiRequests: "API requests"
        case .apiErrors: "API errors"
        }
    }

    /// The dashboard card that shows the figure (`web/figures.js`, `CARDS`), nil when no card
    /// does (edit decisions are the card "Edit acceptance", built from accepted and rejected).
    package var card: String? {
        switch self {
        case .totalSessions, .totalInputTokens, .totalOutputTokens, .totalCacheReadTokens,
            .totalCacheCreationTokens, .totalLinesAdded, .totalLinesRemoved, .aiAssistedCommits, .prsCreated,
            .apiErrors:
            label
        case .totalTokenCostUsd: "Cost (USD)*"
        case .totalMinutes: "Active time"
        case .agentsViewStarts, .editsAccepted, .editsRejected, .editDecisions, .totalToolCalls, .apiRequests: nil
        }
    }

    /// The column of the per-day CSV (`GET …/summary.csv`), nil for figures it leaves out.
    package var dayColumn: String? {
        switch self {
        // The contract names these columns as a model's entry names the figures.
        case .totalInputTokens, .totalOutputTokens, .totalCacheReadTokens, .totalCacheCreationTokens,
            .totalTokenCostUsd, .apiRequests, .apiErrors:
            modelKey
        case .totalMinutes: "minutes"
        case .totalLinesAdded: "linesAdded"
        case .totalLinesRemoved: "linesRemoved"
        case .aiAssistedCommits: "commits"
        case .prsCreated: "pullRequests"
        case .totalToolCalls: "toolCalls"
        case .totalSessions, .agentsViewStarts, .editsAccepted, .editsRejected, .editDecisions: nil
        }
    }

    /// The key of the figure in each model's entry (`models.*`, a day's `models.*`) and the model
    /// CSV's column, nil for figures not kept per model. A model's figure is derived as the total.
    package var modelKey: String? {
        switch self {
        case .totalInputTokens: "inputTokens"
        case .totalOutputTokens: "outputTokens"
        case .totalCacheReadTokens: "cacheReadTokens"
        case .totalCacheCreationTokens: "cacheCreationTokens"
        case .totalTokenCostUsd: "costUsd"
        case .apiRequests: "apiRequests"
        case .apiErrors: "apiErrors"
        case .totalSessions, .agentsViewStarts, .totalLinesAdded, .totalLinesRemoved, .totalMinutes,
            .aiAssistedCommits, .prsCreated, .editsAccepted, .editsRejected, .editDecisions, .totalToolCalls:
            nil
        }
    }

    /// Where ``PublishedModel`` keeps the figure (among its counts, or its one amount); nil for
    /// figures without a ``modelKey``.
    @inlinable package var modelSlot: Int? {
        switch self {
        case .totalInputTokens: 0
        case .totalOutputTokens: 1
        case .totalCacheReadTokens: 2
        case .totalCacheCreationTokens: 3
        case .apiRequests: 4
        case .apiErrors: 5
        case .totalTokenCostUsd: 0
        // The figures without a model key (PublishedFigureTableTests checks that exactly the
        // figures with one have a slot).
        default: nil
        }
    }

    /// The figures kept per model, in table order (the model CSV's columns).
    package static let modelFigures: [PublishedFigure] = table.filter { $0.modelKey != nil }

    /// The per-day CSV's figure columns, in its order (minutes beside cost, as it always was).
    package static let dayColumns: [PublishedFigure] = [
        .totalInputTokens, .totalOutputTokens, .totalCacheReadTokens, .totalCacheCreationTokens, .totalTokenCostUsd,
        .totalMinutes, .totalLinesAdded, .totalLinesRemoved, .aiAssistedCommits, .prsCreated, .totalToolCalls,
        .apiRequests, .apiErrors,
    ]

    /// The Prometheus samples that add up to the figure, nil when the export has no family for it.
    package var prometheus: PrometheusSamples? {
        func samples(_ family: String, _ labels: [String: String] = [:], scale: Double = 1) -> PrometheusSamples {
            PrometheusSamples(family: family, labels: labels, scale: scale)
        }
        return switch self {
        case .totalSessions: samples("claude_code_session_count_total")
        case .totalInputTokens: samples("claude_code_token_usage_tokens_total", ["type": "input"])
        case .totalOutputTokens: samples("claude_code_token_usage_tokens_total", ["type": "output"])
        case .totalCacheReadTokens: samples("claude_code_token_usage_tokens_total", ["type": "cacheRead"])
        case .totalCacheCreationTokens: samples("claude_code_token_usage_tokens_total", ["type": "cacheCreation"])
        case .totalTokenCostUsd: samples("claude_code_cost_usage_USD_total")
        case .totalLinesAdded: samples("claude_code_lines_of_code_count_total", ["type": "added"])
        case .totalLinesRemoved: samples("claude_code_lines_of_code_count_total", ["type": "removed"])
        case .totalMinutes: samples("claude_code_active_time_seconds_total", scale: 1.0 / 60)
        case .aiAssistedCommits: samples("claude_code_commit_count_total")
        case .prsCreated: samples("claude_code_pull_request_count_total")
        case .totalToolCalls: samples("claude_telemetry_tool_calls_total")
        case .apiRequests: samples("claude_telemetry_api_requests_total")
        case .apiErrors: samples("claude_telemetry_api_errors_total")
        case .editsAccepted: samples("claude_code_code_edit_tool_decision_total", ["decision": "accept"])
        case .editsRejected: samples("claude_code_code_edit_tool_decision_total", ["decision": "reject"])
        case .agentsViewStarts, .editDecisions: nil
        }
    }

    /// The figure as published from a bucket's raw figures: the one source `selection` names for
    /// quantities two sources report, counts rounded.
    func published(from f: Figures, _ s: SourceSelection) -> PublishedNumber {
        switch self {
        case .totalSessions: .count(count(f[.sessions]))
        case .agentsViewStarts: .count(count(f[.agentsViewStarts]))
        case .totalInputTokens: .count(count(s.inputTokens(f)))
        case .totalOutputTokens: .count(count(s.outputTokens(f)))
        case .totalCacheReadTokens: .count(count(s.cacheReadTokens(f)))
        case .totalCacheCreationTokens: .count(count(s.cacheCreationTokens(f)))
        case .totalTokenCostUsd: .amount(s.cost(f))
        case .totalLinesAdded: .count(count(f[.linesAdded]))
        case .totalLinesRemoved: .count(count(f[.linesRemoved]))
        case .totalMinutes: .amount(f[.activeSeconds] / 60)
        case .aiAssistedCommits: .count(count(f[.commits]))
        case .prsCreated: .count(count(f[.pullRequests]))
        case .editsAccepted: .count(count(s.editsAccepted(f)))
        case .editsRejected: .count(count(s.editsRejected(f)))
        case .editDecisions: .count(count(s.editsAccepted(f)) &+ count(s.editsRejected(f)))
        case .totalToolCalls: .count(count(s.toolCalls(f)))
        case .apiRequests: .count(count(s.apiRequests(f)))
        case .apiErrors: .count(count(f[.apiErrors]))
        }
    }

    /// Every figure in table order, built once (`allCases` builds a new array on every call, and
    /// sums run for every day of every user).
    package static let table: [PublishedFigure] = allCases
}

/// One published number: counts are integers, cost and minutes are decimals.
package enum PublishedNumber: Sendable, Equatable {
    case count(Int64)
    case amount(Double)

    @inlinable package var doubleValue: Double {
        switch self {
        case .count(let value): Double(value)
        case .amount(let value): value
        }
    }
}
