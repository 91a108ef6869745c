import TelemetryStore

/// The body of `GET …/users/UUID/summary`: one user's figures, all-time and over a range of
/// days, with the per-day, per-model, per-tool and per-event breakdowns. Compact JSON, keys
/// sorted; never the receiver's `state`, and `raw` only when asked for.
package struct UserSummaryReport: Sendable {
    package let digest: UserDigest
    package let range: DayRange
    package let includeRaw: Bool
    /// `?period=`: the range cut into buckets of this size under `periods`.
    package let period: Period?
    /// The user's own budgets (scope user) where they stand today.
    package let budgets: [BudgetStatus]
    /// The `--timezone` the days were cut in (for a reader's label).
    package var timeZone = "UTC"

    package init(
        digest: UserDigest, range: DayRange, includeRaw: Bool = false, period: Period? = nil, budgets: [BudgetStatus] = []
    ) {
        self.digest = digest
        self.range = range
        self.includeRaw = includeRaw
        self.period = period
        self.budgets = budgets
    }

    package var json: [UInt8] {
        let d = digest
        let inRange = d.days(in: range)
        var w = JSONWriter(capacity: 1024 + inRange.count * 600 + (d.models.count + d.tools.count) * 200)
        let rangeTotals = d.totals(in: range)
        w.beginObject()
        w.key("budgets"); BudgetStatus.write(budgets, to: &w)
        w.key("cacheEfficiency")
        CacheEfficiency.write(
            totals: d.totals, range: rangeTotals, days: inRange.map { ($0.day, $0.figures) },
            models: d.models.map { ($0.name, $0.figures) }, to: &w)
        w.key("createdAt"); w.string(d.createdAt)
        w.key("days")
        w.beginObject()
        for day in inRange {
            w.key(day.day)
            day.figures.write(
                to: &w, raw: includeRaw,
                models: day.models.isEmpty
                    ? nil
                    : { w in
                        w.beginObject()
                        for model in day.models {
                            w.key(model.name)
                            model.figures.write(to: &w, raw: includeRaw)
                        }
                        w.endObject()
                    })
        }
        w.endObject()
        w.key("events")
        w.beginObject()
        for event in d.events {
            w.key(event.name)
            w.integer(Int64(event.count))
        }
        w.endObject()
        w.key("models")
        w.beginObject()
        for model in d.models {
            w.key(model.name)
            model.figures.write(to: &w, raw: includeRaw)
        }
        w.endObject()
        w.key("name"); w.string(d.name)
        w.key("outcomes"); Outcomes(rangeTotals).write(to: &w)
        if let period {
            w.key("period"); w.string(period.rawValue)
            w.key("periods")
            PeriodTotals.write(period.buckets(in: range).map { ($0, d.totals(in: DayRange($0))) }, raw: includeRaw, to: &w)
        }
        let previous = range.previous
        w.key("previousRange"); previous.write(to: &w)
        w.key("previousRangeTotals"); d.totals(in: previous).write(to: &w, raw: includeRaw)
        w.key("range"); range.write(to: &w)
        w.key("rangeTotals"); rangeTotals.write(to: &w, raw: includeRaw)
        w.key("received"); d.received.write(to: &w)
        w.key("sessionAverages"); SessionList.writeAverages(d.sessions, to: &w)
        w.key("sessions"); SessionList.write(d.sessions, to: &w)
        w.key("sources")
        w.beginObject()
        for family in d.sources.keys.sorted() {
            w.key(family)
            w.string(d.sources[family]!)
        }
        w.endObject()
        w.key("timeZone"); w.string(timeZone)
        w.key("tools")
        w.beginObject()
        for tool in d.tools {
            w.key(tool.name)
            tool.figures.write(to: &w, raw: includeRaw)
        }
        w.endObject()
        w.key("totals"); d.totals.write(to: &w, raw: includeRaw)
        w.key("updatedAt")
        if let updatedAt = d.updatedAt { w.string(updatedAt) } else { w.null() }
        w.key("userId"); w.string(d.userId)
        w.endObject()
        w.newline()
        return w.bytes
    }
}
