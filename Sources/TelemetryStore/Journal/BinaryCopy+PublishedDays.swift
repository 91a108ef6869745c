extension BinaryCopy {
    /// Every day's ``PublishedDay`` under the document's source selection, newest first.
    static func writePublished(_ d: AggregateDocument, to o: inout BinaryCopyOutput) {
        let selection = d.sourceSelection
        o.count(d.days.count)
        for (day, figures, models) in d.daysWithModels().reversed() {
            o.publishedDay(day, PublishedDay(figures, models: models, selection))
        }
    }

    /// The published section of a copy laid out as `layout` says, the days from `daysFrom` (a
    /// day key) on, or every day; nil when damaged. The whole section is checked; newest first,
    /// the days before `daysFrom` are not decoded (a team summary needs a few weeks of a year's days).
    static func decodePublished(_ bytes: [UInt8], layout: Layout, from daysFrom: String? = nil) -> PublishedDays? {
        guard layout.holds(bytes, as: .published) else { return nil }
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(BinaryCopyDamage) -> [PublishedDays.Entry] in
                var i = BinaryCopyInput(raw, from: 0)
                let count = try i.count()
                var entries: [PublishedDays.Entry] = []
                var names: [String] = []
                for _ in 0..<count {
                    let day = try i.string()
                    // Newest first, and the checksum held: every day after this one is older. (The
                    // order of the days passed over is the fold's, trusted as the checksum is.)
                    if let daysFrom, day < daysFrom { return entries }
                    let totals = try i.totals()
                    var models: [ModelView] = []
                    let modelCount = try i.count()
                    models.reserveCapacity(modelCount)
                    for _ in 0..<modelCount {
                        models.append(ModelView(name: try i.string(reusing: &names), figures: try i.model()))
                    }
                    let unknown = try i.count() == 0 ? nil : try i.model()
                    entries.append(
                        PublishedDays.Entry(
                            day: day, figures: PublishedDay(totals: totals, models: models, unknownModel: unknown)))
                }
                guard i.isAtEnd else { throw BinaryCopyDamage() }
                return entries
            }
        }
        guard var entries = try? result.get() else { return nil }
        // Written newest first; turned in place (no second array), and checked all the same,
        // since readers merge in order.
        entries.reverse()
        return PublishedDays(sorted: entries)
    }
}

extension BinaryCopyOutput {
    /// One entry of the published section: the day, its totals, its models, what they leave uncovered.
    mutating func publishedDay(_ day: String, _ published: PublishedDay) {
        string(day)
        totals(published.totals)
        count(published.models.count)
        for entry in published.models {
            string(entry.name)
            model(entry.figures)
        }
        count(published.unknownModel == nil ? 0 : 1)
        if let unknown = published.unknownModel { model(unknown) }
    }

    mutating func totals(_ t: PublishedTotals) {
        for slot in 0..<PublishedTotals.lanes.counts { integer(Int(t.count(atSlot: slot))) }
        for slot in 0..<PublishedTotals.lanes.amounts { double(t.amount(atSlot: slot)) }
    }

    mutating func model(_ m: PublishedModel) {
        for slot in 0..<PublishedModel.lanes.counts { integer(Int(m.count(atSlot: slot))) }
        double(m.cost)
    }
}

extension BinaryCopyInput {
    mutating func totals() throws(BinaryCopyDamage) -> PublishedTotals {
        var t = PublishedTotals()
        for slot in 0..<PublishedTotals.lanes.counts { t.setCount(Int64(try integer()), atSlot: slot) }
        for slot in 0..<PublishedTotals.lanes.amounts { t.setAmount(try double(), atSlot: slot) }
        return t
    }

    mutating func model() throws(BinaryCopyDamage) -> PublishedModel {
        var m = PublishedModel()
        for slot in 0..<PublishedModel.lanes.counts { m.setCount(Int64(try integer()), atSlot: slot) }
        m.cost = try double()
        return m
    }
}
