import TelemetryStore

/// Everything the read endpoints show of one user, taken from the record and the aggregate
/// through the same published-figure code that writes `aggregate.json`, so no endpoint can show
/// a number the file does not. The receiver's bookkeeping (`state`) is not part of it.
public struct UserDigest: Sendable {
    public struct Day: Sendable, Equatable {
        public let day: String
        public let figures: SummaryFigures
        /// The day's figures per model, sorted by name (without raw).
        public var models: [Model] = []
        /// What ``models`` do not cover (see ``DayView/unknownModel``); nil when they cover the day.
        public var unknownModel: SummaryModel?
    }

    public struct Model: Sendable, Equatable {
        public let name: String
        public let figures: SummaryModel
    }

    public struct Tool: Sendable, Equatable {
        public let name: String
        public let figures: SummaryTool
    }

    public let userId: String
    public let name: String
    public let createdAt: String
    /// When data last changed the aggregate; nil when nothing was received yet.
    public let updatedAt: String?
    public let totals: SummaryFigures
    /// Oldest first.
    public let days: [Day]
    /// Sorted by name.
    public let models: [Model]
    /// Sorted by name.
    public let tools: [Tool]
    /// Sorted by name.
    public let events: [EventCount]
    public let sources: [String: String]
    public let received: ReceiveCounters
    /// The kept sessions, the most recently active first (figures without raw).
    public let sessions: [Session]

    public struct Session: Sendable, Equatable {
        public let id: String
        public let firstSeen: UInt64
        public let lastSeen: UInt64
        public let models: [String]
        public let figures: SummaryFigures
    }

    /// `keepingRaw`: keep the per-source raw figures (only a user summary with `?raw=1` shows them).
    /// `keepingSessions`: keep the sessions (only a user's own summary shows them; the team
    /// cache leaves them out, up to 100 per user).
    public init(
        user: UserID, record: UserRecord, document: AggregateDocument?,
        limits: AggregationLimits = AggregationLimits(), keepingRaw: Bool = true, keepingSessions: Bool = true
    ) {
        let view = AggregateView(
            document ?? AggregateDocument(user: user, limits: limits), includingSessions: keepingSessions)
        let rawModels = document?.models ?? [:]
        let rawTools = document?.tools ?? [:]
        userId = user.rawValue
        name = record.name
        createdAt = record.createdAt
        updatedAt = document?.updatedAt
        totals = SummaryFigures(view.totals, keepingRaw: keepingRaw)
        let rawDayModels = document?.dayModels ?? [:]
        days = view.days.map {
            let day = $0.day
            return Day(
                day: day, figures: SummaryFigures($0.totals, keepingRaw: keepingRaw),
                models: $0.models.map { model in
                    Model(name: model.name, figures: SummaryModel(model, raw: keepingRaw ? rawDayModels[day]?[model.name] : nil))
                },
                unknownModel: $0.unknownModel.map { SummaryModel($0, raw: nil) })
        }
        models = view.models.map { Model(name: $0.name, figures: SummaryModel($0, raw: keepingRaw ? rawModels[$0.name] : nil)) }
        tools = view.tools.map { Tool(name: $0.name, figures: SummaryTool($0, raw: keepingRaw ? rawTools[$0.name] : nil)) }
        events = view.events
        sources = view.sources
        received = view.received
        sessions =
            !keepingSessions
            ? []
            : view.sessions.map {
                Session(
                    id: $0.id, firstSeen: $0.firstSeen, lastSeen: $0.lastSeen, models: $0.models,
                    figures: SummaryFigures($0.totals, keepingRaw: false))
            }
    }

    public init(
        _ snapshot: UserSnapshot, limits: AggregationLimits = AggregationLimits(), keepingRaw: Bool = true,
        keepingSessions: Bool = true
    ) {
        self.init(
            user: snapshot.user, record: snapshot.record, document: snapshot.document, limits: limits,
            keepingRaw: keepingRaw, keepingSessions: keepingSessions)
    }

    /// The days that lie in `range`, oldest first.
    public func days(in range: DayRange) -> ArraySlice<Day> {
        // Days are sorted: find the first in range, then take while in range.
        var low = 0, high = days.count
        while low < high {
            let middle = (low + high) / 2
            if days[middle].day < range.fromKey { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < days.count && days[end].day <= range.toKey { end += 1 }
        return days[low..<end]
    }

    /// The sum of the days in `range`.
    public func totals(in range: DayRange) -> SummaryFigures {
        var sum = SummaryFigures()
        for day in days(in: range) { sum.add(day.figures) }
        return sum
    }
}
