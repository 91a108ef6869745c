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
    /// finds a length or a CRC-32 that does not hold, or another file's identity, and reads the
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
        /// Set when the document was read without the days' model maps and sessions (because
        /// the published section was whole): the front, and where the model maps are in it.
        var leftOut: (front: [UInt8], dayModelsOffset: Int)?
    }

    /// The document of `aggregate.json` of `identity`, from its copy at `path`; nil when there
    /// is no copy of exactly that file, or it is damaged. Readers that skip the receiver's
    /// bookkeeping read only the front. With `publishedDays`, the published days come too when
    /// that section is whole, and then the front's day model maps and sessions are left out
    /// (``Read/leftOut``); when it is damaged the whole front is read, as without. `daysFrom`
    /// (a day key): only the published days from it on are read.
    static func read(
        _ path: String, of identity: FileIdentity, user: UserID, limits: AggregationLimits, skippingState: Bool,
        publishedDays: Bool = false, daysFrom: String? = nil
    ) -> Read? {
        guard let opened = try? FileSystem.openRegularFile(path, .readOnly, opening: "read", checking: "read")
        else { return nil }
        let fd = opened.0
        defer { fd.closeIgnoringErrors() }
        guard let header = try? fd.read(at: 0, count: headerSize), let layout = layout(header, of: identity),
            Int(opened.1.st_size) == layout.fileSize,
            let front = try? fd.read(at: headerSize, count: layout.frontLength)
        else { return nil }
        var state: [UInt8]?
        if !skippingState {
            guard let bytes = try? fd.read(at: headerSize + layout.frontLength, count: layout.stateLength) else { return nil }
            state = bytes
        }
        // nil when not asked for, or damaged; whole (if perhaps empty) otherwise.
        var published: PublishedDays?
        if publishedDays,
            let bytes = try? fd.read(at: headerSize + layout.frontLength + layout.stateLength, count: layout.publishedLength)
        {
            published = decodePublished(bytes, layout: layout, from: daysFrom)
        }
        let leavingOut = published != nil
        guard
            let decoded = decode(
                front: front, state: state, layout: layout, user: user, limits: limits, leavingOutDayModels: leavingOut)
        else { return nil }
        return Read(
            document: decoded.document, publishedDays: published ?? PublishedDays(),
            leftOut: leavingOut ? (front, decoded.dayModelsOffset) : nil)
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
