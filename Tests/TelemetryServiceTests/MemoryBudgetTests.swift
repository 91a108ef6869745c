import TelemetryTesting
import Testing

@testable import TelemetryService

@Suite("Memory budget for bodies in flight")
struct MemoryBudgetTests {
    @Test("a body is charged three times its declared length")
    func charge() {
        #expect(MemoryBudget.charge(forBodyOf: 1000) == 3000)
        #expect(MemoryBudget.charge(forBodyOf: 0) == 0)
        #expect(MemoryBudget.charge(forBodyOf: Int.max) == Int.max)
    }

    @Test("bodies are admitted while they fit, refused beyond, and admitted again once released")
    func admitsUntilFull() throws {
        let budget = MemoryBudget(limit: 30_000)
        let first = try #require(budget.reserve(bodyOf: 6_000))
        #expect(first == 18_000)
        let second = try #require(budget.reserve(bodyOf: 4_000))
        #expect(budget.reserved == 30_000)
        #expect(budget.reserve(bodyOf: 1) == nil)
        #expect(budget.reserved == 30_000, "a refusal reserves nothing")
        budget.release(first)
        #expect(budget.reserved == 12_000)
        let third = try #require(budget.reserve(bodyOf: 6_000))
        #expect(budget.reserve(bodyOf: 1) == nil)
        budget.release(second)
        budget.release(third)
        #expect(budget.reserved == 0)
    }

    @Test("one body larger than the budget is admitted when nothing else is in flight, and only then")
    func oneLargeBodyAtATime() throws {
        let budget = MemoryBudget(limit: 1_000)
        let large = try #require(budget.reserve(bodyOf: 20 << 20))
        #expect(budget.reserve(bodyOf: 10) == nil)
        #expect(budget.reserve(bodyOf: 20 << 20) == nil)
        budget.release(large)
        #expect(budget.reserve(bodyOf: 10) == 30)
    }

    @Test("empty bodies never count and are never refused")
    func emptyBodies() throws {
        let budget = MemoryBudget(limit: 1_024)
        let full = try #require(budget.reserve(bodyOf: 400))
        #expect(budget.reserve(bodyOf: 0) == 0)
        budget.release(full)
        #expect(budget.reserved == 0)
    }

    @Test("concurrent reservations never exceed the budget")
    func concurrent() async {
        let budget = MemoryBudget(limit: 3_000 * 10)
        let peaks = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var peak = 0
                    for _ in 0..<2_000 {
                        if let charge = budget.reserve(bodyOf: 1_000) {
                            peak = max(peak, budget.reserved)
                            budget.release(charge)
                        }
                    }
                    return peak
                }
            }
            return await group.reduce(0) { max($0, $1) }
        }
        #expect(peaks <= 30_000)
        #expect(budget.reserved == 0)
    }
}

@Suite("A request's reservation grows while its body inflates")
struct MemoryReservationTests {
    @Test("inflating is charged three times the plain size on top of the body, and all of it is handed back")
    func growsAndReleases() throws {
        let budget = MemoryBudget(limit: 100_000)
        let other = try #require(budget.reserve(bodyOf: 1_000))
        let reservation = MemoryReservation(budget: budget)
        #expect(reservation.reserveBody(of: 1_000))
        #expect(reservation.claim(plainBytes: 10_000))
        #expect(reservation.bytes == 3_000 + 30_000)
        #expect(reservation.claim(plainBytes: 10_000), "a claim already granted costs nothing more")
        #expect(reservation.bytes == 33_000)
        #expect(!reservation.claim(plainBytes: 40_000), "36 000 + 90 000 more would exceed 100 000")
        #expect(budget.reserved == 36_000, "a refused claim reserves nothing")
        #expect(reservation.peakBytes == 33_000)
        reservation.release()
        #expect(budget.reserved == 3_000)
        budget.release(other)
        #expect(budget.reserved == 0)
    }

    @Test("the one request in flight may grow beyond the budget, as it may be admitted beyond it")
    func aloneMayGrow() {
        let budget = MemoryBudget(limit: 10_000)
        let reservation = MemoryReservation(budget: budget)
        #expect(reservation.reserveBody(of: 1_000))
        #expect(reservation.claim(plainBytes: 1_000_000))
        #expect(budget.reserve(bodyOf: 1) == nil)
        reservation.release()
        #expect(budget.reserved == 0)
    }
}
