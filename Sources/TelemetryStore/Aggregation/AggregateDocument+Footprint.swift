extension AggregateDocument {
    /// About how many bytes of heap the decoded document holds: what the per-process
    /// ``DocumentCache`` counts against its bound. The stored size is no measure of it: replay
    /// windows, series and sessions take several times their stored bytes in memory, so a cache
    /// bounded by stored bytes held more memory the fuller its users' windows became (+4.9 MiB
    /// over 60 000 requests of the benchmark kit's pool, one process, two threads; with this
    /// measure +0.8 MiB). Counts entries, each at the size that made that run flat.
    var estimatedMemoryBytes: Int {
        // A bucket: the `Figures` heap block (29 doubles), its map entry and key.
        let bucket = 330
        var total = 2_048 + bucket
        total += (models.count + tools.count + querySources.count) * bucket
        total += days.estimatedMemoryBytes + dayModels.estimatedMemoryBytes
        total += sessions.estimatedMemoryBytes
        total += series.estimatedMemoryBytes
        total += recentRecords.estimatedMemoryBytes + recentRequests.estimatedMemoryBytes
        total += traces.recentSpans.estimatedMemoryBytes
        total += (events.count + attributes.count + metricsSeen.count) * 64
        total += (traces.models.count + traces.tools.count) * 400
        return total
    }
}
