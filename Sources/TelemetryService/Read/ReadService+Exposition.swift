import TelemetryRead
import TelemetryStore

/// The team-wide read routes that existing tools consume: Prometheus scrapes and the usage
/// report in the Claude Code Analytics API's shape. Both need the admin read token.
extension ReadService {
    /// `GET …/prometheus`: every user's figures, OpenMetrics when the scrape's `Accept` asks for it.
    func prometheus(request: HTTPRequest, now: Timestamp) throws -> HTTPResponse {
        try tokens.authorize(authorizationHeader: request.header("authorization"))
        let format = ExpositionFormat.negotiate(accept: request.header("accept"))
        // Views are cached per user between scrapes; they keep the last 40 days, all a budget's
        // period and its forecast rate need.
        let today = CalendarDay(now, in: configuration.limits.dayZone)
        let stored = try StoredUsers.load(
            configuration.dataDirectory, limits: configuration.limits, cache: viewCache,
            daysFrom: today.adding(days: -40).description)
        let budgets = BudgetStatus.evaluate(
            try BudgetStore(directory: configuration.dataDirectory).list(),
            members: PrometheusExposition.budgetMembers(stored), today: today)
        let body = PrometheusExposition.render(
            stored, format: format, budgets: budgets, service: ServiceFigures.read(configuration.dataDirectory))
        return HTTPResponse(
            status: .ok,
            headers: [("Content-Type", format.contentType), ("Cache-Control", "no-store")]
                + Self.noSniff, body: body)
    }

    /// `GET …/team/usage_report/claude_code?starting_at=YYYY-MM-DD[&limit=N][&page=CURSOR]`.
    func usageReport(request: HTTPRequest) throws -> HTTPResponse {
        try tokens.authorize(authorizationHeader: request.header("authorization"))
        var parameters: [String: String] = [:]
        for name in ["starting_at", "limit", "page"] {
            let values = Router.queryValues(name, in: request.query)
            guard values.count <= 1 else {
                throw UsageReportQueryError(message: "\(name) is given \(values.count) times; send it once")
            }
            parameters[name] = values.first
        }
        let query = try UsageReportQuery(parameters: parameters, zone: configuration.limits.dayZone)
        let stored = try StoredUsers.load(configuration.dataDirectory, limits: configuration.limits)
        return HTTPResponse(
            status: .ok,
            headers: [("Content-Type", Self.jsonType), ("Cache-Control", "private, no-cache")]
                + Self.noSniff, body: UsageReport.render(stored, query: query, zone: configuration.limits.dayZone))
    }
}
