package import TelemetryStore

/// A user's aggregate as a dashboard sees it, for the admin tool.
///
/// Every number comes from the same published-figure code that writes `aggregate.json`
/// (``AggregateCoding`` via `PublishedTotals` / `PublishedModel` / `PublishedTool` and the
/// document's ``SourceSelection``), so the tool can never show a figure the file would not.
package struct AggregateView: Sendable, Equatable {
    package let userId: String
    package let updatedAt: String?
    /// Which source each doubly-reported figure is published from (as `sources` in the file).
    package let sources: [String: String]
    package let totals: PublishedTotals
    /// Day buckets, oldest first.
    package let days: [DayView]
    /// Models, sorted by name.
    package let models: [ModelView]
    /// Tools, sorted by name.
    package let tools: [ToolView]
    /// Log events counted by name, sorted by name.
    package let events: [EventCount]
    package let received: ReceiveCounters
    /// The kept sessions, the most recently active first.
    package let sessions: [SessionView]

    /// `daysFrom` (a day key): keep only the days from it on (for views that need recent days only).
    /// `includingSessions`: false leaves `sessions` empty (views that never show them).
    /// `keepingRaw`: false leaves the totals' raw figures out (views that never show them).
    package init(
        _ document: AggregateDocument, daysFrom: String? = nil, includingSessions: Bool = true, keepingRaw: Bool = true
    ) {
        let selection = document.sourceSelection
        userId = document.userId
        updatedAt = document.updatedAt
        sources = selection.names
        totals = PublishedTotals(document.totals, selection, keepingRaw: keepingRaw)
        // Entries sorted as they are, not keys looked up again: this runs for every day of every
        // user when a team summary is first asked for.
        let keptDays = daysFrom.map { from in document.days.filter { $0.key >= from } } ?? document.days
        days = keptDays.sorted { $0.key < $1.key }.map { day, figures in
            DayView(
                day: day, totals: PublishedTotals(figures, selection, keepingRaw: keepingRaw),
                models: (document.dayModels[day] ?? [:]).sorted { $0.key < $1.key }.map { name, figures in
                    ModelView(name: name, PublishedModel(figures, selection))
                })
        }
        models = document.models.keys.sorted().map { name in
            ModelView(name: name, PublishedModel(document.models[name]!, selection))
        }
        tools = document.tools.keys.sorted().map { name in
            ToolView(name: name, PublishedTool(document.tools[name]!, tool: name, selection))
        }
        events = document.events.keys.sorted().map { EventCount(name: $0, count: document.events[$0]!) }
        received = document.received
        guard includingSessions else {
            sessions = []
            return
        }
        sessions = document.sessions.map { id, record in
            SessionView(
                id: id, firstSeen: record.firstSeen, lastSeen: record.lastSeen, models: record.models,
                totals: PublishedTotals(record.figures, selection, keepingRaw: keepingRaw))
        }.sorted { ($0.lastSeen, $1.id) > ($1.lastSeen, $0.id) }
    }
}

/// One session (`session.id`) as published: first and last seen (seconds since the epoch),
/// the models it used and its figures.
package struct SessionView: Sendable, Equatable {
    package let id: String
    package let firstSeen: UInt64
    package let lastSeen: UInt64
    package let models: [String]
    package let totals: PublishedTotals
}

/// One day bucket (`YYYY-MM-DD`, cut in `--timezone`).
package struct DayView: Sendable, Equatable {
    package let day: String
    package let totals: PublishedTotals
    /// The day's figures per model, sorted by name (the day's `models`); empty for days stored
    /// before they were kept. What the models do not cover is ``unknownModel``.
    package let models: [ModelView]

    /// The part of the day's tokens, cost, requests and errors that no model of ``models``
    /// accounts for (the whole day for a day stored before they were kept; amounts reported
    /// without a model); nil when the models cover the day. Never split by guessing.
    package var unknownModel: ModelView? {
        var covered = (
            input: Int64(0), output: Int64(0), cacheRead: Int64(0), cacheCreation: Int64(0),
            cost: 0.0, requests: Int64(0), errors: Int64(0)
        )
        for model in models {
            covered.input = saturatingSum(covered.input, model.inputTokens)
            covered.output = saturatingSum(covered.output, model.outputTokens)
            covered.cacheRead = saturatingSum(covered.cacheRead, model.cacheReadTokens)
            covered.cacheCreation = saturatingSum(covered.cacheCreation, model.cacheCreationTokens)
            covered.cost += model.costUsd
            covered.requests = saturatingSum(covered.requests, model.apiRequests)
            covered.errors = saturatingSum(covered.errors, model.apiErrors)
        }
        // The day's cost and its models' are sums of the same amounts in another order: a
        // difference below a billionth of the day's cost is that rounding, not an amount.
        let cost = totals.amount(.totalTokenCostUsd) - covered.cost
        let rest = ModelView(
            name: ModelView.unknownName,
            inputTokens: max(0, totals.count(.totalInputTokens) - covered.input),
            outputTokens: max(0, totals.count(.totalOutputTokens) - covered.output),
            cacheReadTokens: max(0, totals.count(.totalCacheReadTokens) - covered.cacheRead),
            cacheCreationTokens: max(0, totals.count(.totalCacheCreationTokens) - covered.cacheCreation),
            costUsd: cost > 1e-9 * max(1, abs(totals.amount(.totalTokenCostUsd))) ? cost : 0,
            apiRequests: max(0, totals.count(.apiRequests) - covered.requests),
            apiErrors: max(0, totals.count(.apiErrors) - covered.errors))
        let nothing =
            rest.allTokens == 0 && rest.costUsd == 0 && rest.apiRequests == 0 && rest.apiErrors == 0
        return nothing ? nil : rest
    }
}

/// The published figures of one model (the keys of `models.*`).
package struct ModelView: Sendable, Equatable {
    package let name: String
    package let inputTokens: Int64
    package let outputTokens: Int64
    package let cacheReadTokens: Int64
    package let cacheCreationTokens: Int64
    package let costUsd: Double
    package let apiRequests: Int64
    package let apiErrors: Int64

    /// The name ``DayView/unknownModel`` carries (the API keeps it apart from model names).
    package static let unknownName = "unknown model"

    init(
        name: String, inputTokens: Int64, outputTokens: Int64, cacheReadTokens: Int64, cacheCreationTokens: Int64,
        costUsd: Double, apiRequests: Int64, apiErrors: Int64
    ) {
        self.name = name
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.costUsd = costUsd
        self.apiRequests = apiRequests
        self.apiErrors = apiErrors
    }

    init(name: String, _ published: PublishedModel) {
        self.name = name
        inputTokens = published.inputTokens
        outputTokens = published.outputTokens
        cacheReadTokens = published.cacheReadTokens
        cacheCreationTokens = published.cacheCreationTokens
        costUsd = published.costUsd
        apiRequests = published.apiRequests
        apiErrors = published.apiErrors
    }

    /// Input, output, cache-read and cache-creation tokens together.
    package var allTokens: Int64 {
        saturatingSum(saturatingSum(saturatingSum(inputTokens, outputTokens), cacheReadTokens), cacheCreationTokens)
    }

    /// The same figures under another name.
    func renamed(_ name: String) -> ModelView {
        ModelView(
            name: name, inputTokens: inputTokens, outputTokens: outputTokens, cacheReadTokens: cacheReadTokens,
            cacheCreationTokens: cacheCreationTokens, costUsd: costUsd, apiRequests: apiRequests, apiErrors: apiErrors)
    }
}

/// The published figures of one tool (the keys of `tools.*`).
package struct ToolView: Sendable, Equatable {
    package let name: String
    package let calls: Int64
    package let failures: Int64
    package let accepts: Int64
    package let rejects: Int64

    init(name: String, _ published: PublishedTool) {
        self.name = name
        calls = published.calls
        failures = published.failures
        accepts = published.accepts
        rejects = published.rejects
    }
}

/// How many log events of one name were counted.
package struct EventCount: Sendable, Equatable {
    package let name: String
    package let count: Int
}
