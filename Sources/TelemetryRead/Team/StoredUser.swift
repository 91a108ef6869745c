package import TelemetryStore

/// One user as the team-wide read views see them: the record and, when the user has sent
/// anything, the published view of the aggregate.
package struct StoredUser: Sendable {
    package let record: UserRecord
    /// Nil when the user has no aggregate yet (nothing received).
    package let view: AggregateView?
    /// The team attributes kept for the user (`--team-attributes`), last value seen per key.
    package let attributes: [String: String]

    package init(record: UserRecord, view: AggregateView?, attributes: [String: String] = [:]) {
        self.record = record
        self.view = view
        self.attributes = attributes
    }
}

/// Every user of a data directory, read for a team-wide view (Prometheus, usage report).
///
/// A corrupt `aggregate.json` must not hide the rest of the team from a scrape, so such a user
/// is listed in `unreadable` (by id) and left out; the per-user routes report it as 503.
package struct StoredUsers: Sendable {
    /// Sorted by user id.
    package let users: [StoredUser]
    /// Ids of users whose aggregate could not be read or decoded.
    package let unreadable: [String]

    package init(users: [StoredUser], unreadable: [String]) {
        self.users = users
        self.unreadable = unreadable
    }

    /// Reads every user record and aggregate (with its journal). Takes no lock. With a `cache`,
    /// a user whose files are unchanged since the last call is not read again; `daysFrom` keeps
    /// only the day buckets from that day on in the views (a scrape needs only recent ones).
    /// Users are read on as many threads as there are cores (the first scrape after a start
    /// reads every user).
    package static func load(
        _ directory: DataDirectory, limits: AggregationLimits = AggregationLimits(), cache: StoredUserCache? = nil,
        daysFrom: String? = nil
    ) throws(StorageError) -> StoredUsers {
        let records = try UserStore(directory: directory).list().sorted(by: { $0.id < $1.id })
        let store = AggregateStore(directory: directory, limits: limits)
        let outcomes = EveryCore.map(records.count) { index in
            read(records[index], directory: directory, store: store, cache: cache, daysFrom: daysFrom)
        }
        var users: [StoredUser] = []
        var unreadable: [String] = []
        users.reserveCapacity(records.count)
        for (record, user) in zip(records, outcomes) {
            if let user { users.append(user) } else { unreadable.append(record.id) }
        }
        cache?.keep(only: Set(records.map(\.id)))
        return StoredUsers(users: users, unreadable: unreadable)
    }

    /// One user as read now, or from `cache` when the files are unchanged; nil when the user's
    /// id or files cannot be read.
    private static func read(
        _ record: UserRecord, directory: DataDirectory, store: AggregateStore, cache: StoredUserCache?, daysFrom: String?
    ) -> StoredUser? {
        guard let id = try? UserID(validating: record.id) else { return nil }
        do {
            var identities: (record: FileIdentity, aggregate: FileIdentity?, journal: FileIdentity?)?
            if let cache, let found = try StoredUserReader(directory: directory).identities(of: id) {
                if let user = cache.cached(
                    record.id, record: found.record, aggregate: found.aggregate, journal: found.journal, daysFrom: daysFrom)
                {
                    return user
                }
                identities = found
            }
            // The days' published figures from the binary copy (no day's model map or session
            // read for them), from `daysFrom` on.
            let current = try store.current(
                id, skippingState: true, preferringCopy: true, publishedDays: true, daysFrom: daysFrom)
            let user = StoredUser(
                record: record,
                view: current.map {
                    // The totals' raw figures kept: the Prometheus export publishes active time
                    // from the raw seconds, not from the rounded minutes; no other bucket's raw
                    // figures are exported (so the published days are taken as they are).
                    AggregateView(
                        $0.document, daysFrom: daysFrom, includingSessions: false, raw: .totals,
                        published: $0.publishedDays)
                },
                attributes: current?.document.attributes ?? [:])
            if let cache, let identities {
                cache.store(
                    user, id: record.id, record: identities.record, aggregate: identities.aggregate,
                    journal: identities.journal, daysFrom: daysFrom)
            }
            return user
        } catch {
            return nil
        }
    }
}
