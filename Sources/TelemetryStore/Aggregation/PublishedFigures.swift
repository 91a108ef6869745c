/// The published figures of one bucket, one value per ``PublishedFigure``: derived from the
/// bucket's raw figures, and summable — a user's range is the sum of its days, a team's totals the
/// sum of its users' — so every total a reader sees equals the sum of the figures beside it.
package struct PublishedTotals: Sendable, Equatable {
    /// One slot per figure, in table order; an amount is kept as its bit pattern, so the values
    /// live inline (a team digest holds one of these per day of every user).
    /// A new figure adds a slot here too (`PublishedFigureTableTests` checks the two agree).
    private typealias Storage = InlineArray<18, Int64>
    private var values = Storage(repeating: 0)
    /// Slots in the storage: one per ``PublishedFigure``.
    package static var slotCount: Int { Storage.count }
    /// The per-source raw figures these were derived from (summed likewise); nil when not kept
    /// (team answers never show it): saves a heap array per bucket.
    package var raw: Figures?

    package init() {}

    package init(_ f: Figures, _ s: SourceSelection, keepingRaw: Bool = true) {
        for figure in PublishedFigure.allCases { self[figure] = figure.published(from: f, s) }
        raw = keepingRaw ? f : nil
    }

    package subscript(figure: PublishedFigure) -> PublishedNumber {
        get {
            let stored = values[figure.rawValue]
            return figure.unit == .count ? .count(stored) : .amount(Double(bitPattern: UInt64(bitPattern: stored)))
        }
        set {
            switch newValue {
            case .count(let value): values[figure.rawValue] = value
            case .amount(let value): values[figure.rawValue] = Int64(bitPattern: value.bitPattern)
            }
        }
    }

    /// A count figure's value (an amount's, rounded).
    package func count(_ figure: PublishedFigure) -> Int64 {
        switch self[figure] {
        case .count(let value): value
        case .amount(let value): TelemetryStore.count(value)
        }
    }

    /// A figure's value as a decimal (cost, minutes; counts converted).
    package func amount(_ figure: PublishedFigure) -> Double { self[figure].doubleValue }

    /// The same figures without the raw ones.
    package var withoutRaw: PublishedTotals {
        var copy = self
        copy.raw = nil
        return copy
    }

    /// Adds `other` figure by figure (counts saturate at the Int64 range, as published counts are
    /// clamped to it); raw figures are summed when `other` has them.
    package mutating func add(_ other: PublishedTotals) {
        for figure in PublishedFigure.allCases {
            switch (self[figure], other[figure]) {
            case (.count(let a), .count(let b)): self[figure] = .count(saturatingSum(a, b))
            default: self[figure] = .amount(amount(figure) + other.amount(figure))
            }
        }
        if let otherRaw = other.raw {
            var sum = raw ?? Figures()
            sum.add(otherRaw)
            raw = sum
        }
    }

    /// Input, output, cache-read and cache-creation tokens together (not a published field:
    /// a convenience for listings).
    package var allTokens: Int64 {
        saturatingSum(
            saturatingSum(
                saturatingSum(count(.totalInputTokens), count(.totalOutputTokens)), count(.totalCacheReadTokens)),
            count(.totalCacheCreationTokens))
    }

    /// Every figure, named as in `aggregate.json`, in the table's order (the team CSV's columns).
    package var fields: [PublishedField] {
        PublishedFigure.allCases.map { PublishedField(name: $0.key, value: self[$0]) }
    }

    /// Writes the figures as a JSON object, keys sorted. `raw` only when asked for;
    /// `activeUsers` (a team day) sorts before every figure; `models` (a day's, as
    /// `aggregate.json` has them) writes the value of the key `models` when given.
    package func write(
        to w: inout JSONWriter, raw includeRaw: Bool, activeUsers: Int? = nil,
        models: ((inout JSONWriter) -> Void)? = nil
    ) {
        w.beginObject()
        if let activeUsers { w.key("activeUsers"); w.integer(Int64(activeUsers)) }
        var modelsWritten = models == nil, rawWritten = !includeRaw
        for figure in PublishedFigure.byKey {
            if !modelsWritten, figure.key > "models", let models {
                w.key("models"); models(&w)
                modelsWritten = true
            }
            if !rawWritten, figure.key > "raw" {
                w.key("raw"); (raw ?? Figures()).write(to: &w)
                rawWritten = true
            }
            w.key(figure.key)
            switch self[figure] {
            case .count(let value): w.integer(value)
            case .amount(let value): w.number(value)
            }
        }
        w.endObject()
    }

    package static func == (a: PublishedTotals, b: PublishedTotals) -> Bool {
        a.raw == b.raw && PublishedFigure.allCases.allSatisfy { a[$0] == b[$0] }
    }
}

/// The published view of one model.
package struct PublishedModel {
    package var inputTokens: Int64 = 0
    package var outputTokens: Int64 = 0
    package var cacheReadTokens: Int64 = 0
    package var cacheCreationTokens: Int64 = 0
    package var costUsd: Double = 0
    package var apiRequests: Int64 = 0
    package var apiErrors: Int64 = 0
    package var raw: Figures

    package init(_ f: Figures, _ s: SourceSelection) {
        raw = f
        inputTokens = count(s.inputTokens(f))
        outputTokens = count(s.outputTokens(f))
        cacheReadTokens = count(s.cacheReadTokens(f))
        cacheCreationTokens = count(s.cacheCreationTokens(f))
        costUsd = s.cost(f)
        apiRequests = count(s.apiRequests(f))
        apiErrors = count(f[.apiErrors])
    }

}

/// The published view of one tool.
package struct PublishedTool {
    package var calls: Int64 = 0
    package var failures: Int64 = 0
    package var accepts: Int64 = 0
    package var rejects: Int64 = 0
    package var raw: Figures

    package init(_ f: Figures, tool: String, _ s: SourceSelection) {
        raw = f
        calls = count(s.toolCalls(f))
        failures = count(f[.toolFailures])
        accepts = count(s.toolAccepts(f, tool: tool))
        rejects = count(s.toolRejects(f, tool: tool))
    }

}

/// Rounds a raw sum to the published integer, clamped to the representable range.
func count(_ value: Double) -> Int64 {
    let rounded = value.rounded()
    if rounded >= 9.2e18 { return Int64.max }
    if rounded <= -9.2e18 { return Int64.min }
    return Int64(rounded)
}

/// Published counts are clamped to the Int64 range; their sum `a + b` is clamped the same way
/// (two operands, no array: it runs per model of every day).
package func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
    let (result, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : result
}
