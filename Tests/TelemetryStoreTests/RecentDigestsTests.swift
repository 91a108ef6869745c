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
        var read = Self.packed(values).withUnsafeBytes { RecentDigests(packed: $0, capacity: 10) }
        var arrived = Self.inserted(values, capacity: 10)
        #expect(read == arrived)
        #expect(read.count == values.count)
        #expect(read.packed(last: read.count) == Self.packed(values))
        #expect(values.filter { !read.contains($0) } == [])
        let absent: [UInt64] = [4 << 40, 11, 1, .max - 1]
        #expect(absent.filter { read.contains($0) } == [])
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
            var read = Self.packed(values).withUnsafeBytes { RecentDigests(packed: $0, capacity: capacity) }
            var arrived = Self.inserted(values, capacity: capacity)
            #expect(read == arrived, "\(values) within \(capacity)")
            #expect(read.ordered == arrived.ordered)
            let differing = Set(values).filter { read.contains($0) != arrived.contains($0) }
            #expect(differing.isEmpty, "\(values)")
        }
        let twice = Self.packed([5, 6, 5, 7]).withUnsafeBytes { RecentDigests(packed: $0, capacity: 10) }
        #expect(twice.ordered == [5, 6, 7])
        var longer = Self.packed([1, 2, 3, 4, 5, 6]).withUnsafeBytes { RecentDigests(packed: $0, capacity: 4) }
        #expect(longer.ordered == [3, 4, 5, 6])
        let (two, three) = (longer.contains(2), longer.contains(3))
        #expect(!two && three)
    }

    @Test("a window read from a binary copy, then replayed onto, goes on exactly as one that built its set at once")
    func writtenWindowBuildsItsSetWhenAsked() throws {
        let values: [UInt64] = [0, 1 << 40, 2 << 40, 3 << 40, 7, 8, .max, 9]
        let appended: [UInt64] = [21, 22, 1 << 40 &+ 1]
        // The same window and the same journal replay (two entries let go, three appended), one
        // side without a set until asked.
        var lazy = Self.packed(values).withUnsafeBytes { RecentDigests(written: $0, capacity: 9) }
        var eager = Self.packed(values).withUnsafeBytes { RecentDigests(packed: $0, capacity: 9) }
        #expect(lazy == eager)
        try lazy.replay(appended: Self.packed(appended), count: 9)
        try eager.replay(appended: Self.packed(appended), count: 9)
        #expect(lazy == eager)
        #expect(lazy.inserted == eager.inserted)
        let replayed: [UInt64] = [2 << 40, 3 << 40, 7, 8, .max, 9, 21, 22, 1 << 40 &+ 1]
        #expect(lazy.ordered == replayed)
        // A replay that does not fit (it would leave more than the capacity) is refused.
        var refused = Self.packed(values).withUnsafeBytes { RecentDigests(written: $0, capacity: 9) }
        #expect(throws: RecentDigestsError.self) { try refused.replay(appended: Self.packed(appended), count: 10) }
        let probes: [UInt64] = values + appended + [4, 5 << 41, 30, 31]
        #expect(probes.filter { lazy.contains($0) != eager.contains($0) } == [])
        let found = [0, 2 << 40, 22].map { lazy.contains($0) }
        #expect(found == [false, true, true])
        // Inserts (a repeat refused; 2 << 40 new again once it left), entries let go by count,
        // a prune that stops at the first entry young enough: alike.
        for value: UInt64 in [22, 30, 31, 2 << 40] {
            lazy.insert(value, at: 400)
            eager.insert(value, at: 400)
        }
        lazy.prune(receivedBefore: 104)
        eager.prune(receivedBefore: 104)
        #expect(lazy == eager)
        #expect(lazy.packed(last: lazy.count) == eager.packed(last: eager.count))
        #expect(probes.filter { lazy.contains($0) != eager.contains($0) } == [])
        let live: [UInt64] = [2 << 40, 8, .max, 9, 21, 22, 1 << 40 &+ 1, 30, 31]
        #expect(probes.filter { lazy.contains($0) } == live)
        // A window written longer than the capacity is read entry by entry, the oldest let go.
        let longer = Self.packed([1, 2, 3, 4, 5]).withUnsafeBytes { RecentDigests(written: $0, capacity: 3) }
        #expect(longer.ordered == [3, 4, 5])
    }

    @Test("a copy's window with a digest twice (made by hand) keeps both entries; the digest leaves with the oldest")
    func writtenWindowWithARepeat() {
        var window = Self.packed([5, 6, 5, 7]).withUnsafeBytes { RecentDigests(written: $0, capacity: 10) }
        #expect(window.ordered == [5, 6, 5, 7])
        let held = window.contains(5)
        #expect(held)
        window.insert(5, at: 500)
        #expect(window.count == 4)
        window.prune(receivedBefore: 101)
        #expect(window.ordered == [6, 5, 7])
        let members = [5, 6, 7].map { window.contains($0) }
        #expect(members == [false, true, true])
        window.insert(5, at: 500)
        #expect(window.ordered == [6, 5, 7, 5])
    }
}
