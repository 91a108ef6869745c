import Foundation
import OTLPProto
import SwiftProtobuf
import TelemetryDecoding
package import TelemetryService
package import TelemetryStore
import Testing

/// The service over a fresh data directory (no users until a test adds them), removed when
/// released: requests go through `ReceiverService.handle` as the transport hands them over.
package final class ServiceSandbox {
    package let root: String
    package let service: ReceiverService
    package let directory: DataDirectory
    package let store: StoreConfiguration
    /// 2026-11-24T10:00:00Z, the "now" of every request.
    package static let now = Timestamp(seconds: 1_795_514_400)
    package static let base = "/api/v1/integrations/claude"

    package init(
        teamAttributes: [String] = [], timeZone: DayZone = .utc, maxBodyBytes: Int = OTLPDecoder.defaultMaxBodyBytes,
        lockTimeoutMilliseconds: Int = 2000
    ) throws {
        root = try makeTemporaryDirectory()
        directory = DataDirectory(root)
        store = StoreConfiguration(durable: false, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        var limits = AggregationLimits()
        limits.teamAttributeKeys = teamAttributes
        limits.dayZone = timeZone
        service = ReceiverService(
            configuration: ServiceConfiguration(
                dataDirectory: directory, store: store, limits: limits, maxBodyBytes: maxBodyBytes))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    package func addUser(_ name: String) throws -> UserID {
        try UserStore(directory: directory, configuration: store).add(name: name, now: Self.now).userID
    }

    package func addToken(_ name: String) throws -> String {
        try AdminTokenStore(directory: directory, configuration: store).add(name: name, now: Self.now).token
    }

    /// Sends `input` tokens of `model` at `day` (10:01 UTC, or `secondOfDay` seconds after its
    /// UTC midnight), with optional resource attributes and `session.id`.
    @discardableResult
    package func send(
        _ user: UserID, input: Double, model: String = "claude-sonnet-4-5", day: String = "2026-11-24",
        secondOfDay: Int = 36_060, cost: Double? = nil, resource: [(String, String)] = [], session: String? = nil
    ) throws -> HTTPResponse {
        let seconds = try #require(Self.seconds(of: day)) + secondOfDay
        var request = tokenExport(input: input, time: UInt64(seconds) * 1_000_000_000)
        let sessionAttributes = session.map { [keyValue("session.id", $0)] } ?? []
        request.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].attributes =
            [keyValue("type", "input"), keyValue("model", model)] + sessionAttributes
        if let cost {
            var metric = request.resourceMetrics[0].scopeMetrics[0].metrics[0]
            metric.name = "claude_code.cost.usage"
            metric.sum.dataPoints[0].asDouble = cost
            metric.sum.dataPoints[0].attributes = [keyValue("model", model)] + sessionAttributes
            request.resourceMetrics[0].scopeMetrics[0].metrics.append(metric)
        }
        request.resourceMetrics[0].resource.attributes = resource.map { keyValue($0.0, $0.1) }
        let body: [UInt8] = try request.serializedBytes()
        let response = get(
            "\(Self.base)/users/\(user)/v1/metrics", method: "POST", body: body,
            headers: ["Content-Type": "application/x-protobuf"])
        #expect(response.status == .ok)
        return response
    }

    package static func seconds(of day: String) -> Int? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: day).map { Int($0.timeIntervalSince1970) }
    }

    package func get(
        _ path: String, query: String = "", method: String = "GET", body: [UInt8] = [],
        headers: [String: String] = [:]
    ) -> HTTPResponse {
        service.handle(HTTPRequest(method: method, path: path, query: query, headers: headers, body: body), now: Self.now).0
    }

    package func getWithSummary(_ path: String, query: String = "", headers: [String: String] = [:]) -> (
        HTTPResponse, RequestSummary
    ) {
        service.handle(HTTPRequest(method: "GET", path: path, query: query, headers: headers), now: Self.now)
    }

    package func aggregate(_ user: UserID) throws -> [String: Any] {
        let data = Data(try #require(try AggregateStore(directory: directory).readStored(user)).bytes)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

package func json(_ response: HTTPResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
}

/// The keys of every object anywhere in `value`.
package func allKeys(_ value: Any) -> Set<String> {
    var keys: Set<String> = []
    if let object = value as? [String: Any] {
        for (key, child) in object {
            keys.insert(key)
            keys.formUnion(allKeys(child))
        }
    } else if let array = value as? [Any] {
        for child in array { keys.formUnion(allKeys(child)) }
    }
    return keys
}

/// `object` without its `raw` members, at any depth (aggregate.json buckets carry them).
package func withoutRaw(_ value: Any) -> Any {
    if let object = value as? [String: Any] {
        return object.filter { $0.key != "raw" }.mapValues(withoutRaw)
    }
    return value
}

package func sameJSON(_ lhs: Any, _ rhs: Any) -> Bool {
    (lhs as? NSObject)?.isEqual(rhs) ?? false
}

/// The JSON `google.rpc.Status` of a read-side error.
package func readStatus(_ response: HTTPResponse) throws -> (code: Int, message: String) {
    let body = try json(response)
    return (try #require(body["code"] as? Int), try #require(body["message"] as? String))
}
