package import TelemetryStore

/// The body of `GET …/team/summary`: every user's totals, and the team's totals, days, models
/// and tools, each the sum of the users' published figures (so every team number equals the
/// sum of the user rows beside it). Compact JSON, keys sorted, users sorted by id.
package struct TeamSummaryReport: Sendable {
    /// One user's row: the digest plus the range totals, computed once.
    package struct Member: Sendable {
        package let digest: UserDigest
        package let rangeTotals: PublishedTotals
        /// The user's last value of each configured team attribute.
        package let attributes: [String: String]
        /// The user's figures per bucket of ``TeamSummaryReport/buckets`` (empty without `?period=`).
        package let periodTotals: [PublishedTotals]
    }

    /// One team day: the users' figures added up, and how many users had data that day.
    package struct TeamDay: Sendable, Equatable {
        package var figures = PublishedTotals()
        package var activeUsers = 0
        /// The users' figures per model that day, in the order the models first came (see
        /// ``modelsByName``). A day has a few models, so each user's are found by a scan: hashing
        /// every name of every user-day was the largest part of building a team report over
        /// users with months of history.
        package private(set) var models: [ModelSum] = []
        /// What the models do not cover: days stored before models were kept per day, and
        /// amounts reported without a model (see ``DayView/unknownModel``).
        package var unknownModel: PublishedModel?

        /// One model's figures over the users who used it that day.
        package struct ModelSum: Sendable, Equatable {
            package let name: String
            package var figures: PublishedModel
        }

        /// ``models`` sorted by name (the order the answer lists them in).
        package var modelsByName: [ModelSum] { models.sorted { $0.name < $1.name } }

        /// Equal when the figures are, whichever user brought a model first.
        package static func == (lhs: TeamDay, rhs: TeamDay) -> Bool {
            lhs.figures == rhs.figures && lhs.activeUsers == rhs.activeUsers && lhs.unknownModel == rhs.unknownModel
                && lhs.modelsByName == rhs.modelsByName
        }

        mutating func add(_ day: UserDigest.Day) {
            figures.add(day.figures)
            activeUsers += 1
            for model in day.models {
                if let index = models.firstIndex(where: { $0.name == model.name }) {
                    models[index].figures.add(model.figures)
                } else {
                    var sum = PublishedModel()
                    sum.add(model.figures)
                    models.append(ModelSum(name: model.name, figures: sum))
                }
            }
            if let unknown = day.unknownModel {
                var sum = unknownModel ?? PublishedModel()
                sum.add(unknown)
                unknownModel = sum
            }
        }
    }

    package let generatedAt: Timestamp
    package let range: DayRange
    /// Sorted by user id.
    package let members: [Member]
    package let totals: PublishedTotals
    package let rangeTotals: PublishedTotals
    package let days: [String: TeamDay]
    package let models: [String: PublishedModel]
    package let tools: [String: PublishedTool]
    /// Present only when the request asked for `?group=`.
    package let groups: [TeamGroup]?
    /// `?period=`, and the range cut into its buckets (empty without it).
    package let period: Period?
    package let buckets: [Period.Bucket]
    /// The team's figures per bucket, and how many users had data in each.
    package let periodTotals: [PublishedTotals]
    package let periodActiveUsers: [Int]
    /// The team's figures over the range of the same length just before `range`.
    package let previousRangeTotals: PublishedTotals
    /// How many users have data in `range`, and in the range just before it (for the trend).
    package let rangeActiveUsers: Int
    package let previousRangeActiveUsers: Int
    /// Every budget where it stands today (set after the report is built, by the caller that
    /// read the budgets).
    package var budgets: [BudgetStatus] = []
    /// The configured `--team-attributes` keys, which `?group=` accepts (the page offers them).
    package var groupKeys: [String] = []
    /// The `--timezone` the days were cut in (for a reader's label).
    package var timeZone = "UTC"
    /// The parked area (requests waiting to be claimed), for the page's banner; nil when unknown.
    package var parked: AttributionSummary?
    /// Users left out because their files could not be read (see ``TeamDigestCache/Listing``).
    package var unreadableUsers: [String] = []

    /// `digests` in any order; `attributes` of each user, by id; `groupKey` when the request
    /// groups users.
    package init(
        digests: [UserDigest], attributes: [String: [String: String]] = [:], range: DayRange,
        groupKey: String? = nil, period: Period? = nil, generatedAt: Timestamp
    ) {
        self.generatedAt = generatedAt
        self.range = range
        self.period = period
        let buckets = period?.buckets(in: range) ?? []
        self.buckets = buckets
        var periodTotals = [PublishedTotals](repeating: PublishedTotals(), count: buckets.count)
        var periodActiveUsers = [Int](repeating: 0, count: buckets.count)
        var previousRangeTotals = PublishedTotals()
        var rangeActiveUsers = 0, previousRangeActiveUsers = 0
        let previous = range.previous
        var members: [Member] = []
        members.reserveCapacity(digests.count)
        var totals = PublishedTotals(), rangeTotals = PublishedTotals()
        // The range's days in order, each user's days merged into them: no dictionary look-up
        // per user and day, and no copy of a day (each a few hundred bytes).
        let rangeKeys = range.dayKeys
        var rangeDays = [TeamDay](repeating: TeamDay(), count: rangeKeys.count)
        var otherDays: [String: TeamDay] = [:]
        var models: [String: PublishedModel] = [:]
        var tools: [String: PublishedTool] = [:]
        for digest in digests.sorted(by: { $0.userId < $1.userId }) {
            var userRange = PublishedTotals()
            let inRange = digest.days(in: range)
            if !inRange.isEmpty { rangeActiveUsers += 1 }
            if !digest.days(in: previous).isEmpty { previousRangeActiveUsers += 1 }
            // Borrowed in place: an array's element handed to a function is copied first.
            digest.days.withUnsafeBufferPointer { days in
                var slot = 0
                for index in inRange.indices {
                    let key = days[index].day
                    userRange.add(days[index].figures)
                    while slot < rangeKeys.count && rangeKeys[slot] < key { slot += 1 }
                    if slot < rangeKeys.count && rangeKeys[slot] == key {
                        rangeDays[slot].add(days[index])
                    } else {
                        // A key in the range that is no calendar day (not written by this service).
                        otherDays[key, default: TeamDay()].add(days[index])
                    }
                }
            }
            for model in digest.models { models[model.name, default: PublishedModel()].add(model.figures) }
            for tool in digest.tools { tools[tool.name, default: PublishedTool()].add(tool.figures) }
            totals.add(digest.totals)
            rangeTotals.add(userRange)
            previousRangeTotals.add(digest.totals(in: previous))
            var userPeriods: [PublishedTotals] = []
            userPeriods.reserveCapacity(buckets.count)
            for (index, bucket) in buckets.enumerated() {
                let days = digest.days(in: DayRange(bucket))
                var sum = PublishedTotals()
                for day in days.indices { sum.add(digest.days[day].figures) }
                userPeriods.append(sum)
                periodTotals[index].add(sum)
                if !days.isEmpty { periodActiveUsers[index] += 1 }
            }
            members.append(
                Member(
                    digest: digest, rangeTotals: userRange, attributes: attributes[digest.userId] ?? [:],
                    periodTotals: userPeriods))
        }
        self.periodTotals = periodTotals
        self.periodActiveUsers = periodActiveUsers
        self.previousRangeTotals = previousRangeTotals
        self.rangeActiveUsers = rangeActiveUsers
        self.previousRangeActiveUsers = previousRangeActiveUsers
        self.members = members
        self.totals = totals
        self.rangeTotals = rangeTotals
        var days = otherDays
        for (key, day) in zip(rangeKeys, rangeDays) where day.activeUsers > 0 { days[key] = day }
        self.days = days
        self.models = models
        self.tools = tools
        groups = groupKey.map { TeamGroup.groups(of: members, by: $0) }
    }

    package var json: [UInt8] {
        var w = JSONWriter(capacity: 4096 + members.count * 1400 + days.count * 600)
        let dayKeys = days.keys.sorted()
        w.beginObject()
        w.key("activeUsers")
        w.beginObject()
        w.key("previousRange"); w.integer(Int64(previousRangeActiveUsers))
        w.key("range"); w.integer(Int64(rangeActiveUsers))
        w.endObject()
        w.key("budgets"); BudgetStatus.write(budgets, to: &w)
        w.key("cacheEfficiency")
        CacheEfficiency.write(
            totals: totals, range: rangeTotals, days: dayKeys.map { ($0, days[$0]!.figures) },
            models: models.keys.sorted().map { ($0, models[$0]!) }, to: &w)
        w.key("days")
        w.beginObject()
        for day in dayKeys {
            let teamDay = days[day]!
            w.key(day)
            teamDay.figures.write(to: &w, raw: false, activeUsers: teamDay.activeUsers)
        }
        w.endObject()
        w.key("generatedAt"); w.string(generatedAt.iso8601)
        w.key("groupKeys")
        w.beginArray()
        for key in groupKeys { w.string(key) }
        w.endArray()
        if let groups {
            w.key("groups")
            w.beginArray()
            for group in groups { group.write(to: &w) }
            w.endArray()
        }
        w.key("models")
        w.beginObject()
        for name in models.keys.sorted() {
            w.key(name)
            models[name]!.write(to: &w, raw: false)
        }
        w.endObject()
        w.key("modelsByDay"); writeModelsByDay(dayKeys, to: &w)
        w.key("outcomes"); Outcomes(rangeTotals).write(to: &w)
        if let parked {
            w.key("parked")
            w.beginObject()
            w.key("command"); w.string(AttributionSummary.unclaimedCommand)
            w.key("installations"); w.integer(Int64(parked.parkedInstallations))
            w.key("requests"); w.integer(Int64(parked.parkedRequests))
            w.key("unknownUserIds"); w.integer(Int64(parked.unknownUserIds))
            w.key("unknownUserRequests"); w.integer(Int64(parked.unknownUserRequests))
            w.endObject()
        }
        if let period {
            w.key("period"); w.string(period.rawValue)
            w.key("periods")
            PeriodTotals.write(
                Array(zip(buckets, periodTotals)), raw: false, activeUsers: periodActiveUsers, to: &w)
        }
        w.key("previousRange"); range.previous.write(to: &w)
        w.key("previousRangeTotals"); previousRangeTotals.write(to: &w, raw: false)
        w.key("range"); range.write(to: &w)
        w.key("rangeTotals"); rangeTotals.write(to: &w, raw: false)
        w.key("timeZone"); w.string(timeZone)
        w.key("tools")
        w.beginObject()
        for name in tools.keys.sorted() {
            w.key(name)
            tools[name]!.write(to: &w, raw: false)
        }
        w.endObject()
        w.key("totals"); totals.write(to: &w, raw: false)
        w.key("unreadableUsers")
        w.beginArray()
        for user in unreadableUsers { w.string(user) }
        w.endArray()
        w.key("users")
        w.beginArray()
        for member in members {
            let d = member.digest
            w.beginObject()
            w.key("attributes")
            w.beginObject()
            for key in member.attributes.keys.sorted() {
                w.key(key)
                w.string(member.attributes[key]!)
            }
            w.endObject()
            w.key("costByDay")
            w.beginObject()
            for index in d.days(in: range).indices {
                w.key(d.days[index].day)
                w.number(d.days[index].figures.amount(.totalTokenCostUsd))
            }
            w.endObject()
            w.key("createdAt"); w.string(d.createdAt)
            w.key("name"); w.string(d.name)
            w.key("outcomes"); Outcomes(member.rangeTotals).write(to: &w)
            w.key("rangeTotals"); member.rangeTotals.write(to: &w, raw: false)
            w.key("totals"); d.totals.write(to: &w, raw: false)
            w.key("updatedAt")
            if let updatedAt = d.updatedAt { w.string(updatedAt) } else { w.null() }
            w.key("userId"); w.string(d.userId)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.newline()
        return w.bytes
    }

    /// `modelsByDay`: per day of the range with data, the team's figures per model (`models`),
    /// and under `unknownModel` what no model accounts for (days stored before models were kept
    /// per day), present only when not zero. A day's models and unknown part add up to the day.
    private func writeModelsByDay(_ dayKeys: [String], to w: inout JSONWriter) {
        w.beginObject()
        for day in dayKeys {
            let teamDay = days[day]!
            w.key(day)
            w.beginObject()
            w.key("models")
            w.beginObject()
            for model in teamDay.modelsByName {
                w.key(model.name)
                model.figures.write(to: &w, raw: false)
            }
            w.endObject()
            if let unknown = teamDay.unknownModel {
                w.key("unknownModel")
                unknown.write(to: &w, raw: false)
            }
            w.endObject()
        }
        w.endObject()
    }
}
