import Foundation
import SystemCalls
import TelemetryTesting
import Testing

@testable import TelemetryStore

/// The service's own counter files: one per process slot, summed at scrape time; a dead
/// process's counts stay (its slot is adopted), and a torn or short file is left out, never misread.
@Suite("Service counter files")
struct ServiceCounterFileTests {
    static let sample: [ServiceCounterKey: ServiceCounterValue] = [
        ServiceCounterKey(.requests, "metrics/user-path", "200"): ServiceCounterValue(value: 41, createdMilliseconds: 1_000),
        ServiceCounterKey(.refused, "too_large"): ServiceCounterValue(value: 2, createdMilliseconds: 2_000),
        ServiceCounterKey(.rejectedPoints): ServiceCounterValue(value: 7, createdMilliseconds: 3_000),
    ]

    @Test("a file decodes to exactly what was encoded")
    func roundTrip() {
        let bytes = ServiceCounterFile.encode(Self.sample)
        #expect(ServiceCounterFile.decode(bytes) == Self.sample)
        #expect(ServiceCounterFile.decode(ServiceCounterFile.encode([:])) == [:])
    }

    @Test("a torn, short, flipped or foreign file is not read")
    func damagedFiles() {
        let bytes = ServiceCounterFile.encode(Self.sample)
        for length in [0, 3, 16, 23, bytes.count / 2, bytes.count - 1] {
            #expect(ServiceCounterFile.decode(Array(bytes.prefix(length))) == nil, "cut at \(length)")
        }
        var flipped = bytes
        flipped[30] ^= 0x40
        #expect(ServiceCounterFile.decode(flipped) == nil)
        #expect(ServiceCounterFile.decode(Array("{\"requests\": 1}\n".utf8)) == nil)
        #expect(ServiceCounterFile.decode(bytes + [0]) == nil)
    }

    @Test("every slot's file is summed; the earliest start is kept")
    func summing() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(root)
            let first = try ServiceCounterSlot.claim(directory)
            let second = try ServiceCounterSlot.claim(directory)
            #expect(first.slot.number == 0 && second.slot.number == 1)
            try first.slot.write(Self.sample)
            let key = ServiceCounterKey(.requests, "metrics/user-path", "200")
            try second.slot.write([
                key: ServiceCounterValue(value: 9, createdMilliseconds: 500),
                ServiceCounterKey(.claimed): ServiceCounterValue(value: 3, createdMilliseconds: 9_000),
            ])
            let totals = ServiceCounterTotals.read(directory)
            #expect(totals.unreadableFiles == 0)
            #expect(totals.counters[key] == ServiceCounterValue(value: 50, createdMilliseconds: 500))
            #expect(totals.counters[ServiceCounterKey(.refused, "too_large")]?.value == 2)
            #expect(totals.counters[ServiceCounterKey(.claimed)]?.value == 3)
            #expect(totals.counters.count == 4)
            first.slot.release()
            second.slot.release()
        }
    }

    @Test("a dead process's counts stay: its slot is adopted by the next process, not counted twice")
    func deadProcessKept() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(root)
            let living = try ServiceCounterSlot.claim(directory)
            let dying = try ServiceCounterSlot.claim(directory)
            try living.slot.write([ServiceCounterKey(.durationCount): ServiceCounterValue(value: 5, createdMilliseconds: 1)])
            try dying.slot.write([ServiceCounterKey(.durationCount): ServiceCounterValue(value: 8, createdMilliseconds: 2)])
            dying.slot.release()  // what the kernel does when the process ends, however it ends
            #expect(ServiceCounterTotals.read(directory).counters[ServiceCounterKey(.durationCount)]?.value == 13)

            let next = try ServiceCounterSlot.claim(directory)
            #expect(next.slot.number == dying.slot.number)
            #expect(next.counters == [ServiceCounterKey(.durationCount): ServiceCounterValue(value: 8, createdMilliseconds: 2)])
            #expect(!next.damaged)
            var counters = next.counters
            counters[ServiceCounterKey(.durationCount)]!.value += 1
            try next.slot.write(counters)
            #expect(ServiceCounterTotals.read(directory).counters[ServiceCounterKey(.durationCount)]?.value == 14)
            // The admin tool's one-shot addition takes a free slot (a third one) and lets it go.
            try ServiceCounterSlot.add(directory, ServiceCounterKey(.claimed), 4)
            try ServiceCounterSlot.add(directory, ServiceCounterKey(.claimed), 1)
            #expect(ServiceCounterTotals.read(directory).counters[ServiceCounterKey(.claimed)]?.value == 5)
            #expect(
                try FileSystem.contents(of: directory.serviceCountersDirectory).filter { $0.hasSuffix(".counters") }.count == 3)
            living.slot.release()
            next.slot.release()
        }
    }

    @Test("a torn file is left out of the sum and counted; its slot starts again from zero")
    func tornFile() throws {
        try withTemporaryDirectory { root in
            let directory = DataDirectory(root)
            let good = try ServiceCounterSlot.claim(directory)
            try good.slot.write(Self.sample)
            let torn = try ServiceCounterSlot.claim(directory)
            let bytes = ServiceCounterFile.encode(Self.sample)
            try Data(bytes.prefix(bytes.count - 5)).write(to: URL(fileURLWithPath: torn.slot.countersPath))
            torn.slot.release()
            let totals = ServiceCounterTotals.read(directory)
            #expect(totals.unreadableFiles == 1)
            #expect(totals.counters == Self.sample)

            let adopted = try ServiceCounterSlot.claim(directory)
            #expect(adopted.slot.number == torn.slot.number)
            #expect(adopted.damaged && adopted.counters.isEmpty)
            try adopted.slot.write([:])
            #expect(ServiceCounterTotals.read(directory).unreadableFiles == 0)
            good.slot.release()
            adopted.slot.release()
        }
    }

    @Test("no counter directory: nothing to sum")
    func missingDirectory() throws {
        try withTemporaryDirectory { root in
            #expect(ServiceCounterTotals.read(DataDirectory(root)) == ServiceCounterTotals())
        }
    }

    @Test("duration buckets: bounds are inclusive; beyond the last is +Inf")
    func buckets() {
        #expect(ServiceCounterKey.durationBucket(microseconds: 0) == 0)
        #expect(ServiceCounterKey.durationBucket(microseconds: 1_000) == 0)
        #expect(ServiceCounterKey.durationBucket(microseconds: 1_001) == 1)
        #expect(ServiceCounterKey.durationBucket(microseconds: 10_000_000) == ServiceCounterKey.durationBounds.count - 1)
        #expect(ServiceCounterKey.durationBucket(microseconds: 10_000_001) == ServiceCounterKey.durationBounds.count)
    }
}
