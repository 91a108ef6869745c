/// Which single source each doubly-reported figure is published from, for one user.
///
/// The rule: a metric wins as soon as that user's data has contained it (a valid point of it
/// was applied at least once); otherwise the event-derived figure is published. The choice is
/// per user and per figure family, so it is deterministic and the same for totals, every day,
/// every model and every tool. Both sources' raw sub-totals stay in the document.
package struct SourceSelection: Equatable, Sendable {
    package enum TokenSource: String, Sendable {
        case tokenMetric = "claude_code.token.usage", genAIMetric = "gen_ai.client.token.usage", events = "api_request"
    }
    package enum Source: Sendable, Equatable { case metric, events }

    package let tokens: TokenSource
    package let cost: Source
    package let apiRequests: Source
    package let toolCalls: Source
    package let editDecisions: Source

    package init(metricsSeen: Set<String>) {
        if metricsSeen.contains(MetricName.tokenUsage) {
            tokens = .tokenMetric
        } else if metricsSeen.contains(MetricName.genAITokenUsage) {
            tokens = .genAIMetric
        } else {
            tokens = .events
        }
        cost = metricsSeen.contains(MetricName.costUsage) ? .metric : .events
        apiRequests = metricsSeen.contains(MetricName.genAIOperationDuration) ? .metric : .events
        toolCalls = metricsSeen.contains(MetricName.toolUsage) ? .metric : .events
        editDecisions = metricsSeen.contains(MetricName.codeEditToolDecision) ? .metric : .events
    }

    /// Names of the chosen sources, as published under `sources` in `aggregate.json`.
    package var names: [String: String] {
        [
            "tokens": tokens.rawValue,
            "cost": cost == .metric ? MetricName.costUsage : EventName.apiRequest,
            "apiRequests": apiRequests == .metric ? MetricName.genAIOperationDuration : EventName.apiRequest,
            "toolCalls": toolCalls == .metric ? MetricName.toolUsage : EventName.toolResult,
            "editDecisions": editDecisions == .metric ? MetricName.codeEditToolDecision : EventName.toolDecision,
        ]
    }

    package func inputTokens(_ f: Figures) -> Double {
        switch tokens {
        case .tokenMetric: f[.inputTokensFromTokenMetric]
        case .genAIMetric: f[.inputTokensFromGenAIMetric]
        case .events: f[.inputTokensFromEvents]
        }
    }

    package func outputTokens(_ f: Figures) -> Double {
        switch tokens {
        case .tokenMetric: f[.outputTokensFromTokenMetric]
        case .genAIMetric: f[.outputTokensFromGenAIMetric]
        case .events: f[.outputTokensFromEvents]
        }
    }

    /// The gen_ai metric has no cache token types: with it as the source, cache figures are 0.
    package func cacheReadTokens(_ f: Figures) -> Double {
        switch tokens {
        case .tokenMetric: f[.cacheReadTokensFromTokenMetric]
        case .genAIMetric: 0
        case .events: f[.cacheReadTokensFromEvents]
        }
    }

    package func cacheCreationTokens(_ f: Figures) -> Double {
        switch tokens {
        case .tokenMetric: f[.cacheCreationTokensFromTokenMetric]
        case .genAIMetric: 0
        case .events: f[.cacheCreationTokensFromEvents]
        }
    }

    func cost(_ f: Figures) -> Double { cost == .metric ? f[.costFromMetric] : f[.costFromEvents] }
    package func apiRequests(_ f: Figures) -> Double {
        apiRequests == .metric ? f[.apiRequestsFromMetric] : f[.apiRequestsFromEvents]
    }
    func toolCalls(_ f: Figures) -> Double { toolCalls == .metric ? f[.toolCallsFromMetric] : f[.toolCallsFromEvents] }
    package func editsAccepted(_ f: Figures) -> Double {
        editDecisions == .metric ? f[.editsAcceptedFromMetric] : f[.editsAcceptedFromEvents]
    }
    package func editsRejected(_ f: Figures) -> Double {
        editDecisions == .metric ? f[.editsRejectedFromMetric] : f[.editsRejectedFromEvents]
    }

    /// Per tool: the edit-decision metric only covers the edit tools; other tools' decisions
    /// come from `tool_decision` events whatever the user-level choice is.
    func toolAccepts(_ f: Figures, tool: String) -> Double {
        editDecisions == .metric && EditTools.covers(tool) ? f[.editsAcceptedFromMetric] : f[.editsAcceptedFromEvents]
    }

    func toolRejects(_ f: Figures, tool: String) -> Double {
        editDecisions == .metric && EditTools.covers(tool) ? f[.editsRejectedFromMetric] : f[.editsRejectedFromEvents]
    }
}

/// The tools that `claude_code.code_edit_tool.decision` reports on.
enum EditTools {
    static let names: Set<String> = ["Edit", "Write", "NotebookEdit", "MultiEdit"]
    static func covers(_ tool: String) -> Bool { names.contains(tool) }
}
