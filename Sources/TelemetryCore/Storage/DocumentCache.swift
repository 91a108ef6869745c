import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The documents this process last wrote, each with the exact bytes it wrote for it, so the
/// next update of the same user can skip parsing `aggregate.json` when the file still holds
/// those bytes.
///
/// An entry is only ever used after comparing the whole file, just read under the user's lock,
/// with the bytes it was written as: if another process (or an admin command, or a restore from
/// backup) changed the file in between, the bytes differ and the file is parsed as usual. No
/// inode, size or time stamp is trusted, so inode reuse or a coarse clock cannot make it stale.
/// `decode(encode(document)) == document` is what makes the shortcut exact; the coding tests and
/// the fuzz targets check it.
///
/// Bounded by entry count and by the bytes the entries hold, least recently used first out.
public final class DocumentCache: Sendable {
    public let maxEntries: Int
    public let maxBytes: Int
    private let state = Mutex(State())

    private struct Entry {
        var bytes: [UInt8]
        var document: AggregateDocument
        var lastUse: UInt64
    }

    private struct State {
        var entries: [UserID: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// The defaults keep the cache within a few MiB of memory: a busy user's document is a
    /// few hundred KiB at most, a typical one a few KiB.
    public init(maxEntries: Int = 64, maxBytes: Int = 1 << 20) {
        self.maxEntries = max(0, maxEntries)
        self.maxBytes = max(0, maxBytes)
    }

    /// The document the file holds, when `stored` is exactly what this process last wrote for
    /// `user`; nil otherwise.
    func document(for user: UserID, stored: [UInt8]) -> AggregateDocument? {
        state.withLock { state in
            guard let entry = state.entries[user] else {
                state.misses += 1
                return nil
            }
            let same = entry.bytes.count == stored.count && entry.bytes.withUnsafeBytes { cached in
                stored.withUnsafeBytes { read in memcmp(cached.baseAddress!, read.baseAddress!, read.count) == 0 }
            }
            guard same else {
                state.misses += 1
                state.bytes -= entry.bytes.count
                state.entries[user] = nil
                return nil
            }
            state.clock += 1
            state.hits += 1
            state.entries[user]!.lastUse = state.clock
            return entry.document
        }
    }

    /// Remembers that `bytes`, just written for `user`, decode to `document`.
    func remember(_ document: AggregateDocument, writtenAs bytes: [UInt8], for user: UserID) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: user) { state.bytes -= old.bytes.count }
            guard bytes.count <= maxBytes, maxEntries > 0 else { return }
            while state.entries.count >= maxEntries || state.bytes + bytes.count > maxBytes {
                guard let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) else { break }
                state.bytes -= oldest.value.bytes.count
                state.entries[oldest.key] = nil
            }
            state.clock += 1
            state.entries[user] = Entry(bytes: bytes, document: document, lastUse: state.clock)
            state.bytes += bytes.count
        }
    }

    /// Drops the entry of `user` (its file may have changed in a way this process cannot see).
    func forget(_ user: UserID) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: user) { state.bytes -= old.bytes.count }
        }
    }

    /// Entries, the bytes they hold, and how often a stored file was found to be (hits) or
    /// not to be (misses) what this process last wrote: for tests and diagnostics.
    public var usage: (entries: Int, bytes: Int, hits: Int, misses: Int) {
        state.withLock { ($0.entries.count, $0.bytes, $0.hits, $0.misses) }
    }
}
