/// The figures published for each tool (the keys of every `tools.*` entry): one row each, with
/// everything that says where the figure goes. `aggregate.json`, the user and team summaries,
/// `show`'s tool table and the Prometheus export iterate this table, so a new per-tool figure is
/// one case here and one row in each switch below.
package enum ToolFigure: Int, CaseIterable, Sendable {
    case calls
    case failures
    case accepts
    case rejects

    /// The key in a tool's entry of `aggregate.json` and of every JSON answer.
    package var key: String {
        switch self {
        case .calls: "calls"
        case .failures: "failures"
        case .accepts: "accepts"
        case .rejects: "rejects"
        }
    }

    /// `show`'s column header.
    package var column: String { key.uppercased() }

    /// The Prometheus samples, labelled with the tool's `tool_name`, that add up to the figure.
    package var prometheus: PublishedFigure.PrometheusSamples {
        switch self {
        case .calls: .init(family: "claude_telemetry_tool_calls_total", labels: [:], scale: 1)
        case .failures: .init(family: "claude_telemetry_tool_failures_total", labels: [:], scale: 1)
        case .accepts: .init(family: "claude_telemetry_tool_decisions_total", labels: ["decision": "accept"], scale: 1)
        case .rejects: .init(family: "claude_telemetry_tool_decisions_total", labels: ["decision": "reject"], scale: 1)
        }
    }

    /// The figure as published from a tool's raw figures: the one source `selection` names for
    /// quantities two sources report (decisions as the tool's own kind of decision reports them).
    func published(from f: Figures, tool: String, _ s: SourceSelection) -> Int64 {
        switch self {
        case .calls: count(s.toolCalls(f))
        case .failures: count(f[.toolFailures])
        case .accepts: count(s.toolAccepts(f, tool: tool))
        case .rejects: count(s.toolRejects(f, tool: tool))
        }
    }

    /// Every figure in table order, built once (`allCases` builds an array per call).
    package static let table: [ToolFigure] = allCases

    /// Written under their keys, sorted by key.
    package static let keyed: [ToolFigure] = table.sorted { $0.key < $1.key }
}
