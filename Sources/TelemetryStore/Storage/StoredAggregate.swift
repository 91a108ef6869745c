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
