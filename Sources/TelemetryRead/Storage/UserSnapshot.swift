import Crypto
package import TelemetryStore

/// One user's stored data as read at one moment: the record, and the aggregate with its journal
/// folded in (without the receiver's bookkeeping).
package struct UserFiles: Sendable {
    package let user: UserID
    package let directory: DataDirectory
    package let record: StoredFile
    /// nil until the user has sent data.
    package let aggregate: CurrentAggregate?
    /// The first day the aggregate was read for (``AggregateStore/current(_:skippingState:preferringCopy:publishedDays:daysFrom:)``);
    /// nil: every day.
    package var daysFrom: String?

    /// SHA-256 over the record, the identities of the stored `aggregate.json` and the journal,
    /// and the journal's record count: changes whenever their content does (a new
    /// `aggregate.json` is a new file).
    package var contentDigest: [UInt8] {
        let separator: [UInt8] = [0]
        var hasher = SHA256()
        hasher.update(data: record.bytes)
        hasher.update(data: separator)
        let snapshotFields = aggregate?.snapshotIdentity?.fields ?? []
        var values: [UInt64] = [UInt64(snapshotFields.count)] + snapshotFields
        values.append(contentsOf: aggregate?.journal?.fields ?? [])
        values.append(UInt64(aggregate?.journalRecords ?? 0))
        var fields: [UInt8] = []
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { fields.append(contentsOf: $0) }
        }
        hasher.update(data: fields)
        return Array(hasher.finalize())
    }

    /// Decodes the record. One that cannot be decoded throws ``StorageError/corrupt(path:reason:)``.
    package func decoded(limits: AggregationLimits) throws(StorageError) -> UserSnapshot {
        let decodedRecord = try UserRecord(decoding: record.bytes, path: directory.recordPath(user))
        return UserSnapshot(
            user: user, record: decodedRecord, document: aggregate?.document, recordIdentity: record.identity,
            aggregateIdentity: aggregate?.snapshotIdentity, journalIdentity: aggregate?.journal,
            publishedDays: aggregate?.publishedDays ?? PublishedDays(), daysFrom: daysFrom)
    }
}

/// One user's stored data, decoded, with the identity of exactly the files it came from.
package struct UserSnapshot: Sendable {
    package let user: UserID
    package let record: UserRecord
    /// nil until the user has sent data.
    package let document: AggregateDocument?
    package let recordIdentity: FileIdentity
    package let aggregateIdentity: FileIdentity?
    package let journalIdentity: FileIdentity?
    /// Days whose published figures came with the document (``CurrentAggregate/publishedDays``).
    package var publishedDays = PublishedDays()
    /// The first day the document was read for; nil: every day.
    package var daysFrom: String?
}

/// Reads users' stored files for the read endpoints, without any lock (`aggregate.json` is
/// replaced atomically and the journal only ever grows by whole checksummed records, so each
/// read sees one complete version).
package struct StoredUserReader: Sendable {
    package let directory: DataDirectory
    package let limits: AggregationLimits

    package init(directory: DataDirectory, limits: AggregationLimits = AggregationLimits()) {
        self.directory = directory
        self.limits = limits
    }

    /// Every user with a record, sorted by id.
    package func users() throws(StorageError) -> [UserID] {
        try UserStore(directory: directory).knownUsers()
    }

    /// What of a user's aggregate a reader reads.
    package enum Reading: Sendable {
        /// The whole document (without the receiver's bookkeeping): a user's own summary shows
        /// the sessions and, with `?raw=1`, every day's raw figures and models.
        case whole
        /// The days' published figures as the binary copy holds them, from `daysFrom` (a day
        /// key; nil: every day) on, and no sessions (``AggregateStore/current(_:skippingState:preferringCopy:publishedDays:daysFrom:)``):
        /// the team's digests.
        case published(daysFrom: String?)
    }

    /// The user's files, read as `reading` says; nil when the user does not exist (never
    /// created, or removed meanwhile).
    package func files(of user: UserID, reading: Reading) throws(StorageError) -> UserFiles? {
        guard let record = try StoredFile.read(directory.recordPath(user)) else { return nil }
        let (published, daysFrom): (Bool, String?) =
            switch reading {
            case .whole: (false, nil)
            case .published(let daysFrom): (true, daysFrom)
            }
        let aggregate = try AggregateStore(directory: directory, limits: limits).current(
            user, skippingState: true, preferringCopy: true, publishedDays: published, daysFrom: daysFrom)
        return UserFiles(user: user, directory: directory, record: record, aggregate: aggregate, daysFrom: daysFrom)
    }

    /// The user's data, decoded; nil when the user does not exist.
    package func snapshot(of user: UserID, reading: Reading) throws(StorageError) -> UserSnapshot? {
        try files(of: user, reading: reading)?.decoded(limits: limits)
    }

    /// The identities of the user's files now, without reading them; nil when the user does not
    /// exist.
    package func identities(of user: UserID) throws(StorageError)
        -> (record: FileIdentity, aggregate: FileIdentity?, journal: FileIdentity?)?
    {
        guard let record = try FileIdentity.of(directory.recordPath(user)) else { return nil }
        return (record, try FileIdentity.of(directory.aggregatePath(user)), try FileIdentity.of(directory.journalPath(user)))
    }
}
