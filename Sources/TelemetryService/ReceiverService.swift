import TelemetryDecoding
package import TelemetryStore

/// Handles one HTTP request end to end, independent of how it arrived (FastCGI, CGI, tests).
/// Safe to share between threads: it holds only immutable configuration.
package struct ReceiverService: Sendable {
    package let configuration: ServiceConfiguration
    private let router = Router()
    private let ingestor: TelemetryIngestor
    private let unaddressed: UnaddressedRequests
    private let reader: ReadService
    /// The health answers: fixed while the process runs, but for the parked area's figures.
    private let health: HealthAnswers

    package init(configuration: ServiceConfiguration) {
        self.configuration = configuration
        ingestor = TelemetryIngestor(
            directory: configuration.dataDirectory, configuration: configuration.store, limits: configuration.limits,
            decoder: OTLPDecoder(maxBodyBytes: configuration.maxBodyBytes))
        unaddressed = UnaddressedRequests(
            attribution: InstallationAttribution(
                ingestor: ingestor, limits: configuration.parking, trustClientEmail: configuration.trustClientEmail),
            policy: configuration.unattributed)
        reader = ReadService(configuration: configuration)
        health = HealthAnswers(maxBodyBytes: configuration.maxBodyBytes, directory: configuration.dataDirectory)
    }

    package static let allowedMethods = ["GET", "HEAD", "POST"]

    /// Answers `request`. Every failure is turned into its status here; nothing throws out.
    package func handle(_ request: HTTPRequest, now: Timestamp = .now()) -> (HTTPResponse, RequestSummary) {
        let started = Timestamp.now()
        var summary = RequestSummary(method: request.method, route: "not-found", user: nil, status: 0)
        var response = respond(to: request, now: now, summary: &summary)
        if request.method == "HEAD" {
            // HEAD answers with GET's headers, Content-Length included, and no body.
            response.headers.append(("Content-Length", String(response.body.count)))
            response.body = []
        }
        summary.status = response.status.code
        summary.durationMicroseconds = Int((Timestamp.now().nanoseconds &- started.nanoseconds) / 1000)
        return (response, summary)
    }

    private func respond(to request: HTTPRequest, now: Timestamp, summary: inout RequestSummary) -> HTTPResponse {
        // Every answer, errors included, follows the request's encoding as far as it can be known.
        let format = PayloadFormat(contentType: request.header("content-type"))
        let route = router.route(path: request.path, query: request.query)
        if case .read(let endpoint) = route { return reader.respond(endpoint, to: request, now: now, summary: &summary) }
        guard case .signal(let signal, let form, let pathUser, let queryUser) = route else {
            if route == .base && request.method == "POST" {
                summary.route = "unaddressed"
                do {
                    // A client that keeps the query but appends nothing (`…/claude?user=U`), or sends a header.
                    let named = try UserResolver.resolveIfNamed(
                        pathUser: nil, queryUser: Router.queryValue("user", in: request.query), request: request)
                    return try unaddressed.handle(request, signal: nil, directUser: named, now: now, summary: &summary)
                } catch {
                    return fail(error, format: format, summary: &summary)
                }
            }
            summary.route = route == .base ? "base" : "not-found"
            return fail(RouteFailure.notFound(request.path), format: format, summary: &summary)
        }
        switch request.method {
        case "GET", "HEAD":
            summary.route = "health/\(signal.rawValue)"
            return health.response(signal)
        case "POST":
            summary.route = "\(signal.rawValue)/\(form.rawValue)"
        default:
            summary.route = "\(signal.rawValue)/\(form.rawValue)"
            return fail(
                RouteFailure.methodNotAllowed(request.method, allowed: Self.allowedMethods), format: format,
                summary: &summary, extraHeaders: [("Allow", Self.allowedMethods.joined(separator: ", "))])
        }

        do {
            guard let user = try UserResolver.resolveIfNamed(pathUser: pathUser, queryUser: queryUser, request: request) else {
                return try unaddressed.handle(request, signal: signal, directUser: nil, now: now, summary: &summary)
            }
            summary.user = user.rawValue
            let (format, encoding, body) = try BodyShape.check(request, maxBodyBytes: configuration.maxBodyBytes)
            let report: ApplyReport
            do {
                // A compressed body is inflated here, under the request's memory reservation, so that
                // what it inflates to is charged before it is held (the ingestor would not charge it).
                report =
                    if encoding == .identity || request.memory == nil {
                        try ingestor.ingest(signal, body: body, format: format, encoding: encoding, user: user, now: now)
                    } else {
                        try ingestor.ingest(
                            signal, body: try ingestor.decoder.inflate(body, encoding: encoding, charge: request.memory),
                            format: format, encoding: .identity, user: user, now: now)
                    }
            } catch IngestError.unknownUser(let unknown) {
                // A well-formed id no user has (a typo in a configuration): kept, not dropped.
                return try unaddressed.handleUnknownUser(
                    unknown, request: request, signal: signal, shape: (format, encoding, body), now: now, summary: &summary)
            }
            summary.applied = report.applied
            summary.rejected = report.rejected
            summary.duplicates = report.duplicates
            return OTLPAnswers.success(signal, report: report, format: format)
        } catch {
            return fail(error, format: format, summary: &summary)
        }
    }

    private func fail(
        _ error: any Error, format: PayloadFormat?, summary: inout RequestSummary,
        extraHeaders: [(String, String)] = []
    ) -> HTTPResponse {
        let answer = ErrorAnswer(for: error)
        summary.error = answer.message
        summary.refusal = answer.reason
        return OTLPAnswers.failure(answer, format: format, extraHeaders: extraHeaders)
    }
}
