import Synchronization
import TelemetryStore

/// Users' digests kept between team requests, each keyed by the identity of the two files it was
/// built from. A team summary then costs two `stat`s per user whose files did not change, rather
/// than reading and parsing every document (about 50 KB each) on every request.
///
/// Every update replaces a stored file with a new inode and change time, so a matching identity
/// means the digest is current. Entries exist only for users of the last listing (removed users
/// are dropped), and hold no raw figures, so memory is bounded by the number of users and their
/// days, whatever the number of requests.
public final class TeamDigestCache: Sendable {
    public struct Entry: Sendable {
        public let user: UserID
        public let record: FileIdentity
        public let aggregate: FileIdentity?
        public let journal: FileIdentity?
        public let digest: UserDigest
        /// Every stored team attribute (callers show the configured ones).
        public let attributes: [String: String]
    }

    private let entries = Mutex<[UserID: Entry]>([:])

    public init() {}

    /// The current entry of every user, sorted by id: cached when both files are unchanged,
    /// otherwise read, decoded and cached anew. A user removed meanwhile is left out.
    public func current(reader: StoredUserReader) throws(StorageError) -> [Entry] {
        let users = try reader.users()
        var result: [Entry] = []
        result.reserveCapacity(users.count)
        for user in users {
            guard let identities = try reader.identities(of: user) else { continue }
            let cached = entries.withLock { $0[user] }
            if let cached, cached.record == identities.record, cached.aggregate == identities.aggregate,
                cached.journal == identities.journal
            {
                result.append(cached)
                continue
            }
            guard let snapshot = try reader.snapshot(of: user) else { continue }
            let entry = Entry(
                user: user, record: snapshot.recordIdentity, aggregate: snapshot.aggregateIdentity,
                journal: snapshot.journalIdentity,
                digest: UserDigest(snapshot, limits: reader.limits, keepingRaw: false, keepingSessions: false),
                attributes: snapshot.document?.attributes ?? [:])
            entries.withLock { $0[user] = entry }
            result.append(entry)
        }
        let listed = Set(users)
        entries.withLock { cache in
            if cache.count > listed.count || cache.keys.contains(where: { !listed.contains($0) }) {
                cache = cache.filter { listed.contains($0.key) }
            }
        }
        return result
    }

    /// Number of users cached (for tests).
    public var count: Int { entries.withLock { $0.count } }
}
