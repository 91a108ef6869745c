import Foundation
import TelemetryDecoding
import TelemetryRead
import TelemetryStore

/// `telemetry-bench scrape FIXTURE_DIR [USERS [SCRAPES]]`: the cost of one Prometheus scrape
/// (every user's current view, render the exposition) over USERS users fed with the fixtures'
/// metric and log batches, and the process's RSS over SCRAPES scrapes (it must stay flat).
/// The first scrape reads every user; later ones reuse the views of users whose files did not
/// change, as `GET …/prometheus` does. `telemetry-bench scrape-dir DATA_DIR [SCRAPES]` does the
/// same over an existing data directory (users with history, from the kit's step 2b).
enum ScrapeBenchmark {
    static func run(_ arguments: [String]) throws {
        let existing = arguments[1] == "scrape-dir"
        let fixtures = arguments[2]
        var userCount = existing ? 0 : (arguments.count > 3 ? Int(arguments[3]) ?? 1000 : 1000)
        let scrapes =
            existing
            ? (arguments.count > 3 ? Int(arguments[3]) ?? 30 : 30) : (arguments.count > 4 ? Int(arguments[4]) ?? 200 : 200)
        let root = existing ? fixtures : NSTemporaryDirectory() + "telemetry-bench-scrape-" + UUID().uuidString.lowercased()
        defer { if !existing { try? FileManager.default.removeItem(atPath: root) } }
        let directory = DataDirectory(root)
        if existing { userCount = try UserStore(directory: directory).knownUsers().count }
        let ingestor = TelemetryIngestor(directory: directory, configuration: StoreConfiguration(durable: false))
        let metrics = existing ? [] : [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixtures + "/metrics-delta.pb")))
        let logs = existing ? [] : [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixtures + "/logs.pb")))
        for index in 0..<(existing ? 0 : userCount) {
            let record = try UserStore(directory: directory).add(name: "bench user \(index)")
            let user = try UserID(validating: record.id)
            _ = try ingestor.ingest(.metrics, body: metrics, format: .protobuf, encoding: .identity, user: user)
            _ = try ingestor.ingest(.logs, body: logs, format: .protobuf, encoding: .identity, user: user)
        }

        let cache = StoredUserCache()
        var first = 0.0
        var durations: [Double] = []
        var loads: [Double] = []
        var cpu: [Double] = []
        var size = 0
        var lines = 0
        let rssBefore = residentKiB()
        var rssAfterWarmup = rssBefore
        for round in 0..<scrapes {
            let start = Timestamp.now()
            let cpuStart = cpuMilliseconds()
            let stored = try StoredUsers.load(
                directory, cache: cache, daysFrom: CalendarDay(Timestamp.now()).adding(days: -40).description)
            let loaded = Timestamp.now()
            let body = PrometheusExposition.render(stored, format: round % 2 == 0 ? .prometheus : .openMetrics)
            let elapsed = Double(Timestamp.now().nanoseconds - start.nanoseconds) / 1e6
            if round == 0 { first = elapsed } else { durations.append(elapsed) }
            loads.append(Double(loaded.nanoseconds - start.nanoseconds) / 1e6)
            cpu.append(cpuMilliseconds() - cpuStart)
            if round == 0 {
                size = body.count
                lines = body.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            }
            if round == min(9, scrapes - 1) { rssAfterWarmup = residentKiB() }
        }
        let rssAfter = residentKiB()
        if durations.isEmpty { durations.append(first) }
        let sorted = durations.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        let loadMedian = loads.sorted()[loads.count / 2]
        let cpuMedian = cpu.sorted()[cpu.count / 2]
        print(
            String(
                format:
                    "scrape users=%d scrapes=%d first_ms=%.1f median_ms=%.1f p99_ms=%.1f max_ms=%.1f cpu_median_ms=%.1f load_median_ms=%.1f bytes=%d lines=%d rss_start_kib=%d rss_after_10_kib=%d rss_end_kib=%d",
                userCount, scrapes, first, percentile(0.5), percentile(0.99), sorted.last ?? 0, cpuMedian, loadMedian, size,
                lines,
                rssBefore, rssAfterWarmup, rssAfter))
    }

    /// CPU time (user and system) this process has used, in milliseconds: on a shared machine
    /// the wall time of a scrape depends on the other load, its CPU time much less.
    static func cpuMilliseconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1e3 + Double(spec.tv_nsec) / 1e6
    }

    /// VmRSS of this process in KiB, from /proc/self/status.
    static func residentKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
