import Synchronization
package import TelemetryStore

/// This process's own counters (requests by route and status, refusals by reason, rejected
/// points and records, parked requests, request durations), kept in memory under a lock —
/// a request adds to a few dictionary entries, no file is touched — and written to the
/// process's slot file by ``flush()`` every few seconds and when the process stops. The
/// Prometheus route adds every process's file up (``ServiceCounterTotals``).
package final class ServiceCounters: Sendable {
    private struct State {
        var counters: [ServiceCounterKey: ServiceCounterValue]
        var changed = false

        mutating func add(_ key: ServiceCounterKey, _ amount: UInt64, nowMilliseconds: UInt64) {
            if counters[key] == nil {
                counters[key] = ServiceCounterValue(value: amount, createdMilliseconds: nowMilliseconds)
            } else {
                counters[key]!.value &+= amount
            }
            changed = true
        }
    }

    package let slot: ServiceCounterSlot
    private let state: Mutex<State>
    /// Serialises writers of the slot file (the periodic flush and the last one).
    private let writing = Mutex(())

    /// Takes a slot in `directory` and carries on from its counts. `damaged`: the slot's file
    /// was torn or not this format, and its counts start again from zero.
    package static func open(_ directory: DataDirectory) throws(StorageError) -> (counters: ServiceCounters, damaged: Bool) {
        let (slot, counters, damaged) = try ServiceCounterSlot.claim(directory)
        return (ServiceCounters(slot: slot, counters: counters), damaged)
    }

    private init(slot: ServiceCounterSlot, counters: [ServiceCounterKey: ServiceCounterValue]) {
        self.slot = slot
        state = Mutex(State(counters: counters))
    }

    /// Counts one answered request.
    package func record(_ summary: RequestSummary, now: Timestamp = .now()) {
        let milliseconds = now.nanoseconds / 1_000_000
        let status = String(summary.status)
        let bucket = String(ServiceCounterKey.durationBucket(microseconds: summary.durationMicroseconds))
        state.withLock { state in
            state.add(ServiceCounterKey(.requests, summary.route, status), 1, nowMilliseconds: milliseconds)
            if let reason = summary.refusal, summary.method == "POST" || summary.method == "-" {
                state.add(ServiceCounterKey(.refused, reason), 1, nowMilliseconds: milliseconds)
            }
            if summary.rejected > 0, let family = Self.rejectedFamily(route: summary.route) {
                state.add(ServiceCounterKey(family), UInt64(summary.rejected), nowMilliseconds: milliseconds)
            }
            switch summary.attribution {
            case "parked"?: state.add(ServiceCounterKey(.parked, "installation"), 1, nowMilliseconds: milliseconds)
            case "parked-unknown-user"?:
                state.add(ServiceCounterKey(.parked, "unknown_user"), 1, nowMilliseconds: milliseconds)
            default: break
            }
            state.add(ServiceCounterKey(.durationBucket, bucket), 1, nowMilliseconds: milliseconds)
            state.add(
                ServiceCounterKey(.durationSumMicroseconds), UInt64(max(0, summary.durationMicroseconds)),
                nowMilliseconds: milliseconds)
            state.add(ServiceCounterKey(.durationCount), 1, nowMilliseconds: milliseconds)
        }
    }

    /// Adds `amount` to one counter (the admin tool's claims).
    package func add(_ key: ServiceCounterKey, _ amount: UInt64, now: Timestamp = .now()) {
        let milliseconds = now.nanoseconds / 1_000_000
        state.withLock { $0.add(key, amount, nowMilliseconds: milliseconds) }
    }

    /// The counts now.
    package var snapshot: [ServiceCounterKey: ServiceCounterValue] {
        state.withLock { $0.counters }
    }

    /// Writes the counts to the slot's file if they changed since the last write.
    package func flush() throws(StorageError) {
        let failure = writing.withLock { _ -> StorageError? in
            let counters: [ServiceCounterKey: ServiceCounterValue]? = state.withLock { state in
                guard state.changed else { return nil }
                state.changed = false
                return state.counters
            }
            guard let counters else { return nil }
            let result = Result { () throws(StorageError) in try slot.write(counters) }
            guard case .failure(let error) = result else { return nil }
            state.withLock { $0.changed = true }
            return error
        }
        if let failure { throw failure }
    }

    /// Points for metrics, records for logs, spans for traces: what the route's signal carries.
    static func rejectedFamily(route: String) -> ServiceCounterFamily? {
        if route.hasPrefix("metrics/") { return .rejectedPoints }
        if route.hasPrefix("logs/") { return .rejectedRecords }
        if route.hasPrefix("traces/") { return .rejectedSpans }
        return nil
    }
}
