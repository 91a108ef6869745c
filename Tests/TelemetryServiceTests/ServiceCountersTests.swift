import Foundation
import SwiftProtobuf
import SystemCalls
import TelemetryDecoding
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

/// What one answered request adds to the process's own counters, through the real service:
/// route and status, the refusal's reason, rejected items, parking, the duration histogram.
@Suite("Service counters of one process")
struct ServiceCountersTests {
    @Test("an accepted request, a refusal and a health check, counted by route, status and reason")
    func countsWhatTheServiceAnswered() throws {
        let sandbox = try OneUserSandbox(maxBodyBytes: 1024)
        let (counters, damaged) = try ServiceCounters.open(DataDirectory(sandbox.root))
        #expect(!damaged)
        let prefix = Router.prefix
        let requests: [HTTPRequest] = [
            HTTPRequest(
                method: "POST", path: "\(prefix)/users/\(sandbox.user.rawValue)/v1/metrics", query: "",
                headers: ["Content-Type": "application/x-protobuf"], body: try tokenExport(input: 10).serializedBytes()),
            HTTPRequest(
                method: "POST", path: "\(prefix)/users/\(sandbox.user.rawValue)/v1/metrics", query: "",
                headers: ["Content-Type": "application/x-protobuf"], body: [UInt8](repeating: 0, count: 2048)),
            HTTPRequest(
                method: "POST", path: "\(prefix)/users/\(sandbox.user.rawValue)/v1/metrics", query: "",
                headers: ["Content-Type": "text/plain"], body: [1]),
            HTTPRequest(method: "GET", path: "\(prefix)/metrics", query: "", headers: [:], body: []),
        ]
        var statuses: [Int] = []
        for request in requests {
            let (response, summary) = sandbox.service.handle(request, now: Timestamp(seconds: 1_795_514_400))
            statuses.append(response.status.code)
            counters.record(summary, now: Timestamp(seconds: 1_795_514_401))
        }
        #expect(statuses == [200, 413, 415, 200])
        let counted = counters.snapshot
        let created = UInt64(1_795_514_401_000)
        #expect(
            counted[ServiceCounterKey(.requests, "metrics/user-path", "200")]
                == ServiceCounterValue(value: 1, createdMilliseconds: created))
        #expect(counted[ServiceCounterKey(.requests, "metrics/user-path", "413")]?.value == 1)
        #expect(counted[ServiceCounterKey(.requests, "metrics/user-path", "415")]?.value == 1)
        #expect(counted[ServiceCounterKey(.requests, "health/metrics", "200")]?.value == 1)
        #expect(counted[ServiceCounterKey(.refused, "too_large")]?.value == 1)
        #expect(counted[ServiceCounterKey(.refused, "unsupported_media_type")]?.value == 1)
        #expect(counted.keys.filter { $0.family == .refused }.count == 2)
        #expect(counted[ServiceCounterKey(.durationCount)]?.value == 4)
        let buckets = counted.filter { $0.key.family == .durationBucket }.values.reduce(0) { $0 + $1.value }
        #expect(buckets == 4)

        // Nothing reaches the file until a flush; then exactly the snapshot.
        let directory = DataDirectory(sandbox.root)
        #expect(ServiceCounterTotals.read(directory).counters.isEmpty)
        try counters.flush()
        #expect(ServiceCounterTotals.read(directory).counters == counted)
        counters.slot.release()
    }

    @Test("rejected items are counted per signal; parked requests by source")
    func rejectedAndParked() throws {
        let sandbox = try OneUserSandbox()
        let (counters, _) = try ServiceCounters.open(DataDirectory(sandbox.root))
        defer { counters.slot.release() }
        var summary = RequestSummary(method: "POST", route: "logs/user-path", status: 200)
        summary.rejected = 3
        counters.record(summary)
        summary.route = "metrics/documented"
        summary.rejected = 2
        counters.record(summary)
        summary.route = "traces/user-path"
        counters.record(summary)
        var parked = RequestSummary(method: "POST", route: "metrics/user-path", status: 200)
        parked.attribution = "parked-unknown-user"
        counters.record(parked)
        parked.attribution = "parked"
        parked.route = "unaddressed"
        counters.record(parked)
        counters.record(parked)
        let counted = counters.snapshot
        #expect(counted[ServiceCounterKey(.rejectedRecords)]?.value == 3)
        #expect(counted[ServiceCounterKey(.rejectedPoints)]?.value == 2)
        #expect(counted[ServiceCounterKey(.rejectedSpans)]?.value == 2)
        #expect(counted[ServiceCounterKey(.parked, "unknown_user")]?.value == 1)
        #expect(counted[ServiceCounterKey(.parked, "installation")]?.value == 2)
    }

    @Test("503s are told apart by reason")
    func unavailableReasons() {
        #expect(ErrorAnswer(for: StorageError.lockTimeout(path: "/x", waitedMilliseconds: 5)).reason == "storage_busy")
        #expect(
            ErrorAnswer(for: StorageError.system(operation: "write", path: "/x", errno: Errno(rawValue: 28))).reason
                == "storage_unavailable")
        #expect(ErrorAnswer(for: StorageError.corrupt(path: "/x", reason: "bad")).reason == "storage_needs_operator")
        #expect(ErrorAnswer(for: AttributionError.parkingFull("full", retryAfterSeconds: 2)).reason == "parking_full")
        #expect(ErrorAnswer(for: PayloadError.overMemoryBudget(plainBytes: 5)).reason == "memory_budget")
        #expect(ErrorAnswer(for: TransportRefusal.timedOut(milliseconds: 5)).reason == "timeout")
        #expect(ErrorAnswer(for: TransportRefusal.lengthRequired).reason == "length_required")
        #expect(ErrorAnswer(for: TransportRefusal.parametersTooLarge(limit: 5)).reason == "headers_too_large")
        #expect(ErrorAnswer(for: RouteFailure.notFound("/x")).reason == "not_found")
    }

    @Test("every reason a refusal can have is among those exposed from the start")
    func reasonsAreKnown() {
        for code in [400, 401, 403, 404, 405, 408, 411, 413, 415, 431, 500, 503] {
            #expect(
                ServiceCounterKey.refusalReasons.contains(ErrorAnswer.reason(status: HTTPStatus(code: code, reason: ""))),
                "\(code)")
        }
        for error: any Error in [
            StorageError.lockTimeout(path: "/x", waitedMilliseconds: 5), StorageError.corrupt(path: "/x", reason: "bad"),
            StorageError.system(operation: "write", path: "/x", errno: Errno(rawValue: 28)),
            AttributionError.parkingFull("full", retryAfterSeconds: 2), PayloadError.overMemoryBudget(plainBytes: 5),
        ] {
            #expect(ServiceCounterKey.refusalReasons.contains(ErrorAnswer(for: error).reason), "\(error)")
        }
    }

    @Test("a refused read (GET) is a request by status, not refused data")
    func readsAreNotRefusedData() throws {
        let sandbox = try OneUserSandbox()
        let (counters, _) = try ServiceCounters.open(DataDirectory(sandbox.root))
        defer { counters.slot.release() }
        let (response, summary) = sandbox.service.handle(
            HTTPRequest(method: "GET", path: "\(Router.prefix)/nowhere", query: "", headers: [:], body: []))
        #expect(response.status.code == 404)
        counters.record(summary)
        #expect(counters.snapshot.keys.filter { $0.family == .refused }.isEmpty)
        #expect(counters.snapshot[ServiceCounterKey(.requests, "not-found", "404")]?.value == 1)
    }
}
