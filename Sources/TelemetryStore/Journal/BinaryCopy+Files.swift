import SystemCalls

extension BinaryCopy {
    /// Writes the copy of the document just stored as `aggregate.json` (of `identity`,
    /// `jsonBytes` long) when it is at least `minimumBytes` long. Best effort: a copy that
    /// cannot be written only leaves readers the JSON.
    static func write(
        _ document: AggregateDocument, jsonBytes: Int, minimumBytes: Int, of identity: FileIdentity, path: String,
        user: UserID, limits: AggregationLimits
    ) {
        guard jsonBytes >= minimumBytes else {
            // A copy of an earlier, larger document is never used (it names another file); it
            // goes so that it takes no room.
            try? FileSystem.removeFile(path)
            return
        }
        let bytes = encode(document, of: identity)
        guard decode(bytes, of: identity, user: user, limits: limits) == document else {
            try? FileSystem.removeFile(path)
            return
        }
        rewrite(path, with: bytes)
    }

    /// Writes the copy over the previous one in place: no temporary file and no `rename`, which
    /// on ext4 cost more than the write itself. A reader that meets the copy half-written
    /// finds a length or a checksum that does not hold, or another file's identity, and reads the
    /// JSON instead, as it does for a copy a crash tore. Writes only into a regular file of one
    /// link, never through a symbolic link: anything else planted there is replaced by rename.
    /// A copy that cannot be written is emptied (best effort: readers then read the JSON).
    private static func rewrite(_ path: String, with bytes: [UInt8]) {
        if let fd = try? FileDescriptor.open(path, .writeOnly, options: [.create, .noFollow, .nonBlocking]) {
            defer { fd.closeIgnoringErrors() }
            if let info = try? fd.status(), FileNode.irregularKind(info) == nil, info.st_nlink == 1 {
                do {
                    try fd.write(bytes, at: 0)
                    try fd.truncate(to: bytes.count)
                } catch {
                    try? fd.truncate(to: 0)
                }
                return
            }
        }
        try? AtomicFile.replace(path, with: bytes, durable: false)
    }

    /// A copy as read: the document and, for readers of published figures, the published days.
    struct Read {
        var document: AggregateDocument
        /// Every day's published figures (from the `daysFrom` asked for on) when they were asked
        /// for and are whole; empty otherwise.
        var publishedDays = PublishedDays()
        /// What was left out of the document because the published days came (nil: nothing).
        var leftOut: LeftOut?
    }

    /// What a read that took the published days left out of the document.
    enum LeftOut {
        /// The history section: no day's raw figures or model map, no session.
        case history
        /// The days' model maps and the sessions; the maps can still be read from `history` at
        /// `offset` (``dayModels(history:at:keeping:)``).
        case dayModels(history: ArraySlice<UInt8>, offset: Int)
    }

    /// The document of `aggregate.json` of `identity`, from its copy at `path`; nil when there
    /// is no copy of exactly that file, or it is damaged. Readers that skip the receiver's
    /// bookkeeping do not read the state section.
    ///
    /// With `publishedDays`, the published days come too when that section is whole (from
    /// `daysFrom`, a day key, on), and the document is read without what they stand for: the
    /// whole history section, or with `history` its days' raw figures only (``LeftOut``). When
    /// that section is damaged the document is read whole, as without.
    static func read(
        _ path: String, of identity: FileIdentity, user: UserID, limits: AggregationLimits, skippingState: Bool,
        publishedDays: Bool = false, daysFrom: String? = nil, history: Bool = true
    ) -> Read? {
        guard let opened = try? FileSystem.openRegularFile(path, .readOnly, opening: "read", checking: "read")
        else { return nil }
        let fd = opened.0
        defer { fd.closeIgnoringErrors() }
        guard let header = try? fd.read(at: 0, count: headerSize), let layout = layout(header, of: identity),
            Int(opened.1.st_size) == layout.fileSize
        else { return nil }
        // nil when not asked for, or damaged; whole (if perhaps empty) otherwise.
        let published = publishedDays ? readPublished(fd, layout: layout, from: daysFrom) : nil
        let readingHistory = published == nil || history
        // The sections wanted follow one another from the summary on: one read, each a slice
        // of it, and the tables read from them slices too (no copies of a year's tables).
        let last: Section = skippingState ? (readingHistory ? .history : .summary) : .state
        let start = layout.offset(.summary)
        let count = layout.offset(last) + layout.length(last) - start
        // Shorter: the copy was cut after its size was taken (a rewrite in progress).
        guard let bytes = try? fd.read(at: start, count: count), bytes.count == count else { return nil }
        func section(_ section: Section) -> ArraySlice<UInt8> {
            let offset = layout.offset(section) - start
            return bytes[offset..<offset + layout.length(section)]
        }
        let summary = section(.summary)
        let historyBytes = readingHistory ? section(.history) : nil
        let state = skippingState ? nil : section(.state)
        guard
            let decoded = decode(
                summary: summary, history: historyBytes, state: state, layout: layout, user: user, limits: limits,
                leavingOutDayModels: published != nil)
        else { return nil }
        var read = Read(document: decoded.document)
        if let published {
            read.publishedDays = published
            read.leftOut = historyBytes.map { .dayModels(history: $0, offset: decoded.dayModelsOffset) } ?? .history
        }
        return read
    }
}

extension BinaryCopy {
    /// Bytes of the published section read first: about four chunks (130 days; a team summary
    /// reads two); the whole section is read, and its chunks checked again, only when the days
    /// asked for go on past them.
    static let publishedPrefixBytes = 16 << 10

    /// The published days from `daysFrom` on, from the copy open as `fd`; nil when damaged.
    private static func readPublished(_ fd: FileDescriptor, layout: Layout, from daysFrom: String?) -> PublishedDays? {
        let length = layout.length(.published)
        let first = layout.chunkedPublished && daysFrom != nil ? min(length, publishedPrefixBytes) : length
        guard let prefix = try? fd.read(at: layout.offset(.published), count: first) else { return nil }
        switch decodePublished(prefix, of: length, layout: layout, from: daysFrom) {
        case .days(let days): return days
        case .damaged: return nil
        case .needsMore:
            guard let whole = try? fd.read(at: layout.offset(.published), count: length) else { return nil }
            return decodePublished(whole, layout: layout, from: daysFrom)
        }
    }
}

extension AggregateStore {
    /// Writes (or, below the policy's size, removes) the binary copy of the user's
    /// `aggregate.json` of `identity`, `jsonBytes` long, that holds `document`.
    func writeBinaryCopy(_ document: AggregateDocument, jsonBytes: Int, of identity: FileIdentity, user: UserID) {
        BinaryCopy.write(
            document, jsonBytes: jsonBytes, minimumBytes: configuration.compaction.binaryCopyBytes, of: identity,
            path: directory.binaryCopyPath(user), user: user, limits: limits)
    }
}
