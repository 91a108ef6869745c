import Synchronization

/// The bytes the request bodies in flight may hold in one process, after the OpenTelemetry
/// Collector's memory limiter: a request whose body would go beyond the budget is refused at
/// once (503 + `Retry-After`) before a byte of it is read, instead of every worker holding a
/// maximum-size body at the same time.
///
/// A body is charged ``chargeFactor`` times its declared length: while it is applied the
/// process holds the body, its decoded batch and the working copies of decoding and
/// inflating. A compressed body is charged again as it inflates, ``chargeFactor`` times its
/// decompressed size (see ``MemoryReservation``), since that is what it then holds. In the benchmark kit a 20 MiB protobuf body raised a process's high-water mark
/// by about 40 MiB (twice its size) above the 22 MiB of an idle responder; the third share is
/// room for JSON and decompressed bodies. One request is always admitted when nothing else is in flight, so a budget smaller
/// than the largest body slows large bodies down to one at a time but never refuses them all.
package final class MemoryBudget: Sendable {
    package static let chargeFactor = 3

    package let limit: Int
    private let inFlight = Atomic<Int>(0)

    package init(limit: Int) {
        self.limit = limit
    }

    /// What a body of `declaredLength` bytes is charged.
    package static func charge(forBodyOf declaredLength: Int) -> Int {
        declaredLength.multipliedReportingOverflow(by: chargeFactor).overflow ? Int.max : declaredLength * chargeFactor
    }

    /// Reserves the charge for a body of `declaredLength` bytes. Returns the reservation to
    /// hand back to ``release(_:)`` once the request is answered, or nil when the budget has
    /// no room (nothing was reserved).
    package func reserve(bodyOf declaredLength: Int) -> Int? {
        let charge = Self.charge(forBodyOf: declaredLength)
        if charge == 0 { return 0 }
        var current = inFlight.load(ordering: .relaxed)
        while true {
            let admitted = current == 0 || (current <= limit && charge <= limit - current)
            guard admitted else { return nil }
            let (exchanged, original) = inFlight.compareExchange(
                expected: current, desired: current &+ charge, ordering: .acquiringAndReleasing)
            if exchanged { return charge }
            current = original
        }
    }

    /// Adds `extra` bytes to a reservation of `held` bytes: granted when they fit, or when that
    /// reservation is all that is in flight (the one request always admitted may also grow).
    package func extend(holding held: Int, by extra: Int) -> Bool {
        if extra <= 0 { return true }
        var current = inFlight.load(ordering: .relaxed)
        while true {
            let admitted = current <= held || (current <= limit && extra <= limit - current)
            guard admitted else { return false }
            let (exchanged, original) = inFlight.compareExchange(
                expected: current, desired: current &+ extra, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
    }

    /// Hands back a reservation from ``reserve(bodyOf:)``.
    package func release(_ charge: Int) {
        if charge != 0 { inFlight.subtract(charge, ordering: .acquiringAndReleasing) }
    }

    /// The bytes reserved now.
    package var reserved: Int { inFlight.load(ordering: .relaxed) }

    /// How long a refused client should wait: bodies in flight take well under a second each.
    package static let retryAfterSeconds = 1
}
