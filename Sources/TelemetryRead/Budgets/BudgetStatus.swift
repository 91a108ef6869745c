package import TelemetryStore

/// Where one limit of a budget stands in its current period: what was spent, the share of the
/// limit, and a forecast for the period's end.
///
/// The forecast is the spend so far plus the recent daily rate times the days left after today.
/// The rate is the average cost per day over the last ``rateDays`` days up to and including
/// today (days without data count as 0), so a quiet weekend lowers it and one expensive day
/// weighs a seventh. A day budget's forecast is therefore its spend so far.
package struct BudgetStatus: Equatable, Sendable {
    package static let rateDays: Int64 = 7

    package let scope: BudgetScope
    package let period: Budget.Period
    /// The current period's first and last day (in `--timezone`).
    package let from: CalendarDay
    package let to: CalendarDay
    package let limitUsd: Double
    package let spentUsd: Double
    package let dailyRateUsd: Double
    package let forecastUsd: Double

    /// Spent / limit (1 = the whole budget).
    package var share: Double { spentUsd / limitUsd }

    /// Every limit of `budget` on `window.today`, given the scope's cost per day of the window.
    package static func evaluate(_ budget: Budget, costs: [Double], window: BudgetWindow) -> [BudgetStatus] {
        let today = window.today
        let rate = window.sum(costs, from: today.adding(days: -(rateDays - 1)), to: today) / Double(rateDays)
        return budget.limits.map { limit in
            let period: Period
            switch limit.period {
            case .day: period = .day
            case .week: period = .week
            case .month: period = .month
            }
            let start = period.start(of: today)
            let end = period.end(ofPeriodStartingAt: start)
            let spent = window.sum(costs, from: start, to: end)
            return BudgetStatus(
                scope: budget.scope, period: limit.period, from: start, to: end, limitUsd: limit.usd, spentUsd: spent,
                dailyRateUsd: rate, forecastUsd: spent + rate * Double(end.ordinal - today.ordinal))
        }
    }

    /// One member of the team as budgets see it: id, team attributes and cost per day.
    package struct Member {
        package let userId: String
        package let attributes: [String: String]
        package let days: [(day: String, cost: Double)]

        package init(userId: String, attributes: [String: String], days: [(day: String, cost: Double)]) {
            self.userId = userId
            self.attributes = attributes
            self.days = days
        }

        /// A user of the read side: the cost of each stored day.
        package init(_ digest: UserDigest, attributes: [String: String] = [:]) {
            // Fields read in place through the array, not each day copied whole (a team summary
            // does this for every day of every user).
            var days: [(day: String, cost: Double)] = []
            days.reserveCapacity(digest.days.count)
            for index in digest.days.indices {
                days.append((digest.days[index].day, digest.days[index].figures.amount(.totalTokenCostUsd)))
            }
            self.init(userId: digest.userId, attributes: attributes, days: days)
        }
    }

    /// A text that changes whenever a budget's scope or limits change (for ETags).
    package static func fingerprint(_ budgets: [Budget]) -> String {
        budgets.map { budget in
            budget.scope.description + ":" + budget.limits.map { "\($0.period.rawValue)=\($0.usd)" }.joined(separator: ",")
        }.joined(separator: ";")
    }

    /// Every limit of every budget in `budgets`, each over the members of its scope, in the
    /// budgets' order. A user budget for a user not among `members` counts 0 spent.
    package static func evaluate(_ budgets: [Budget], members: [Member], today: CalendarDay) -> [BudgetStatus] {
        guard !budgets.isEmpty else { return [] }
        let window = BudgetWindow(today: today)
        var perUser: [String: [Double]] = [:]
        var team = [Double](repeating: 0, count: window.count)
        for member in members {
            var costs = [Double](repeating: 0, count: window.count)
            window.add(member.days, to: &costs)
            perUser[member.userId] = costs
            for index in costs.indices { team[index] += costs[index] }
        }
        var statuses: [BudgetStatus] = []
        for budget in budgets {
            let costs: [Double]
            switch budget.scope {
            case .team: costs = team
            case .user(let user): costs = perUser[user.rawValue] ?? [Double](repeating: 0, count: window.count)
            case .group(let key, let value):
                var sum = [Double](repeating: 0, count: window.count)
                for member in members where member.attributes[key] == value {
                    for (index, cost) in perUser[member.userId]!.enumerated() { sum[index] += cost }
                }
                costs = sum
            }
            statuses += evaluate(budget, costs: costs, window: window)
        }
        return statuses
    }

    /// `value` rounded to six decimal places (a micro-dollar; a share to a ten-thousandth of a
    /// percent), so a reader sees the same number the CSV and the scrape show.
    package static func rounded(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }

    /// As a JSON object, keys sorted: the scope's fields, then the period and its figures, each
    /// rounded to six decimal places.
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("dailyRateUsd"); w.number(Self.rounded(dailyRateUsd))
        w.key("forecastUsd"); w.number(Self.rounded(forecastUsd))
        w.key("from"); w.string(from.description)
        if case .group(let key, let value) = scope {
            w.key("groupKey"); w.string(key)
            w.key("groupValue"); w.string(value)
        }
        w.key("limitUsd"); w.number(Self.rounded(limitUsd))
        w.key("period"); w.string(period.rawValue)
        w.key("scope"); w.string(scope.kind)
        w.key("share"); w.number(Self.rounded(share))
        w.key("spentUsd"); w.number(Self.rounded(spentUsd))
        w.key("to"); w.string(to.description)
        if case .user(let user) = scope { w.key("userId"); w.string(user.rawValue) }
        w.endObject()
    }

    static func write(_ statuses: [BudgetStatus], to w: inout JSONWriter) {
        w.beginArray()
        for status in statuses { status.write(to: &w) }
        w.endArray()
    }
}
