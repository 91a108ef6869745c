import Foundation

/// Reads and writes `aggregate.json`.
///
/// Layout (keys sorted): `schemaVersion`, `userId`, `updatedAt`, `sources` (which source each
/// doubly-reported figure is published from), `totals`, `days`, `models`, `tools`, `events`,
/// `received`, and `state` (the receiver's bookkeeping; dashboards ignore it).
public enum AggregateCoding {
    struct Stored: Codable {
        var schemaVersion: Int
        var userId: String
        var updatedAt: String?
        var sources: [String: String]?
        var totals: PublishedTotals
        var days: [String: PublishedTotals]
        var models: [String: PublishedModel]
        var tools: [String: PublishedTool]
        var events: [String: Int]
        var received: ReceiveCounters
        var state: StoredState
    }

    struct StoredState: Codable {
        var metricsSeen: [String]
        var series: [String: SeriesState]
        var seriesClock: UInt64
        var recentRecords: String
    }

    public static func encode(_ document: AggregateDocument) -> [UInt8] {
        let selection = document.sourceSelection
        let stored = Stored(
            schemaVersion: AggregateDocument.schemaVersion,
            userId: document.userId,
            updatedAt: document.updatedAt,
            sources: selection.names,
            totals: PublishedTotals(document.totals, selection),
            days: document.days.mapValues { PublishedTotals($0, selection) },
            models: document.models.mapValues { PublishedModel($0, selection) },
            tools: Dictionary(uniqueKeysWithValues: document.tools.map { ($0, PublishedTool($1, tool: $0, selection)) }),
            events: document.events,
            received: document.received,
            state: StoredState(
                metricsSeen: document.metricsSeen.sorted(),
                series: Dictionary(uniqueKeysWithValues: document.series.map { (hex($0), $1) }),
                seriesClock: document.seriesClock,
                recentRecords: document.recentRecords.encoded))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value is finite (checked on the way in), so encoding cannot fail.
        var bytes = Array(try! encoder.encode(stored))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Parses a stored document; any inconsistency throws a message for ``StorageError/corrupt(path:reason:)``.
    public static func decode(_ bytes: [UInt8], expectedUser: UserID, limits: AggregationLimits) throws(AggregateCodingError) -> AggregateDocument {
        let stored: Stored
        do {
            stored = try JSONDecoder().decode(Stored.self, from: Data(bytes))
        } catch {
            throw AggregateCodingError(reason: "not a valid aggregate document (\(describe(error)))")
        }
        guard stored.schemaVersion == AggregateDocument.schemaVersion else {
            throw AggregateCodingError(reason: "schemaVersion \(stored.schemaVersion) is not \(AggregateDocument.schemaVersion)")
        }
        guard stored.userId == expectedUser.rawValue else {
            throw AggregateCodingError(reason: "belongs to user \(stored.userId), not \(expectedUser)")
        }
        var document = AggregateDocument(user: expectedUser, limits: limits)
        document.updatedAt = stored.updatedAt
        document.totals = stored.totals.raw
        document.days = stored.days.mapValues(\.raw)
        document.models = stored.models.mapValues(\.raw)
        document.tools = stored.tools.mapValues(\.raw)
        document.events = stored.events
        document.received = stored.received
        document.metricsSeen = Set(stored.state.metricsSeen)
        document.seriesClock = stored.state.seriesClock
        for (key, state) in stored.state.series {
            guard let id = UInt64(key, radix: 16) else {
                throw AggregateCodingError(reason: "series key '\(key)' is not hexadecimal")
            }
            document.series[id] = state
        }
        do {
            document.recentRecords = try RecentDigests(encoded: stored.state.recentRecords, capacity: limits.recentRecords)
        } catch {
            throw AggregateCodingError(reason: "state.recentRecords is not base64 of 64-bit digests")
        }
        return document
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription + at(context.codingPath)
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)'" + at(context.codingPath)
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return context.debugDescription + at(context.codingPath)
        default:
            return String(describing: error)
        }
    }

    private static func at(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "" : " at " + path.map(\.stringValue).joined(separator: ".")
    }
}

public struct AggregateCodingError: Error, Sendable {
    public let reason: String
}
