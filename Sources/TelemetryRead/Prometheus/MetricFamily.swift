/// One metric family of the exposition: its name as the OpenTelemetry Collector's Prometheus
/// exporter would give it (for Claude Code's own metrics), its type, unit and help text.
///
/// The Collector's rules (`otlptranslator`, underscore escaping with suffixes): `.` becomes `_`,
/// the unit is appended unless the name already holds it (`s` → `seconds`, `USD` and `tokens`
/// kept, `1` or empty adds nothing), and a monotonic sum gets `_total`.
struct MetricFamily: Sendable {
    enum Kind: String, Sendable { case counter, gauge, histogram }

    /// The family name: without `_total` (OpenMetrics names families so).
    let name: String
    let kind: Kind
    /// OpenMetrics unit; the family name ends with it.
    let unit: String?
    let help: String

    /// The sample name: counters end in `_total`. Stored, as UTF-8, because every sample writes it.
    let sampleName: [UInt8]

    init(name: String, kind: Kind, unit: String?, help: String) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.help = help
        sampleName = Array((kind == .counter ? name + "_total" : name).utf8)
    }

    // Claude Code's metrics, named as the Collector names them.
    static let sessions = MetricFamily(
        name: "claude_code_session_count", kind: .counter, unit: nil,
        help: "Sessions started (claude_code.session.count).")
    static let tokens = MetricFamily(
        name: "claude_code_token_usage_tokens", kind: .counter, unit: "tokens",
        help: "Tokens used, by model and type (claude_code.token.usage, or its source for this user).")
    static let cost = MetricFamily(
        name: "claude_code_cost_usage_USD", kind: .counter, unit: "USD",
        help: "Estimated cost at list price in USD, by model (claude_code.cost.usage, or api_request cost_usd).")
    static let lines = MetricFamily(
        name: "claude_code_lines_of_code_count", kind: .counter, unit: nil,
        help: "Lines of code added or removed (claude_code.lines_of_code.count).")
    static let commits = MetricFamily(
        name: "claude_code_commit_count", kind: .counter, unit: nil,
        help: "Git commits created (claude_code.commit.count).")
    static let pullRequests = MetricFamily(
        name: "claude_code_pull_request_count", kind: .counter, unit: nil,
        help: "Pull requests created (claude_code.pull_request.count).")
    package static let editDecisions = MetricFamily(
        name: "claude_code_code_edit_tool_decision", kind: .counter, unit: nil,
        help: "Edit, Write, NotebookEdit and MultiEdit decisions (claude_code.code_edit_tool.decision, or tool_decision events).")
    static let activeTime = MetricFamily(
        name: "claude_code_active_time_seconds", kind: .counter, unit: "seconds",
        help: "Active time in seconds, user and cli together (claude_code.active_time.total).")

    // Figures of this service that have no Claude Code metric.
    package static let apiRequests = MetricFamily(
        name: "claude_telemetry_api_requests", kind: .counter, unit: nil,
        help: "API requests by model (gen_ai.client.operation.duration count, or api_request events).")
    package static let apiErrors = MetricFamily(
        name: "claude_telemetry_api_errors", kind: .counter, unit: nil,
        help: "API errors by model (api_error events).")
    static let toolCalls = MetricFamily(
        name: "claude_telemetry_tool_calls", kind: .counter, unit: nil,
        help: "Tool calls by tool (claude_code.tool.usage, or tool_result events).")
    static let toolFailures = MetricFamily(
        name: "claude_telemetry_tool_failures", kind: .counter, unit: nil,
        help: "Failed tool calls by tool (tool_result events with success false).")
    static let toolDecisions = MetricFamily(
        name: "claude_telemetry_tool_decisions", kind: .counter, unit: nil,
        help: "Accept and reject decisions by tool, every tool (edit tools as in claude_code_code_edit_tool_decision).")
    static let events = MetricFamily(
        name: "claude_telemetry_events", kind: .counter, unit: nil,
        help: "Log events received, by event name.")
    static let lastReceived = MetricFamily(
        name: "claude_telemetry_last_data_received_timestamp_seconds", kind: .gauge,
        unit: "seconds", help: "Unix time of the last change to the user's aggregate.")
    static let userInfo = MetricFamily(
        name: "claude_telemetry_user_info", kind: .gauge, unit: nil,
        help: "Always 1: the user's display name and the team attributes kept for the user.")
    static let users = MetricFamily(
        name: "claude_telemetry_users", kind: .gauge, unit: nil,
        help: "Users known to this data directory (this shard).")
    static let unreadable = MetricFamily(
        name: "claude_telemetry_unreadable_aggregates", kind: .gauge, unit: nil,
        help: "Users left out of this scrape because their aggregate.json could not be read (see claude-telemetry verify).")

    static let budget = MetricFamily(
        name: "claude_telemetry_budget_usd", kind: .gauge, unit: nil,
        help: "Budget limit in USD of the current period, by scope (user, group, team) and period (day, week, month).")
    static let budgetSpent = MetricFamily(
        name: "claude_telemetry_budget_spent_usd", kind: .gauge, unit: nil,
        help: "Estimated cost in USD spent in the budget's current period (days cut in --timezone).")
    static let budgetForecast = MetricFamily(
        name: "claude_telemetry_budget_forecast_usd", kind: .gauge, unit: nil,
        help: "Spent so far plus the average daily cost of the last 7 days times the days left in the period.")

    // The parked area, from its index (so they survive restarts).
    static let parkedRequests = MetricFamily(
        name: "claude_telemetry_parked_requests", kind: .gauge, unit: nil,
        help: "Requests waiting in the parked area to be claimed (see claude-telemetry unclaimed).")
    static let parkedSources = MetricFamily(
        name: "claude_telemetry_parked_installations", kind: .gauge, unit: nil,
        help: "Installations and unknown user ids with requests waiting in the parked area (see claude-telemetry unclaimed).")
    static let unknownUserRequests = MetricFamily(
        name: "claude_telemetry_unknown_user_requests", kind: .counter, unit: nil,
        help: "Requests that named a well-formed user id no user has, parked since the data directory was created.")

    // The service's own health, summed over every responder process's counter file; named as
    // the Collector's receiver counters are (accepted / refused).
    static let requests = MetricFamily(
        name: "claude_telemetry_requests", kind: .counter, unit: nil,
        help: "Requests answered, by route and HTTP status.")
    static let refused = MetricFamily(
        name: "claude_telemetry_refused_requests", kind: .counter, unit: nil,
        help:
            "Data requests (POST) refused, by reason (unauthorized, too_large, timeout, memory_budget, storage_busy, parking_full, ...); 0 until it happens."
    )
    static let rejectedPoints = MetricFamily(
        name: "claude_telemetry_rejected_points", kind: .counter, unit: nil,
        help: "Metric data points rejected inside partial successes (answered 200 with rejectedDataPoints).")
    static let rejectedRecords = MetricFamily(
        name: "claude_telemetry_rejected_records", kind: .counter, unit: nil,
        help: "Log records rejected inside partial successes (answered 200 with rejectedLogRecords).")
    static let rejectedSpans = MetricFamily(
        name: "claude_telemetry_rejected_spans", kind: .counter, unit: nil,
        help: "Spans rejected inside partial successes (answered 200 with rejectedSpans).")
    static let requestsParked = MetricFamily(
        name: "claude_telemetry_requests_parked", kind: .counter, unit: nil,
        help: "Requests kept in the parked area, by source (installation: named no user; unknown_user: named an unknown id).")
    static let requestsClaimed = MetricFamily(
        name: "claude_telemetry_requests_claimed", kind: .counter, unit: nil,
        help: "Parked requests added to a user by claude-telemetry user claim.")
    static let requestDuration = MetricFamily(
        name: "claude_telemetry_request_duration_seconds", kind: .histogram, unit: "seconds",
        help: "Time from a request's parameters to its answer, in seconds.")
    static let unreadableCounterFiles = MetricFamily(
        name: "claude_telemetry_unreadable_slot_files", kind: .gauge, unit: nil,
        help: "Slot files under service-counters/ left out of this scrape because they are torn or damaged.")

    /// Every family, in the order written.
    static let all: [MetricFamily] = [
        sessions, tokens, cost, lines, commits, pullRequests, editDecisions, activeTime,
        apiRequests, apiErrors, toolCalls, toolFailures, toolDecisions, events, lastReceived, userInfo, users, unreadable,
        budget, budgetSpent, budgetForecast, parkedRequests, parkedSources, unknownUserRequests,
        requests, refused, rejectedPoints, rejectedRecords, rejectedSpans, requestsParked, requestsClaimed,
        requestDuration, unreadableCounterFiles,
    ]
}
