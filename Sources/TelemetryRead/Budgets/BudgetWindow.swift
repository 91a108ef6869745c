import TelemetryStore

/// The days a budget evaluation on `today` needs: the current day, week and month, and the
/// rate window (the ``BudgetStatus/rateDays`` days up to today). Costs are kept per day of the
/// window in an array, so summing a scope's members costs one addition per member and day.
package struct BudgetWindow: Sendable {
    package let today: CalendarDay
    package let first: CalendarDay
    package let last: CalendarDay
    private let firstKey: String
    private let lastKey: String

    package init(today: CalendarDay) {
        self.today = today
        let monthStart = Period.month.start(of: today), weekStart = Period.week.start(of: today)
        first = min(monthStart, weekStart, today.adding(days: -(BudgetStatus.rateDays - 1)))
        last = max(
            Period.month.end(ofPeriodStartingAt: monthStart), Period.week.end(ofPeriodStartingAt: weekStart))
        firstKey = first.description
        lastKey = last.description
    }

    package var count: Int { Int(last.ordinal - first.ordinal + 1) }

    /// Adds the cost of each day of `days` that lies in the window to `costs` (``count`` long).
    package func add(_ days: some Sequence<(day: String, cost: Double)>, to costs: inout [Double]) {
        for (key, cost) in days where key >= firstKey && key <= lastKey {
            guard let day = CalendarDay(key) else { continue }
            costs[Int(day.ordinal - first.ordinal)] += cost
        }
    }

    /// The sum of `costs` over the inclusive days `from`...`to`.
    func sum(_ costs: [Double], from: CalendarDay, to: CalendarDay) -> Double {
        var total = 0.0
        var day = max(from, first)
        while day <= min(to, last) {
            total += costs[Int(day.ordinal - first.ordinal)]
            day = day.adding(days: 1)
        }
        return total
    }
}
