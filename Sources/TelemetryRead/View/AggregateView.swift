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

    /// Which buckets keep their per-source raw figures (a heap array each).
    package enum RawFigures: Sendable {
        /// Every bucket's: a user summary with `?raw=1`, `show`, the CSVs.
        case all
        /// The totals' only: the scrape publishes active time from the raw seconds.
        case totals
        /// None: views that never show them (the team digests).
        case none
    }

    /// `daysFrom` (a day key): keep only the days from it on (for views that need recent days only).
    /// `includingSessions`: false leaves `sessions` empty (views that never show them).
    /// `raw`: which buckets keep their raw figures. `published`: days of this document whose
    /// published figures are already known (``CurrentAggregate/publishedDays``), taken as they
    /// are; never with `raw: .all` (the raw figures of those days may not have been read).
    package init(
        _ document: AggregateDocument, daysFrom: String? = nil, includingSessions: Bool = true, raw: RawFigures = .all,
        published: PublishedDays = PublishedDays()
    ) {
        let keepingRaw = raw == .all
        let selection = document.sourceSelection
        userId = document.userId
        updatedAt = document.updatedAt
        sources = selection.names
        totals = PublishedTotals(document.totals, selection, keepingRaw: raw != .none)
        // A day whose published figures are known is not decoded at all (this runs for every day
        // of every user when a team summary is first asked for).
        precondition(!keepingRaw || published.isEmpty, "raw day figures need the document read whole")
        let derived = document.daysWithModels(from: daysFrom) { published[$0] == nil }
        // Days of the document, as ``CurrentAggregate/publishedDays`` are (which the document
        // read without the copy's history does not list).
        let taken = published.entries(from: daysFrom)
        // Both lists are sorted: merged into place, rather than sorting the views (each a few
        // hundred bytes, moved at every step of a sort).
        var views: [DayView] = []
        views.reserveCapacity(derived.count + taken.count)
        var next = taken.startIndex
        for (day, figures, models) in derived {
            while next < taken.endIndex && taken[next].day < day {
                views.append(DayView(day: taken[next].day, published: taken[next].figures))
                next += 1
            }
            views.append(
                DayView(
                    day: day, totals: PublishedTotals(figures, selection, keepingRaw: keepingRaw),
                    models: models.sorted { $0.key < $1.key }.map { name, figures in
                        ModelView(name: name, figures: PublishedModel(figures, selection, keepingRaw: keepingRaw))
                    }))
        }
        for entry in taken[next...] { views.append(DayView(day: entry.day, published: entry.figures)) }
        days = views
        models = document.models.keys.sorted().map { name in
            ModelView(name: name, figures: PublishedModel(document.models[name]!, selection, keepingRaw: keepingRaw))
        }
        tools = document.tools.keys.sorted().map { name in
            ToolView(
                name: name,
                figures: PublishedTool(document.tools[name]!, tool: name, selection, keepingRaw: keepingRaw))
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
    /// The uncovered part when it came with the day (``PublishedDay``); derived on demand otherwise.
    private let knownUncovered: PublishedModel??

    package init(day: String, totals: PublishedTotals, models: [ModelView]) {
        self.day = day
        self.totals = totals
        self.models = models
        knownUncovered = nil
    }

    /// A day as a fold published it (no raw figures).
    package init(day: String, published: PublishedDay) {
        self.day = day
        totals = published.totals
        models = published.models
        knownUncovered = .some(published.unknownModel)
    }

    /// The part of the day's tokens, cost, requests and errors that no model of ``models``
    /// accounts for (``PublishedDay/uncovered(_:by:)``); nil when the models cover the day.
    package var unknownModel: ModelView? {
        let uncovered = knownUncovered ?? PublishedDay.uncovered(totals, by: models)
        return uncovered.map { ModelView(name: ModelView.unknownName, figures: $0) }
    }

    /// Equal when the day, the totals and the models are: the uncovered part follows from them,
    /// whether it came with the day or not.
    package static func == (lhs: DayView, rhs: DayView) -> Bool {
        lhs.day == rhs.day && lhs.totals == rhs.totals && lhs.models == rhs.models
    }
}

/// The published figures of one tool (the keys of `tools.*`).
package struct ToolView: Sendable, Equatable {
    package let name: String
    package let figures: PublishedTool
}

/// How many log events of one name were counted.
package struct EventCount: Sendable, Equatable {
    package let name: String
    package let count: Int
}
