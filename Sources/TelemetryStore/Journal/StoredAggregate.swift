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
    /// The published figures of days the binary copy holds them for and that are still exactly
    /// as that copy had them (raw figures, model map and source selection unchanged by the
    /// journal's records), each a day of the document; empty when read without the copy or
    /// without `publishedDays`. When the copy's were taken, `document` holds no sessions, and
    /// the raw figures and model maps of the other days only — often just the days the
    /// journal's records wrote; read with `daysFrom`, of the days from it on.
    package var publishedDays = PublishedDays()
}

extension AggregateStore {
    /// Reads the current aggregate without a lock; nil when the user has no data yet.
    ///
    /// `aggregate.json` is read first (or, with `preferringCopy`, its binary copy when there is
    /// one of exactly that file: ``BinaryCopy``), then the journal. When `aggregate.json` changed
    /// meanwhile, or the journal is of a newer generation, a compaction happened in between and
    /// the read starts again; a journal of an older generation is folded into the document already.
    ///
    /// With `publishedDays` (readers of published figures only: the team's digests), the copy's
    /// published days that the journal's records left as they were come along
    /// (``CurrentAggregate/publishedDays``), and the document is read without what they make
    /// unnecessary: the copy's history section (every day's raw figures and model map, the
    /// sessions), unless the records decided a day's raw figures without its model map or the
    /// other way round, or changed the source selection — then the copy is read again with the
    /// days' raw figures, and the model maps of the days not published. With `daysFrom` too (a
    /// day key), only the days from it on count: a reader of recent days does not pay for a year
    /// of them.
    package func current(
        _ user: UserID, skippingState: Bool = false, preferringCopy: Bool = false, publishedDays: Bool = false,
        daysFrom: String? = nil
    ) throws(StorageError) -> CurrentAggregate? {
        let aggregatePath = directory.aggregatePath(user)
        let journalPath = directory.journalPath(user)
        // First without the copy's history section; with it when the journal's records leave a
        // day from `daysFrom` on that they do not decide whole.
        var readingHistory = false
        for _ in 0..<16 {
            var identity = preferringCopy ? try JournalFiles.identity(aggregatePath) : nil
            var copy = identity.flatMap { copyOf in
                BinaryCopy.read(
                    directory.binaryCopyPath(user), of: copyOf, user: user, limits: limits, skippingState: skippingState,
                    publishedDays: publishedDays, daysFrom: daysFrom, history: readingHistory)
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
            // Taken out of the copy, not shared with it: a second reference would make the fold
            // below copy every map it writes.
            var document = AggregateDocument(user: user, limits: limits)
            var copySelection: SourceSelection?
            if copy != nil {
                swap(&document, &copy!.document)
                copySelection = document.sourceSelection
            }
            if let snapshot {
                do {
                    document = try AggregateCoding.decode(
                        snapshot.bytes, expectedUser: user, limits: limits, skippingState: skippingState)
                } catch {
                    throw .corrupt(path: aggregatePath, reason: error.reason)
                }
            }
            // The journal's records of the document's generation, folded in. An older generation's
            // are in the document already.
            var touched: JournalTailFold.TouchedDays?
            var records = 0
            var tornBytes = 0
            if let journal {
                let scan = JournalFormat.scan(journal.bytes)
                if let generation = scan.generation, generation >= document.journalGeneration {
                    if generation > document.journalGeneration { continue }
                    do {
                        touched = try JournalTailFold.fold(
                            scan.records.map(\.payload), into: &document, includingState: !skippingState)
                    } catch {
                        throw .corrupt(path: journalPath, reason: error.reason)
                    }
                    records = scan.records.count
                    tornBytes = scan.tornBytes
                }
            }
            if identity == nil && records == 0 { return nil }
            guard
                let publishedDays = try published(
                    copy, copySelection, &document, user: user, touched: touched, daysFrom: daysFrom)
            else {
                readingHistory = true
                continue
            }
            return CurrentAggregate(
                document: document, snapshotIdentity: identity, snapshot: snapshot, journal: journal?.identity,
                journalRecords: records, tornBytes: tornBytes, publishedDays: publishedDays)
        }
        throw .lockTimeout(path: journalPath, waitedMilliseconds: 0)
    }

    /// The copy's published days that `touched` (the journal's records folded into `document`)
    /// left as they were, under the same source selection (`copySelection`, the copy's own);
    /// read with the history, the days without one get their model maps from the copy, unless
    /// the records decided them. Empty, and `document` unchanged, when the copy was read whole.
    /// Days before `daysFrom` get neither. Whenever published days are taken, `document`'s
    /// sessions are dropped.
    ///
    /// Nil when the copy was read without its history and a day from `daysFrom` on needs it: the
    /// records changed the source selection, or decided a day's raw figures without its model
    /// map or the other way round. The caller reads again with the history.
    private func published(
        _ copy: BinaryCopy.Read?, _ copySelection: SourceSelection?, _ document: inout AggregateDocument, user: UserID,
        touched: JournalTailFold.TouchedDays?, daysFrom: String?
    ) throws(StorageError) -> PublishedDays? {
        guard let copy, let leftOut = copy.leftOut else { return PublishedDays() }
        var published = copy.publishedDays
        let selectionKept = touched == nil || copySelection == document.sourceSelection
        if let touched {
            if !selectionKept {
                published = PublishedDays()
            } else if !touched.days.isEmpty || !touched.dayModels.isEmpty {
                published = published.filter { !touched.days.contains($0) && !touched.dayModels.contains($0) }
            }
        }
        // The copy's sessions were not read: none from the records either.
        document.sessions = [:]
        switch leftOut {
        case .history:
            guard selectionKept else { return nil }
            // Every other day a view shows is the records' own, whole (or removed whole).
            let partlyDecided = touched.map { $0.days.symmetricDifference($0.dayModels) } ?? []
            if partlyDecided.contains(where: { day in daysFrom.map { day >= $0 } ?? true }) { return nil }
            return published
        case .dayModels(let history, let offset):
            let decided = touched?.dayModels ?? []
            let needed = Set(document.days.keys(from: daysFrom).filter { published[$0] == nil && !decided.contains($0) })
            guard !needed.isEmpty else { return published }
            guard let maps = BinaryCopy.dayModels(history: history, at: offset, keeping: { needed.contains($0) }) else {
                // The history passed its checksum and parsed once already: not expected.
                throw .corrupt(path: directory.binaryCopyPath(user), reason: "the day models of the binary copy do not parse")
            }
            for (day, models) in maps { document.dayModels[day] = models }
            return published
        }
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
