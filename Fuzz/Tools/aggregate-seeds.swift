// Writes the aggregate.json seeds of the gzip target: the documents AggregateCoding.encode
// produces for the OTLP fixtures (and, in aggregate-continued.json, the minute-5 requests of
// Fuzz/Targets/gzip/FixedRequests.swift, whose series the gzip target's minute-10 requests
// continue). Built and run by Fuzz/make-seeds.sh; not a fuzz target.
//
//   aggregate-seeds OUT_DIR FIXTURES_DIR

import Foundation
import TelemetryDecoding
import TelemetryReference
import TelemetryStore

@main
struct AggregateSeeds {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            FileHandle.standardError.write(Data("usage: aggregate-seeds OUT_DIR FIXTURES_DIR\n".utf8))
            exit(2)
        }
        let out = URL(fileURLWithPath: arguments[1])
        let fixtures = URL(fileURLWithPath: arguments[2])
        let user = try UserID(validating: "123e4567-e89b-42d3-a456-426614174000")  // Common.swift's fuzzUser
        let now = Timestamp(seconds: 1_795_600_000)
        let decoder = OTLPDecoder()

        func body(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name))) }

        func write(_ name: String, metrics: [String], logs: [String], continued: Bool = false) throws {
            var document = AggregateDocument(user: user)
            for name in metrics {
                let request = try decoder.decodeMetrics(try body(name), format: .protobuf)
                _ = MetricsAggregator().apply(request, to: &document, now: now)
            }
            for name in logs {
                _ = LogsAggregator().apply(try decoder.decodeLogs(try body(name), format: .protobuf), to: &document, now: now)
            }
            if continued {
                _ = MetricsAggregator().apply(FixedRequests.metrics(minute: 5), to: &document, now: now)
                _ = LogsAggregator().apply(FixedRequests.logs(minute: 5), to: &document, now: now)
            }
            try Data(AggregateCoding.encode(document)).write(to: out.appendingPathComponent(name))
        }

        try write("aggregate-empty.json", metrics: [], logs: [])
        try write("aggregate-cumulative.json", metrics: ["metrics-cumulative-1.pb", "metrics-cumulative-2.pb"], logs: [])
        try write("aggregate-logs.json", metrics: [], logs: ["logs.pb"])
        try write("aggregate-continued.json", metrics: ["metrics-kinds.pb"], logs: [], continued: true)
        try write(
            "aggregate-full.json",
            metrics: ["metrics-delta.pb", "metrics-kinds.pb", "metrics-cumulative-1.pb", "metrics-cumulative-3.pb"],
            logs: ["logs.pb"])
    }
}
