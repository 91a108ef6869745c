/// Which entries of a table read in place (``SeriesMap``, ``PackedMap``) were set again or
/// removed since: one bit each, and no storage until the first.
struct ShadowedEntries: Sendable {
    private var words: [UInt64] = []

    func contains(_ position: Int) -> Bool {
        let word = position / 64
        return word < words.count && words[word] & (1 << UInt64(position % 64)) != 0
    }

    /// Marks `position` of a table of `entries` entries.
    mutating func insert(_ position: Int, of entries: Int) {
        if words.isEmpty { words = [UInt64](repeating: 0, count: (entries + 63) / 64) }
        words[position / 64] |= 1 << UInt64(position % 64)
    }

    var estimatedMemoryBytes: Int { words.count * 8 }
}
