// The published view of a test document, and comparisons of its figures.

import Foundation
import OTLPProto
import TelemetryDecoding
import TelemetryReference
package import TelemetryStore

package let testUser = try! UserID(validating: "123e4567-e89b-42d3-a456-426614174000")
package let fixedNow = Timestamp(seconds: 1_795_600_000)

/// `aggregate.json` as a dashboard reads it: `AggregateCoding.encode` parsed with JSONSerialization.
package struct Published {
    package let bytes: [UInt8]
    package let root: [String: Any]

    package init(_ document: AggregateDocument) throws {
        try self.init(bytes: AggregateCoding.encode(document))
    }

    package init(bytes: [UInt8]) throws {
        self.bytes = bytes
        guard let root = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw TestError.unexpected("aggregate document is not a JSON object")
        }
        self.root = root
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The value at a path of object keys, e.g. `value("models", "claude-sonnet-4-5", "inputTokens")`.
    package func value(_ path: String...) -> Any? { value(path) }

    package func value(_ path: [String]) -> Any? {
        var current: Any? = root
        for key in path {
            guard let object = current as? [String: Any] else { return nil }
            current = object[key]
        }
        return current
    }

    package func object(_ path: String...) -> [String: Any]? { value(path) as? [String: Any] }

    /// A number at `path`; nil when absent or not a number.
    package func number(_ path: String...) -> Double? {
        guard let number = value(path) as? NSNumber else { return nil }
        return number.doubleValue
    }

    /// An integral number at `path`; nil when absent, not a number, or written with a fraction.
    package func integer(_ path: String...) -> Int? {
        guard let number = value(path) as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double else { return nil }
        return number.intValue
    }

    package func string(_ path: String...) -> String? { value(path) as? String }

    package func keys(_ path: String...) -> Set<String> { Set((value(path) as? [String: Any])?.keys.map { $0 } ?? []) }
}

/// Applies a request to a fresh document and returns both.
package func aggregate(
    metrics requests: [MetricsRequest] = [], logs logRequests: [LogsRequest] = [],
    limits: AggregationLimits = AggregationLimits()
) -> AggregateDocument {
    var document = AggregateDocument(user: testUser, limits: limits)
    for request in requests { _ = MetricsAggregator(limits: limits).apply(request, to: &document, now: fixedNow) }
    for request in logRequests { _ = LogsAggregator(limits: limits).apply(request, to: &document, now: fixedNow) }
    return document
}

package func isClose(_ a: Double?, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}
