import Synchronization
package import TelemetryStore

/// Users' digests kept between team requests, each keyed by the identity of the two files it was
/// built from. A team summary then costs two `stat`s per user whose files did not change, rather
/// than reading and parsing every document (about 50 KB each) on every request.
///
/// Every update replaces a stored file with a new inode and change time, so a matching identity
/// means the digest is current. A digest holds the days from the first one a request needed
/// on (``UserDigest/daysFrom``): a year-old user's other days are never read, and a request
/// that reaches further back reads the user again. Entries exist only for users of the last
/// listing (removed users are dropped), and hold no raw figures, so memory is bounded by the
/// number of users and their days, whatever the number of requests.
package final class TeamDigestCache: Sendable {
    package struct Entry: Sendable {
        package let user: UserID
        package let record: FileIdentity
        package let aggregate: FileIdentity?
        package let journal: FileIdentity?
        package let digest: UserDigest
        /// Every stored team attribute (callers show the configured ones).
        package let attributes: [String: String]
    }

    private let entries = Mutex<[UserID: Entry]>([:])

    package init() {}

    /// Every user's entry, and the users whose files could not be read.
    package struct Listing: Sendable {
        /// Sorted by id.
        package let entries: [Entry]
        /// Users left out because one of their files could not be read or decoded (a damaged
        /// `aggregate.json`, journal or `user.json`, a planted link, a read error): the team is
        /// still answered, naming them; their own summary answers 503 and `verify` names the file.
        package let unreadable: [UserID]
    }

    /// The current entry of every user, sorted by id, holding the days from `daysFrom` (a day
    /// key; nil: every day) on: cached when the files are unchanged and the digest holds those
    /// days, otherwise read, decoded and cached anew. A user removed meanwhile is left out; a
    /// user whose files cannot be read is listed apart. Only a listing of the users that fails
    /// (the data directory itself in trouble) throws.
    package func current(reader: StoredUserReader, daysFrom: String? = nil) throws(StorageError) -> Listing {
        let users = try reader.users()
        let outcomes = EveryCore.map(users.count) { index in
            Result { () throws(StorageError) in try entry(of: users[index], reader: reader, daysFrom: daysFrom) }
        }
        var result: [Entry] = []
        var unreadable: [UserID] = []
        result.reserveCapacity(users.count)
        for (user, outcome) in zip(users, outcomes) {
            switch outcome {
            case .success(let entry?): result.append(entry)
            case .success(nil): break
            case .failure:
                unreadable.append(user)
                entries.withLock { _ = $0.removeValue(forKey: user) }
            }
        }
        let listed = Set(users)
        entries.withLock { cache in
            if cache.count > listed.count || cache.keys.contains(where: { !listed.contains($0) }) {
                cache = cache.filter { listed.contains($0.key) }
            }
        }
        return Listing(entries: result, unreadable: unreadable)
    }

    /// One user's entry, from the cache when the files are unchanged and it holds the days from
    /// `daysFrom` on; nil when the user was removed meanwhile.
    private func entry(of user: UserID, reader: StoredUserReader, daysFrom: String?) throws(StorageError) -> Entry? {
        guard let identities = try reader.identities(of: user) else { return nil }
        let cached = entries.withLock { $0[user] }
        if let cached, cached.record == identities.record, cached.aggregate == identities.aggregate,
            cached.journal == identities.journal, cached.digest.holdsDays(from: daysFrom)
        {
            return cached
        }
        guard let snapshot = try reader.snapshot(of: user, reading: .published(daysFrom: daysFrom)) else { return nil }
        let entry = Entry(
            user: user, record: snapshot.recordIdentity, aggregate: snapshot.aggregateIdentity,
            journal: snapshot.journalIdentity,
            digest: UserDigest(snapshot, limits: reader.limits, keepingRaw: false, keepingSessions: false),
            attributes: snapshot.document?.attributes ?? [:])
        entries.withLock { $0[user] = entry }
        return entry
    }

    /// Number of users cached (for tests).
    package var count: Int { entries.withLock { $0.count } }
}
