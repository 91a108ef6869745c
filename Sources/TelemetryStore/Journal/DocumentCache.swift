import Synchronization

/// The documents this process last wrote, so that a write costs the request and not a parse of
/// the user's whole history: under the user's lock, a cached document is current exactly when
/// `aggregate.json` is the same file and the journal the same file at least as long as when it
/// was cached; the records other processes appended since are read and folded in.
///
/// Bounded by an estimate of the documents' size (their stored bytes), 8 MiB per process: the
/// cached documents take about twice their stored size in memory (the responder holds about
/// 23 MiB without the cache). A miss costs little beside the request (the binary copy, and the
/// journal's records folded newest first), so the cache need not hold every active user: 8 MiB
/// kept the kit's durable throughput where 16 MiB had it with 7 MiB less memory, 4 MiB cost it
/// about a tenth (README → Performance). One document over half the bound is not kept. When
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

        var weight: Int { snapshotBytes + journalEnd }
    }

    static let shared = DocumentCache()

    /// Estimated bytes of cached documents (the stored size of each), per process.
    let capacityBytes: Int
    private let state = Mutex<(entries: [Key: Entry], bytes: Int)>(([:], 0))

    init(capacityBytes: Int = 8 << 20) {
        self.capacityBytes = capacityBytes
    }

    /// Takes the entry out (the caller holds the user's lock and puts back what it ends with).
    func take(_ key: Key) -> Entry? {
        state.withLock { state in
            guard let entry = state.entries.removeValue(forKey: key) else { return nil }
            state.bytes -= entry.weight
            return entry
        }
    }

    func put(_ entry: Entry, for key: Key) {
        guard entry.weight <= capacityBytes / 2 else { return }
        // The entries that leave are returned and dropped here, after the lock is released:
        // freeing a year-old user's document takes about as long as a write, and the other
        // threads would wait meanwhile.
        _ = state.withLock { state in
            var evicted: [Entry] = []
            if let old = state.entries.removeValue(forKey: key) {
                state.bytes -= old.weight
                evicted.append(old)
            }
            while state.bytes + entry.weight > capacityBytes, let victim = state.entries.first {
                state.entries.removeValue(forKey: victim.key)
                state.bytes -= victim.value.weight
                evicted.append(victim.value)
            }
            state.entries[key] = entry
            state.bytes += entry.weight
            return evicted
        }
    }

    func removeAll() {
        state.withLock { $0 = ([:], 0) }
    }
}
