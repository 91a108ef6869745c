import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Cost and tokens per model per day: bounded, coded in the day entries, carried by the journal")
struct DayModelTests {
    /// An api_request event of `model` costing `cost` with `tokens` input tokens, `seconds` after t0.
    static func request(_ model: String, at seconds: UInt64, cost: Double, tokens: Int64 = 10) -> OTLPLogRecord {
        eventRecord(
            "api_request",
            [
                kv("model", model), kv("request_id", "\(model)-\(seconds)"), kv("input_tokens", int: tokens),
                kv("cost_usd", double: cost),
            ], time: Scenario.at(seconds))
    }

    static let nextDay = "2026-11-25"

    @Test("each day keeps its models' figures, which round-trip through aggregate.json")
    func perDayAndModel() throws {
        var document = AggregateDocument(user: testUser)
        _ = LogsAggregator().apply(
            logsRequest([
                Self.request(Scenario.sonnet, at: 0, cost: 0.5, tokens: 100),
                Self.request(Scenario.haiku, at: 60, cost: 0.25, tokens: 40),
                Self.request(Scenario.sonnet, at: 86_400, cost: 2, tokens: 7),
            ]), to: &document, now: fixedNow)
        #expect(document.dayModels.keys.sorted() == [Scenario.day, Self.nextDay])
        #expect(document.dayModels[Scenario.day]?.keys.sorted() == [Scenario.haiku, Scenario.sonnet])
        #expect(document.dayModels[Scenario.day]?[Scenario.sonnet]?[.costFromEvents] == 0.5)
        #expect(document.dayModels[Scenario.day]?[Scenario.haiku]?[.inputTokensFromEvents] == 40)
        #expect(document.dayModels[Self.nextDay]?.keys.sorted() == [Scenario.sonnet])
        #expect(document.dayModels[Self.nextDay]?[Scenario.sonnet]?[.costFromEvents] == 2)

        let published = try Published(document)
        #expect(published.number("days", Scenario.day, "models", Scenario.sonnet, "costUsd") == 0.5)
        #expect(published.integer("days", Scenario.day, "models", Scenario.haiku, "inputTokens") == 40)
        #expect(published.number("days", Self.nextDay, "models", Scenario.sonnet, "costUsd") == 2)
        #expect(published.number("days", Self.nextDay, "totalTokenCostUsd") == 2)
        let decoded = try AggregateCoding.decode(
            AggregateCoding.encode(document), expectedUser: testUser, limits: AggregationLimits())
        #expect(decoded.dayModels == document.dayModels)
        #expect(decoded == document)
    }

    @Test("a day keeps at most dayModels models, the rest folded into (other); a dropped day drops its models")
    func bounded() {
        var limits = AggregationLimits()
        limits.dayModels = 3
        limits.days = 1
        var document = AggregateDocument(user: testUser, limits: limits)
        let aggregator = LogsAggregator(limits: limits)
        _ = aggregator.apply(
            logsRequest(["a", "b", "c", "d"].enumerated().map { Self.request($1, at: UInt64($0), cost: 1) }),
            to: &document, now: fixedNow)
        #expect(document.dayModels[Scenario.day]?.keys.sorted() == ["(other)", "a", "b"])
        #expect(document.dayModels[Scenario.day]?["(other)"]?[.costFromEvents] == 2)
        // The whole-history model map is bounded on its own, so it still has every name.
        #expect(document.models.keys.sorted() == ["a", "b", "c", "d"])

        _ = aggregator.apply(logsRequest([Self.request("a", at: 86_400, cost: 1)]), to: &document, now: fixedNow)
        #expect(document.days.keys.sorted() == [Self.nextDay])
        #expect(document.dayModels.keys.sorted() == [Self.nextDay])
        #expect(document.dayModels[Self.nextDay]?.keys.sorted() == ["a"])
    }

    @Test("a day written before models were kept per day decodes with none (never guessed)")
    func olderDayHasNone() throws {
        var document = AggregateDocument(user: testUser)
        _ = LogsAggregator().apply(logsRequest([Self.request(Scenario.sonnet, at: 0, cost: 0.5)]), to: &document, now: fixedNow)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(AggregateCoding.encode(document))) as? [String: Any])
        var days = try #require(json["days"] as? [String: [String: Any]])
        days[Scenario.day]?.removeValue(forKey: "models")
        json["days"] = days
        let older = [UInt8](try JSONSerialization.data(withJSONObject: json))
        let decoded = try AggregateCoding.decode(older, expectedUser: testUser, limits: AggregationLimits())
        #expect(decoded.dayModels.isEmpty)
        #expect(decoded.days == document.days)
    }

    @Test("the journal carries each day's models: replayed, folded and compacted, they are the same")
    func journalReplayAndFold() throws {
        try TestStore.withTemporary(configuration: JournalTests.lazy) { store in
            _ = try store.ingest(logsRequest([Self.request(Scenario.sonnet, at: 0, cost: 0.5, tokens: 100)]))
            _ = try store.ingest(logsRequest([Self.request(Scenario.haiku, at: 60, cost: 0.25, tokens: 40)]))
            _ = try store.ingest(logsRequest([Self.request(Scenario.sonnet, at: 86_400, cost: 2, tokens: 7)]))

            // What the same requests give in memory.
            var expected = AggregateDocument(user: store.user)
            for request in [
                Self.request(Scenario.sonnet, at: 0, cost: 0.5, tokens: 100),
                Self.request(Scenario.haiku, at: 60, cost: 0.25, tokens: 40),
                Self.request(Scenario.sonnet, at: 86_400, cost: 2, tokens: 7),
            ] {
                _ = LogsAggregator().apply(logsRequest([request]), to: &expected, now: fixedNow)
            }

            // aggregate.json holds the first write only; the journal's records hold the rest.
            let file = try Published(bytes: try store.aggregateFileBytes())
            #expect(file.keys("days", Scenario.day, "models") == [Scenario.sonnet])
            #expect(file.object("days", Self.nextDay) == nil)
            let aggregates = AggregateStore(directory: store.directory, configuration: JournalTests.lazy)
            let replayed = try #require(try aggregates.read(store.user))
            #expect(replayed.dayModels == expected.dayModels)
            let reader = try #require(try aggregates.current(store.user, skippingState: true))
            #expect(reader.document.dayModels == expected.dayModels)

            #expect(try aggregates.compact(store.user))
            let compacted = try Published(bytes: try store.aggregateFileBytes())
            #expect(compacted.number("days", Scenario.day, "models", Scenario.haiku, "costUsd") == 0.25)
            #expect(compacted.integer("days", Scenario.day, "models", Scenario.sonnet, "inputTokens") == 100)
            #expect(compacted.number("days", Self.nextDay, "models", Scenario.sonnet, "costUsd") == 2)
            #expect(try #require(try aggregates.read(store.user)).dayModels == expected.dayModels)
        }
    }

    @Test("a record's day models survive its encoding, and removed days go with their models")
    func changesRoundTrip() throws {
        var limits = AggregationLimits()
        limits.days = 1
        var before = AggregateDocument(user: testUser, limits: limits)
        _ = LogsAggregator(limits: limits).apply(
            logsRequest([Self.request(Scenario.sonnet, at: 0, cost: 0.5)]), to: &before, now: fixedNow)
        var after = before
        after.updateLog = UpdateLog()
        _ = LogsAggregator(limits: limits).apply(
            logsRequest([Self.request(Scenario.haiku, at: 86_400, cost: 1)]), to: &after, now: fixedNow)
        let changes = DocumentChanges(from: DocumentChanges.Baseline(before), to: after)
        #expect(changes.dayModels.removed == [Scenario.day])
        #expect(changes.dayModels.changed.keys.sorted() == [Self.nextDay])
        let decoded = try DocumentChanges(decoding: changes.encoded())
        #expect(decoded == changes)
        var replayed = before
        try decoded.apply(to: &replayed)
        #expect(replayed.dayModels == after.dayModels)
        #expect(replayed.days == after.days)
    }
}
