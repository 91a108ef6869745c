import Foundation
import OTLPProto
import TelemetryDecoding
import TelemetryReference
import TelemetryService
import TelemetryStore

/// `telemetry-bench team FIXTURE_DIR [USERS [REQUESTS [RSS_USERS RSS_REQUESTS]]]`: the team
/// summary (`GET …/team/summary` with an admin token, through the transport-free service) over
/// USERS users whose documents are realistic (every day of the default 30-day range has data,
/// grown from the real fixtures), then the process's RSS over RSS_REQUESTS more team requests
/// over RSS_USERS users. Prints `key=value` lines that Benchmarks/report.py reads.
enum TeamBench {
    static func run(_ arguments: [String]) throws {
        let fixtures = arguments[2]
        let users = arguments.count > 3 ? Int(arguments[3]) ?? 1000 : 1000
        let requests = arguments.count > 4 ? Int(arguments[4]) ?? 30 : 30
        let rssUsers = arguments.count > 5 ? Int(arguments[5]) ?? 100 : 100
        let rssRequests = arguments.count > 6 ? Int(arguments[6]) ?? 10_000 : 10_000
        let now = Timestamp.now()
        let document = try realisticDocument(fixtures, now: now)

        let (service, token, root, bytes) = try population(users: users, document: document)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let request = HTTPRequest(
            method: "GET", path: Router.prefix + "/team/summary",
            headers: ["Authorization": "Bearer \(token)"])
        var times: [Double] = []
        var etag = ""
        var size = 0
        var first = 0.0
        for index in 0..<(requests + 3) {
            let started = Timestamp.now()
            let (response, _) = service.handle(request, now: now)
            let elapsed = Double(Timestamp.now().nanoseconds - started.nanoseconds) / 1e6
            guard response.status == .ok else { throw BenchFailure("team summary answered \(response.status)") }
            etag = response.header("ETag") ?? ""
            size = response.body.count
            if index == 0 { first = elapsed }  // reads and parses every document
            if index >= 3 { times.append(elapsed) }
        }
        times.sort()
        var conditional = request
        conditional.headers["if-none-match"] = etag
        var notModified: [Double] = []
        for _ in 0..<20 {
            let started = Timestamp.now()
            let (response, _) = service.handle(conditional, now: now)
            notModified.append(Double(Timestamp.now().nanoseconds - started.nanoseconds) / 1e6)
            guard response.status == .notModified else { throw BenchFailure("conditional answered \(response.status)") }
        }
        notModified.sort()
        print(
            String(
                format:
                    "team users=%d document_bytes=%d answer_bytes=%d first_ms=%.1f requests=%d p50_ms=%.1f p90_ms=%.1f max_ms=%.1f not_modified_p50_ms=%.2f",
                users, bytes, size, first, times.count, percentile(times, 0.5), percentile(times, 0.9),
                times.last ?? 0, percentile(notModified, 0.5)))

        guard rssRequests > 0 else { return }
        let (small, smallToken, smallRoot, _) = try population(users: rssUsers, document: document)
        defer { try? FileManager.default.removeItem(atPath: smallRoot) }
        let smallRequest = HTTPRequest(
            method: "GET", path: Router.prefix + "/team/summary",
            headers: ["Authorization": "Bearer \(smallToken)"])
        var samples: [Int] = []
        let started = Timestamp.now()
        for index in 0..<rssRequests {
            let (response, _) = small.handle(smallRequest, now: now)
            guard response.status == .ok else { throw BenchFailure("team summary answered \(response.status)") }
            if index % max(1, rssRequests / 10) == 0 { samples.append(residentKiB()) }
        }
        samples.append(residentKiB())
        let seconds = Double(Timestamp.now().nanoseconds - started.nanoseconds) / 1e9
        print(
            "team-rss users=\(rssUsers) requests=\(rssRequests) seconds=\(String(format: "%.1f", seconds)) "
                + "rss_kib=\(samples.map(String.init).joined(separator: ",")) hwm_kib=\(peakKiB())")
    }

    /// A document grown from the fixtures: two log batches and one metric batch per day over the
    /// last 30 days, each batch new (timestamps shifted, request ids removed).
    static func realisticDocument(_ directory: String, now: Timestamp) throws -> AggregateDocument {
        let decoder = OTLPDecoder()
        let logs = try decoder.decodeLogs(
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/logs.pb"))),
            format: .protobuf)
        let metrics = try decoder.decodeMetrics(
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/metrics-delta.pb"))), format: .protobuf)
        var document = AggregateDocument(user: UserID.random())
        let day: UInt64 = 86_400_000_000_000
        let today = now.nanoseconds / day * day + 3_600_000_000_000
        for dayIndex in 0..<30 {
            for batch in 0..<2 {
                let time = today - UInt64(dayIndex) * day + UInt64(batch) * 60_000_000_000
                var request = logs
                for r in request.resourceLogs.indices {
                    for s in request.resourceLogs[r].scopeLogs.indices {
                        for l in request.resourceLogs[r].scopeLogs[s].logRecords.indices {
                            request.resourceLogs[r].scopeLogs[s].logRecords[l].timeUnixNano = time + UInt64(l)
                            request.resourceLogs[r].scopeLogs[s].logRecords[l].attributes.removeAll { $0.key == "request_id" }
                        }
                    }
                }
                _ = LogsAggregator().apply(request, to: &document, now: now)
            }
            var request = metrics
            let time = today - UInt64(dayIndex) * day
            for r in request.resourceMetrics.indices {
                for s in request.resourceMetrics[r].scopeMetrics.indices {
                    for m in request.resourceMetrics[r].scopeMetrics[s].metrics.indices {
                        guard case .sum(var sum) = request.resourceMetrics[r].scopeMetrics[s].metrics[m].data else { continue }
                        for p in sum.dataPoints.indices {
                            sum.dataPoints[p].startTimeUnixNano = time - 60_000_000_000
                            sum.dataPoints[p].timeUnixNano = time
                        }
                        request.resourceMetrics[r].scopeMetrics[s].metrics[m].sum = sum
                    }
                }
            }
            _ = MetricsAggregator().apply(request, to: &document, now: now)
        }
        return document
    }

    /// A data directory with `users` users, each with a copy of `document`, and an admin token.
    /// `telemetry-bench team-dir DATA_DIR [REQUESTS]`: the team summary over an existing data
    /// directory (the kit's year-old users of step 2b): the first request after a start (reads
    /// every user), REQUESTS later ones (nothing changed), and REQUESTS ones each after one
    /// user's write (the first team summary after the documents changed); and the answer's
    /// size (a year-old team's holds a month of days per user).
    static func runOverDirectory(_ arguments: [String]) throws {
        let directory = DataDirectory(arguments[2])
        let requests = arguments.count > 3 ? Int(arguments[3]) ?? 10 : 10
        let store = StoreConfiguration(durable: false)
        let users = try UserStore(directory: directory, configuration: store).knownUsers()
        let tokens = AdminTokenStore(directory: directory, configuration: store)
        let token = try tokens.add(name: "bench-team-dir").token
        defer { try? tokens.remove(name: "bench-team-dir") }
        let service = ReceiverService(configuration: ServiceConfiguration(dataDirectory: directory, store: store))
        let ingestor = TelemetryIngestor(directory: directory, configuration: store)
        let request = HTTPRequest(
            method: "GET", path: Router.prefix + "/team/summary", headers: ["Authorization": "Bearer \(token)"])
        var answerBytes = 0
        func timed() throws -> Double {
            let started = Timestamp.now()
            let (response, _) = service.handle(request, now: .now())
            guard response.status == .ok else { throw BenchFailure("team summary answered \(response.status)") }
            answerBytes = response.body.count
            return Double(Timestamp.now().nanoseconds - started.nanoseconds) / 1e6
        }
        let first = try timed()
        var unchanged: [Double] = []
        for _ in 0..<requests { unchanged.append(try timed()) }
        var changed: [Double] = []
        for index in 0..<requests {
            let user = users[index % users.count]
            let body = Array(
                #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"claude_code.session.count","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[{"asDouble":1,"startTimeUnixNano":"\#(Timestamp.now().nanoseconds)","timeUnixNano":"\#(Timestamp.now().nanoseconds + 1)"}]}}]}]}]}"#
                    .utf8)
            _ = try ingestor.ingest(.metrics, body: body, format: .json, encoding: .identity, user: user)
            changed.append(try timed())
        }
        unchanged.sort()
        changed.sort()
        print(
            String(
                format:
                    "team-dir users=%d first_ms=%.1f unchanged_p50_ms=%.1f after_one_write_p50_ms=%.1f after_one_write_max_ms=%.1f answer_bytes=%d",
                users.count, first, percentile(unchanged, 0.5), percentile(changed, 0.5), changed.last ?? 0, answerBytes))
    }

    static func population(users: Int, document: AggregateDocument) throws
        -> (ReceiverService, String, String, Int)
    {
        let root = NSTemporaryDirectory() + "team-bench-" + UserID.random().rawValue
        let directory = DataDirectory(root)
        let store = StoreConfiguration(durable: false)
        let userStore = UserStore(directory: directory, configuration: store)
        var bytes = 0
        for index in 0..<users {
            let record = try userStore.add(name: "user \(index)")
            var copy = document
            copy.userId = record.id
            let encoded = AggregateCoding.encode(copy)
            bytes = encoded.count
            let user = try UserID(validating: record.id)
            try Data(encoded).write(to: URL(fileURLWithPath: directory.aggregatePath(user)))
        }
        let token = try AdminTokenStore(directory: directory, configuration: store).add(name: "bench").token
        let service = ReceiverService(configuration: ServiceConfiguration(dataDirectory: directory, store: store))
        return (service, token, root, bytes)
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))]
    }

    static func residentKiB() -> Int { statusField("VmRSS:") }
    static func peakKiB() -> Int { statusField("VmHWM:") }

    static func statusField(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
