import TelemetryStore

/// One user's stored files as read at one moment, not yet decoded: enough to tell whether a
/// client's copy is current (``contentDigest``) without parsing anything.
public struct UserFiles: Sendable {
    public let user: UserID
    public let directory: DataDirectory
    public let record: StoredFile
    /// nil until the user has sent data.
    public let aggregate: StoredFile?

    /// SHA-256 over both files' bytes: changes exactly when their content does.
    public var contentDigest: [UInt8] {
        var hasher = SHA256()
        hasher.update(record.bytes)
        hasher.update([0])
        hasher.update(aggregate?.bytes ?? [])
        return hasher.finalize()
    }

    /// Decodes both files. One that cannot be decoded throws ``StorageError/corrupt(path:reason:)``.
    public func decoded(limits: AggregationLimits) throws(StorageError) -> UserSnapshot {
        let decodedRecord = try UserRecord(decoding: record.bytes, path: directory.recordPath(user))
        var document: AggregateDocument?
        if let aggregate {
            do {
                document = try AggregateCoding.decode(aggregate.bytes, expectedUser: user, limits: limits, skippingState: true)
            } catch {
                throw .corrupt(path: directory.aggregatePath(user), reason: error.reason)
            }
        }
        return UserSnapshot(
            user: user, record: decodedRecord, document: document, recordIdentity: record.identity,
            aggregateIdentity: aggregate?.identity)
    }
}

/// One user's stored data, decoded, with the identity of exactly the files it came from.
public struct UserSnapshot: Sendable {
    public let user: UserID
    public let record: UserRecord
    /// nil until the user has sent data.
    public let document: AggregateDocument?
    public let recordIdentity: FileIdentity
    public let aggregateIdentity: FileIdentity?
}

/// Reads users' stored files for the read endpoints, without any lock (every file is replaced
/// atomically, so each read sees one complete version).
public struct StoredUserReader: Sendable {
    public let directory: DataDirectory
    public let limits: AggregationLimits

    public init(directory: DataDirectory, limits: AggregationLimits = AggregationLimits()) {
        self.directory = directory
        self.limits = limits
    }

    /// Every user with a record, sorted by id.
    public func users() throws(StorageError) -> [UserID] {
        try UserStore(directory: directory).knownUsers()
    }

    /// The user's files; nil when the user does not exist (never created, or removed meanwhile).
    public func files(of user: UserID) throws(StorageError) -> UserFiles? {
        guard let record = try StoredFile.read(directory.recordPath(user)) else { return nil }
        return UserFiles(
            user: user, directory: directory, record: record,
            aggregate: try StoredFile.read(directory.aggregatePath(user)))
    }

    /// The user's data, decoded; nil when the user does not exist.
    public func snapshot(of user: UserID) throws(StorageError) -> UserSnapshot? {
        try files(of: user)?.decoded(limits: limits)
    }

    /// The identities of the user's two files now, without reading them; nil when the user does
    /// not exist.
    public func identities(of user: UserID) throws(StorageError) -> (record: FileIdentity, aggregate: FileIdentity?)? {
        guard let record = try FileIdentity.of(directory.recordPath(user)) else { return nil }
        return (record, try FileIdentity.of(directory.aggregatePath(user)))
    }
}
