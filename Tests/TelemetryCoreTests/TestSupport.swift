// Shared helpers for the TelemetryCore tests: fixtures, the fixture scenario's values, request
// builders, the published view of a document, temporary directories, zlib and threads.

import CZlib
import Foundation
import OTLPProto
import SwiftProtobuf
import Testing

@testable import TelemetryDecoding
@testable import TelemetryReference
@testable import TelemetryStore

typealias MetricsRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
typealias OTLPMetric = Opentelemetry_Proto_Metrics_V1_Metric
typealias OTLPNumberPoint = Opentelemetry_Proto_Metrics_V1_NumberDataPoint
typealias OTLPHistogramPoint = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint
typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias OTLPAnyValue = Opentelemetry_Proto_Common_V1_AnyValue
typealias OTLPLogRecord = Opentelemetry_Proto_Logs_V1_LogRecord
typealias Temporality = Opentelemetry_Proto_Metrics_V1_AggregationTemporality

// MARK: - Fixtures

enum TestError: Error, CustomStringConvertible {
    case missing(String)
    case unexpected(String)

    var description: String {
        switch self {
        case .missing(let what): "missing: \(what)"
        case .unexpected(let what): "unexpected: \(what)"
        }
    }
}

enum Fixtures {
    static var directory: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw TestError.missing("Fixtures resource folder")
            }
            return url
        }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try directory.appendingPathComponent(name)))
    }

    /// The format and encoding implied by a fixture's file name (`.pb`, `.json`, optional `.gz`).
    static func kind(_ name: String) -> (PayloadFormat, ContentEncoding) {
        let encoding: ContentEncoding = name.hasSuffix(".gz") ? .gzip : .identity
        let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        return (base.hasSuffix(".json") ? .json : .protobuf, encoding)
    }

    static func metrics(_ name: String, decoder: OTLPDecoder = OTLPDecoder()) throws -> MetricsRequest {
        let (format, encoding) = kind(name)
        return try decoder.decodeMetrics(try bytes(name), format: format, encoding: encoding)
    }

    static func logs(_ name: String, decoder: OTLPDecoder = OTLPDecoder()) throws -> LogsRequest {
        let (format, encoding) = kind(name)
        return try decoder.decodeLogs(try bytes(name), format: format, encoding: encoding)
    }
}

// MARK: - The fixture scenario (scripts/fixture_scenario.py)

enum Scenario {
    static let nanosPerSecond: UInt64 = 1_000_000_000
    /// 2026-11-24T10:00:00Z
    static let t0: UInt64 = 1_795_514_400 * nanosPerSecond
    static let t1: UInt64 = t0 + 60 * nanosPerSecond
    static func at(_ seconds: UInt64) -> UInt64 { t0 + seconds * nanosPerSecond }
    static let day = "2026-11-24"

    static let sonnet = "claude-sonnet-4-5"
    static let haiku = "claude-haiku-4-5"

    static let identity: [(String, String)] = [
        ("user.id", "7f3a9c"),
        ("session.id", "sess-1"),
        ("app.version", "2.0.50"),
        ("terminal.type", "vscode"),
        ("organization.id", "org-1"),
        ("user.email", "dev@example.com"),
        ("user.account_uuid", "acc-1"),
    ]
    static var identityAttributes: [OTLPKeyValue] { identity.map { kv($0.0, $0.1) } }

    static var resource: Opentelemetry_Proto_Resource_V1_Resource {
        var resource = Opentelemetry_Proto_Resource_V1_Resource()
        resource.attributes = [
            kv("service.name", "claude-code"), kv("service.version", "2.0.50"),
            kv("os.type", "linux"), kv("host.arch", "amd64"),
        ]
        return resource
    }

    static func scope(_ name: String) -> Opentelemetry_Proto_Common_V1_InstrumentationScope {
        var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        scope.name = name
        scope.version = "2.0.50"
        return scope
    }

    static let meterScope = "com.anthropic.claude_code"
    static let loggerScope = "com.anthropic.claude_code.events"
}

// MARK: - Building OTLP messages

func anyValue(_ text: String) -> OTLPAnyValue {
    var value = OTLPAnyValue()
    value.stringValue = text
    return value
}

func kv(_ key: String, _ text: String) -> OTLPKeyValue {
    var entry = OTLPKeyValue()
    entry.key = key
    entry.value = anyValue(text)
    return entry
}

func kv(_ key: String, int: Int64) -> OTLPKeyValue {
    var entry = OTLPKeyValue()
    entry.key = key
    entry.value.intValue = int
    return entry
}

func kv(_ key: String, double: Double) -> OTLPKeyValue {
    var entry = OTLPKeyValue()
    entry.key = key
    entry.value.doubleValue = double
    return entry
}

func kv(_ key: String, bool: Bool) -> OTLPKeyValue {
    var entry = OTLPKeyValue()
    entry.key = key
    entry.value.boolValue = bool
    return entry
}

/// A number point carrying the identity attributes followed by `attributes`.
func numberPoint(
    _ attributes: [OTLPKeyValue], _ value: Double, start: UInt64 = Scenario.t0,
    time: UInt64 = Scenario.t1, identity: Bool = true
) -> OTLPNumberPoint {
    var point = OTLPNumberPoint()
    point.attributes = (identity ? Scenario.identityAttributes : []) + attributes
    point.startTimeUnixNano = start
    point.timeUnixNano = time
    point.asDouble = value
    return point
}

func intPoint(
    _ attributes: [OTLPKeyValue], _ value: Int64, start: UInt64 = Scenario.t0,
    time: UInt64 = Scenario.t1
) -> OTLPNumberPoint {
    var point = OTLPNumberPoint()
    point.attributes = Scenario.identityAttributes + attributes
    point.startTimeUnixNano = start
    point.timeUnixNano = time
    point.asInt = value
    return point
}

func sumMetric(
    _ name: String, _ points: [OTLPNumberPoint], temporality: Temporality = .delta,
    monotonic: Bool = true, description: String = "", unit: String = ""
) -> OTLPMetric {
    var metric = OTLPMetric()
    metric.name = name
    metric.description_p = description
    metric.unit = unit
    var sum = Opentelemetry_Proto_Metrics_V1_Sum()
    sum.dataPoints = points
    sum.aggregationTemporality = temporality
    sum.isMonotonic = monotonic
    metric.sum = sum
    return metric
}

func gaugeMetric(_ name: String, _ points: [OTLPNumberPoint]) -> OTLPMetric {
    var metric = OTLPMetric()
    metric.name = name
    var gauge = Opentelemetry_Proto_Metrics_V1_Gauge()
    gauge.dataPoints = points
    metric.gauge = gauge
    return metric
}

func histogramPoint(
    _ attributes: [OTLPKeyValue], count: UInt64, sum: Double?, start: UInt64 = Scenario.t0,
    time: UInt64 = Scenario.t1
) -> OTLPHistogramPoint {
    var point = OTLPHistogramPoint()
    point.attributes = Scenario.identityAttributes + attributes
    point.startTimeUnixNano = start
    point.timeUnixNano = time
    point.count = count
    if let sum { point.sum = sum }
    return point
}

func histogramMetric(_ name: String, _ points: [OTLPHistogramPoint], temporality: Temporality = .delta) -> OTLPMetric {
    var metric = OTLPMetric()
    metric.name = name
    var histogram = Opentelemetry_Proto_Metrics_V1_Histogram()
    histogram.dataPoints = points
    histogram.aggregationTemporality = temporality
    metric.histogram = histogram
    return metric
}

/// One resource (the scenario's) and one scope (the meter's) around `metrics`.
func metricsRequest(_ metrics: [OTLPMetric]) -> MetricsRequest {
    var scopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
    scopeMetrics.scope = Scenario.scope(Scenario.meterScope)
    scopeMetrics.metrics = metrics
    var resourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
    resourceMetrics.resource = Scenario.resource
    resourceMetrics.scopeMetrics = [scopeMetrics]
    var request = MetricsRequest()
    request.resourceMetrics = [resourceMetrics]
    return request
}

/// A Claude Code event record: body `claude_code.<name>`, `event.name`, identity, then `attributes`.
func eventRecord(_ name: String, _ attributes: [OTLPKeyValue], time: UInt64) -> OTLPLogRecord {
    var record = OTLPLogRecord()
    record.timeUnixNano = time
    record.observedTimeUnixNano = time
    record.severityNumber = 9
    record.body = anyValue("claude_code.\(name)")
    record.attributes = [kv("event.name", name)] + Scenario.identityAttributes + attributes
    return record
}

func logsRequest(_ records: [OTLPLogRecord]) -> LogsRequest {
    var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
    scopeLogs.scope = Scenario.scope(Scenario.loggerScope)
    scopeLogs.logRecords = records
    var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
    resourceLogs.resource = Scenario.resource
    resourceLogs.scopeLogs = [scopeLogs]
    var request = LogsRequest()
    request.resourceLogs = [resourceLogs]
    return request
}

/// A small delta batch for one user: one session, `input` input tokens, at a distinct time.
func smallDeltaBatch(sequence: UInt64, input: Double = 10) -> MetricsRequest {
    let start = Scenario.t0 + sequence * 1_000
    let time = start + 500
    return metricsRequest([
        sumMetric(MetricName.sessionCount, [numberPoint([], 1, start: start, time: time)]),
        sumMetric(
            MetricName.tokenUsage,
            [
                numberPoint([kv("type", "input"), kv("model", Scenario.sonnet)], input, start: start, time: time)
            ]),
    ])
}

// MARK: - The published document

let testUser = try! UserID(validating: "123e4567-e89b-42d3-a456-426614174000")
let fixedNow = Timestamp(seconds: 1_795_600_000)

/// `aggregate.json` as a dashboard reads it: `AggregateCoding.encode` parsed with JSONSerialization.
struct Published {
    let bytes: [UInt8]
    let root: [String: Any]

    init(_ document: AggregateDocument) throws {
        try self.init(bytes: AggregateCoding.encode(document))
    }

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        guard let root = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw TestError.unexpected("aggregate document is not a JSON object")
        }
        self.root = root
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The value at a path of object keys, e.g. `value("models", "claude-sonnet-4-5", "inputTokens")`.
    func value(_ path: String...) -> Any? { value(path) }

    func value(_ path: [String]) -> Any? {
        var current: Any? = root
        for key in path {
            guard let object = current as? [String: Any] else { return nil }
            current = object[key]
        }
        return current
    }

    func object(_ path: String...) -> [String: Any]? { value(path) as? [String: Any] }

    /// A number at `path`; nil when absent or not a number.
    func number(_ path: String...) -> Double? {
        guard let number = value(path) as? NSNumber else { return nil }
        return number.doubleValue
    }

    /// An integral number at `path`; nil when absent, not a number, or written with a fraction.
    func integer(_ path: String...) -> Int? {
        guard let number = value(path) as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double else { return nil }
        return number.intValue
    }

    func string(_ path: String...) -> String? { value(path) as? String }

    func keys(_ path: String...) -> Set<String> { Set((value(path) as? [String: Any])?.keys.map { $0 } ?? []) }
}

/// Applies a request to a fresh document and returns both.
func aggregate(
    metrics requests: [MetricsRequest] = [], logs logRequests: [LogsRequest] = [],
    limits: AggregationLimits = AggregationLimits()
) -> AggregateDocument {
    var document = AggregateDocument(user: testUser, limits: limits)
    for request in requests { _ = MetricsAggregator(limits: limits).apply(request, to: &document, now: fixedNow) }
    for request in logRequests { _ = LogsAggregator(limits: limits).apply(request, to: &document, now: fixedNow) }
    return document
}

// MARK: - Temporary data directories

/// A fresh directory from mkdtemp under /tmp; the caller removes it.
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/telemetry-core-tests.XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { buffer -> String? in
        guard let result = mkdtemp(buffer.baseAddress!) else { return nil }
        return String(cString: result)
    }
    guard let path else { throw TestError.unexpected("mkdtemp failed: errno \(errno)") }
    return path
}

/// A fresh directory from mkdtemp under /tmp, removed afterwards.
@discardableResult
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A temporary data directory with one user created through `UserStore.add`.
struct TestStore {
    let root: String
    let directory: DataDirectory
    let configuration: StoreConfiguration
    let user: UserID
    let limits: AggregationLimits
    let ingestor: TelemetryIngestor

    init(
        root: String, configuration: StoreConfiguration = StoreConfiguration(durable: false),
        limits: AggregationLimits = AggregationLimits()
    ) throws {
        self.root = root
        directory = DataDirectory(root + "/data")
        self.configuration = configuration
        let record = try UserStore(directory: directory, configuration: configuration).add(name: "Test User", now: fixedNow)
        user = try UserID(validating: record.id)
        self.limits = limits
        ingestor = TelemetryIngestor(directory: directory, configuration: configuration, limits: limits)
    }

    var aggregatePath: String { directory.aggregatePath(user) }
    var lockPath: String { directory.lockPath(user) }

    /// The current document's bytes: `aggregate.json` with the journal folded in, as every
    /// reader sees it (`aggregateFileBytes` is the file alone).
    func aggregateBytes() throws -> [UInt8] {
        guard let stored = try AggregateStore(directory: directory, configuration: configuration, limits: limits).readStored(user)
        else {
            throw CocoaError(.fileNoSuchFile)
        }
        return stored.bytes
    }

    func aggregateFileBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: aggregatePath)))
    }

    func published() throws -> Published { try Published(bytes: try aggregateBytes()) }

    @discardableResult
    func ingest(_ request: MetricsRequest, now: Timestamp = fixedNow) throws -> ApplyReport {
        try ingestor.ingest(
            .metrics, body: try request.serializedBytes(), format: .protobuf, encoding: .identity,
            user: user, now: now)
    }

    @discardableResult
    func ingest(_ request: LogsRequest, now: Timestamp = fixedNow) throws -> ApplyReport {
        try ingestor.ingest(
            .logs, body: try request.serializedBytes(), format: .protobuf, encoding: .identity,
            user: user, now: now)
    }
}

func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

// MARK: - zlib

enum CompressionFormat {
    case gzip, zlib, rawDeflate

    var windowBits: Int32 {
        switch self {
        case .gzip: 15 + 16
        case .zlib: 15
        case .rawDeflate: -15
        }
    }
}

/// Compresses with zlib's deflate in the given container format.
func compress(_ input: [UInt8], _ format: CompressionFormat, level: Int32 = 9) throws -> [UInt8] {
    var stream = z_stream()
    let status = deflateInit2_(
        &stream, level, Z_DEFLATED, format.windowBits, 8, Z_DEFAULT_STRATEGY,
        zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else { throw TestError.unexpected("deflateInit2 failed: \(status)") }
    defer { deflateEnd(&stream) }
    var output = [UInt8]()
    var input = input
    let chunkSize = 64 * 1024
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    var result: Int32 = Z_OK
    input.withUnsafeMutableBufferPointer { inputBuffer in
        stream.next_in = inputBuffer.baseAddress
        stream.avail_in = UInt32(inputBuffer.count)
        repeat {
            let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(chunkSize)
                result = deflate(&stream, Z_FINISH)
                return chunkSize - Int(stream.avail_out)
            }
            output.append(contentsOf: chunk[0..<produced])
        } while result == Z_OK
    }
    guard result == Z_STREAM_END else { throw TestError.unexpected("deflate failed: \(result)") }
    return output
}

// MARK: - Threads

/// Runs `body(index)` on `count` new threads at once and waits for all of them.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// A value shared between threads.
final class Shared<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    func update<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&stored)
    }
    var value: Value { update { $0 } }
}

// MARK: - Comparisons

func isClose(_ a: Double?, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}

// MARK: - Serialising

func protobufBytes(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
    try message.serializedBytes()
}

func jsonBytes(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
    try message.jsonUTF8Bytes()
}

// MARK: - The fixture scenario rebuilt with the generated types
//
// scripts/fixture_scenario.py message by message, so decoded fixtures can be compared with `==`
// field for field.

enum ScenarioMessages {
    // MARK: metrics-delta

    static func metricsDelta() -> MetricsRequest {
        let s = Scenario.sonnet
        let h = Scenario.haiku
        return metricsRequest([
            sumMetric(
                "claude_code.session.count", [numberPoint([kv("start_type", "fresh")], 1)],
                description: "Count of CLI sessions started"),
            sumMetric(
                "claude_code.token.usage",
                [
                    numberPoint([kv("type", "input"), kv("model", s)], 1500),
                    numberPoint([kv("type", "output"), kv("model", s)], 300),
                    numberPoint([kv("type", "cacheRead"), kv("model", s)], 12000),
                    numberPoint([kv("type", "cacheCreation"), kv("model", s)], 800),
                    numberPoint([kv("type", "input"), kv("model", h)], 200),
                    numberPoint([kv("type", "output"), kv("model", h)], 50),
                ], description: "Number of tokens used", unit: "tokens"),
            sumMetric(
                "claude_code.cost.usage",
                [
                    numberPoint([kv("model", s)], 0.0123),
                    numberPoint([kv("model", h)], 0.0004),
                ], description: "Cost of the Claude Code session", unit: "USD"),
            sumMetric(
                "claude_code.lines_of_code.count",
                [
                    numberPoint([kv("type", "added")], 42),
                    numberPoint([kv("type", "removed")], 7),
                ], description: "Count of lines of code modified"),
            sumMetric("claude_code.commit.count", [numberPoint([], 2)], description: "Number of git commits created"),
            sumMetric(
                "claude_code.pull_request.count", [numberPoint([], 1)],
                description: "Number of pull requests created"),
            sumMetric(
                "claude_code.code_edit_tool.decision",
                [
                    numberPoint(
                        [
                            kv("tool_name", "Edit"), kv("decision", "accept"), kv("source", "config"),
                            kv("language", "Swift"),
                        ], 3),
                    numberPoint(
                        [
                            kv("tool_name", "Write"), kv("decision", "reject"), kv("source", "user_reject"),
                            kv("language", "Python"),
                        ], 1),
                    numberPoint(
                        [
                            kv("tool", "Edit"), kv("decision", "accept"), kv("source", "config"),
                            kv("language", "Swift"),
                        ], 1),
                ], description: "Count of code editing tool permission decisions"),
            sumMetric(
                "claude_code.active_time.total",
                [
                    numberPoint([kv("type", "user")], 90.5),
                    numberPoint([kv("type", "cli")], 29.5),
                ], description: "Total active time in seconds", unit: "s"),
        ])
    }

    // MARK: metrics-cumulative-N

    static let cumulativeSteps: [(start: UInt64, time: UInt64, value: Double)] = [
        (Scenario.t0, Scenario.at(60), 1000),
        (Scenario.t0, Scenario.at(120), 1500),
        (Scenario.at(150), Scenario.at(180), 200),
    ]

    static func metricsCumulative(_ step: Int) -> MetricsRequest {
        let (start, time, value) = cumulativeSteps[step - 1]
        return metricsRequest([
            sumMetric(
                "claude_code.token.usage",
                [numberPoint([kv("type", "input"), kv("model", Scenario.sonnet)], value, start: start, time: time)],
                temporality: .cumulative, description: "Number of tokens used", unit: "tokens")
        ])
    }

    // MARK: metrics-kinds

    static func metricsKinds() -> MetricsRequest {
        var tokenInput = histogramPoint(
            [kv("gen_ai.token.type", "input"), kv("gen_ai.request.model", Scenario.sonnet)],
            count: 2, sum: 700)
        tokenInput.bucketCounts = [0, 1, 1]
        tokenInput.explicitBounds = [100, 500]
        tokenInput.min = 200
        tokenInput.max = 500
        var tokenOutput = histogramPoint(
            [kv("gen_ai.token.type", "output"), kv("gen_ai.request.model", Scenario.sonnet)],
            count: 2, sum: 90)
        tokenOutput.bucketCounts = [2, 0, 0]
        tokenOutput.explicitBounds = [100, 500]
        tokenOutput.min = 40
        tokenOutput.max = 50
        var tokens = histogramMetric("gen_ai.client.token.usage", [tokenInput, tokenOutput])
        tokens.description_p = "Measures number of input and output tokens used"
        tokens.unit = "{token}"

        var durationPoint = histogramPoint([kv("gen_ai.request.model", Scenario.sonnet)], count: 2, sum: 3.5)
        durationPoint.bucketCounts = [0, 2]
        durationPoint.explicitBounds = [1]
        durationPoint.min = 1.5
        durationPoint.max = 2
        var duration = histogramMetric("gen_ai.client.operation.duration", [durationPoint])
        duration.description_p = "GenAI operation duration"
        duration.unit = "s"

        // The encoders drop a gauge's start time.
        var gauge = gaugeMetric("example.gauge", [numberPoint([], 0.75, start: 0)])
        gauge.description_p = "An example gauge"
        gauge.unit = "1"

        var expPoint = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint()
        expPoint.attributes = Scenario.identityAttributes
        expPoint.startTimeUnixNano = Scenario.t0
        expPoint.timeUnixNano = Scenario.t1
        expPoint.count = 3
        expPoint.sum = 6
        expPoint.scale = 1
        expPoint.zeroCount = 1
        var positive = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint.Buckets()
        positive.offset = 0
        positive.bucketCounts = [1, 1]
        expPoint.positive = positive
        expPoint.min = 0
        expPoint.max = 2
        var expHistogram = Opentelemetry_Proto_Metrics_V1_ExponentialHistogram()
        expHistogram.dataPoints = [expPoint]
        expHistogram.aggregationTemporality = .delta
        var exp = OTLPMetric()
        exp.name = "example.exphist"
        exp.description_p = "An example exponential histogram"
        exp.unit = "1"
        exp.exponentialHistogram = expHistogram

        return metricsRequest([
            sumMetric(
                "claude_code.tool.usage", [intPoint([kv("tool_name", "Bash")], 4), intPoint([kv("tool_name", "Read")], 6)],
                description: "Number of tool calls"),
            tokens, duration, gauge, exp,
        ])
    }

    // MARK: logs

    /// (event name, specific attributes, traced?, name only in LogRecord.event_name?)
    static let logEvents: [(String, [OTLPKeyValue], Bool, Bool)] = [
        (
            "api_request",
            [
                kv("model", Scenario.sonnet), kv("cost_usd", "0.0123"), kv("duration_ms", "2300"), kv("input_tokens", "1500"),
                kv("output_tokens", "300"), kv("cache_read_tokens", "12000"), kv("cache_creation_tokens", "800"),
                kv("request_id", "req_01"),
            ], true, false
        ),
        (
            "api_request",
            [
                kv("model", Scenario.haiku), kv("cost_usd", double: 0.0004), kv("cost_usd_micros", int: 400),
                kv("duration_ms", int: 450), kv("input_tokens", int: 200), kv("output_tokens", int: 50),
                kv("cache_read_tokens", int: 0), kv("cache_creation_tokens", int: 0), kv("request_id", "req_02"),
                kv("speed", "normal"), kv("query_source", "main"), kv("effort", "medium"),
            ], true, false
        ),
        (
            "api_error",
            [
                kv("model", Scenario.sonnet), kv("error", "Overloaded"), kv("status_code", "529"), kv("duration_ms", "1200"),
                kv("attempt", int: 1), kv("request_id", "req_03"),
            ], true, false
        ),
        (
            "api_error",
            [
                kv("model", Scenario.sonnet), kv("error", "Rate limited"), kv("status_code", int: 429),
                kv("duration_ms", int: 10), kv("attempt", int: 2),
            ], true, false
        ),
        (
            "tool_result",
            [
                kv("tool_name", "Bash"), kv("tool_use_id", "tu_1"), kv("success", "true"), kv("duration_ms", "120"),
            ], false, false
        ),
        (
            "tool_result",
            [
                kv("tool_name", "Bash"), kv("tool_use_id", "tu_2"), kv("success", bool: false), kv("duration_ms", int: 80),
                kv("error_type", "exit_code"), kv("error", "exit status 1"),
            ], false, false
        ),
        (
            "tool_result",
            [
                kv("tool_name", "Edit"), kv("tool_use_id", "tu_3"), kv("success", bool: true), kv("duration_ms", int: 15),
                kv("decision_type", "accept"), kv("decision_source", "config"),
            ], false, false
        ),
        (
            "tool_decision",
            [
                kv("tool_name", "Edit"), kv("decision", "accept"), kv("source", "config"), kv("tool_use_id", "tu_3"),
            ], false, false
        ),
        (
            "tool_decision",
            [
                kv("tool_name", "Write"), kv("decision", "reject"), kv("source", "user_reject"), kv("tool_use_id", "tu_4"),
            ], false, false
        ),
        ("user_prompt", [kv("prompt_length", "42"), kv("prompt", "<REDACTED>")], false, false),
        ("user_prompt", [kv("prompt_length", int: 17), kv("prompt", "secret text here!")], false, false),
        ("compaction", [kv("trigger", "auto")], false, false),
        (
            "api_request",
            [
                kv("model", Scenario.sonnet), kv("cost_usd", double: 0.001), kv("input_tokens", int: 10),
                kv("output_tokens", int: 5), kv("cache_read_tokens", int: 0), kv("cache_creation_tokens", int: 0),
                kv("request_id", "req_04"),
            ], false, true
        ),
    ]

    static func logRecord(_ k: Int) -> OTLPLogRecord {
        let (name, specific, traced, nameOnlyInField) = logEvents[k - 1]
        let time = Scenario.at(UInt64(k))
        var record = OTLPLogRecord()
        record.timeUnixNano = time
        record.observedTimeUnixNano = time
        record.severityNumber = 9
        if nameOnlyInField {
            record.body = OTLPAnyValue()  // present, without a value
            record.eventName = name
        } else {
            record.body = anyValue("claude_code.\(name)")
        }
        let timestamp = "2026-11-24T10:00:" + (k < 10 ? "0\(k)" : "\(k)") + ".000Z"
        record.attributes =
            (nameOnlyInField ? [] : [kv("event.name", name)]) + Scenario.identityAttributes
            + [kv("event.timestamp", timestamp), kv("event.sequence", int: Int64(k)), kv("prompt.id", "p-1")] + specific
        if traced { record.flags = 1 }
        return record
    }

    static func logs() -> LogsRequest {
        logsRequest((1...13).map(logRecord))
    }
}
