import Synchronization
import TelemetryStore

/// Users' published views kept between team-wide reads (Prometheus scrapes), each keyed by the
/// identities of the files it was built from (`user.json`, `aggregate.json`, `journal`): every
/// write changes the journal's size or replaces a file, so an unchanged identity means an
/// unchanged view, and a warm scrape costs three `stat`s per user instead of reading and
/// decoding every user's history. A view holds the days from the `daysFrom` it was read for, so
/// it serves only reads from that day or later. Entries exist only for the users of the last
/// listing.
package final class StoredUserCache: Sendable {
    struct Entry: Sendable {
        let record: FileIdentity
        let aggregate: FileIdentity?
        let journal: FileIdentity?
        /// The first day the view holds (nil: every day).
        let daysFrom: String?
        let user: StoredUser
    }

    private let entries = Mutex<[String: Entry]>([:])

    package init() {}

    func cached(
        _ id: String, record: FileIdentity, aggregate: FileIdentity?, journal: FileIdentity?, daysFrom: String?
    ) -> StoredUser? {
        entries.withLock { entries in
            guard let entry = entries[id], entry.record == record, entry.aggregate == aggregate, entry.journal == journal
            else { return nil }
            // A view cut at a later day lacks days this read needs.
            if let held = entry.daysFrom, daysFrom.map({ $0 < held }) ?? true { return nil }
            return entry.user
        }
    }

    func store(
        _ user: StoredUser, id: String, record: FileIdentity, aggregate: FileIdentity?, journal: FileIdentity?,
        daysFrom: String?
    ) {
        entries.withLock {
            $0[id] = Entry(record: record, aggregate: aggregate, journal: journal, daysFrom: daysFrom, user: user)
        }
    }

    func keep(only ids: Set<String>) {
        entries.withLock { entries in
            if entries.keys.contains(where: { !ids.contains($0) }) { entries = entries.filter { ids.contains($0.key) } }
        }
    }

    /// Number of users cached (for tests).
    package var count: Int { entries.withLock { $0.count } }
}
