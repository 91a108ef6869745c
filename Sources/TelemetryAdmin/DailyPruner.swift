package import TelemetryStore

/// Drops old daily buckets from users' aggregates. The aggregator already bounds how many day
/// buckets a document keeps (``AggregationLimits/days``), but only by count and only when a
/// new day arrives; pruning by age keeps idle users' files in line with the retention policy.
///
/// Totals, models and tools are untouched, and so is `updatedAt` (it tells when the user last
/// sent data, which pruning does not change).
package struct DailyPruner: Sendable {
    package let store: AggregateStore

    package init(store: AggregateStore) {
        self.store = store
    }

    /// The oldest day kept: `retentionDays` days before `now`'s day in `zone` (the deployment's
    /// `--timezone`, in which the day buckets were cut). Buckets before it are dropped, so today
    /// and the `retentionDays` days before it stay.
    package static func cutoffDay(retentionDays: Int, now: Timestamp, zone: DayZone = .utc) -> String {
        let today = zone.dayNumber(atSecond: Int64(clamping: now.seconds))
        let cutoff = today - Int64(max(0, retentionDays))
        guard cutoff >= 0 else { return "0000-00-00" }
        return CivilDate(days: cutoff).text
    }

    /// The days of `document` that pruning would drop, oldest first. Keys that are not
    /// `YYYY-MM-DD` are never dropped (pruning only removes what it understands).
    package static func expiredDays(in document: AggregateDocument, cutoff: String) -> [String] {
        document.days.keys.filter { isDayKey($0) && $0 < cutoff }.sorted()
    }

    /// Drops `user`'s expired days under the user's lock, writing only when something was
    /// dropped. With `dryRun`, reads without locking and changes nothing. Returns the days
    /// dropped (or that would be); a user without an aggregate yields none.
    package func prune(_ user: UserID, retentionDays: Int, now: Timestamp = .now(), dryRun: Bool = false) throws -> [String] {
        let cutoff = Self.cutoffDay(retentionDays: retentionDays, now: now, zone: store.limits.dayZone)
        // Reading first means a user without data gets no lock file created for nothing.
        guard let current = try store.read(user) else { return [] }
        if dryRun { return Self.expiredDays(in: current, cutoff: cutoff) }
        if Self.expiredDays(in: current, cutoff: cutoff).isEmpty { return [] }
        return try store.update(user) { document in
            let expired = Self.expiredDays(in: document, cutoff: cutoff)
            for day in expired { document.removeDay(day) }
            return (expired, !expired.isEmpty)
        }
    }

    static func isDayKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard bytes.count == 10 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 7 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return false }
            }
        }
        return true
    }
}
