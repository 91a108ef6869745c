/// The metric names this receiver aggregates.
package enum MetricName {
    package static let sessionCount = "claude_code.session.count"
    package static let tokenUsage = "claude_code.token.usage"
    package static let costUsage = "claude_code.cost.usage"
    package static let linesOfCode = "claude_code.lines_of_code.count"
    package static let commitCount = "claude_code.commit.count"
    package static let pullRequestCount = "claude_code.pull_request.count"
    package static let codeEditToolDecision = "claude_code.code_edit_tool.decision"
    package static let activeTime = "claude_code.active_time.total"
    package static let toolUsage = "claude_code.tool.usage"
    package static let genAITokenUsage = "gen_ai.client.token.usage"
    package static let genAIOperationDuration = "gen_ai.client.operation.duration"
}

/// The log event names this receiver maps to figures (without the `claude_code.` prefix).
/// Every other event name is accepted and counted under `events`.
package enum EventName {
    package static let apiRequest = "api_request"
    package static let apiError = "api_error"
    package static let toolResult = "tool_result"
    package static let toolDecision = "tool_decision"
    package static let userPrompt = "user_prompt"
}
