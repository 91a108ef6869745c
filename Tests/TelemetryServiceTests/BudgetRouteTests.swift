import Foundation
import TelemetryRead
import TelemetryStore
import TelemetryTesting
import Testing

@testable import TelemetryService

/// 2026-11-24 (a Tuesday) is "today": the month is 2026-11-01…30, the week 2026-11-23…29, and
/// the rate is the average of 2026-11-18…24.
@Suite("Budgets: spent, share and forecast in the summaries and the scrape")
struct BudgetRouteTests {
    let base = ServiceSandbox.base

    struct Fixture {
        let sandbox: ServiceSandbox
        let a: UserID
        let b: UserID
        let auth: [String: String]
    }

    /// A: 10 USD on 11-02, 7 on 11-20, 14 on 11-24 (department ops). B: 5 on 11-23 (web).
    /// Budgets: A 40/month, 20/week, 10/day; department=ops 30/month; the team 100/month.
    static func fixture() throws -> Fixture {
        let sandbox = try ServiceSandbox(teamAttributes: ["department"])
        let token = try sandbox.addToken("t")
        let a = try sandbox.addUser("A"), b = try sandbox.addUser("B")
        try sandbox.send(a, input: 1, day: "2026-11-02", cost: 10, resource: [("department", "ops")])
        try sandbox.send(a, input: 1, day: "2026-11-20", cost: 7, resource: [("department", "ops")])
        try sandbox.send(a, input: 1, day: "2026-11-24", cost: 14, resource: [("department", "ops")])
        try sandbox.send(b, input: 1, day: "2026-11-23", cost: 5, resource: [("department", "web")])
        let store = BudgetStore(directory: sandbox.directory, configuration: sandbox.store)
        try store.set(Budget(scope: .user(a), monthlyUsd: 40, weeklyUsd: 20, dailyUsd: 10, updatedAt: "t"))
        try store.set(Budget(scope: .group(key: "department", value: "ops"), monthlyUsd: 30, updatedAt: "t"))
        try store.set(Budget(scope: .team, monthlyUsd: 100, updatedAt: "t"))
        return Fixture(sandbox: sandbox, a: a, b: b, auth: ["Authorization": "Bearer \(token)"])
    }

    static func entries(_ body: [String: Any]) throws -> [[String: Any]] {
        try #require(body["budgets"] as? [[String: Any]])
    }

    @Test("a user's summary carries only that user's budgets: month, week and day with exact spent, share and forecast")
    func userSummary() throws {
        let f = try Self.fixture()
        let mine = try Self.entries(try json(f.sandbox.get("\(base)/users/\(f.a)/summary")))
        #expect(mine.count == 3)
        let month = mine[0], week = mine[1], day = mine[2]
        #expect(month["scope"] as? String == "user")
        #expect(month["userId"] as? String == f.a.rawValue)
        #expect(month["period"] as? String == "month")
        #expect(month["from"] as? String == "2026-11-01")
        #expect(month["to"] as? String == "2026-11-30")
        #expect(month["limitUsd"] as? Double == 40)
        #expect(month["spentUsd"] as? Double == 31)
        #expect(month["share"] as? Double == 0.775)
        // Rate (7 + 14) / 7 = 3 USD a day; 6 days left after the 24th.
        #expect(month["dailyRateUsd"] as? Double == 3)
        #expect(month["forecastUsd"] as? Double == 49)
        #expect(week["period"] as? String == "week")
        #expect(week["from"] as? String == "2026-11-23")
        #expect(week["to"] as? String == "2026-11-29")
        #expect(week["spentUsd"] as? Double == 14)
        #expect(week["share"] as? Double == 0.7)
        #expect(week["forecastUsd"] as? Double == 29)
        #expect(day["period"] as? String == "day")
        #expect(day["spentUsd"] as? Double == 14)
        #expect(day["share"] as? Double == 1.4)
        #expect(day["forecastUsd"] as? Double == 14)
        // B has no budget of its own and sees neither A's, the group's nor the team's.
        #expect(try Self.entries(try json(f.sandbox.get("\(base)/users/\(f.b)/summary"))).isEmpty)
    }

    @Test("the team summary carries every budget: team, then groups, then users")
    func teamSummary() throws {
        let f = try Self.fixture()
        let all = try Self.entries(try json(f.sandbox.get("\(base)/team/summary", headers: f.auth)))
        #expect(all.map { $0["scope"] as? String } == ["team", "group", "user", "user", "user"])
        #expect(all[0]["spentUsd"] as? Double == 36)
        #expect(all[0]["limitUsd"] as? Double == 100)
        // Team rate (7 + 5 + 14) / 7; 6 days left.
        // 36 + 26 / 7 × 6 = 58.2857142…, to the micro-dollar.
        #expect(all[0]["forecastUsd"] as? Double == 58.285714)
        #expect(all[0]["dailyRateUsd"] as? Double == 3.714286)
        #expect(all[1]["groupKey"] as? String == "department")
        #expect(all[1]["groupValue"] as? String == "ops")
        #expect(all[1]["spentUsd"] as? Double == 31)
        #expect(all[1]["forecastUsd"] as? Double == 49)
    }

    @Test("setting or removing a budget changes the ETag; the summary follows at once")
    func etagFollowsBudgets() throws {
        let f = try Self.fixture()
        let first = f.sandbox.get("\(base)/users/\(f.a)/summary")
        let tag = try #require(first.header("ETag"))
        try BudgetStore(directory: f.sandbox.directory, configuration: f.sandbox.store).remove(.user(f.a))
        let second = f.sandbox.get("\(base)/users/\(f.a)/summary", headers: ["If-None-Match": tag])
        #expect(second.status == .ok)
        #expect(try Self.entries(try json(second)).isEmpty)
    }

    @Test("Prometheus: budget, spent and forecast per scope and period")
    func scrape() throws {
        let f = try Self.fixture()
        let text = String(decoding: f.sandbox.get("\(base)/prometheus", headers: f.auth).body, as: UTF8.self)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains("claude_telemetry_budget_usd{scope=\"team\",period=\"month\"} 100"))
        #expect(lines.contains("claude_telemetry_budget_spent_usd{scope=\"team\",period=\"month\"} 36"))
        #expect(
            lines.contains(
                "claude_telemetry_budget_spent_usd{scope=\"group\",period=\"month\",group_key=\"department\",group_value=\"ops\"} 31"
            ))
        #expect(lines.contains("claude_telemetry_budget_usd{scope=\"user\",period=\"week\",user_id=\"\(f.a)\"} 20"))
        #expect(lines.contains("claude_telemetry_budget_forecast_usd{scope=\"user\",period=\"month\",user_id=\"\(f.a)\"} 49"))
        #expect(lines.contains("# TYPE claude_telemetry_budget_spent_usd gauge"))
    }

    @Test("a corrupt budgets.json: 503 with Retry-After, not a summary without budgets")
    func corruptBudgets() throws {
        let f = try Self.fixture()
        try Data("{".utf8).write(to: URL(fileURLWithPath: f.sandbox.root + "/budgets.json"))
        let response = f.sandbox.get("\(base)/users/\(f.a)/summary")
        #expect(response.status == .serviceUnavailable)
        #expect(response.header("Retry-After") == "5")
    }

    @Test("the rate counts days without data as 0; a period's spend is the sum of its days")
    func evaluation() throws {
        let today = try #require(CalendarDay("2026-11-24"))
        let member = BudgetStatus.Member(
            userId: "u", attributes: [:], days: [("2026-10-31", 100), ("2026-11-01", 2), ("2026-11-24", 7)])
        let statuses = BudgetStatus.evaluate(
            [Budget(scope: .team, monthlyUsd: 10, weeklyUsd: 5, updatedAt: "t")], members: [member], today: today)
        #expect(statuses.map(\.spentUsd) == [9, 7])
        #expect(statuses.map(\.dailyRateUsd) == [1, 1])
        #expect(statuses.map(\.forecastUsd) == [15, 12])
    }
}
