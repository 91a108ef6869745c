import TelemetryTesting
import Testing

@testable import TelemetryStore

@Suite("recent record digests")
struct RecentDigestsTests {
    @Test("a window sliding far past its capacity keeps exactly the newest, and reads back equal")
    func slidingWindow() throws {
        var digests = RecentDigests(capacity: 5)
        for value in UInt64(1)...23 { digests.insert(value, at: value * 10) }
        #expect(digests.ordered == [19, 20, 21, 22, 23])
        #expect(digests.count == 5)
        #expect(!digests.contains(18) && digests.contains(19))
        // A digest that left the window counts as new again.
        digests.insert(18, at: 240)
        #expect(digests.ordered == [20, 21, 22, 23, 18])
        let restored = try RecentDigests(encoded: digests.encoded, capacity: 5)
        #expect(restored == digests)
        #expect(restored.ordered == [20, 21, 22, 23, 18])
        // Equality is about the entries, not about how much dead space each copy carries.
        var fresh = RecentDigests(capacity: 5)
        for value: UInt64 in [20, 21, 22, 23] { fresh.insert(value, at: value * 10) }
        fresh.insert(18, at: 240)
        #expect(fresh == digests)
        fresh.insert(99, at: 250)
        #expect(fresh != digests)
    }

    @Test("pruning by age removes from the front only")
    func pruneByAge() {
        var digests = RecentDigests(capacity: 10)
        for value in UInt64(1)...6 { digests.insert(value, at: value * 100) }
        digests.prune(receivedBefore: 350)
        #expect(digests.ordered == [4, 5, 6])
        #expect(!digests.contains(3) && digests.contains(4))
        digests.prune(receivedBefore: 10_000)
        #expect(digests.ordered == [])
        #expect(digests.count == 0)
        digests.insert(3, at: 10_001)
        #expect(digests.ordered == [3])
    }

    /// The 12-byte entries ``RecentDigests/packed(last:)`` writes, for `values` received at
    /// 100, 101, … seconds.
    static func packed(_ values: [UInt64]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, value) in values.enumerated() {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(100 + index).littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// A window built one entry at a time, as the entries arrived.
    static func inserted(_ values: [UInt64], capacity: Int) -> RecentDigests {
        var window = RecentDigests(capacity: capacity)
        for (index, value) in values.enumerated() { window.insert(value, at: UInt64(100 + index)) }
        return window
    }

    @Test("a window read from a file equals the one its entries built as they arrived, and goes on alike")
    func readInOnePass() throws {
        // The digest 0 (kept aside by the set), the largest, and some far apart.
        let values: [UInt64] = [0, 1 << 40, 2 << 40, 3 << 40, 7, 8, .max, 9, 1 << 63, 10]
        let read = Self.packed(values).withUnsafeBytes { RecentDigests(packed: $0, capacity: 10) }
        var arrived = Self.inserted(values, capacity: 10)
        #expect(read == arrived)
        #expect(read.count == values.count)
        #expect(read.packed(last: read.count) == Self.packed(values))
        for value in values { #expect(read.contains(value)) }
        for absent: UInt64 in [4 << 40, 11, 1, .max - 1] { #expect(!read.contains(absent)) }
        // Entries added and let go afterwards (the window is full): the same on both sides. The
        // digest 1 << 40 is there (not added again) until it leaves; then it is new again.
        var continued = read
        for value: UInt64 in [1 << 40, 11, 12, 13, 1 << 40] {
            continued.insert(value, at: 500)
            arrived.insert(value, at: 500)
        }
        #expect(continued == arrived)
        #expect(continued.ordered == [7, 8, .max, 9, 1 << 63, 10, 11, 12, 13, 1 << 40])
        #expect(!continued.contains(0) && !continued.contains(2 << 40) && !continued.contains(3 << 40))
        #expect(continued.contains(1 << 40) && continued.contains(7))
        continued.prune(receivedBefore: 500)
        #expect(continued.ordered == [11, 12, 13, 1 << 40])
        #expect(!continued.contains(7) && !continued.contains(.max) && !continued.contains(1 << 63))
    }

    @Test("a window with a digest twice, or longer than the capacity, is read entry by entry")
    func readEntryByEntry() throws {
        for (values, capacity) in [
            ([5, 6, 5, 7] as [UInt64], 10), ([0, 3, 0] as [UInt64], 10), ([1, 2, 3, 4, 5, 6] as [UInt64], 4),
            ([1, 2, 1, 3, 4, 5, 1] as [UInt64], 3),
        ] {
            let read = Self.packed(values).withUnsafeBytes { RecentDigests(packed: $0, capacity: capacity) }
            let arrived = Self.inserted(values, capacity: capacity)
            #expect(read == arrived, "\(values) within \(capacity)")
            #expect(read.ordered == arrived.ordered)
            for value in Set(values) { #expect(read.contains(value) == arrived.contains(value), "\(value) in \(values)") }
        }
        let twice = Self.packed([5, 6, 5, 7]).withUnsafeBytes { RecentDigests(packed: $0, capacity: 10) }
        #expect(twice.ordered == [5, 6, 7])
        let longer = Self.packed([1, 2, 3, 4, 5, 6]).withUnsafeBytes { RecentDigests(packed: $0, capacity: 4) }
        #expect(longer.ordered == [3, 4, 5, 6])
        #expect(!longer.contains(2) && longer.contains(3))
    }
}
