package import Foundation
package import OTLPProto
import SwiftProtobuf
import TelemetryDecoding
package import TelemetryService
package import TelemetryStore
import Testing

/// The service sandbox with one user, "test", for the write side's tests (which send as that
/// user and read its document).
package final class OneUserSandbox {
    package let sandbox: ServiceSandbox
    package let user: UserID

    package init(maxBodyBytes: Int = OTLPDecoder.defaultMaxBodyBytes, lockTimeoutMilliseconds: Int = 5000) throws {
        sandbox = try ServiceSandbox(maxBodyBytes: maxBodyBytes, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        // Created now, as a user is (its `createdAt` is the wall clock's, not the requests' "now").
        user = try UserStore(directory: sandbox.directory, configuration: sandbox.store).add(name: "test").userID
    }

    package var root: String { sandbox.root }
    package var service: ReceiverService { sandbox.service }
    package var aggregatePath: String { sandbox.directory.aggregatePath(user) }

    /// The current document (aggregate.json with the journal folded in), as every reader sees it.
    package func aggregateBytes() -> Data? {
        (try? AggregateStore(directory: sandbox.directory).readStored(user)).flatMap { $0.map { Data($0.bytes) } }
    }

    package func totals() throws -> [String: Any] {
        let data = try #require(aggregateBytes())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["totals"] as? [String: Any])
    }

    package func post(
        _ path: String, query: String = "", body: [UInt8], contentType: String? = "application/x-protobuf",
        headers: [String: String] = [:]
    ) -> HTTPResponse {
        var all = headers
        if let contentType { all["Content-Type"] = contentType }
        return sandbox.get(path, query: query, method: "POST", body: body, headers: all)
    }
}

extension UserRecord {
    package var userID: UserID { try! UserID(validating: id) }
}

/// A Claude Code-shaped delta export: `claude_code.token.usage` input tokens for one model,
/// plus optional extra points.
package func tokenExport(input: Double, time: UInt64 = 1_795_514_460_000_000_000, extra: [Double] = [])
    -> Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
{
    var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
    point.startTimeUnixNano = time - 60_000_000_000
    point.timeUnixNano = time
    point.asDouble = input
    point.attributes = [keyValue("type", "input"), keyValue("model", "claude-sonnet-4-5")]
    var sum = Opentelemetry_Proto_Metrics_V1_Sum()
    sum.aggregationTemporality = .delta
    sum.isMonotonic = true
    sum.dataPoints = [point]
    for (index, value) in extra.enumerated() {
        var more = point
        more.asDouble = value
        more.attributes = [keyValue("type", "input"), keyValue("model", "model-\(index)")]
        sum.dataPoints.append(more)
    }
    var metric = Opentelemetry_Proto_Metrics_V1_Metric()
    metric.name = "claude_code.token.usage"
    metric.sum = sum
    var scope = Opentelemetry_Proto_Metrics_V1_ScopeMetrics()
    scope.metrics = [metric]
    var resource = Opentelemetry_Proto_Metrics_V1_ResourceMetrics()
    resource.scopeMetrics = [scope]
    var request = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest()
    request.resourceMetrics = [resource]
    return request
}

package func keyValue(_ key: String, _ value: String) -> Opentelemetry_Proto_Common_V1_KeyValue {
    var entry = Opentelemetry_Proto_Common_V1_KeyValue()
    entry.key = key
    entry.value.stringValue = value
    return entry
}

package func rpcStatus(_ response: HTTPResponse) throws -> Google_Rpc_Status {
    if response.header("Content-Type") == "application/json" {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        return try Google_Rpc_Status(jsonUTF8Bytes: response.body, options: options)
    }
    return try Google_Rpc_Status(serializedBytes: response.body)
}
