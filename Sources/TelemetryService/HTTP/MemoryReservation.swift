import Synchronization
import TelemetryDecoding

/// One request's share of the ``MemoryBudget``: its body's charge, reserved before the body is
/// read, grown while a compressed body inflates, and handed back whole by ``release()`` once
/// the request is answered. The service sees it through ``HTTPRequest/memory``.
package final class MemoryReservation: Sendable, InflationCharge {
    package let budget: MemoryBudget
    /// Bytes held in the budget now.
    private let held = Atomic<Int>(0)
    /// The decompressed bytes already paid for.
    private let plainGranted = Atomic<Int>(0)
    /// The most this reservation ever held, for the caller's clean-up decision.
    private let peak = Atomic<Int>(0)

    package init(budget: MemoryBudget) {
        self.budget = budget
    }

    /// Reserves the charge for a body of `declaredLength` bytes (``MemoryBudget/reserve(bodyOf:)``);
    /// false when the budget has no room.
    package func reserveBody(of declaredLength: Int) -> Bool {
        guard let charge = budget.reserve(bodyOf: declaredLength) else { return false }
        add(charge)
        return true
    }

    /// ``InflationCharge``: `plainBytes` of decompressed body cost ``MemoryBudget/chargeFactor``
    /// times that (the plain body, its decoded batch, growth), on top of the compressed body.
    package func claim(plainBytes: Int) -> Bool {
        let already = plainGranted.load(ordering: .relaxed)
        guard plainBytes > already else { return true }
        let extra = MemoryBudget.charge(forBodyOf: plainBytes - already)
        guard budget.extend(holding: bytes, by: extra) else { return false }
        plainGranted.store(plainBytes, ordering: .relaxed)
        add(extra)
        return true
    }

    /// Bytes held now.
    package var bytes: Int { held.load(ordering: .relaxed) }

    /// The most held at once since this reservation was made.
    package var peakBytes: Int { peak.load(ordering: .relaxed) }

    /// Hands everything back.
    package func release() {
        let charge = held.exchange(0, ordering: .acquiringAndReleasing)
        plainGranted.store(0, ordering: .relaxed)
        budget.release(charge)
    }

    private func add(_ charge: Int) {
        let now = held.add(charge, ordering: .acquiringAndReleasing).newValue
        if now > peak.load(ordering: .relaxed) { peak.store(now, ordering: .relaxed) }
    }
}
