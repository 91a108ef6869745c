/// The metric names this receiver aggregates.
public enum MetricName {
    public static let sessionCount = "claude_code.session.count"
    public static let tokenUsage = "claude_code.token.usage"
    public static let costUsage = "claude_code.cost.usage"
    public static let linesOfCode = "claude_code.lines_of_code.count"
    public static let commitCount = "claude_code.commit.count"
    public static let pullRequestCount = "claude_code.pull_request.count"
    public static let codeEditToolDecision = "claude_code.code_edit_tool.decision"
    public static let activeTime = "claude_code.active_time.total"
    public static let toolUsage = "claude_code.tool.usage"
    public static let genAITokenUsage = "gen_ai.client.token.usage"
    public static let genAIOperationDuration = "gen_ai.client.operation.duration"
}

/// The log event names this receiver maps to figures (without the `claude_code.` prefix).
/// Every other event name is accepted and counted under `events`.
public enum EventName {
    public static let apiRequest = "api_request"
    public static let apiError = "api_error"
    public static let toolResult = "tool_result"
    public static let toolDecision = "tool_decision"
    public static let userPrompt = "user_prompt"
}
