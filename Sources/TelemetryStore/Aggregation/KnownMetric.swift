/// Where one data point's (delta) amount goes.
struct MetricContribution {
    var figure: Figure
    var model: String? = nil
    var tool: String? = nil
    var countsInTotals = true
    var scale: Double = 1
    var querySource: String? = nil
}

/// The metrics this receiver aggregates, and how each point's attributes route its amount.
enum KnownMetric: String, CaseIterable {
    case sessionCount = "claude_code.session.count"
    case tokenUsage = "claude_code.token.usage"
    case costUsage = "claude_code.cost.usage"
    case linesOfCode = "claude_code.lines_of_code.count"
    case commitCount = "claude_code.commit.count"
    case pullRequestCount = "claude_code.pull_request.count"
    case codeEditToolDecision = "claude_code.code_edit_tool.decision"
    case activeTime = "claude_code.active_time.total"
    case toolUsage = "claude_code.tool.usage"
    case genAITokenUsage = "gen_ai.client.token.usage"
    case genAIOperationDuration = "gen_ai.client.operation.duration"

    enum Shape { case sum, histogram }

    var shape: Shape {
        switch self {
        case .genAITokenUsage, .genAIOperationDuration: .histogram
        default: .sum
        }
    }

    /// Histograms: token usage adds the sum (tokens), operation duration the count (requests).
    var usesHistogramSum: Bool { self == .genAITokenUsage }

    /// The figures a point feeds, or the reason its attributes make it unusable.
    func contributions(_ attributes: Attributes) throws(RejectReason) -> [MetricContribution] {
        switch self {
        case .sessionCount:
            // The `claude agents` UI process reports a start too; it is not a conversation.
            return [.init(figure: attributes.string("start_type") == "agents_view" ? .agentsViewStarts : .sessions)]
        case .tokenUsage:
            let model = attributes.string("model") ?? "unknown"
            let figure: Figure
            switch attributes.string("type") {
            case "input": figure = .inputTokensFromTokenMetric
            case "output": figure = .outputTokensFromTokenMetric
            case "cacheRead": figure = .cacheReadTokensFromTokenMetric
            case "cacheCreation": figure = .cacheCreationTokensFromTokenMetric
            case let other:
                throw RejectReason(
                    "attribute 'type' must be input, output, cacheRead or cacheCreation, not '\(Self.shown(other))'")
            }
            return [.init(figure: figure, model: model, querySource: attributes.string("query_source"))]
        case .costUsage:
            return [
                .init(
                    figure: .costFromMetric, model: attributes.string("model") ?? "unknown",
                    querySource: attributes.string("query_source"))
            ]
        case .linesOfCode:
            switch attributes.string("type") {
            case "added": return [.init(figure: .linesAdded)]
            case "removed": return [.init(figure: .linesRemoved)]
            case let other: throw RejectReason("attribute 'type' must be added or removed, not '\(Self.shown(other))'")
            }
        case .commitCount:
            return [.init(figure: .commits)]
        case .pullRequestCount:
            return [.init(figure: .pullRequests)]
        case .codeEditToolDecision:
            let tool = attributes.string("tool_name", "tool") ?? "unknown"
            switch attributes.string("decision") {
            case "accept": return [.init(figure: .editsAcceptedFromMetric, tool: tool)]
            case "reject": return [.init(figure: .editsRejectedFromMetric, tool: tool)]
            case let other: throw RejectReason("attribute 'decision' must be accept or reject, not '\(Self.shown(other))'")
            }
        case .activeTime:
            return [.init(figure: .activeSeconds)]
        case .toolUsage:
            return [.init(figure: .toolCallsFromMetric, tool: attributes.string("tool_name", "tool") ?? "unknown")]
        case .genAITokenUsage:
            let model = attributes.string("gen_ai.request.model", "gen_ai.response.model", "model") ?? "unknown"
            switch attributes.string("gen_ai.token.type") {
            case "input": return [.init(figure: .inputTokensFromGenAIMetric, model: model)]
            case "output": return [.init(figure: .outputTokensFromGenAIMetric, model: model)]
            case let other:
                throw RejectReason("attribute 'gen_ai.token.type' must be input or output, not '\(Self.shown(other))'")
            }
        case .genAIOperationDuration:
            let model = attributes.string("gen_ai.request.model", "gen_ai.response.model", "model") ?? "unknown"
            return [.init(figure: .apiRequestsFromMetric, model: model)]
        }
    }

    private static func shown(_ value: String?) -> String {
        guard let value else { return "(missing)" }
        return UserID.preview(value)
    }
}
