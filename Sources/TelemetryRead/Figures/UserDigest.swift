package import TelemetryStore

/// Everything the read endpoints show of one user, taken from the record and the aggregate
/// through the same published-figure code that writes `aggregate.json`, so no endpoint can show
/// a number the file does not. The receiver's bookkeeping (`state`) is not part of it.
package struct UserDigest: Sendable {
    package struct Day: Sendable, Equatable {
        package let day: String
        package let figures: PublishedTotals
        /// The day's figures per model, sorted by name (without raw).
        package var models: [Model] = []
        /// What ``models`` do not cover (see ``DayView/unknownModel``); nil when they cover the day.
        package var unknownModel: PublishedModel?
    }

    /// A model's figures under its name.
    package typealias Model = ModelView

    /// A tool's figures under its name.
    package typealias Tool = ToolView

    package let userId: String
    package let name: String
    package let createdAt: String
    /// When data last changed the aggregate; nil when nothing was received yet.
    package let updatedAt: String?
    package let totals: PublishedTotals
    /// Oldest first; from ``daysFrom`` on.
    package let days: [Day]
    /// The first day key ``days`` may hold (nil: every day is there): the team's digests hold
    /// the days its requests need, not a year of them.
    package let daysFrom: String?
    /// Sorted by name.
    package let models: [Model]
    /// Sorted by name.
    package let tools: [Tool]
    /// Sorted by name.
    package let events: [EventCount]
    package let sources: [String: String]
    package let received: ReceiveCounters
    /// The kept sessions, the most recently active first (figures without raw).
    package let sessions: [Session]

    package struct Session: Sendable, Equatable {
        package let id: String
        package let firstSeen: UInt64
        package let lastSeen: UInt64
        package let models: [String]
        package let figures: PublishedTotals
    }

    /// `keepingRaw`: keep the per-source raw figures (only a user summary with `?raw=1` shows them;
    /// never with `publishedDays`, whose days' raw figures may not have been read: every caller
    /// says which).
    /// `keepingSessions`: keep the sessions (only a user's own summary shows them; the team
    /// cache leaves them out, up to 100 per user).
    /// `publishedDays`: days whose published figures are known for exactly this document.
    /// `daysFrom` (a day key): only the days from it on are kept.
    package init(
        user: UserID, record: UserRecord, document: AggregateDocument?,
        limits: AggregationLimits = AggregationLimits(), keepingRaw: Bool, keepingSessions: Bool = true,
        publishedDays: PublishedDays = PublishedDays(), daysFrom: String? = nil
    ) {
        let view = AggregateView(
            document ?? AggregateDocument(user: user, limits: limits), daysFrom: daysFrom,
            includingSessions: keepingSessions, raw: keepingRaw ? .all : .none, published: publishedDays)
        self.daysFrom = daysFrom
        userId = user.rawValue
        name = record.name
        createdAt = record.createdAt
        updatedAt = document?.updatedAt
        totals = view.totals
        // The view's days and models are taken as they are (their raw figures kept or not as
        // asked): no second array per day.
        days = view.days.map {
            Day(day: $0.day, figures: $0.totals, models: $0.models, unknownModel: $0.unknownModel?.figures)
        }
        models = view.models
        tools = view.tools
        events = view.events
        sources = view.sources
        received = view.received
        sessions =
            !keepingSessions
            ? []
            : view.sessions.map {
                Session(
                    id: $0.id, firstSeen: $0.firstSeen, lastSeen: $0.lastSeen, models: $0.models,
                    figures: $0.totals.withoutRaw)
            }
    }

    /// The days the snapshot was read for (``UserSnapshot/daysFrom``) are the days it keeps.
    package init(
        _ snapshot: UserSnapshot, limits: AggregationLimits = AggregationLimits(), keepingRaw: Bool,
        keepingSessions: Bool = true
    ) {
        self.init(
            user: snapshot.user, record: snapshot.record, document: snapshot.document, limits: limits,
            keepingRaw: keepingRaw, keepingSessions: keepingSessions, publishedDays: snapshot.publishedDays,
            daysFrom: snapshot.daysFrom)
    }

    /// True when ``days`` holds every day from `day` (a key; nil: the first) on.
    package func holdsDays(from day: String?) -> Bool {
        guard let daysFrom else { return true }
        return day.map { daysFrom <= $0 } ?? false
    }

    /// The days that lie in `range`, oldest first (of those the digest holds: see ``daysFrom``).
    package func days(in range: DayRange) -> ArraySlice<Day> {
        // Days are sorted: find the first in range, then take while in range.
        let first = days.partitioningIndex { $0.day >= range.fromKey }
        var end = first
        while end < days.count && days[end].day <= range.toKey { end += 1 }
        return days[first..<end]
    }

    /// The sum of the days in `range`.
    package func totals(in range: DayRange) -> PublishedTotals {
        var sum = PublishedTotals()
        // By index: a day is a few hundred bytes, and iterating would copy each one.
        for index in days(in: range).indices { sum.add(days[index].figures) }
        return sum
    }
}
