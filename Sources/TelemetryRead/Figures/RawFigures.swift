import TelemetryStore

extension Figures {
    /// Every raw figure, ordered by its stored name (the order of `raw` in `aggregate.json`).
    static let orderedByName: [Figure] = Figure.allCases.sorted { $0.name < $1.name }

    /// Adds every figure of `other` into this bucket.
    mutating func add(_ other: Figures) {
        for figure in Figure.allCases where other[figure] != 0 { self[figure] += other[figure] }
    }

    /// Writes the figures as `aggregate.json` does under `raw`: sorted by name, zeros left out.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        for figure in Self.orderedByName where self[figure] != 0 {
            w.key(figure.name)
            w.number(self[figure])
        }
        w.endObject()
    }
}
