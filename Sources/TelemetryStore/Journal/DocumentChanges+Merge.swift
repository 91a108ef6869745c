extension DocumentChanges {
    /// Adds the changes of the update that came after these: applying the result equals
    /// applying both in order. What a process keeps of a user it lets go (``DocumentCache/Memo``):
    /// the records since `aggregate.json` merged into one, so that its next write reads the copy
    /// and applies this instead of folding every record again.
    mutating func merge(_ newer: DocumentChanges) {
        if let value = newer.updatedAt { updatedAt = value }
        if let value = newer.totals { totals = value }
        days.merge(newer.days)
        dayModels.merge(newer.dayModels)
        models.merge(newer.models)
        tools.merge(newer.tools)
        querySources.merge(newer.querySources)
        events.merge(newer.events)
        sessions.merge(newer.sessions)
        latency.merge(newer.latency)
        toolDurations.merge(newer.toolDurations)
        if let value = newer.received { received = value }
        if let value = newer.attributes { attributes = value }
        if let value = newer.metricsSeen { metricsSeen = value }
        if let value = newer.parkedApplied { parkedApplied = value }
        if let value = newer.seriesClock { seriesClock = value }
        // Applying removes first, then sets: a series set after its removal is set, one
        // removed after it was set is removed. The removed ids stay sorted (as records hold
        // them): a year-old user's memo can name thousands, and each merge touches a few.
        if !newer.seriesRemoved.isEmpty {
            for id in newer.seriesRemoved { series.removeValue(forKey: id) }
            seriesRemoved.formSortedUnion(newer.seriesRemoved)
        }
        if !newer.series.isEmpty {
            series.merge(newer.series) { _, newest in newest }
            if !seriesRemoved.isEmpty { for id in newer.series.keys { seriesRemoved.removeSorted(id) } }
        }
        DigestChanges.merge(newer.recentRecords, into: &recentRecords)
        DigestChanges.merge(newer.recentRequests, into: &recentRequests)
        DigestChanges.merge(newer.recentSpans, into: &recentSpans)
    }

    /// Sorts the removed keys and series, as records hold them and ``merge(_:)`` expects (the
    /// fold records them newest record first).
    mutating func sortRemovals() {
        days.removed.sort()
        dayModels.removed.sort()
        models.removed.sort()
        tools.removed.sort()
        querySources.removed.sort()
        events.removed.sort()
        sessions.removed.sort()
        latency.removed.sort()
        toolDurations.removed.sort()
        seriesRemoved.sort()
    }

    /// About how many bytes of heap these changes hold (see ``AggregateDocument/estimatedMemoryBytes``).
    var estimatedMemoryBytes: Int {
        let bucket = 330
        var total = 1_024
        total += (days.count + models.count + tools.count + querySources.count) * bucket
        total += dayModels.changed.values.reduce(dayModels.removed.count * 64) { $0 + $1.estimatedMemoryBytes }
        total += sessions.changed.values.reduce(sessions.removed.count * 64) { $0 + $1.estimatedMemoryBytes }
        total += (events.count + latency.count + toolDurations.count) * 160
        total += series.count * 250 + seriesRemoved.count * 8
        for window in [recentRecords, recentRequests, recentSpans] { total += window.map { 64 + $0.appended.count } ?? 0 }
        return total
    }
}

extension DocumentChanges.MapChanges {
    /// Entries the newer changes set or removed replace what these say of them.
    mutating func merge(_ newer: Self) {
        guard !newer.isEmpty else { return }
        for key in newer.removed { changed.removeValue(forKey: key) }
        if !removed.isEmpty { for key in newer.changed.keys { removed.removeSorted(key) } }
        changed.merge(newer.changed) { _, newest in newest }
        removed.formSortedUnion(newer.removed)
    }

    /// Entries named, set or removed.
    var count: Int { changed.count + removed.count }
}

extension DocumentChanges.DigestChanges {
    /// Adds the window change of the update after `older`'s. A window only loses entries from its
    /// front (by count and by age) and appends at its end, so after both it holds its older
    /// entries' newest part followed by the last `newer.count` of everything appended: the
    /// appended entries still there are the last `min(newer.count, all appended)` of them.
    static func merge(_ newer: Self?, into older: inout Self?) {
        guard let newer else { return }
        guard var merged = older else {
            older = newer
            return
        }
        older = nil  // the appended bytes are then this value's alone, and grow in place
        merged.appended.append(contentsOf: newer.appended)
        // Counts come from records whose replay held (or from this process's own updates).
        let kept = newer.count >= merged.appended.count / 12 ? merged.appended.count : max(0, newer.count) * 12
        if kept < merged.appended.count { merged.appended.removeFirst(merged.appended.count - kept) }
        merged.count = newer.count
        older = merged
    }
}

extension Array where Element: Comparable {
    /// Removes `element` from this sorted array, if there.
    mutating func removeSorted(_ element: Element) {
        let index = partitioningIndex { $0 >= element }
        if index < count && self[index] == element { remove(at: index) }
    }

    /// Adds the elements of `other` (sorted, distinct) missing from this sorted array, in order.
    mutating func formSortedUnion(_ other: [Element]) {
        guard !other.isEmpty else { return }
        guard !isEmpty else {
            self = other
            return
        }
        var result: [Element] = []
        result.reserveCapacity(count + other.count)
        var (left, right) = (0, 0)
        while left < count && right < other.count {
            if self[left] < other[right] {
                result.append(self[left])
                left += 1
            } else if other[right] < self[left] {
                result.append(other[right])
                right += 1
            } else {
                result.append(self[left])
                left += 1
                right += 1
            }
        }
        result.append(contentsOf: self[left...])
        result.append(contentsOf: other[right...])
        self = result
    }
}
