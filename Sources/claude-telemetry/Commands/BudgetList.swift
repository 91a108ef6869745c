import ArgumentParser
import TelemetryStore

/// The budgets as set; where each stands is in the summaries, on the page and in Prometheus.
struct BudgetList: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List budgets: scope and limits.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print a JSON array of {scope, user, groupKey, groupValue, monthlyUsd, weeklyUsd, dailyUsd, updatedAt}.")
    var json = false

    func execute() throws {
        let settings = try store.settings()
        let budgets = try BudgetStore(directory: settings.dataDirectory).list()
        if json {
            try Console.printJSON(budgets.map(Entry.init))
            return
        }
        if budgets.isEmpty {
            print("No budgets. Set one with `claude-telemetry budget set --monthly-usd N --team`.")
            return
        }
        var table = TextTable([
            .left("SCOPE"), .left("WHO"), .right("MONTHLY USD"), .right("WEEKLY USD"), .right("DAILY USD"), .left("SET"),
        ])
        for budget in budgets {
            let who: String
            switch budget.scope {
            case .team: who = "everyone"
            case .user(let user): who = user.rawValue
            case .group(let key, let value): who = key + "=" + value
            }
            table.append([
                budget.scope.kind, Format.safe(who), Format.fixed(budget.monthlyUsd, places: 2),
                budget.weeklyUsd.map { Format.fixed($0, places: 2) } ?? "-",
                budget.dailyUsd.map { Format.fixed($0, places: 2) } ?? "-", budget.updatedAt,
            ])
        }
        print(table.render())
    }

    struct Entry: Encodable {
        let scope: String
        let user: String?
        let groupKey: String?
        let groupValue: String?
        let monthlyUsd: Double
        let weeklyUsd: Double?
        let dailyUsd: Double?
        let updatedAt: String

        init(_ budget: Budget) {
            scope = budget.scope.kind
            switch budget.scope {
            case .user(let id): (user, groupKey, groupValue) = (id.rawValue, nil, nil)
            case .group(let key, let value): (user, groupKey, groupValue) = (nil, key, value)
            case .team: (user, groupKey, groupValue) = (nil, nil, nil)
            }
            monthlyUsd = budget.monthlyUsd
            weeklyUsd = budget.weeklyUsd
            dailyUsd = budget.dailyUsd
            updatedAt = budget.updatedAt
        }
    }
}
