import SystemCalls

/// One writer's use of a user's journal, under the user's lock: brings the document up to date
/// (from this process's cache, or from the files), appends one record, folds the journal into
/// `aggregate.json` when due. Nothing is written unless a record is appended.
struct JournalSession {
    let store: AggregateStore
    let user: UserID
    let key: DocumentCache.Key
    let journalPath: String
    private var descriptor: FileDescriptor?
    /// The journal on disk is of an older generation, or has no whole header: it is started
    /// afresh before the first record is appended.
    private var needsStart = false
    var entry: DocumentCache.Entry
    /// Where the document lent to the update in progress started (see ``lendDocument()``).
    private var baseline: DocumentChanges.Baseline?
    #if DEBUG
        /// The lent document as it was, to replay each record onto and compare with the result.
        private var lentFrom: AggregateDocument?
    #endif

    init(store: AggregateStore, user: UserID) throws(StorageError) {
        let key = DocumentCache.Key(root: store.directory.root, user: user.rawValue)
        let journalPath = store.directory.journalPath(user)
        let snapshot = try JournalFiles.identity(store.directory.aggregatePath(user))
        let fd = try JournalFiles.openForWriting(journalPath)
        do {
            (entry, needsStart) = try Self.current(
                store: store, user: user, key: key, fd: fd, snapshot: snapshot, path: journalPath)
        } catch let error as StorageError {
            fd?.closeIgnoringErrors()
            throw error
        } catch let error as Errno {
            fd?.closeIgnoringErrors()
            throw error.storage("read", journalPath)
        } catch {
            fd?.closeIgnoringErrors()
            throw .system(operation: "read", path: journalPath, errno: Errno(rawValue: EIO))
        }
        self.store = store
        self.user = user
        self.key = key
        self.journalPath = journalPath
        descriptor = fd
    }

    /// The cached document brought up to date with what other processes appended, or, when the
    /// files are not those the cache knew, the document built from them.
    private static func current(
        store: AggregateStore, user: UserID, key: DocumentCache.Key, fd: FileDescriptor?, snapshot: FileIdentity?,
        path: String
    ) throws -> (DocumentCache.Entry, needsStart: Bool) {
        let info = try fd?.status()
        let size = info.map { Int($0.st_size) } ?? 0
        let device = info.map { UInt64($0.st_dev) } ?? 0
        let inode = info.map { UInt64($0.st_ino) } ?? 0
        if var cached = store.cache.take(key), cached.position.snapshot == snapshot {
            // No journal yet, and none when the document was cached.
            if fd == nil && cached.position.journalInode == 0 { return (cached, false) }
            guard let fd, cached.position.follows(device: device, inode: inode, size: size) else { return try loaded() }
            try catchUp(&cached, fd: fd, size: size, path: path)
            return (cached, false)
        }
        if let memo = store.cache.takeMemo(key), memo.position.snapshot == snapshot, let fd,
            memo.position.follows(device: device, inode: inode, size: size),
            let resumed = try resume(from: memo, store: store, user: user, fd: fd, size: size, path: path)
        {
            #if DEBUG
                let whole = try loaded().0
                precondition(
                    resumed.document == whole.document && resumed.position.journalEnd == whole.position.journalEnd
                        && resumed.position.journalRecords == whole.position.journalRecords,
                    "a document resumed from its memo differs from the one read from the files")
            #endif
            return (resumed, false)
        }
        return try loaded()

        func loaded() throws -> (DocumentCache.Entry, needsStart: Bool) {
            var (entry, needsStart) = try load(store: store, user: user, fd: fd, size: size, snapshot: snapshot)
            entry.position.journalDevice = device
            entry.position.journalInode = inode
            return (entry, needsStart)
        }
    }

    /// The document of a memo brought up to date: `aggregate.json` (its binary copy), the memo's
    /// changes, then the records appended after them. Nil when the changes do not fit the
    /// document (then it is read whole).
    private static func resume(
        from memo: DocumentCache.Memo, store: AggregateStore, user: UserID, fd: FileDescriptor, size: Int, path: String
    ) throws -> DocumentCache.Entry? {
        var (entry, _) = try load(store: store, user: user, fd: nil, size: 0, snapshot: memo.position.snapshot)
        do {
            try memo.changes.apply(to: &entry.document)
        } catch {
            return nil
        }
        entry.sinceSnapshot = memo.changes
        entry.position = memo.position
        try catchUp(&entry, fd: fd, size: size, path: path)
        return entry
    }

    /// Folds the records appended after the entry's position (by other processes, or after its
    /// memo was kept), and cuts a torn tail.
    private static func catchUp(_ entry: inout DocumentCache.Entry, fd: FileDescriptor, size: Int, path: String) throws {
        guard size > entry.position.journalEnd else { return }
        let end = entry.position.journalEnd
        let tail = JournalFormat.scanRecords(try fd.read(at: end, count: size - end), from: 0)
        try fold(tail.records, into: &entry, path: path)
        entry.position.journalEnd += tail.end
        if tail.tornBytes > 0 { try cut(fd, at: entry.position.journalEnd, path: path) }
    }

    /// Builds the current document from the files: `aggregate.json`, then the journal's records
    /// of its generation. A journal of an older generation (its records are in the document
    /// already: a crash between the two steps of a compaction) or without a whole header is
    /// started afresh at the next append; one of a newer generation than the document, or one
    /// that is no journal, is refused as corrupt and left as it is.
    private static func load(
        store: AggregateStore, user: UserID, fd: FileDescriptor?, size: Int, snapshot: FileIdentity?
    ) throws -> (DocumentCache.Entry, needsStart: Bool) {
        let aggregatePath = store.directory.aggregatePath(user)
        let journalPath = store.directory.journalPath(user)
        var document = AggregateDocument(user: user, limits: store.limits)
        var snapshotBytes = 0
        if let snapshot,
            let copy = BinaryCopy.read(
                store.directory.binaryCopyPath(user), of: snapshot, user: user, limits: store.limits, skippingState: false)
        {
            snapshotBytes = Int(snapshot.size)
            document = copy.document
        } else if let snapshot, let bytes = try FileSystem.readRegularFile(aggregatePath) {
            snapshotBytes = bytes.count
            do {
                document = try AggregateCoding.decode(bytes, expectedUser: user, limits: store.limits)
            } catch {
                throw StorageError.corrupt(path: aggregatePath, reason: error.reason)
            }
            // A large document without its copy (written by an earlier version, imported, or
            // the copy lost) gains one now, so that the next load is fast.
            if bytes.count >= store.configuration.compaction.binaryCopyBytes {
                store.writeBinaryCopy(document, jsonBytes: bytes.count, of: snapshot, user: user)
            }
        }
        let generation = document.journalGeneration
        // Consumed: a second reference to the document would make the fold below copy every map
        // it writes (the series table of a year-old user is 4 096 entries).
        var entry = DocumentCache.Entry(
            document: consume document, position: .start(of: snapshot, bytes: snapshotBytes),
            sinceSnapshot: store.memoChanges(following: snapshotBytes))
        guard let fd else { return (entry, false) }
        let bytes = try fd.read(at: 0, count: size)
        let scan = JournalFormat.scan(bytes)
        switch scan.generation {
        case generation?:
            try fold(scan.records, into: &entry, path: journalPath)
            entry.position.journalEnd = scan.end
            if scan.tornBytes > 0 { try cut(fd, at: scan.end, path: journalPath) }
            return (entry, false)
        case let newer? where newer > generation:
            throw StorageError.corrupt(
                path: journalPath,
                reason: "journal generation \(newer) follows a newer aggregate.json than the stored one "
                    + "(generation \(generation))")
        default:
            if scan.generation == nil && bytes.count >= JournalFormat.headerSize {
                throw StorageError.corrupt(path: journalPath, reason: "not a journal (no CTJ1 header)")
            }
            return (entry, true)
        }
    }

    static func fold(_ records: [JournalFormat.Record], into entry: inout DocumentCache.Entry, path: String) throws(StorageError)
    {
        do {
            try JournalTailFold.fold(records.map(\.payload), into: &entry.document, merging: &entry.sinceSnapshot)
        } catch {
            throw .corrupt(path: path, reason: error.reason)
        }
        entry.position.journalRecords += records.count
        if entry.position.oldestRecordSeconds == nil, let first = records.first {
            entry.position.oldestRecordSeconds = first.seconds
        }
    }

    /// Cuts a torn tail (a record a crash left half-written; it was never acknowledged).
    private static func cut(_ fd: FileDescriptor, at end: Int, path: String) throws(StorageError) {
        do {
            try fd.truncate(to: end)
        } catch {
            throw error.storage("cut torn tail of", path)
        }
    }

    /// The descriptor to append to: the journal as it is, started afresh when it must be, or a
    /// new one (created by write-temporary-and-rename, so its name is durable before a record is).
    private mutating func appendable() throws(StorageError) -> FileDescriptor {
        let header = JournalFormat.header(generation: entry.document.journalGeneration)
        let durable = store.configuration.durable
        if let fd = descriptor {
            if needsStart {
                do {
                    try fd.truncate(to: 0)
                    try fd.write(header, at: 0)
                    if durable { try fd.syncData() }
                } catch {
                    throw error.storage("start journal", journalPath)
                }
                needsStart = false
                entry.position.journalEnd = JournalFormat.headerSize
            }
            return fd
        }
        try AtomicFile.replace(journalPath, with: header, durable: durable)
        guard let fd = try JournalFiles.openForWriting(journalPath) else {
            throw .system(operation: "open", path: journalPath, errno: .noSuchFileOrDirectory)
        }
        descriptor = fd
        do {
            let info = try fd.status()
            entry.position.journalDevice = UInt64(info.st_dev)
            entry.position.journalInode = UInt64(info.st_ino)
        } catch {
            throw error.storage("stat", journalPath)
        }
        entry.position.journalEnd = JournalFormat.headerSize
        return fd
    }

    /// The document for an update to change, lent whole: the session keeps no copy, so the
    /// update changes its maps (400 days, 3 774 series) in place instead of copying each one it
    /// writes. The journal record is made from the document's ``UpdateLog`` and a
    /// ``DocumentChanges/Baseline`` of the few single values it compares.
    mutating func lendDocument() -> AggregateDocument {
        var document = entry.document
        entry.document = AggregateDocument(user: user, limits: store.limits)
        document.updateLog = UpdateLog()
        baseline = DocumentChanges.Baseline(document)
        #if DEBUG
            lentFrom = document
        #endif
        return document
    }

    /// Ends an update that wrote nothing: the document comes back when the update left it as it
    /// was; otherwise it is not cached, and the next update reads it from the files.
    mutating func keep(unchanged document: AggregateDocument) {
        guard let baseline, DocumentChanges(from: baseline, to: document).isEmpty else {
            // Not the document, changed without a record: its memo, which nothing changed.
            if !needsStart, let memo = entry.memo { store.cache.put(memo, for: key) }
            return
        }
        entry.document = document
        entry.document.updateLog = UpdateLog()
        keep()
    }

    /// Journals what the update of the lent document did (`updated` is that document after
    /// it), then compacts when due.
    mutating func append(_ updated: AggregateDocument, now: Timestamp) throws(StorageError) {
        guard let baseline else { preconditionFailure("append without a lent document") }
        var updated = updated
        let changes = DocumentChanges(from: baseline, to: updated)
        #if DEBUG
            if var replayed = lentFrom {
                try? changes.apply(to: &replayed)
                precondition(
                    replayed == updated,
                    "the update's log misses a change (a map written without going through its logging method)")
            }
        #endif
        updated.updateLog = UpdateLog()
        // Set first: a failed append throws, and the session is then never cached.
        entry.document = updated
        if changes.isEmpty {
            keep()
            return
        }
        // A user's first data is written as `aggregate.json` itself (one new file, as small as it
        // will ever be), so the file exists as soon as there is anything to read; the journal
        // is created by the next write.
        if entry.position.snapshot == nil && !hasJournalRecords {
            try compact()
            return
        }
        let fd = try appendable()
        let frame = JournalFormat.frame(changes.encoded(), seconds: now.seconds)
        do {
            try fd.write(frame, at: entry.position.journalEnd)
            if store.configuration.durable { try fd.syncData() }
        } catch {
            // Nothing was acknowledged: take back what may have been written.
            try? fd.truncate(to: entry.position.journalEnd)
            throw error.storage("append to", journalPath)
        }
        entry.position.journalEnd += frame.count
        entry.position.journalRecords += 1
        entry.sinceSnapshot?.merge(changes)
        if entry.position.oldestRecordSeconds == nil { entry.position.oldestRecordSeconds = now.seconds }
        let policy = store.configuration.compaction
        if entry.position.snapshot == nil
            || policy.isDue(
                records: entry.position.journalRecords, journalBytes: entry.position.journalEnd - JournalFormat.headerSize,
                documentBytes: entry.position.snapshotBytes, oldestRecordSeconds: entry.position.oldestRecordSeconds,
                now: now.seconds)
        {
            // The request is durable in the journal already: a failed compaction only leaves the
            // journal longer, and the next write or the sweep tries again.
            try? compact()
            return
        }
        keep()
    }

    /// Writes the document to a new `aggregate.json` of the next generation, then starts the
    /// journal afresh for that generation: truncated and given the new header in place (no new
    /// file, no rename), or left absent when there is none yet. A crash between the two steps
    /// leaves a journal of the older generation, which every reader ignores and the next writer
    /// starts afresh; a crash during the restart leaves one without a whole header, likewise.
    /// Readers that meet a journal being restarted see `aggregate.json` changed and read again.
    mutating func compact() throws(StorageError) {
        var document = entry.document
        document.journalGeneration += 1
        let aggregatePath = store.directory.aggregatePath(user)
        let bytes = AggregateCoding.encode(document)
        let durable = store.configuration.durable
        try AtomicFile.replace(aggregatePath, with: bytes, durable: durable)
        guard let snapshot = try JournalFiles.identity(aggregatePath) else { return }
        store.writeBinaryCopy(document, jsonBytes: bytes.count, of: snapshot, user: user)
        var restarted = DocumentCache.Entry(
            document: document, position: .start(of: snapshot, bytes: bytes.count),
            sinceSnapshot: store.memoChanges(following: bytes.count))
        if let fd = descriptor {
            do {
                try fd.truncate(to: 0)
                try fd.write(JournalFormat.header(generation: document.journalGeneration), at: 0)
                if durable { try fd.syncData() }
                let info = try fd.status()
                restarted.position.journalDevice = UInt64(info.st_dev)
                restarted.position.journalInode = UInt64(info.st_ino)
            } catch {
                // The document is whole; the journal of the older generation is started afresh
                // by the next writer.
                needsStart = true
                entry = restarted
                throw error.storage("restart", journalPath)
            }
        }
        needsStart = false
        entry = restarted
        store.cache.put(restarted, for: key)
    }

    /// Whether the document came with records of the journal (a user whose first data was
    /// journalled by an earlier version, before its `aggregate.json` was written).
    private var hasJournalRecords: Bool { entry.position.journalRecords > 0 }

    /// Keeps the document cached for the next request (not while the journal on disk still
    /// holds another generation's records, which the cache would otherwise take for its own).
    func keep() {
        guard !needsStart else { return }
        store.cache.put(entry, for: key)
    }

    mutating func close() {
        descriptor?.closeIgnoringErrors()
        descriptor = nil
    }
}

extension AggregateStore {
    /// Where a document's memo starts (nil: none is kept). Only documents larger than the
    /// journal's minimum byte bound have tails longer than that bound, worth not folding twice;
    /// a small document's miss folds at most a few records (and its memos, many and short-lived,
    /// made the kit's responders grow 4 MiB).
    fileprivate func memoChanges(following aggregateBytes: Int) -> DocumentChanges? {
        aggregateBytes > configuration.compaction.minimumBytes ? DocumentChanges() : nil
    }
}
