/// `aggregate.json` exactly as it would be stored now, together with what it decodes to.
package struct StoredAggregate: Sendable {
    /// The document's bytes: the stored file's when the journal holds no record beyond it,
    /// otherwise the current document encoded the same way (what `claude-telemetry compact`
    /// would write).
    package let bytes: [UInt8]
    package let document: AggregateDocument

    package init(bytes: [UInt8], document: AggregateDocument) {
        self.bytes = bytes
        self.document = document
    }
}

/// A user's current aggregate as read without a lock: `aggregate.json` with the journal's
/// records of its generation folded in, and the identities of exactly the files it came from.
package struct CurrentAggregate: Sendable {
    package let document: AggregateDocument
    /// The identity of the stored `aggregate.json` (nil while the user's data is only in the
    /// journal).
    package let snapshotIdentity: FileIdentity?
    /// Its bytes, when they were read (not when its binary copy was).
    package let snapshot: StoredFile?
    package let journal: FileIdentity?
    /// Records folded in from the journal.
    package let journalRecords: Int
    /// Bytes after the last whole record: a write in progress, or a crash's torn tail that the
    /// next writer cuts. Never read as data.
    package let tornBytes: Int
}

extension AggregateStore {
    /// Reads the current aggregate without a lock; nil when the user has no data yet.
    ///
    /// `aggregate.json` is read first (or, with `preferringCopy`, its binary copy when there is
    /// one of exactly that file: ``BinaryCopy``), then the journal. When `aggregate.json` changed
    /// meanwhile, or the journal is of a newer generation, a compaction happened in between and
    /// the read starts again; a journal of an older generation is folded into the document already.
    package func current(
        _ user: UserID, skippingState: Bool = false, preferringCopy: Bool = false
    ) throws(StorageError) -> CurrentAggregate? {
        let aggregatePath = directory.aggregatePath(user)
        let journalPath = directory.journalPath(user)
        for _ in 0..<16 {
            var identity = preferringCopy ? try JournalFiles.identity(aggregatePath) : nil
            let copy = identity.flatMap { copyOf in
                BinaryCopy.read(
                    directory.binaryCopyPath(user), of: copyOf, user: user, limits: limits, skippingState: skippingState)
            }
            var snapshot: StoredFile?
            if copy == nil {
                snapshot = try JournalFiles.read(aggregatePath)
                identity = snapshot?.identity
            }
            let journal = try JournalFiles.read(journalPath)
            // A fold replaces `aggregate.json`, then restarts the journal in place: a journal read
            // while that happened may lack records the snapshot read before it does not hold.
            // (The JSON is decoded only once the pair is known to fit.)
            if try JournalFiles.identity(aggregatePath) != identity { continue }
            var document = copy ?? AggregateDocument(user: user, limits: limits)
            if let snapshot {
                do {
                    document = try AggregateCoding.decode(
                        snapshot.bytes, expectedUser: user, limits: limits, skippingState: skippingState)
                } catch {
                    throw .corrupt(path: aggregatePath, reason: error.reason)
                }
            }
            guard let journal else {
                guard identity != nil else { return nil }
                return CurrentAggregate(
                    document: document, snapshotIdentity: identity, snapshot: snapshot, journal: nil, journalRecords: 0,
                    tornBytes: 0)
            }
            let scan = JournalFormat.scan(journal.bytes)
            guard let generation = scan.generation, generation >= document.journalGeneration else {
                guard identity != nil else { return nil }
                return CurrentAggregate(
                    document: document, snapshotIdentity: identity, snapshot: snapshot, journal: journal.identity,
                    journalRecords: 0, tornBytes: 0)
            }
            if generation > document.journalGeneration { continue }
            if identity == nil && scan.records.isEmpty { return nil }
            do {
                try JournalTailFold.fold(scan.records.map(\.payload), into: &document, includingState: !skippingState)
            } catch {
                throw .corrupt(path: journalPath, reason: error.reason)
            }
            return CurrentAggregate(
                document: document, snapshotIdentity: identity, snapshot: snapshot, journal: journal.identity,
                journalRecords: scan.records.count, tornBytes: scan.tornBytes)
        }
        throw .lockTimeout(path: journalPath, waitedMilliseconds: 0)
    }

    /// The document and its bytes as `aggregate.json` would hold them now; nil when the user has
    /// no data yet. Takes no lock.
    package func readStored(_ user: UserID) throws(StorageError) -> StoredAggregate? {
        guard let current = try current(user) else { return nil }
        if let snapshot = current.snapshot, current.journalRecords == 0 {
            return StoredAggregate(bytes: snapshot.bytes, document: current.document)
        }
        return StoredAggregate(bytes: AggregateCoding.encode(current.document), document: current.document)
    }
}
