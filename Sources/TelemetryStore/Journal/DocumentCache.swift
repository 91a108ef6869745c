import Synchronization

/// The documents this process last wrote, so that a write costs the request and not a parse of
/// the user's whole history: under the user's lock, a cached document is current exactly when
/// `aggregate.json` is the same file and the journal the same file at least as long as when it
/// was cached; the records other processes appended since are read and folded in.
///
/// Bounded by an estimate of the documents' size in memory
/// (``AggregateDocument/estimatedMemoryBytes``), 12 MiB per process (the responder holds about
/// 23 MiB without the cache). Bounded by stored bytes instead (8 MiB), it held about 10 MiB of
/// memory at first and more as its users' replay windows filled, so the process grew over the
/// kit's memory run; 12 MiB of estimated memory holds about as many documents as that did at
/// first, and stays put. A miss costs little beside the request (the binary copy, and the
/// journal's records folded newest first), so the cache need not hold every active user
/// (README → Performance). One document over half the bound is not kept. When
/// full, an arbitrary entry leaves (not the least recently used: exporters' traffic cycles
/// through users, and LRU would then evict every entry just before it is needed).
final class DocumentCache: Sendable {
    struct Key: Hashable, Sendable {
        let root: String
        let user: String
    }

    struct Entry: Sendable {
        var document: AggregateDocument
        /// `aggregate.json` as it was when cached (nil: none yet).
        var snapshot: FileIdentity?
        var snapshotBytes: Int
        var journalDevice: UInt64
        var journalInode: UInt64
        /// Offset just after the last record folded into `document`.
        var journalEnd: Int
        var journalRecords: Int
        var oldestRecordSeconds: UInt64?
    }

    static let shared = DocumentCache()

    /// Estimated bytes of cached documents in memory, per process.
    let capacityBytes: Int
    /// Each entry with its estimate, taken once when it is put.
    private let state = Mutex<(entries: [Key: (entry: Entry, weight: Int)], bytes: Int)>(([:], 0))

    init(capacityBytes: Int = 12 << 20) {
        self.capacityBytes = capacityBytes
    }

    /// Takes the entry out (the caller holds the user's lock and puts back what it ends with).
    func take(_ key: Key) -> Entry? {
        state.withLock { state in
            guard let taken = state.entries.removeValue(forKey: key) else { return nil }
            state.bytes -= taken.weight
            return taken.entry
        }
    }

    func put(_ entry: Entry, for key: Key) {
        let weight = entry.document.estimatedMemoryBytes
        guard weight <= capacityBytes / 2 else { return }
        // The entries that leave are returned and dropped here, after the lock is released:
        // freeing a year-old user's document takes about as long as a write, and the other
        // threads would wait meanwhile.
        _ = state.withLock { state in
            var evicted: [Entry] = []
            if let old = state.entries.removeValue(forKey: key) {
                state.bytes -= old.weight
                evicted.append(old.entry)
            }
            while state.bytes + weight > capacityBytes, let victim = state.entries.first {
                state.entries.removeValue(forKey: victim.key)
                state.bytes -= victim.value.weight
                evicted.append(victim.value.entry)
            }
            state.entries[key] = (entry, weight)
            state.bytes += weight
            return evicted
        }
    }

    func removeAll() {
        state.withLock { $0 = ([:], 0) }
    }
}
