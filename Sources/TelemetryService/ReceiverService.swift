import TelemetryCore

/// Handles one HTTP request end to end, independent of how it arrived (FastCGI, CGI, tests).
/// Safe to share between threads: it holds only immutable configuration.
public struct ReceiverService: Sendable {
    public let configuration: ServiceConfiguration
    private let router = Router()
    private let ingestor: TelemetryIngestor
    private let reader: ReadService
    /// The health answers never change while the process runs: encoded once.
    private let health: [Signal: HTTPResponse]

    public init(configuration: ServiceConfiguration) {
        self.configuration = configuration
        ingestor = TelemetryIngestor(
            directory: configuration.dataDirectory, configuration: configuration.store, limits: configuration.limits,
            decoder: OTLPDecoder(maxBodyBytes: configuration.maxBodyBytes))
        reader = ReadService(configuration: configuration)
        health = Dictionary(uniqueKeysWithValues: Signal.allCases.map { signal in
            (signal, HealthDocument(signal: signal, maxBodyBytes: configuration.maxBodyBytes).response)
        })
    }

    public static let allowedMethods = ["GET", "HEAD", "POST"]

    /// Answers `request`. Every failure is turned into its status here; nothing throws out.
    public func handle(_ request: HTTPRequest, now: Timestamp = .now()) -> (HTTPResponse, RequestSummary) {
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
            summary.route = route == .base ? "base" : "not-found"
            return fail(RouteFailure.notFound(request.path), format: format, summary: &summary)
        }
        switch request.method {
        case "GET", "HEAD":
            summary.route = "health/\(signal.rawValue)"
            return health[signal]!
        case "POST":
            summary.route = "\(signal.rawValue)/\(form.rawValue)"
        default:
            summary.route = "\(signal.rawValue)/\(form.rawValue)"
            return fail(RouteFailure.methodNotAllowed(request.method, allowed: Self.allowedMethods), format: format,
                        summary: &summary, extraHeaders: [("Allow", Self.allowedMethods.joined(separator: ", "))])
        }

        do {
            let user = try UserResolver.resolve(pathUser: pathUser, queryUser: queryUser, request: request)
            summary.user = user.rawValue
            guard let format else { throw PayloadError.unsupportedContentType(request.header("content-type")) }
            guard let encoding = ContentEncoding(header: request.header("content-encoding")) else {
                throw PayloadError.unsupportedContentEncoding(request.header("content-encoding") ?? "")
            }
            if let reason = request.bodyIncomplete { throw PayloadError.incomplete(reason) }
            if request.bodyExceededLimit || request.body.count > configuration.maxBodyBytes {
                throw PayloadError.tooLarge(limit: configuration.maxBodyBytes, decompressed: false)
            }
            let report = try ingestor.ingest(signal, body: request.body, format: format, encoding: encoding, user: user, now: now)
            summary.applied = report.applied
            summary.rejected = report.rejected
            summary.duplicates = report.duplicates
            return OTLPAnswers.success(signal, report: report, format: format)
        } catch {
            return fail(error, format: format, summary: &summary)
        }
    }

    private func fail(_ error: any Error, format: PayloadFormat?, summary: inout RequestSummary,
                      extraHeaders: [(String, String)] = []) -> HTTPResponse {
        let answer = ErrorAnswer(for: error)
        summary.error = answer.message
        return OTLPAnswers.failure(answer, format: format, extraHeaders: extraHeaders)
    }
}
