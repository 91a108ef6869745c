import Foundation
import OTLPProto
import TelemetryDecoding
import TelemetryReference
import TelemetryStore

/// Microbenchmarks of the core (no HTTP), used by Benchmarks/run.sh and for profiling:
///
///     telemetry-bench decode FIXTURE_DIR            decode throughput, protobuf and JSON (and
///                                                   swift-protobuf's, for comparison)
///     telemetry-bench decode-protobuf FIXTURE_DIR   the hand-written protobuf path alone
///     telemetry-bench codec FIXTURE_DIR [BATCHES [encode|decode]]
///                                                   aggregate.json coding and batch application
///                                                   for a document grown by BATCHES batches
///     telemetry-bench team FIXTURE_DIR [USERS [REQUESTS [RSS_USERS RSS_REQUESTS]]]
///                                                   the team summary over USERS realistic users,
///                                                   then RSS over RSS_REQUESTS team requests
///     telemetry-bench team-dir DATA_DIR [REQUESTS] the team summary over an existing data
///                                                   directory: first, unchanged, after one write
///     telemetry-bench load FILE USER [readers]      decode and encode one stored aggregate.json
///     telemetry-bench write FILE USER [WRITES]      one write to a user whose aggregate.json is
///                                                   FILE against one to a new user, in process
///     telemetry-bench scrape FIXTURE_DIR [USERS [SCRAPES]]
///                                                   one Prometheus scrape over USERS users; RSS
///                                                   over SCRAPES scrapes

func measure(_ label: String, bytes: Int, iterations: Int, _ body: () throws -> Void) rethrows {
    let start = Timestamp.now()
    for _ in 0..<iterations { try body() }
    let seconds = Double(Timestamp.now().nanoseconds - start.nanoseconds) / 1e9
    let perCall = seconds / Double(iterations) * 1e6
    let throughput = Double(bytes * iterations) / seconds / 1e6
    print(
        String(
            format: "%-34@ %10.1f us/batch %10.1f MB/s  (%d bytes, %d iterations)",
            label as NSString, perCall, throughput, bytes, iterations))
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print(
        "usage: telemetry-bench decode|decode-protobuf FIXTURE_DIR | codec FIXTURE_DIR [BATCHES [encode|decode]]"
            + " | team FIXTURE_DIR [USERS [REQUESTS [RSS_USERS RSS_REQUESTS]]] | scrape FIXTURE_DIR [USERS [SCRAPES]]")
    exit(64)
}

switch arguments[1] {
case "decode":
    let directory = arguments[2]
    let decoder = OTLPDecoder()
    for (name, format, signal) in [
        ("metrics-delta.pb", PayloadFormat.protobuf, Signal.metrics), ("metrics-delta.json", .json, .metrics),
        ("logs.pb", .protobuf, .logs), ("logs.json", .json, .logs),
        ("metrics-kinds.json", .json, .metrics), ("metrics-cumulative-1.json", .json, .metrics),
        ("traces.pb", .protobuf, .traces), ("traces.json", .json, .traces),
    ] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
        try measure("decode \(name)", bytes: bytes.count, iterations: 5000) {
            switch signal {
            case .metrics: _ = try decoder.decodeMetricsBatch(bytes, format: format)
            case .logs: _ = try decoder.decodeLogsBatch(bytes, format: format)
            case .traces: _ = try decoder.decodeTracesBatch(bytes, format: format)
            }
        }
        // Traces have no swift-protobuf messages to compare with.
        if signal == .traces { continue }
        if format == .protobuf {
            try measure("  (swift-protobuf messages)", bytes: bytes.count, iterations: 5000) {
                switch signal {
                case .metrics: _ = try decoder.decodeMetrics(bytes, format: format)
                case .logs: _ = try decoder.decodeLogs(bytes, format: format)
                case .traces: preconditionFailure("skipped above")
                }
            }
        } else {
            // The JSON path before the hand-written decoder: messages, then the conversion.
            try measure("  (swift-protobuf + conversion)", bytes: bytes.count, iterations: 5000) {
                switch signal {
                case .metrics: _ = MetricsBatch(try decoder.decodeMetrics(bytes, format: format))
                case .logs: _ = LogsBatch(try decoder.decodeLogs(bytes, format: format))
                case .traces: preconditionFailure("skipped above")
                }
            }
        }
    }
case "decode-protobuf":
    // Only the hand-written protobuf path, for profiling.
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2] + "/metrics-delta.pb")))
    let decoder = OTLPDecoder()
    try measure("decode metrics-delta.pb", bytes: bytes.count, iterations: 50000) {
        _ = try decoder.decodeMetricsBatch(bytes, format: .protobuf)
    }
case "codec":
    // Cost of reading and writing one aggregate document of a user who has sent `COUNT` log
    // batches and metric batches (a realistic, grown document).
    let directory = arguments[2]
    let count = arguments.count > 3 ? Int(arguments[3]) ?? 100 : 100
    let logs = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/logs.pb")))
    let metrics = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/metrics-delta.pb")))
    let decoder = OTLPDecoder()
    var logRequest = try decoder.decodeLogs(logs, format: .protobuf)
    var metricRequest = try decoder.decodeMetrics(metrics, format: .protobuf)
    let user = UserID.random()
    var document = AggregateDocument(user: user)
    for index in 0..<count {
        // Shift every timestamp so each batch is new (not a replay).
        let shift = UInt64(index) * 60_000_000_000
        for r in logRequest.resourceLogs.indices {
            for s in logRequest.resourceLogs[r].scopeLogs.indices {
                for l in logRequest.resourceLogs[r].scopeLogs[s].logRecords.indices {
                    logRequest.resourceLogs[r].scopeLogs[s].logRecords[l].timeUnixNano += 60_000_000_000
                    logRequest.resourceLogs[r].scopeLogs[s].logRecords[l].attributes.removeAll { $0.key == "request_id" }
                }
            }
        }
        for r in metricRequest.resourceMetrics.indices {
            for s in metricRequest.resourceMetrics[r].scopeMetrics.indices {
                for m in metricRequest.resourceMetrics[r].scopeMetrics[s].metrics.indices {
                    guard case .sum(var sum) = metricRequest.resourceMetrics[r].scopeMetrics[s].metrics[m].data else { continue }
                    for p in sum.dataPoints.indices {
                        sum.dataPoints[p].startTimeUnixNano = 1_795_514_400_000_000_000 + shift
                        sum.dataPoints[p].timeUnixNano = 1_795_514_460_000_000_000 + shift
                    }
                    metricRequest.resourceMetrics[r].scopeMetrics[s].metrics[m].sum = sum
                }
            }
        }
        _ = LogsAggregator().apply(logRequest, to: &document, now: .now())
        _ = MetricsAggregator().apply(metricRequest, to: &document, now: .now())
    }
    let encoded = AggregateCoding.encode(document)
    let only = arguments.count > 4 ? arguments[4] : "all"
    if only == "decode" {
        try measure("decode aggregate (\(count) batches)", bytes: encoded.count, iterations: 20000) {
            _ = try AggregateCoding.decode(encoded, expectedUser: user, limits: AggregationLimits())
        }
        exit(0)
    }
    if only == "encode" {
        measure("encode aggregate (\(count) batches)", bytes: encoded.count, iterations: 20000) {
            _ = AggregateCoding.encode(document)
        }
        exit(0)
    }
    measure("encode aggregate (\(count) batches)", bytes: encoded.count, iterations: 500) {
        _ = AggregateCoding.encode(document)
    }
    try measure("decode aggregate (\(count) batches)", bytes: encoded.count, iterations: 500) {
        _ = try AggregateCoding.decode(encoded, expectedUser: user, limits: AggregationLimits())
    }
    measure("apply logs.pb", bytes: logs.count, iterations: 500) {
        var copy = document
        _ = LogsAggregator().apply(logRequest, to: &copy, now: .now())
    }
    measure("apply metrics-delta.pb", bytes: metrics.count, iterations: 500) {
        var copy = document
        _ = MetricsAggregator().apply(metricRequest, to: &copy, now: .now())
    }
case "load":
    // load FILE USER [readers]: the cost of reading and writing one stored aggregate.json (e.g.
    // the kit's year-old user), as stored and as this version would store it.
    let stored = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
    guard arguments.count > 3, let user = try? UserID(validating: arguments[3]) else { fatalError("usage: load FILE USER") }
    let document = try AggregateCoding.decode(stored, expectedUser: user, limits: AggregationLimits())
    let current = AggregateCoding.encode(document)
    for (label, bytes) in [("as stored", stored), ("as written now", current)] {
        if arguments.count <= 4 || arguments[4] != "readers" {
            try measure("decode (\(label))", bytes: bytes.count, iterations: 50) {
                _ = try AggregateCoding.decode(bytes, expectedUser: user, limits: AggregationLimits())
            }
        }
        try measure("decode, readers' way (\(label))", bytes: bytes.count, iterations: 50) {
            _ = try AggregateCoding.decode(bytes, expectedUser: user, limits: AggregationLimits(), skippingState: true)
        }
    }
    measure("encode", bytes: current.count, iterations: 50) {
        _ = AggregateCoding.encode(document)
    }
    // The binary copy written next to it at each fold, made for a file of that identity.
    let copyPath = NSTemporaryDirectory() + "/telemetry-bench-\(getpid()).json"
    try Data(current).write(to: URL(fileURLWithPath: copyPath))
    defer { try? FileManager.default.removeItem(atPath: copyPath) }
    guard let identity = try FileIdentity.of(copyPath) else { fatalError("cannot stat \(copyPath)") }
    let copy = BinaryCopy.encode(document, of: identity)
    precondition(BinaryCopy.decode(copy, of: identity, user: user, limits: AggregationLimits()) == document)
    measure("binary copy: encode", bytes: copy.count, iterations: 50) {
        _ = BinaryCopy.encode(document, of: identity)
    }
    measure("binary copy: decode", bytes: copy.count, iterations: 50) {
        _ = BinaryCopy.decode(copy, of: identity, user: user, limits: AggregationLimits())
    }
    measure("binary copy: decode, readers' way", bytes: copy.count, iterations: 50) {
        _ = BinaryCopy.decode(copy, of: identity, user: user, limits: AggregationLimits(), skippingState: true)
    }
case "write":
    try WriteBench.run(arguments)
case "team":
    try TeamBench.run(arguments)
case "team-dir":
    try TeamBench.runOverDirectory(arguments)
case "scrape", "scrape-dir":
    try ScrapeBenchmark.run(arguments)
default:
    print("unknown command \(arguments[1])")
    exit(64)
}
