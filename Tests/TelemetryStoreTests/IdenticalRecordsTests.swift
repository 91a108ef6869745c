import Foundation
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// Byte-identical log records inside one request count once: a record is identified by its
/// whole content, and Claude Code numbers every event (`event.sequence`) and stamps its time,
/// so two real events are never identical; an identical copy can only be a duplicate.
@Suite("Identical records in one request")
struct IdenticalRecordsTests {
    static let record = eventRecord(
        EventName.toolResult, [kv("tool_name", "Bash"), kv("event.sequence", int: 7)],
        time: Scenario.at(5))

    @Test("three byte-identical records in one request count once, and the others are reported as duplicates")
    func threeIdenticalRecords() throws {
        try TestStore.withTemporary { store in
            let report = try store.ingest(logsRequest([Self.record, Self.record, Self.record]))
            #expect(report.applied == 1)
            #expect(report.duplicates == 2)
            let published = try store.published()
            #expect(published.integer("events", "tool_result") == 1)
            #expect(published.integer("tools", "Bash", "calls") == 1)
            #expect(published.integer("received", "logRecordsDuplicate") == 2)
        }
    }

    @Test("records that differ only in event.sequence are distinct events and all count")
    func sequenceMakesThemDistinct() throws {
        try TestStore.withTemporary { store throws in
            let records = (0..<3).map { sequence in
                eventRecord(
                    EventName.toolResult, [kv("tool_name", "Bash"), kv("event.sequence", int: Int64(sequence))],
                    time: Scenario.at(5))
            }
            #expect(try store.ingest(logsRequest(records)).applied == 3)
            #expect(try store.published().integer("events", "tool_result") == 3)
        }
    }
}
