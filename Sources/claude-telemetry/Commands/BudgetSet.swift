import ArgumentParser
import TelemetryStore

/// Sets a scope's budget, replacing the one it had. Amounts are USD of Claude Code's list-price
/// cost estimate; periods are cut in the responder's `--timezone`, weeks from Monday.
struct BudgetSet: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set the budget of a user, a group or the team (replaces its previous budget).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var locking: LockingOptions
    @OptionGroup var scopeOptions: BudgetScopeOptions

    @Option(name: .customLong("monthly-usd"), help: ArgumentHelp("Limit per calendar month, in USD.", valueName: "n"))
    var monthly: String
    @Option(name: .customLong("weekly-usd"), help: ArgumentHelp("Limit per week (Monday to Sunday), in USD.", valueName: "n"))
    var weekly: String?
    @Option(name: .customLong("daily-usd"), help: ArgumentHelp("Limit per day, in USD.", valueName: "n"))
    var daily: String?

    func execute() throws {
        let scope = try scopeOptions.scope()
        let budget = Budget(
            scope: scope, monthlyUsd: try Budget.amount(monthly, flag: "--monthly-usd"),
            weeklyUsd: try weekly.map { try Budget.amount($0, flag: "--weekly-usd") },
            dailyUsd: try daily.map { try Budget.amount($0, flag: "--daily-usd") },
            updatedAt: Timestamp.now().iso8601)
        let settings = try store.settings(locking: locking)
        if case .user(let user) = scope {
            guard try UserStore(directory: settings.dataDirectory).record(user) != nil else {
                throw AdminError.unknownUser(user)
            }
        }
        let replaced = try BudgetStore(directory: settings.dataDirectory, configuration: settings.store).set(budget)
        let limits = budget.limits.map { "\($0.period.rawValue) \(Format.fixed($0.usd, places: 2)) USD" }
        print(
            "\(replaced ? "Replaced" : "Set") the budget of \(Format.safe(scope.description)): \(limits.joined(separator: ", "))")
    }
}
