/// One raw additive quantity kept per bucket (the whole history, a day, a model, a tool).
///
/// Quantities that two sources report (tokens and cost by metric and by `api_request` event,
/// tool calls by metric and by `tool_result`, ...) are kept once per source, so the published
/// figure can take exactly one source (see ``SourceSelection``) and the choice stays auditable.
/// The raw value names are what the `raw` objects of `aggregate.json` contain.
package enum Figure: Int, CaseIterable, Sendable {
    case sessions
    /// `claude_code.session.count` points with `start_type` = `agents_view`: the `claude agents`
    /// UI process starting, not a conversation.
    case agentsViewStarts
    case linesAdded
    case linesRemoved
    case commits
    case pullRequests
    case activeSeconds
    case apiErrors
    case toolFailures

    case inputTokensFromTokenMetric
    case outputTokensFromTokenMetric
    case cacheReadTokensFromTokenMetric
    case cacheCreationTokensFromTokenMetric
    case inputTokensFromGenAIMetric
    case outputTokensFromGenAIMetric
    case inputTokensFromEvents
    case outputTokensFromEvents
    case cacheReadTokensFromEvents
    case cacheCreationTokensFromEvents

    case costFromMetric
    case costFromEvents

    case apiRequestsFromMetric
    case apiRequestsFromEvents

    case toolCallsFromMetric
    case toolCallsFromEvents

    case editsAcceptedFromMetric
    case editsRejectedFromMetric
    case editsAcceptedFromEvents
    case editsRejectedFromEvents

    /// The name written under `raw` in `aggregate.json`: the quantity, and for quantities that
    /// several sources report, `@` and the source.
    package var name: String {
        switch self {
        case .sessions: "sessions"
        case .agentsViewStarts: "agentsViewStarts"
        case .linesAdded: "linesAdded"
        case .linesRemoved: "linesRemoved"
        case .commits: "commits"
        case .pullRequests: "pullRequests"
        case .activeSeconds: "activeSeconds"
        case .apiErrors: "apiErrors"
        case .toolFailures: "toolFailures"
        case .inputTokensFromTokenMetric: "inputTokens@claude_code.token.usage"
        case .outputTokensFromTokenMetric: "outputTokens@claude_code.token.usage"
        case .cacheReadTokensFromTokenMetric: "cacheReadTokens@claude_code.token.usage"
        case .cacheCreationTokensFromTokenMetric: "cacheCreationTokens@claude_code.token.usage"
        case .inputTokensFromGenAIMetric: "inputTokens@gen_ai.client.token.usage"
        case .outputTokensFromGenAIMetric: "outputTokens@gen_ai.client.token.usage"
        case .inputTokensFromEvents: "inputTokens@api_request"
        case .outputTokensFromEvents: "outputTokens@api_request"
        case .cacheReadTokensFromEvents: "cacheReadTokens@api_request"
        case .cacheCreationTokensFromEvents: "cacheCreationTokens@api_request"
        case .costFromMetric: "costUsd@claude_code.cost.usage"
        case .costFromEvents: "costUsd@api_request"
        case .apiRequestsFromMetric: "apiRequests@gen_ai.client.operation.duration"
        case .apiRequestsFromEvents: "apiRequests@api_request"
        case .toolCallsFromMetric: "toolCalls@claude_code.tool.usage"
        case .toolCallsFromEvents: "toolCalls@tool_result"
        case .editsAcceptedFromMetric: "editsAccepted@claude_code.code_edit_tool.decision"
        case .editsRejectedFromMetric: "editsRejected@claude_code.code_edit_tool.decision"
        case .editsAcceptedFromEvents: "editsAccepted@tool_decision"
        case .editsRejectedFromEvents: "editsRejected@tool_decision"
        }
    }

    /// The figure with this stored name, if any.
    package init?(name: String) {
        guard let figure = Self.byName[name] else { return nil }
        self = figure
    }

    /// Every figure, ordered by name (the order written to `raw`).
    static let sortedByName: [Figure] = allCases.sorted { $0.name < $1.name }

    /// Position in a ``Figures`` storage array.
    @inline(__always) var index: Int { rawValue }

    private static let byName: [String: Figure] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })
}

/// A bucket's raw figures: one `Double` per ``Figure``, all starting at zero.
/// Metric values are doubles on the wire, so sums are kept as doubles and rounded only when
/// published (integers below 2^53 are exact).
package struct Figures: Equatable, Sendable {
    private var values: [Double]

    package init() { values = Array(repeating: 0, count: Figure.allCases.count) }

    /// A bucket from one value per ``Figure``, in declaration order (the binary copy's form).
    init?(values: [Double]) {
        guard values.count == Figure.allCases.count else { return nil }
        self.values = values
    }

    /// One value per ``Figure``, in declaration order.
    var allValues: [Double] { values }

    package subscript(figure: Figure) -> Double {
        get { values[figure.index] }
        set { values[figure.index] = newValue }
    }

    package var isZero: Bool { values.allSatisfy { $0 == 0 } }

    /// Adds every figure of `other` into this bucket.
    package mutating func add(_ other: Figures) {
        for index in values.indices { values[index] += other.values[index] }
    }
}
