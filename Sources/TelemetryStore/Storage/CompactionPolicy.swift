/// How far `aggregate.json` may lag its journal. A write folds the journal into a new
/// `aggregate.json` once any bound is reached; the responder's sweep does it for users who
/// stopped writing (``JournalSweep``), and `claude-telemetry compact` on demand.
///
/// The byte bound grows with the document: a journal is folded once it holds about as many
/// bytes as `aggregate.json` itself, so the rewrite costs each write at most about its own
/// record's size again, and a reader never reads more than twice the document.
package struct CompactionPolicy: Sendable, Equatable {
    /// Records after which the journal is folded, whatever their size.
    package var records: Int
    /// The journal is folded once it is larger than this and than `aggregate.json`.
    package var minimumBytes: Int
    /// A journal whose oldest record is this old is folded (on the next write, or by the sweep).
    package var seconds: UInt64
    /// A fold that writes an `aggregate.json` at least this large also writes its binary copy
    /// (``BinaryCopy``); smaller documents load as fast from the JSON.
    package var binaryCopyBytes: Int

    package init(records: Int = 1024, minimumBytes: Int = 64 << 10, seconds: UInt64 = 300, binaryCopyBytes: Int = 8 << 10) {
        self.records = max(1, records)
        self.minimumBytes = max(0, minimumBytes)
        self.seconds = seconds
        self.binaryCopyBytes = max(0, binaryCopyBytes)
    }

    func isDue(records count: Int, journalBytes: Int, documentBytes: Int, oldestRecordSeconds: UInt64?, now: UInt64) -> Bool {
        guard count > 0 else { return false }
        if count >= records { return true }
        if journalBytes >= max(minimumBytes, documentBytes) { return true }
        if let oldest = oldestRecordSeconds, now >= oldest, now - oldest >= seconds { return true }
        return false
    }
}
