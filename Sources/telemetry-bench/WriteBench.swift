import Foundation
import TelemetryDecoding
import TelemetryStore

/// `telemetry-bench write FILE USER [WRITES [cold]]`: the cost of one write in this process (no HTTP,
/// no fsync), alternately to a user whose `aggregate.json` is FILE (e.g. the kit's year-old
/// user, given a new id) and to a new user, each write a distinct small metrics request. Prints
/// the medians and their ratio; under `perf record` it shows where a write's time goes.
///
/// With `cold` as a fifth argument the year-old writes go round 40 copies of the user (`cold=N`:
/// N copies), more than the process's document cache holds, so each one loads the user from the
/// files (as over the kit's 100 and 1 000 year-old users).
enum WriteBench {
    static func run(_ arguments: [String]) throws {
        guard arguments.count > 3, let source = try? UserID(validating: arguments[3]) else {
            fatalError("usage: write FILE USER [WRITES [cold]]")
        }
        let writes = arguments.count > 4 ? Int(arguments[4]) ?? 400 : 400
        let root = NSTemporaryDirectory() + "/telemetry-bench-write-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = DataDirectory(root)
        let configuration = StoreConfiguration(durable: false)
        let users = UserStore(directory: directory, configuration: configuration)
        let cold = arguments.count > 5 && arguments[5].hasPrefix("cold")
        let copies = cold ? Int(arguments[5].dropFirst("cold=".count)) ?? 40 : 1
        var olds: [UserID] = []
        var document = try AggregateCoding.decode(
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2]))), expectedUser: source,
            limits: AggregationLimits())
        for index in 0..<copies {
            let old = try UserID(validating: try users.add(name: "Year old \(index)", now: .now()).id)
            document.userId = old.rawValue
            try Data(AggregateCoding.encode(document)).write(to: URL(fileURLWithPath: directory.aggregatePath(old)))
            olds.append(old)
        }
        let new = try UserID(validating: try users.add(name: "New", now: .now()).id)

        let ingestor = TelemetryIngestor(directory: directory, configuration: configuration)
        let base = UInt64(Date().timeIntervalSince1970) * 1_000_000_000
        // Each user's first write converts its JSON and writes its binary copy: not timed.
        for (index, old) in olds.enumerated() {
            let body = Array(request(sequence: UInt64(writes + index), base: base).utf8)
            _ = try ingestor.ingest(.metrics, body: body, format: .json, encoding: .identity, user: old)
        }
        var times: [String: [Double]] = ["year-old": [], "new": []]
        for index in 0..<writes {
            for (label, user) in [("year-old", olds[index % olds.count]), ("new", new)] {
                let body = Array(request(sequence: UInt64(index), base: base).utf8)
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try ingestor.ingest(.metrics, body: body, format: .json, encoding: .identity, user: user)
                times[label]!.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let oldMedian = median(times["year-old"]!)
        let newMedian = median(times["new"]!)
        print(
            String(
                format: "one write, %d each: year-old%@ %.3f ms, new %.3f ms, ratio %.2f", writes, cold ? " (cold)" : "",
                oldMedian, newMedian,
                oldMedian / newMedian))
    }

    /// A small delta request of its own: token usage of one model, at its own time.
    static func request(sequence: UInt64, base: UInt64) -> String {
        let start = base + sequence * 1_000_000
        let time = start + 500_000
        return """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},\
            "scopeMetrics":[{"scope":{"name":"com.anthropic.claude_code"},"metrics":[{"name":"claude_code.token.usage",\
            "sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[{"attributes":[\
            {"key":"type","value":{"stringValue":"input"}},{"key":"model","value":{"stringValue":"claude-sonnet-4-6"}},\
            {"key":"session.id","value":{"stringValue":"bench-session"}}],\
            "startTimeUnixNano":"\(start)","timeUnixNano":"\(time)","asDouble":100}]}}]}]}]}
            """
    }
}
