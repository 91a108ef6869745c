/// `aggregate.json` exactly as stored, together with what it decodes to.
public struct StoredAggregate: Sendable {
    /// The file's bytes, unchanged (what a dashboard downloads).
    public let bytes: [UInt8]
    public let document: AggregateDocument
}

extension AggregateStore {
    /// Reads the stored file once and decodes those same bytes, so the raw text and the
    /// decoded document always agree. Nil when the user has no aggregate yet. Takes no lock
    /// (the file is replaced atomically, so it is always complete).
    public func readStored(_ user: UserID) throws(StorageError) -> StoredAggregate? {
        let path = directory.aggregatePath(user)
        guard let bytes = try FileSystem.readRegularFile(path) else { return nil }
        do {
            return StoredAggregate(bytes: bytes, document: try AggregateCoding.decode(bytes, expectedUser: user, limits: limits))
        } catch {
            throw .corrupt(path: path, reason: error.reason)
        }
    }
}

extension StorageError {
    /// True when the data directory could not be created or written (rather than read):
    /// the admin tool exits with 73 (EX_CANTCREAT) for these and 74 (EX_IOERR) otherwise.
    public var isWriteFailure: Bool {
        guard case .system(let operation, _, _) = self else { return false }
        return Self.writeOperations.contains(operation)
    }

    /// The operation names the storage layer uses for calls that create or change files.
    static let writeOperations: Set<String> = [
        "create directory", "create", "write", "rename", "fsync directory", "open lock", "remove", "remove directory",
    ]
}
