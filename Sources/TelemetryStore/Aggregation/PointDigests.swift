/// The digests of a series' most recent delta points, newest last, held inline (at most
/// ``capacity``). A year-old user has thousands of series; one small array each was thousands
/// of heap blocks to make whenever a writer loads the user and to free whenever its cache lets
/// the user go.
struct PointDigests: Sendable, Equatable, Sequence {
    /// The most a series remembers: ``AggregationLimits/recentPointsPerSeries`` is capped here.
    static let capacity = 8
    private var slots = InlineArray<8, UInt64>(repeating: 0)
    private(set) var count = 0

    init() {}

    /// The newest ``capacity`` of `digests` (oldest first).
    init<Digests: Collection<UInt64>>(_ digests: Digests) {
        for digest in digests.suffix(Self.capacity) {
            slots[count] = digest
            count += 1
        }
    }

    var isEmpty: Bool { count == 0 }

    func contains(_ digest: UInt64) -> Bool {
        for index in 0..<count where slots[index] == digest { return true }
        return false
    }

    /// Appends `digest`, then forgets the oldest until at most `limit` (and ``capacity``) remain.
    mutating func append(_ digest: UInt64, keepingAtMost limit: Int) {
        let kept = Swift.max(1, Swift.min(limit, Self.capacity))
        if count == Self.capacity { drop(1) }
        slots[count] = digest
        count += 1
        if count > kept { drop(count - kept) }
    }

    private mutating func drop(_ oldest: Int) {
        for index in oldest..<count { slots[index - oldest] = slots[index] }
        count -= oldest
    }

    func makeIterator() -> Array<UInt64>.Iterator {
        var digests: [UInt64] = []
        digests.reserveCapacity(count)
        for index in 0..<count { digests.append(slots[index]) }
        return digests.makeIterator()
    }

    var underestimatedCount: Int { count }

    static func == (lhs: PointDigests, rhs: PointDigests) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where lhs.slots[index] != rhs.slots[index] { return false }
        return true
    }
}
