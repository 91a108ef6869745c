import Crypto
import TelemetryDecoding
import TelemetryRead
package import TelemetryStore

/// Answers the read endpoints (``ReadRoute``): summaries built from the stored documents, with
/// ETags so a dashboard that polls costs a `stat` or a hash rather than a rebuild. A user's own
/// summary is opened by the user's id in the path (the id is the user's credential, as on the
/// write path); team-wide answers need an admin read token (``AdminTokenStore``).
/// Safe to share between threads: it holds only immutable configuration.
package struct ReadService: Sendable {
    package let configuration: ServiceConfiguration
    let reader: StoredUserReader
    let tokens: AdminTokenStore
    /// Users' digests between team requests, keyed by their files' identities.
    let cache = TeamDigestCache()
    /// Users' published views between Prometheus scrapes, keyed likewise.
    let viewCache = StoredUserCache()

    package static let allowedMethods = ["GET", "HEAD"]
    static let jsonType = "application/json; charset=utf-8"
    static let csvType = "text/csv; charset=utf-8"

    package init(configuration: ServiceConfiguration) {
        self.configuration = configuration
        reader = StoredUserReader(directory: configuration.dataDirectory, limits: configuration.limits)
        tokens = AdminTokenStore(directory: configuration.dataDirectory, configuration: configuration.store)
    }

    /// Answers `request` for `route`; every failure becomes its status through ``ErrorAnswer``.
    package func respond(
        _ route: ReadRoute, to request: HTTPRequest, now: Timestamp,
        summary: inout RequestSummary
    ) -> HTTPResponse {
        summary.route = route.logName
        guard Self.allowedMethods.contains(request.method) else {
            return failure(
                RouteFailure.methodNotAllowed(request.method, allowed: Self.allowedMethods),
                summary: &summary, extraHeaders: [("Allow", Self.allowedMethods.joined(separator: ", "))])
        }
        do {
            switch route {
            case .userSummary(let text):
                return try userSummary(text, request: request, now: now, summary: &summary)
            case .teamSummary:
                return try teamSummary(request: request, now: now, csv: false)
            case .teamSummaryCSV:
                return try teamSummary(request: request, now: now, csv: true)
            case .prometheus:
                return try prometheus(request: request, now: now)
            case .usageReport:
                return try usageReport(request: request)
            }
        } catch {
            return failure(error, summary: &summary)
        }
    }

    // MARK: Routes

    private func userSummary(
        _ text: String, request: HTTPRequest, now: Timestamp,
        summary: inout RequestSummary
    ) throws -> HTTPResponse {
        let user: UserID
        do {
            user = try UserID(validating: text)
        } catch {
            throw ReadQueryError.invalidUser(AdminTokenStore.redacted(text, error))
        }
        summary.user = user.rawValue
        let query = ReadQuery(query: request.query)
        let range = try query.range(today: CalendarDay(now, in: configuration.limits.dayZone))
        let raw = try query.flag("raw")
        let period = try query.period()
        // Whole: the summary shows the sessions, and with ?raw=1 every day's raw figures and models.
        guard let files = try reader.files(of: user, reading: .whole) else { throw ReadQueryError.unknownUser(user) }

        let today = CalendarDay(now, in: configuration.limits.dayZone)
        let budgets = try BudgetStore(directory: configuration.dataDirectory).list().filter { $0.scope == .user(user) }
        var hasher = SHA256()
        hasher.update(data: files.contentDigest)
        hasher.update(
            data: Array("user-summary \(range.fromKey) \(range.toKey) raw=\(raw) period=\(period?.rawValue ?? "")".utf8))
        hasher.update(data: Array(" today=\(today) budgets=\(BudgetStatus.fingerprint(budgets))".utf8))
        let tag = EntityTag(digest: hasher.finalize())
        let headers = [("ETag", tag.value), ("Cache-Control", "no-cache")]
        if tag.isMatched(byIfNoneMatch: request.header("if-none-match")) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        let snapshot = try files.decoded(limits: configuration.limits)
        let digest = UserDigest(snapshot, limits: configuration.limits, keepingRaw: raw)
        let statuses = BudgetStatus.evaluate(budgets, members: [BudgetStatus.Member(digest)], today: today)
        var report = UserSummaryReport(digest: digest, range: range, includeRaw: raw, period: period, budgets: statuses)
        report.timeZone = configuration.limits.dayZone.identifier
        return HTTPResponse(
            status: .ok, headers: [("Content-Type", Self.jsonType)] + headers + Self.noSniff,
            body: report.json)
    }

    private func teamSummary(request: HTTPRequest, now: Timestamp, csv: Bool) throws -> HTTPResponse {
        try tokens.authorize(authorizationHeader: request.header("authorization"))
        let query = ReadQuery(query: request.query)
        let range = try query.range(today: CalendarDay(now, in: configuration.limits.dayZone))
        let keys = configuration.limits.teamAttributeKeys
        let group = try query.group(configured: keys)
        let period = try query.period()
        let wholeRange = try query.namesRange()
        let byModel = try query.csvByModel(csv: csv, group: group)
        let today = CalendarDay(now, in: configuration.limits.dayZone)
        let budgets = csv ? [] : try BudgetStore(directory: configuration.dataDirectory).list()
        // The page's banner: requests waiting in the parked area (part of the ETag's variant).
        let parked = csv ? nil : try? AttributionSummary.read(configuration.dataDirectory)
        let variant =
            "\(csv ? "team-csv" : "team-summary") \(range.fromKey) \(range.toKey) group=\(group ?? "")"
            + " period=\(period?.rawValue ?? "") named=\(wholeRange) by-model=\(byModel) today=\(today)"
            + " budgets=\(BudgetStatus.fingerprint(budgets))"
            + " keys=\(keys.joined(separator: ","))"
            + " parked=\(parked.map { "\($0.parkedInstallations),\($0.parkedRequests),\($0.unknownUserRequests)" } ?? "")"
        let cacheControl = ("Cache-Control", "private, no-cache")

        // The days the answer adds up: the range and the one before it (the trend), and the
        // budgets' window.
        let daysFrom = min(range.previous.fromKey, BudgetWindow(today: today).first.description)
        let listing = try cache.current(reader: reader, daysFrom: daysFrom)
        let entries = listing.entries
        var tag = TeamTag(variant: variant + " unreadable=\(listing.unreadable.map(\.rawValue).joined(separator: ","))")
        for entry in entries { tag.add(entry.user, record: entry.record, aggregate: entry.aggregate, journal: entry.journal) }
        let etag = tag.finish()
        if etag.isMatched(byIfNoneMatch: request.header("if-none-match")) {
            return HTTPResponse(status: .notModified, headers: [("ETag", etag.value), cacheControl])
        }
        var attributes: [String: [String: String]] = [:]
        for entry in entries where !entry.attributes.isEmpty {
            attributes[entry.user.rawValue] = entry.attributes.filter { keys.contains($0.key) }
        }
        let digests = entries.map(\.digest)
        var report = TeamSummaryReport(
            digests: digests, attributes: attributes, range: range, groupKey: group, period: period,
            generatedAt: now)
        report.groupKeys = keys
        report.timeZone = configuration.limits.dayZone.identifier
        report.parked = parked
        report.unreadableUsers = listing.unreadable.map(\.rawValue)
        report.budgets = BudgetStatus.evaluate(
            budgets, members: report.members.map { BudgetStatus.Member($0.digest, attributes: $0.attributes) }, today: today)
        let headers = [("ETag", etag.value), cacheControl] + Self.noSniff
        if csv {
            return HTTPResponse(
                status: .ok,
                headers: [
                    ("Content-Type", Self.csvType),
                    ("Content-Disposition", "attachment; filename=\"team-summary.csv\""),
                ] + headers,
                body: Array(
                    (byModel
                        ? TeamModelCSV.csv(report, wholeRange: wholeRange)
                        : TeamCSV.csv(report, wholeRange: wholeRange)).utf8))
        }
        return HTTPResponse(status: .ok, headers: [("Content-Type", Self.jsonType)] + headers, body: report.json)
    }

    // MARK: Answers

    static let noSniff = [("X-Content-Type-Options", "nosniff")]

    /// A JSON `google.rpc.Status` with the status, message and headers ``ErrorAnswer`` decides.
    private func failure(
        _ error: any Error, summary: inout RequestSummary,
        extraHeaders: [(String, String)] = []
    ) -> HTTPResponse {
        let answer = ErrorAnswer(for: error)
        summary.error = answer.message
        summary.refusal = answer.reason
        var headers = [("Content-Type", Self.jsonType), ("Cache-Control", "no-store")]
        if let seconds = answer.retryAfterSeconds { headers.append(("Retry-After", String(seconds))) }
        if let challenge = answer.challenge { headers.append(("WWW-Authenticate", challenge)) }
        headers += extraHeaders + Self.noSniff
        return HTTPResponse(
            status: answer.status, headers: headers,
            body: ProtobufAnswerEncoding.status(code: answer.rpcCode, message: answer.message, format: .json))
    }
}

/// The ETag of a team answer: the answer's variant and, per user, the identity of both files.
private struct TeamTag {
    private var hasher = SHA256()
    private var fields: [UInt8] = []

    init(variant: String) { hasher.update(data: Array(variant.utf8)) }

    mutating func add(_ user: UserID, record: FileIdentity, aggregate: FileIdentity?, journal: FileIdentity?) {
        fields.removeAll(keepingCapacity: true)
        fields.append(contentsOf: user.rawValue.utf8)
        for value in record.fields + (aggregate?.fields ?? [0]) + (journal?.fields ?? [0]) {
            withUnsafeBytes(of: value.littleEndian) { fields.append(contentsOf: $0) }
        }
        hasher.update(data: fields)
    }

    mutating func finish() -> EntityTag { EntityTag(digest: hasher.finalize()) }
}
