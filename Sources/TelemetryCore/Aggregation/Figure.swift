/// One raw additive quantity kept per bucket (the whole history, a day, a model, a tool).
///
/// Quantities that two sources report (tokens and cost by metric and by `api_request` event,
/// tool calls by metric and by `tool_result`, ...) are kept once per source, so the published
/// figure can take exactly one source (see ``SourceSelection``) and the choice stays auditable.
/// The raw value names are what the `raw` objects of `aggregate.json` contain.
public enum Figure: String, CaseIterable, Sendable, Codable {
    case sessions
    case linesAdded
    case linesRemoved
    case commits
    case pullRequests
    case activeSeconds
    case apiErrors
    case toolFailures

    case inputTokensFromTokenMetric = "inputTokens@claude_code.token.usage"
    case outputTokensFromTokenMetric = "outputTokens@claude_code.token.usage"
    case cacheReadTokensFromTokenMetric = "cacheReadTokens@claude_code.token.usage"
    case cacheCreationTokensFromTokenMetric = "cacheCreationTokens@claude_code.token.usage"
    case inputTokensFromGenAIMetric = "inputTokens@gen_ai.client.token.usage"
    case outputTokensFromGenAIMetric = "outputTokens@gen_ai.client.token.usage"
    case inputTokensFromEvents = "inputTokens@api_request"
    case outputTokensFromEvents = "outputTokens@api_request"
    case cacheReadTokensFromEvents = "cacheReadTokens@api_request"
    case cacheCreationTokensFromEvents = "cacheCreationTokens@api_request"

    case costFromMetric = "costUsd@claude_code.cost.usage"
    case costFromEvents = "costUsd@api_request"

    case apiRequestsFromMetric = "apiRequests@gen_ai.client.operation.duration"
    case apiRequestsFromEvents = "apiRequests@api_request"

    case toolCallsFromMetric = "toolCalls@claude_code.tool.usage"
    case toolCallsFromEvents = "toolCalls@tool_result"

    case editsAcceptedFromMetric = "editsAccepted@claude_code.code_edit_tool.decision"
    case editsRejectedFromMetric = "editsRejected@claude_code.code_edit_tool.decision"
    case editsAcceptedFromEvents = "editsAccepted@tool_decision"
    case editsRejectedFromEvents = "editsRejected@tool_decision"

    /// Position in a ``Figures`` storage array.
    @inline(__always) var index: Int { Self.indexes[self]! }

    private static let indexes: [Figure: Int] = Dictionary(
        uniqueKeysWithValues: Figure.allCases.enumerated().map { ($1, $0) })
}

/// A bucket's raw figures: one `Double` per ``Figure``, all starting at zero.
/// Metric values are doubles on the wire, so sums are kept as doubles and rounded only when
/// published (integers below 2^53 are exact).
public struct Figures: Equatable, Sendable {
    private var values: [Double]

    public init() { values = Array(repeating: 0, count: Figure.allCases.count) }

    public subscript(figure: Figure) -> Double {
        get { values[figure.index] }
        set { values[figure.index] = newValue }
    }

    public var isZero: Bool { values.allSatisfy { $0 == 0 } }

    /// Adds every figure of `other` into this bucket.
    mutating func add(_ other: Figures) {
        for index in values.indices { values[index] += other.values[index] }
    }
}

extension Figures: Codable {
    /// Encoded sparsely, as `{"<figure name>": value}` without zeros; unknown names are an error,
    /// so a document written by a newer version is not misread.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.singleValueContainer()
        let raw = try container.decode([String: Double].self)
        for (name, value) in raw {
            guard let figure = Figure(rawValue: name) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown figure '\(name)'")
            }
            guard value.isFinite else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "figure '\(name)' is not finite")
            }
            self[figure] = value
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var raw: [String: Double] = [:]
        for figure in Figure.allCases where self[figure] != 0 { raw[figure.rawValue] = self[figure] }
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }
}
