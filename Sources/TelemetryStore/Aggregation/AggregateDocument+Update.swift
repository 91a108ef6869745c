/// The single place where figures are added to a document, honouring every map's bound.
extension AggregateDocument {
    /// Where one amount goes besides the user's totals.
    struct Target {
        var day: String
        var model: String? = nil
        var tool: String? = nil
        /// The `query_source` the amount was reported under, when it carries one.
        var querySource: String? = nil
        /// False for amounts that belong to a tool's own figures only (for example the
        /// accept/reject decisions of non-edit tools).
        var countsInTotals = true
        /// The `session.id` the amount was reported under, and the data's time (seconds).
        var session: String? = nil
        var seconds: UInt64 = 0
    }

    mutating func add(_ figure: Figure, _ amount: Double, to target: Target, limits: AggregationLimits) {
        guard amount != 0 else { return }
        let modelKey = target.model.map { Self.boundedKey($0, in: models, limit: limits.models, nameBytes: limits.nameBytes) }
        if target.countsInTotals {
            totals[figure] += amount
            if let day = dayKey(target.day, limits: limits) {
                days[day, default: Figures()][figure] += amount
                updateLog.days.insert(day)
                if let modelKey {
                    let key = Self.boundedKey(
                        modelKey, in: dayModels[day] ?? [:], limit: limits.dayModels, nameBytes: limits.nameBytes)
                    dayModels[day, default: [:]][key, default: Figures()][figure] += amount
                    updateLog.dayModels.insert(day)
                }
            }
            if let session = target.session {
                addToSession(session, figure, amount, seconds: target.seconds, model: target.model, limits: limits)
            }
        }
        if let modelKey {
            models[modelKey, default: Figures()][figure] += amount
            updateLog.models.insert(modelKey)
        }
        if let tool = target.tool {
            let key = Self.boundedKey(tool, in: tools, limit: limits.tools, nameBytes: limits.nameBytes)
            tools[key, default: Figures()][figure] += amount
            updateLog.tools.insert(key)
        }
        if let querySource = target.querySource {
            let key = Self.boundedKey(querySource, in: querySources, limit: limits.querySources, nameBytes: limits.nameBytes)
            querySources[key, default: Figures()][figure] += amount
            updateLog.querySources.insert(key)
        }
    }

    mutating func countEvent(_ name: String, limits: AggregationLimits) {
        let key = Self.boundedKey(name, in: events, limit: limits.eventNames, nameBytes: limits.nameBytes)
        events[key, default: 0] += 1
        updateLog.events.insert(key)
    }

    /// Sets a day's raw figures whole, logged like every other change, and without the bound on
    /// the number of days that ``add(_:_:to:limits:)`` keeps: only the tests use it, to seed a
    /// history through the store's own update path.
    package mutating func setDay(_ day: String, to figures: Figures) {
        days[day] = figures
        updateLog.days.insert(day)
    }

    /// Removes a day and its models (the oldest day when the map is full, the retention
    /// pruner's expired days).
    package mutating func removeDay(_ day: String) {
        days.removeValue(forKey: day)
        dayModels.removeValue(forKey: day)
        updateLog.days.insert(day)
        updateLog.dayModels.insert(day)
    }

    /// The day bucket to use, dropping the oldest day when the map is full. A day older than
    /// every kept day, with the map full, gets no bucket (the totals still count it).
    private mutating func dayKey(_ day: String, limits: AggregationLimits) -> String? {
        if days[day] != nil || days.count < limits.days { return day }
        guard let oldest = days.keys.min(), oldest < day else { return nil }
        removeDay(oldest)
        return day
    }

    /// A name as stored: cut to `nameBytes` UTF-8 bytes, "unknown" when empty, and the overflow
    /// bucket when the map already holds `limit` other names.
    static func boundedKey<V>(_ name: String, in map: [String: V], limit: Int, nameBytes: Int) -> String {
        let cut = truncated(name, toUTF8Bytes: nameBytes)
        let key = cut.isEmpty ? "unknown" : cut
        if map[key] != nil { return key }
        let overflow = AggregationLimits.overflowName
        if map.count >= limit - 1 && key != overflow { return overflow }
        return key
    }

    static func truncated(_ text: String, toUTF8Bytes limit: Int) -> String {
        if text.utf8.count <= limit { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > limit { break }
            result.append(character)
            used += size
        }
        return result
    }

    /// Records that a series was updated now, evicting the least recently seen series when
    /// the bound is exceeded.
    mutating func touchSeries(_ key: UInt64, _ state: SeriesState, now: Timestamp, limits: AggregationLimits) {
        var updated = state
        seriesClock += 1
        updated.touched = seriesClock
        updated.seen = now.seconds
        series[key] = updated
        updateLog.touchedSeries.append(key)
        if series.count > limits.series {
            // Evict an eighth at once, so a flood of new series costs one sort per many points
            // rather than a full scan per point.
            let excess = series.count - (limits.series - limits.series / 8)
            for (id, _) in series.sorted(by: { $0.value.touched < $1.value.touched }).prefix(excess) {
                series.removeValue(forKey: id)
                updateLog.removedSeries.append(id)
            }
        }
    }

    /// Forgets idle series: delta series (no cumulative reading) once they are older than the
    /// replay window, cumulative series after ``AggregationLimits/cumulativeSeriesSeconds``.
    mutating func forgetIdleSeries(now: Timestamp, limits: AggregationLimits) {
        let nowSeconds = now.seconds
        // Removes only the idle ones: filtering would copy every series on every update.
        let idle = series.ids { seen, cumulative in
            let idleSeconds = nowSeconds &- min(nowSeconds, seen)
            return idleSeconds > (cumulative ? limits.cumulativeSeriesSeconds : limits.replayWindowSeconds)
        }
        for key in idle { series.removeValue(forKey: key) }
        updateLog.removedSeries += idle
    }
}
