/// One Claude Code session (`session.id`) of a user: its raw figures (published like the
/// totals, through the document's source selection), when it was first and last seen (the
/// data's own times, in seconds since the epoch) and the models it used. A document keeps the
/// ``AggregationLimits/sessions`` sessions seen most recently.
package struct SessionRecord: Equatable, Sendable {
    package var figures = Figures()
    package var firstSeen: UInt64 = 0
    package var lastSeen: UInt64 = 0
    /// Sorted, at most ``AggregationLimits/sessionModels``.
    package var models: [String] = []

    package init() {}
}

extension AggregateDocument {
    /// Adds `amount` of `figure` to session `id` at `seconds`, keeping at most `limits.sessions`
    /// sessions: a new session beyond the bound replaces the one seen least recently (and is
    /// dropped itself when it is older than every kept one).
    mutating func addToSession(
        _ id: String, _ figure: Figure, _ amount: Double, seconds: UInt64, model: String?, limits: AggregationLimits
    ) {
        guard limits.sessions > 0 else { return }
        let key = Self.truncated(id, toUTF8Bytes: limits.nameBytes)
        guard !key.isEmpty else { return }
        if sessions[key] == nil && sessions.count >= limits.sessions {
            guard let oldest = sessions.leastRecentlySeen(), oldest.lastSeen <= seconds else { return }
            sessions.removeValue(forKey: oldest.key)
            updateLog.sessions.insert(oldest.key)
        }
        var record = sessions[key] ?? SessionRecord()
        record.figures[figure] += amount
        if seconds != 0 {
            record.firstSeen = record.firstSeen == 0 ? seconds : min(record.firstSeen, seconds)
            record.lastSeen = max(record.lastSeen, seconds)
        }
        if let model, !model.isEmpty, !record.models.contains(model), record.models.count < limits.sessionModels {
            record.models.append(Self.truncated(model, toUTF8Bytes: limits.nameBytes))
            record.models.sort()
        }
        sessions[key] = record
        updateLog.sessions.insert(key)
    }
}
