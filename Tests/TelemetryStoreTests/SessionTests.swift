import Foundation
import OTLPProto
import TelemetryReference
import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("Sessions: per session.id figures, first and last seen, models; the most recent kept")
struct SessionTests {
    /// An api_request event of `session` (in place of the scenario's own session.id).
    static func request(_ session: String, at seconds: UInt64, cost: Double, model: String = Scenario.sonnet) -> OTLPLogRecord {
        var record = eventRecord(
            "api_request",
            [
                kv("model", model), kv("request_id", "\(session)-\(seconds)"), kv("input_tokens", int: 10),
                kv("cost_usd", double: cost),
            ], time: Scenario.at(seconds))
        record.attributes = record.attributes.filter { $0.key != "session.id" } + [kv("session.id", session)]
        return record
    }

    static func withoutSession(_ record: OTLPLogRecord) -> OTLPLogRecord {
        var copy = record
        copy.attributes = record.attributes.filter { $0.key != "session.id" }
        return copy
    }

    @Test("figures, times and models per session; records without session.id count in totals only")
    func perSession() throws {
        var document = AggregateDocument(user: testUser)
        let records = [
            Self.request("s1", at: 0, cost: 0.5), Self.request("s1", at: 600, cost: 0.25, model: Scenario.haiku),
            Self.request("s2", at: 300, cost: 1),
            Self.withoutSession(
                eventRecord(
                    "api_request", [kv("model", "m"), kv("request_id", "x"), kv("cost_usd", double: 2)], time: Scenario.at(5))),
        ]
        let report = LogsAggregator().apply(logsRequest(records), to: &document, now: fixedNow)
        #expect(report.applied == 4)
        let s1 = try #require(document.sessions["s1"])
        #expect(s1.figures[.costFromEvents] == 0.75)
        #expect(s1.figures[.inputTokensFromEvents] == 20)
        #expect(s1.figures[.apiRequestsFromEvents] == 2)
        #expect(s1.firstSeen == Scenario.t0 / Scenario.nanosPerSecond)
        #expect(s1.lastSeen == Scenario.t0 / Scenario.nanosPerSecond + 600)
        #expect(s1.models == [Scenario.haiku, Scenario.sonnet])
        #expect(document.sessions.keys.sorted() == ["s1", "s2"])
        #expect(document.totals[.costFromEvents] == 3.75)
        // The sessions round-trip through aggregate.json.
        let decoded = try AggregateCoding.decode(
            AggregateCoding.encode(document), expectedUser: testUser, limits: AggregationLimits())
        #expect(decoded.sessions == document.sessions)
    }

    @Test("beyond the bound, the session seen least recently is dropped; an older newcomer is not kept")
    func bounded() {
        var limits = AggregationLimits()
        limits.sessions = 2
        var document = AggregateDocument(user: testUser, limits: limits)
        let aggregator = LogsAggregator(limits: limits)
        _ = aggregator.apply(
            logsRequest([
                Self.request("a", at: 100, cost: 1), Self.request("b", at: 200, cost: 1), Self.request("c", at: 300, cost: 1),
            ]),
            to: &document, now: fixedNow)
        #expect(document.sessions.keys.sorted() == ["b", "c"])
        _ = aggregator.apply(logsRequest([Self.request("old", at: 50, cost: 1)]), to: &document, now: fixedNow)
        #expect(document.sessions.keys.sorted() == ["b", "c"])
        #expect(document.totals[.costFromEvents] == 4)
    }

    @Test("sessions read in place from the binary copy change exactly as built ones do: updated, evicted, refused")
    func readInPlace() throws {
        var limits = AggregationLimits()
        limits.sessions = 4
        let aggregator = LogsAggregator(limits: limits)
        var built = AggregateDocument(user: testUser, limits: limits)
        _ = aggregator.apply(
            logsRequest(["a", "b", "c", "d"].enumerated().map { Self.request($1, at: UInt64(100 * ($0 + 1)), cost: 1) }),
            to: &built, now: fixedNow)
        try withTemporaryDirectory { root in
            let path = root + "/aggregate.json"
            try Data(AggregateCoding.encode(built)).write(to: URL(fileURLWithPath: path))
            let identity = try #require(try FileIdentity.of(path))
            var packed = try #require(
                BinaryCopy.decode(BinaryCopy.encode(built, of: identity), of: identity, user: testUser, limits: limits))
            #expect(packed == built && packed.sessions.count == 4)
            let steps: [[OTLPLogRecord]] = [
                [Self.request("b", at: 500, cost: 2, model: Scenario.haiku)],  // a kept session changes
                [Self.request("e", at: 600, cost: 1)],  // a newcomer evicts "a", seen least recently
                [Self.request("old", at: 50, cost: 1)],  // older than every kept one: not kept
                [Self.request("f", at: 700, cost: 1), Self.request("b", at: 800, cost: 1)],  // evicts "c"; "b" again
                [Self.request("g", at: 900, cost: 1)],  // evicts "d"
            ]
            for (index, records) in steps.enumerated() {
                _ = aggregator.apply(logsRequest(records), to: &built, now: fixedNow)
                _ = aggregator.apply(logsRequest(records), to: &packed, now: fixedNow)
                #expect(packed == built, "step \(index)")
                #expect(AggregateCoding.encode(packed) == AggregateCoding.encode(built), "step \(index)")
            }
            #expect(packed.sessions.keys.sorted() == ["b", "e", "f", "g"])
            #expect(packed.sessions["b"]?.figures[.costFromEvents] == 4)
            #expect(packed.sessions["b"]?.models == [Scenario.haiku, Scenario.sonnet])
            // Written again, the changed and the untouched entries read back alike.
            let again = try #require(
                BinaryCopy.decode(BinaryCopy.encode(packed, of: identity), of: identity, user: testUser, limits: limits))
            #expect(again == built)
        }
    }

    @Test("the session seen least recently is found in the table and among those set since, ties by id, as min(by:) finds it")
    func leastRecentlySeen() throws {
        var numbers = StateContainerTests.Numbers(state: 23)
        for round in 0..<30 {
            var reference: [String: SessionRecord] = [:]
            for index in 0..<(1 + numbers.below(40)) {
                var record = SessionRecord()
                // Few distinct seconds, so ties between ids are common.
                record.lastSeen = UInt64(1_000 + numbers.below(6))
                record.figures[.costFromEvents] = Double(index)
                reference["session-\(numbers.below(100))"] = record
            }
            var output = BinaryCopyOutput(capacity: 0)
            PackedMap(reference).write(to: &output)
            var sessions = try output.bytes.withUnsafeBytes { raw in
                try Result { () throws(BinaryCopyDamage) -> PackedMap<SessionRecord> in
                    var input = BinaryCopyInput(raw, from: 0)
                    return try PackedMap<SessionRecord>(reading: &input)
                }.get()
            }
            // Some set since (one seen earlier than any), some removed.
            for _ in 0..<numbers.below(5) {
                let key = "session-\(numbers.below(120))"
                var record = reference[key] ?? SessionRecord()
                record.lastSeen = UInt64(995 + numbers.below(12))
                sessions[key] = record
                reference[key] = record
            }
            if round % 3 == 0, let key = reference.keys.sorted().first {
                sessions.removeValue(forKey: key)
                reference.removeValue(forKey: key)
            }
            let expected = reference.min { ($0.value.lastSeen, $0.key) < ($1.value.lastSeen, $1.key) }
            let found = sessions.leastRecentlySeen()
            #expect(found?.key == expected?.key, "round \(round)")
            #expect(found?.lastSeen == expected?.value.lastSeen, "round \(round)")
        }
        #expect(PackedMap<SessionRecord>().leastRecentlySeen() == nil)
    }
}
