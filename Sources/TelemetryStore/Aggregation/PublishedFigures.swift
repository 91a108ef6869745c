/// What ``PublishedTotals`` and ``PublishedModel`` share: values read and set by table row, raw
/// figures kept or not, and one way to read, sum and write them.
package protocol PublishedValues: Sendable, Equatable {
    subscript(figure: PublishedFigure) -> PublishedNumber { get set }
    /// The per-source raw figures; nil when not kept (team answers never show them).
    var raw: Figures? { get set }
    /// The rows these values hold with the key each is written under, sorted by key.
    static var keyedFigures: [(key: String, figure: PublishedFigure)] { get }
}

extension PublishedValues {
    /// A count figure's value (an amount's, rounded).
    @inlinable package func count(_ figure: PublishedFigure) -> Int64 {
        switch self[figure] {
        case .count(let value): value
        case .amount(let value): TelemetryStore.count(value)
        }
    }

    /// A figure's value as a decimal (cost, minutes; counts converted).
    @inlinable package func amount(_ figure: PublishedFigure) -> Double { self[figure].doubleValue }

    /// The same figures without the raw ones.
    @inlinable package var withoutRaw: Self {
        var copy = self
        copy.raw = nil
        return copy
    }

    /// Input, output, cache-read and cache-creation tokens together (not a published field: a
    /// convenience for listings).
    @inlinable package var allTokens: Int64 {
        saturatingSum(
            saturatingSum(
                saturatingSum(count(.totalInputTokens), count(.totalOutputTokens)), count(.totalCacheReadTokens)),
            count(.totalCacheCreationTokens))
    }

    /// Sums `other`'s raw figures into these when it has them (the rest of a sum is each type's).
    @inlinable mutating func addRaw(of other: Self) {
        guard let otherRaw = other.raw else { return }
        var sum = raw ?? Figures()
        sum.add(otherRaw)
        raw = sum
    }

    /// Writes the values as a JSON object, keys sorted. `raw` only when asked for; `activeUsers`
    /// (a team day) sorts before every figure; `models` (a day's, as `aggregate.json` has them)
    /// writes the value of the key `models` when given. Inlinable, as the sums are: a generic
    /// body reached from another module reads every figure through the protocol.
    @inlinable package func write(
        to w: inout JSONWriter, raw includeRaw: Bool, activeUsers: Int? = nil,
        models: ((inout JSONWriter) -> Void)? = nil
    ) {
        w.beginObject()
        if let activeUsers { w.key("activeUsers"); w.integer(Int64(activeUsers)) }
        var modelsWritten = models == nil, rawWritten = !includeRaw
        for (key, figure) in Self.keyedFigures {
            if !modelsWritten, key > "models" {
                w.key("models"); models?(&w)
                modelsWritten = true
            }
            if !rawWritten, key > "raw" {
                w.key("raw"); (raw ?? Figures()).write(to: &w)
                rawWritten = true
            }
            w.key(key)
            w.number(self[figure])
        }
        // Keys after every figure's (a model's `raw`).
        if !modelsWritten { w.key("models"); models?(&w) }
        if !rawWritten { w.key("raw"); (raw ?? Figures()).write(to: &w) }
        w.endObject()
    }

    @inlinable package static func == (a: Self, b: Self) -> Bool {
        a.raw == b.raw && keyedFigures.allSatisfy { a[$0.figure] == b[$0.figure] }
    }
}

extension JSONWriter {
    /// A published number: a count as an integer, an amount as a decimal.
    @inlinable package mutating func number(_ value: PublishedNumber) {
        switch value {
        case .count(let count): integer(count)
        case .amount(let amount): number(amount)
        }
    }
}

/// The published figures of one bucket, one value per ``PublishedFigure``: derived from the
/// bucket's raw figures, and summable — a user's range is the sum of its days, a team's totals the
/// sum of its users' — so every total a reader sees equals the sum of the figures beside it.
package struct PublishedTotals: PublishedValues {
    /// The counts and the amounts, each figure at its ``PublishedFigure/slot``. Tuples spelled
    /// out slot by slot (not a figure list: slots are numbers, the table gives them out), so a sum
    /// is a straight run of additions inlined into the read side, which adds up every day of every
    /// user — an `InlineArray`, a loop over the table or SIMD lanes measured 40–50 % slower on a
    /// team summary. A seventeenth count needs a slot here (`PublishedFigureTableTests` checks
    /// every figure has one of its own).
    @usableFromInline var counts:
        (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64) = (
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        )
    @usableFromInline var amounts: (Double, Double) = (0, 0)

    /// Slots for counts and for amounts.
    package static let lanes = (counts: 16, amounts: 2)

    @inlinable func count(atSlot slot: Int) -> Int64 {
        switch slot {
        case 0: counts.0
        case 1: counts.1
        case 2: counts.2
        case 3: counts.3
        case 4: counts.4
        case 5: counts.5
        case 6: counts.6
        case 7: counts.7
        case 8: counts.8
        case 9: counts.9
        case 10: counts.10
        case 11: counts.11
        case 12: counts.12
        case 13: counts.13
        case 14: counts.14
        case 15: counts.15
        default: preconditionFailure("no count slot \(slot)")
        }
    }

    @inlinable mutating func setCount(_ value: Int64, atSlot slot: Int) { store(value, atSlot: slot, of: &counts) }

    @inlinable func amount(atSlot slot: Int) -> Double {
        switch slot {
        case 0: amounts.0
        case 1: amounts.1
        default: preconditionFailure("no amount slot \(slot)")
        }
    }

    @inlinable mutating func setAmount(_ value: Double, atSlot slot: Int) {
        switch slot {
        case 0: amounts.0 = value
        case 1: amounts.1 = value
        default: preconditionFailure("no amount slot \(slot)")
        }
    }

    /// The per-source raw figures these were derived from (summed likewise); nil when not kept
    /// (team answers never show it): saves a heap array per bucket.
    package var raw: Figures?

    @inlinable package init() {}

    package init(_ f: Figures, _ s: SourceSelection, keepingRaw: Bool = true) {
        for figure in PublishedFigure.table { self[figure] = figure.published(from: f, s) }
        raw = keepingRaw ? f : nil
    }

    @inlinable package subscript(figure: PublishedFigure) -> PublishedNumber {
        get { figure.unit == .count ? .count(count(atSlot: figure.slot)) : .amount(amount(atSlot: figure.slot)) }
        // Stored by the figure's unit, whatever the value's kind: a figure cannot land in a slot
        // of the other kind, which belongs to another figure.
        set {
            if figure.unit == .count {
                switch newValue {
                case .count(let value): setCount(value, atSlot: figure.slot)
                case .amount(let value): setCount(TelemetryStore.count(value), atSlot: figure.slot)
                }
            } else {
                setAmount(newValue.doubleValue, atSlot: figure.slot)
            }
        }
    }

    /// Adds `other` figure by figure (counts saturate at the Int64 range, as published counts are
    /// clamped to it); raw figures are summed when `other` has them.
    @inlinable package mutating func add(_ other: PublishedTotals) {
        counts.0 = saturatingSum(counts.0, other.counts.0)
        counts.1 = saturatingSum(counts.1, other.counts.1)
        counts.2 = saturatingSum(counts.2, other.counts.2)
        counts.3 = saturatingSum(counts.3, other.counts.3)
        counts.4 = saturatingSum(counts.4, other.counts.4)
        counts.5 = saturatingSum(counts.5, other.counts.5)
        counts.6 = saturatingSum(counts.6, other.counts.6)
        counts.7 = saturatingSum(counts.7, other.counts.7)
        counts.8 = saturatingSum(counts.8, other.counts.8)
        counts.9 = saturatingSum(counts.9, other.counts.9)
        counts.10 = saturatingSum(counts.10, other.counts.10)
        counts.11 = saturatingSum(counts.11, other.counts.11)
        counts.12 = saturatingSum(counts.12, other.counts.12)
        counts.13 = saturatingSum(counts.13, other.counts.13)
        counts.14 = saturatingSum(counts.14, other.counts.14)
        counts.15 = saturatingSum(counts.15, other.counts.15)
        amounts.0 += other.amounts.0
        amounts.1 += other.amounts.1
        addRaw(of: other)
    }

    /// Written under their keys in `aggregate.json` and every answer, sorted by key.
    package static let keyedFigures = PublishedFigure.table.map { (key: $0.key, figure: $0) }.sorted { $0.key < $1.key }
}

/// The published figures of one model (the keys of `models.*`): the rows of ``PublishedFigure``
/// that have a ``PublishedFigure/modelKey``, derived as the totals are, summable over days and
/// users like ``PublishedTotals``. Kept in its own seven slots: a team digest holds one per model
/// of every day of every user.
package struct PublishedModel: PublishedValues {
    @usableFromInline var counts: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)
    @usableFromInline var cost: Double = 0
    /// The per-source raw figures; nil when not kept (team answers never show them).
    package var raw: Figures?

    /// Slots for counts and for amounts.
    package static let lanes = (counts: 6, amounts: 1)

    @inlinable package init() {}

    package init(_ f: Figures, _ s: SourceSelection, keepingRaw: Bool = true) {
        for figure in PublishedFigure.modelFigures { self[figure] = figure.published(from: f, s) }
        raw = keepingRaw ? f : nil
    }

    @inlinable func count(atSlot slot: Int) -> Int64 {
        switch slot {
        case 0: counts.0
        case 1: counts.1
        case 2: counts.2
        case 3: counts.3
        case 4: counts.4
        case 5: counts.5
        default: preconditionFailure("no model count slot \(slot)")
        }
    }

    @inlinable mutating func setCount(_ value: Int64, atSlot slot: Int) { store(value, atSlot: slot, of: &counts) }

    /// A model figure's value; a figure not kept per model reads as zero and cannot be set.
    @inlinable package subscript(figure: PublishedFigure) -> PublishedNumber {
        get {
            guard let slot = figure.modelSlot else { return figure.unit == .count ? .count(0) : .amount(0) }
            return figure.unit == .count ? .count(count(atSlot: slot)) : .amount(cost)
        }
        set {
            guard let slot = figure.modelSlot else { preconditionFailure("\(figure.key) is not kept per model") }
            if figure.unit == .count {
                switch newValue {
                case .count(let value): setCount(value, atSlot: slot)
                case .amount(let value): setCount(TelemetryStore.count(value), atSlot: slot)
                }
            } else {
                cost = newValue.doubleValue
            }
        }
    }

    /// Adds `other` figure by figure (counts saturating); raw figures when `other` has them.
    @inlinable package mutating func add(_ other: PublishedModel) {
        counts.0 = saturatingSum(counts.0, other.counts.0)
        counts.1 = saturatingSum(counts.1, other.counts.1)
        counts.2 = saturatingSum(counts.2, other.counts.2)
        counts.3 = saturatingSum(counts.3, other.counts.3)
        counts.4 = saturatingSum(counts.4, other.counts.4)
        counts.5 = saturatingSum(counts.5, other.counts.5)
        cost += other.cost
        addRaw(of: other)
    }

    /// Written under their model keys, sorted by key.
    package static let keyedFigures = PublishedFigure.modelFigures.map { (key: $0.modelKey!, figure: $0) }
        .sorted { $0.key < $1.key }
}

/// The published figures of one tool (the keys of `tools.*`), one value per ``ToolFigure``,
/// summable over the users of a team like ``PublishedTotals``.
package struct PublishedTool: Sendable, Equatable {
    @usableFromInline var counts: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
    /// The per-source raw figures; nil when not kept (team answers never show them).
    package var raw: Figures?

    @inlinable package init() {}

    package init(_ f: Figures, tool: String, _ s: SourceSelection, keepingRaw: Bool = true) {
        for figure in ToolFigure.table { self[figure] = figure.published(from: f, tool: tool, s) }
        raw = keepingRaw ? f : nil
    }

    @inlinable package subscript(figure: ToolFigure) -> Int64 {
        get {
            switch figure {
            case .calls: counts.0
            case .failures: counts.1
            case .accepts: counts.2
            case .rejects: counts.3
            }
        }
        set {
            switch figure {
            case .calls: counts.0 = newValue
            case .failures: counts.1 = newValue
            case .accepts: counts.2 = newValue
            case .rejects: counts.3 = newValue
            }
        }
    }

    /// Adds `other` figure by figure (counts saturating); raw figures when `other` has them.
    @inlinable package mutating func add(_ other: PublishedTool) {
        counts.0 = saturatingSum(counts.0, other.counts.0)
        counts.1 = saturatingSum(counts.1, other.counts.1)
        counts.2 = saturatingSum(counts.2, other.counts.2)
        counts.3 = saturatingSum(counts.3, other.counts.3)
        guard let otherRaw = other.raw else { return }
        var sum = raw ?? Figures()
        sum.add(otherRaw)
        raw = sum
    }

    /// Writes the figures as a JSON object, keys sorted; `raw` only when asked for.
    package func write(to w: inout JSONWriter, raw includeRaw: Bool) {
        w.beginObject()
        var rawWritten = !includeRaw
        for figure in ToolFigure.keyed {
            if !rawWritten, figure.key > "raw" {
                w.key("raw"); (raw ?? Figures()).write(to: &w)
                rawWritten = true
            }
            w.key(figure.key)
            w.integer(self[figure])
        }
        if !rawWritten { w.key("raw"); (raw ?? Figures()).write(to: &w) }
        w.endObject()
    }

    @inlinable package static func == (a: PublishedTool, b: PublishedTool) -> Bool {
        a.raw == b.raw && ToolFigure.table.allSatisfy { a[$0] == b[$0] }
    }
}

/// Rounds a raw sum to the published integer, clamped to the representable range.
@usableFromInline func count(_ value: Double) -> Int64 {
    let rounded = value.rounded()
    if rounded >= 9.2e18 { return Int64.max }
    if rounded <= -9.2e18 { return Int64.min }
    return Int64(rounded)
}

/// Published counts are clamped to the Int64 range; their sum `a + b` is clamped the same way
/// (two operands, no array: it runs per model of every day).
@inlinable package func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
    let (result, overflow) = a.addingReportingOverflow(b)
    return overflow ? (b > 0 ? .max : .min) : result
}

/// Sets one slot of a tuple of counts through its bytes: the tuple is `inout`, so nothing is
/// copied (reads switch over the elements instead, as a borrowed value would be copied to be
/// read as bytes).
@inlinable func store<Slots>(_ value: Int64, atSlot slot: Int, of counts: inout Slots) {
    withUnsafeMutableBytes(of: &counts) { bytes in
        precondition(slot >= 0 && slot < bytes.count / 8, "no count slot \(slot)")
        bytes.storeBytes(of: value, toByteOffset: slot * 8, as: Int64.self)
    }
}
