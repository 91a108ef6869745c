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
}
