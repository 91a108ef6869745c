import TelemetryDecoding
import TelemetryStore

/// POSTs that name no user in URL or headers: `…/claude` (Claude Code with the seed's
/// `…/claude?user=UUID`: it drops the query, so the signal is told from the body) and
/// `…/claude/metrics|logs` (the per-signal `?user=` form, query dropped likewise). They are
/// attributed through the data's installation id, or parked, or refused (`--unattributed`).
struct UnaddressedRequests: Sendable {
    let attribution: InstallationAttribution
    let policy: UnattributedPolicy

    /// `signal` is nil for `…/claude`, where only the body says what it is. `directUser` is a
    /// user named by the query or a header of a `…/claude` request (clients that keep the query
    /// but append no path): then only the signal had to be found.
    func handle(
        _ request: HTTPRequest, signal known: Signal?, directUser: UserID?, now: Timestamp,
        summary: inout RequestSummary
    ) throws -> HTTPResponse {
        let (format, encoding, body) = try BodyShape.check(request, maxBodyBytes: attribution.ingestor.decoder.maxBodyBytes)
        let decoder = attribution.ingestor.decoder
        let plain = try decoder.inflate(body, encoding: encoding, charge: request.memory)
        let signal: Signal
        if let known {
            signal = known
        } else {
            switch try BodySignal.detect(plain, format: format) {
            case nil:
                summary.route = "empty/\(summary.route)"
                return OTLPAnswers.success(.metrics, report: ApplyReport(), format: format)
            case .metrics?: signal = .metrics
            case .logs?: signal = .logs
            case .traces?: signal = .traces
            }
            summary.route = "\(signal.rawValue)/\(summary.route)"
        }
        let export = try decoder.decode(signal, plain, format: format, encoding: .identity)
        let replayKey = RequestIdentity(signal: signal, format: format, plainBody: plain)

        if let directUser {
            summary.user = directUser.rawValue
            do {
                let report = try attribution.ingestor.apply(export, request: replayKey, user: directUser, now: now)
                summary.record(report)
                return OTLPAnswers.success(signal, report: report, format: format)
            } catch IngestError.unknownUser(let unknown) {
                return try keepForUnknownUser(
                    unknown, request: request, export: export, replayKey: replayKey,
                    original: parked(request, signal, format, encoding, body, now, &summary), now: now, summary: &summary)
            }
        }

        let original = parked(request, signal, format, encoding, body, now, &summary)
        do {
            switch try attribution.receive(
                export, request: replayKey, original: original, policy: policy, address: request.remoteAddress, now: now)
            {
            case .attributed(let user, let report, let byEmail):
                summary.user = user.rawValue
                summary.attribution = byEmail ? "bound-by-email" : "bound"
                summary.record(report)
                return OTLPAnswers.success(signal, report: report, format: format)
            case .parked:
                summary.attribution = "parked"
                return OTLPAnswers.success(signal, report: ApplyReport(), format: format)
            case .empty:
                summary.attribution = "empty"
                return OTLPAnswers.success(signal, report: ApplyReport(), format: format)
            }
        } catch let error as AttributionError {
            summary.attribution = "refused"
            throw error
        }
    }

    /// A request on a signal route naming `user`, a well-formed id no user has: kept like a
    /// request that names no user (parked under that id), unless the policy is refuse.
    func handleUnknownUser(
        _ user: UserID, request: HTTPRequest, signal: Signal,
        shape: (format: PayloadFormat, encoding: ContentEncoding, body: [UInt8]), now: Timestamp,
        summary: inout RequestSummary
    ) throws -> HTTPResponse {
        let decoder = attribution.ingestor.decoder
        let plain = try decoder.inflate(shape.body, encoding: shape.encoding)
        let export = try decoder.decode(signal, plain, format: shape.format, encoding: .identity)
        return try keepForUnknownUser(
            user, request: request, export: export,
            replayKey: RequestIdentity(signal: signal, format: shape.format, plainBody: plain),
            original: parked(request, signal, shape.format, shape.encoding, shape.body, now, &summary), now: now,
            summary: &summary)
    }

    private func keepForUnknownUser(
        _ user: UserID, request: HTTPRequest, export: DecodedExport, replayKey: RequestIdentity, original: ParkedRequest,
        now: Timestamp, summary: inout RequestSummary
    ) throws -> HTTPResponse {
        do {
            switch try attribution.receive(
                forUnknownUser: user, export, request: replayKey, original: original, policy: policy,
                address: request.remoteAddress, now: now)
            {
            case .attributed(let bound, let report, _):
                summary.user = bound.rawValue
                summary.attribution = "bound-unknown-user"
                summary.record(report)
                return OTLPAnswers.success(export.signal, report: report, format: original.format)
            case .parked:
                summary.attribution = "parked-unknown-user"
                return OTLPAnswers.success(export.signal, report: ApplyReport(), format: original.format)
            case .empty:
                summary.attribution = "empty"
                return OTLPAnswers.success(export.signal, report: ApplyReport(), format: original.format)
            }
        } catch let error as AttributionError {
            summary.attribution = "refused"
            throw error
        }
    }

    private func parked(
        _ request: HTTPRequest, _ signal: Signal, _ format: PayloadFormat, _ encoding: ContentEncoding, _ body: [UInt8],
        _ now: Timestamp, _ summary: inout RequestSummary
    ) -> ParkedRequest {
        summary.userAgent = UserID.preview(request.header("user-agent") ?? "-")
        return ParkedRequest(
            signal: signal, format: format, encoding: encoding, receivedAt: now, userAgent: summary.userAgent, body: body)
    }
}

/// The checks every POST's body passes before it is decoded, and its bytes. Throws a
/// ``PayloadError``, or the ``TransportRefusal`` the transport recorded while reading the body
/// (timeout, wrong length, memory budget): see ``RequestBody/bytes(limit:)``.
enum BodyShape {
    static func check(_ request: HTTPRequest, maxBodyBytes: Int) throws -> (PayloadFormat, ContentEncoding, [UInt8]) {
        guard let format = PayloadFormat(contentType: request.header("content-type")) else {
            throw PayloadError.unsupportedContentType(request.header("content-type"))
        }
        guard let encoding = ContentEncoding(header: request.header("content-encoding")) else {
            throw PayloadError.unsupportedContentEncoding(request.header("content-encoding") ?? "")
        }
        return (format, encoding, try request.body.bytes(limit: maxBodyBytes))
    }
}

extension RequestSummary {
    mutating func record(_ report: ApplyReport) {
        applied = report.applied
        rejected = report.rejected
        duplicates = report.duplicates
    }
}

extension UserResolver {
    /// The user a request names, or nil when it names none (any other failure is thrown).
    static func resolveIfNamed(pathUser: String?, queryUser: String?, request: HTTPRequest) throws(Failure) -> UserID? {
        let result = Result { () throws(Failure) -> UserID in
            try resolve(pathUser: pathUser, queryUser: queryUser, request: request)
        }
        switch result {
        case .success(let user): return user
        case .failure(.missing): return nil
        case .failure(let failure): throw failure
        }
    }
}
