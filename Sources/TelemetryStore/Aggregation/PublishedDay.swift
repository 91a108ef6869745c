/// One model's published figures under its name (the keys of `models.*`).
package struct ModelView: Sendable, Equatable {
    package let name: String
    package let figures: PublishedModel

    /// The name ``PublishedDay/uncovered(_:by:)`` is shown under (the API keeps it apart from
    /// model names).
    package static let unknownName = "unknown model"

    package init(name: String, figures: PublishedModel) {
        self.name = name
        self.figures = figures
    }

    /// The same figures under another name.
    package func renamed(_ name: String) -> ModelView { ModelView(name: name, figures: figures) }
}

/// One day's figures as every read view publishes them — the totals, each model's and what the
/// models leave uncovered — without raw figures. A pure function of the day's raw figures, its
/// model map and the source selection, so a fold computes it once for every day into the binary
/// copy (``BinaryCopy``), and a reader whose day and selection are still those takes it instead of
/// deriving four hundred days of figures per user again.
package struct PublishedDay: Sendable, Equatable {
    package let totals: PublishedTotals
    /// Sorted by name.
    package let models: [ModelView]
    /// See ``uncovered(_:by:)``.
    package let unknownModel: PublishedModel?

    package init(_ figures: Figures, models: [String: Figures], _ selection: SourceSelection) {
        totals = PublishedTotals(figures, selection, keepingRaw: false)
        self.models = models.sorted { $0.key < $1.key }.map {
            ModelView(name: $0.key, figures: PublishedModel($0.value, selection, keepingRaw: false))
        }
        unknownModel = Self.uncovered(totals, by: self.models)
    }

    init(totals: PublishedTotals, models: [ModelView], unknownModel: PublishedModel?) {
        self.totals = totals
        self.models = models
        self.unknownModel = unknownModel
    }

    /// The part of a day's tokens, cost, requests and errors that none of its `models` accounts
    /// for (the whole day for a day stored before models were kept; amounts reported without a
    /// model); nil when the models cover the day. Never split by guessing.
    package static func uncovered(_ totals: PublishedTotals, by models: [ModelView]) -> PublishedModel? {
        var covered = PublishedModel()
        for model in models { covered.add(model.figures.withoutRaw) }
        var rest = PublishedModel()
        var nothing = true
        for figure in PublishedFigure.modelFigures {
            switch totals[figure] {
            case .count(let whole):
                let part = max(0, whole - covered.count(figure))
                rest[figure] = .count(part)
                nothing = nothing && part == 0
            case .amount(let whole):
                // The day's cost and its models' are sums of the same amounts in another order: a
                // difference below a billionth of the day's cost is that rounding, not an amount.
                let part = whole - covered.amount(figure)
                let kept = part > 1e-9 * max(1, abs(whole)) ? part : 0
                rest[figure] = .amount(kept)
                nothing = nothing && kept == 0
            }
        }
        return nothing ? nil : rest
    }
}
