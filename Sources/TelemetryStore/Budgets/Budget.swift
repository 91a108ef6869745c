/// A spending limit in USD (Claude Code's list-price cost estimate) for one scope: per calendar
/// month always, and optionally per week (Monday to Sunday) and per day, each period cut in the
/// deployment's `--timezone`.
package struct Budget: Equatable, Sendable {
    package enum Period: String, CaseIterable, Sendable {
        case day, week, month
    }

    package let scope: BudgetScope
    package let monthlyUsd: Double
    package let weeklyUsd: Double?
    package let dailyUsd: Double?
    /// ISO 8601 UTC time the budget was last set.
    package let updatedAt: String

    package init(scope: BudgetScope, monthlyUsd: Double, weeklyUsd: Double? = nil, dailyUsd: Double? = nil, updatedAt: String) {
        self.scope = scope
        self.monthlyUsd = monthlyUsd
        self.weeklyUsd = weeklyUsd
        self.dailyUsd = dailyUsd
        self.updatedAt = updatedAt
    }

    /// The limits set, longest period first.
    package var limits: [(period: Period, usd: Double)] {
        [(.month, monthlyUsd)] + (weeklyUsd.map { [(.week, $0)] } ?? []) + (dailyUsd.map { [(.day, $0)] } ?? [])
    }

    /// Parses an amount flag: a plain decimal number of USD, more than 0, at most 10⁹.
    package static func amount(_ text: String, flag: String) throws(BudgetError) -> Double {
        guard text.utf8.count <= 20, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }),
            text.utf8.filter({ $0 == UInt8(ascii: ".") }).count <= 1, text.first != ".", text.last != ".",
            let value = Double(text), value > 0, value <= 1_000_000_000
        else { throw .invalidAmount(flag: flag, value: text) }
        return value
    }
}
