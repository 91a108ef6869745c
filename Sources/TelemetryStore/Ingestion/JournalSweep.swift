import SystemCalls

/// Folds the journals of users who stopped writing: a write folds its own user's journal when it
/// is due, but a user who sends nothing more would otherwise keep `aggregate.json` behind for
/// good. The responder runs a sweep now and then; it reads 32 bytes per journal and compacts only
/// those whose oldest record is older than ``CompactionPolicy/seconds``.
package struct JournalSweep: Sendable {
    package let store: AggregateStore

    package init(store: AggregateStore) {
        self.store = store
    }

    /// Compacts every due journal; returns how many were folded. A user whose lock is busy or
    /// whose files are in trouble is left for the next sweep (the writers report such trouble).
    @discardableResult
    package func run(now: Timestamp = .now()) -> Int {
        guard let users = try? UserStore(directory: store.directory).knownUsers() else { return 0 }
        var folded = 0
        for user in users where isDue(user, now: now) {
            if (try? store.compact(user)) == true { folded += 1 }
        }
        return folded
    }

    /// True when the user's journal holds a record received `seconds` or more ago.
    func isDue(_ user: UserID, now: Timestamp) -> Bool {
        guard let fd = try? FileDescriptor.open(store.directory.journalPath(user), .readOnly, options: [.noFollow, .nonBlocking])
        else {
            return false
        }
        defer { fd.closeIgnoringErrors() }
        let size = JournalFormat.headerSize + JournalFormat.recordHeaderSize
        guard let bytes = try? fd.read(at: 0, count: size), let received = JournalFormat.firstRecordSeconds(bytes) else {
            return false
        }
        return now.seconds >= received && now.seconds - received >= store.configuration.compaction.seconds
    }
}
