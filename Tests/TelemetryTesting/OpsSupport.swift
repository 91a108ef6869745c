// Helpers for the admin operations' tests (and the read side's view and CSV tests): a data
// directory with users fed the fixtures as the responder would store them.

import Foundation
import TelemetryDecoding
package import TelemetryStore
import Testing

/// Groups every Operations suite, so `swift test --filter OperationsTests` runs them all.
package enum OperationsTests {}

package enum OpsSupport {
    /// 2026-11-24T10:00:00Z, the fixtures' T0.
    package static let t0 = Timestamp(seconds: 1_795_514_400)
    package static let fixtureDay = "2026-11-24"
    /// Published input + output + cache tokens of metrics-delta.pb (the token metric wins over logs.pb).
    package static let fixtureTokens: Int64 = 1700 + 350 + 12000 + 800

    package static func fixture(_ name: String) throws -> [UInt8] { try Fixtures.bytes(name) }

    /// Runs `body` with a fresh data directory that is removed afterwards.
    package static func withDataDirectory<R>(_ body: (DataDirectory) throws -> R) throws -> R {
        try withTemporaryDirectory { try body(DataDirectory($0)) }
    }

    /// Fast storage: tests do not need fsync.
    package static let configuration = StoreConfiguration(durable: false, lockTimeoutMilliseconds: 200)

    package static func addUser(_ directory: DataDirectory, name: String = "Ada") throws -> UserID {
        let record = try UserStore(directory: directory, configuration: configuration).add(name: name, now: t0)
        return try UserID(validating: record.id)
    }

    /// A user whose aggregate holds the fixture metrics and logs, as the responder would store them.
    package static func seededUser(_ directory: DataDirectory, name: String = "Ada") throws -> UserID {
        let user = try addUser(directory, name: name)
        let ingestor = TelemetryIngestor(directory: directory, configuration: configuration)
        _ = try ingestor.ingest(
            .metrics, body: try fixture("metrics-delta.pb"), format: .protobuf, encoding: .identity,
            user: user, now: t0)
        _ = try ingestor.ingest(
            .logs, body: try fixture("logs.pb"), format: .protobuf, encoding: .identity,
            user: user, now: t0)
        // Folded into aggregate.json, so the file alone holds everything.
        try AggregateStore(directory: directory, configuration: configuration).compact(user)
        return user
    }

    /// Stores a document with the given day buckets (one session and `tokens` input tokens each).
    package static func storeDays(
        _ days: [String], user: UserID, in directory: DataDirectory, updatedAt: String = "2026-11-24T10:00:00.000Z"
    )
        throws
    {
        try AggregateStore(directory: directory, configuration: configuration).update(user) { document in
            for day in days {
                var figures = Figures()
                figures[.sessions] = 1
                figures[.inputTokensFromEvents] = 100
                document.setDay(day, to: figures)
                document.totals[.sessions] += 1
                document.totals[.inputTokensFromEvents] += 100
            }
            document.updatedAt = updatedAt
            return ((), true)
        }
    }

    package static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    package static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw TestError.missing("JSON object")
        }
        return object
    }
}
