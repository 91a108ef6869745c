import Synchronization

/// The documents this process last wrote, so that a write costs the request and not a parse of
/// the user's whole history: under the user's lock, a cached document is current exactly when
/// `aggregate.json` is the same file and the journal the same file at least as long as when it
/// was cached; the records other processes appended since are read and folded in.
///
/// Bounded by an estimate of the documents' size in memory
/// (``AggregateDocument/estimatedMemoryBytes``), by default 8 MiB per process
/// (`--document-cache-bytes`; the responder holds about 18 MiB without the cache, its Swift
/// runtime linked in). Bounded by stored bytes instead, it held more memory as its users' replay
/// windows filled, so the process grew over the kit's memory run; by estimated memory it stays
/// put. 8 MiB keeps the kit's responders at 29 MiB (12 MiB: 33 MiB), at about 8 % more CPU per
/// request over users it can no longer hold. A miss costs little beside the request (the binary
/// copy, and the journal's records folded newest first), so the cache need not hold every active
/// user (README → Performance). One document over half the bound is not kept. When full, an
/// arbitrary entry leaves (not the least recently used: exporters' traffic cycles
/// through users, and LRU would then evict every entry just before it is needed).
///
/// A document that leaves keeps its ``Memo`` here when the changes of the journal's records
/// since `aggregate.json` are known: those records merged into one, a few kilobytes where the
/// document of a year-old user is most of a megabyte. The user's next write then reads the
/// binary copy and applies the memo instead of folding the journal's whole tail (up to as many
/// bytes as `aggregate.json`) again. When room is needed, documents leave before memos do.
final class DocumentCache: Sendable {
    struct Key: Hashable, Sendable {
        let root: String
        let user: String
    }

    /// Which files a cached document or a memo follows, and how far into the journal.
    struct Position: Sendable {
        /// `aggregate.json` as it was when cached (nil: none yet).
        var snapshot: FileIdentity?
        var snapshotBytes: Int
        var journalDevice: UInt64
        var journalInode: UInt64
        /// Offset just after the last record folded in.
        var journalEnd: Int
        var journalRecords: Int
        var oldestRecordSeconds: UInt64?

        /// Whether the journal open now (its device, inode and size) is the one this position is
        /// in, at least as long: then only records were appended after it.
        func follows(device: UInt64, inode: UInt64, size: Int) -> Bool {
            journalDevice == device && journalInode == inode && journalEnd <= size
        }

        /// `aggregate.json` with no journal record after it (and no journal opened yet).
        static func start(of snapshot: FileIdentity?, bytes: Int) -> Position {
            Position(
                snapshot: snapshot, snapshotBytes: bytes, journalDevice: 0, journalInode: 0,
                journalEnd: JournalFormat.headerSize, journalRecords: 0, oldestRecordSeconds: nil)
        }
    }

    struct Entry: Sendable {
        var document: AggregateDocument
        var position: Position
        /// The journal's records folded into `document`, merged into one (nil: not kept).
        var sinceSnapshot: DocumentChanges? = nil

        /// What is kept of the entry once its document leaves.
        var memo: Memo? { sinceSnapshot.map { Memo(changes: $0, position: position) } }
    }

    /// A let-go document's journal position, with the changes of the records before it
    /// (from the journal's header on) merged: `aggregate.json` (or its binary copy) with
    /// `changes` applied is the document as it was at `position.journalEnd`. Current under the
    /// same rule as an entry: the same `aggregate.json`, the same journal at least as long.
    struct Memo: Sendable {
        var changes: DocumentChanges
        var position: Position
    }

    static let shared = DocumentCache()

    /// The default bound (`--document-cache-bytes`).
    static let defaultCapacityBytes = 8 << 20

    /// Each entry and memo with its estimate, taken once when it is put, and the bound.
    private struct Contents {
        var entries: [Key: (entry: Entry, weight: Int)] = [:]
        var memos: [Key: (memo: Memo, weight: Int)] = [:]
        var bytes = 0
        var capacity: Int

        /// Lets arbitrary documents go, keeping their memos, then arbitrary memos, until `room`
        /// more bytes fit; returns the documents (to be freed once the lock is released).
        mutating func evict(leaving room: Int) -> [Entry] {
            var evicted: [Entry] = []
            while bytes + room > capacity, let victim = entries.first {
                entries.removeValue(forKey: victim.key)
                bytes -= victim.value.weight
                evicted.append(victim.value.entry)
                keepMemo(of: victim.value.entry, weighing: victim.value.weight, for: victim.key)
            }
            evictMemos(leaving: room)
            return evicted
        }

        /// Lets arbitrary memos go until `room` more bytes fit.
        mutating func evictMemos(leaving room: Int) {
            while bytes + room > capacity, let victim = memos.first { removeMemo(victim.key) }
        }

        /// Keeps the memo of a document that leaves, when it is lighter than the document was.
        mutating func keepMemo(of entry: Entry, weighing documentWeight: Int, for key: Key) {
            guard let memo = entry.memo else { return }
            let weight = memo.changes.estimatedMemoryBytes
            guard weight < documentWeight, weight <= capacity / 2 else { return }
            bytes += weight
            memos[key] = (memo, weight)
        }

        mutating func removeMemo(_ key: Key) {
            if let old = memos.removeValue(forKey: key) { bytes -= old.weight }
        }
    }

    private let state: Mutex<Contents>

    init(capacityBytes: Int = DocumentCache.defaultCapacityBytes) {
        state = Mutex(Contents(capacity: max(0, capacityBytes)))
    }

    /// Estimated bytes of cached documents in memory, per process (0: nothing is cached).
    var capacityBytes: Int {
        get { state.withLock { $0.capacity } }
        set {
            // Entries over the new bound leave at once, freed after the lock is released.
            _ = state.withLock { state in
                state.capacity = max(0, newValue)
                return state.evict(leaving: 0)
            }
        }
    }

    /// Takes the entry out (the caller holds the user's lock and puts back what it ends with).
    func take(_ key: Key) -> Entry? {
        state.withLock { state in
            guard let taken = state.entries.removeValue(forKey: key) else { return nil }
            state.bytes -= taken.weight
            return taken.entry
        }
    }

    /// Memos held (of users whose documents left).
    var memoCount: Int { state.withLock { $0.memos.count } }

    /// Takes the memo of a user whose document left (the caller holds the user's lock).
    func takeMemo(_ key: Key) -> Memo? {
        state.withLock { state in
            guard let taken = state.memos.removeValue(forKey: key) else { return nil }
            state.bytes -= taken.weight
            return taken.memo
        }
    }

    func put(_ entry: Entry, for key: Key) {
        let weight = entry.document.estimatedMemoryBytes
        // The entries that leave are returned and dropped here, after the lock is released:
        // freeing a year-old user's document takes about as long as a write, and the other
        // threads would wait meanwhile.
        _ = state.withLock { state in
            var evicted: [Entry] = []
            if let old = state.entries.removeValue(forKey: key) {
                state.bytes -= old.weight
                evicted.append(old.entry)
            }
            state.removeMemo(key)
            guard weight <= state.capacity / 2 else {
                state.keepMemo(of: entry, weighing: weight, for: key)
                evicted += state.evict(leaving: 0)
                return evicted
            }
            evicted += state.evict(leaving: weight)
            state.entries[key] = (entry, weight)
            state.bytes += weight
            return evicted
        }
    }

    /// Keeps a user's memo (when no document of theirs is cached, and there is room).
    func put(_ memo: Memo, for key: Key) {
        let weight = memo.changes.estimatedMemoryBytes
        state.withLock { state in
            guard state.entries[key] == nil, weight <= state.capacity / 2 else { return }
            state.removeMemo(key)
            state.evictMemos(leaving: weight)
            guard state.bytes + weight <= state.capacity else { return }
            state.memos[key] = (memo, weight)
            state.bytes += weight
        }
    }

    func removeAll() {
        state.withLock {
            $0.entries = [:]
            $0.memos = [:]
            $0.bytes = 0
        }
    }
}
