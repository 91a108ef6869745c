import ArgumentParser
import TelemetryStore

/// Spending limits per user, per group of users (a team attribute's value) or for the whole
/// team. The summaries, the page and Prometheus show where each stands; alerts are Prometheus
/// rules (deploy/prometheus/claude-telemetry-rules.yml), delivered by Alertmanager.
struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Set, list and remove cost budgets (USD per month, and optionally per week and day).",
        subcommands: [BudgetSet.self, BudgetList.self, BudgetRemove.self])
}

/// `--user UUID | --group KEY=VALUE | --team`: exactly one.
struct BudgetScopeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A user's budget.", valueName: "uuid"), transform: parseUserID)
    var user: UserID?
    @Option(
        help: ArgumentHelp(
            "The budget of the users whose team attribute KEY (see --team-attributes) has VALUE.",
            valueName: "key=value"))
    var group: String?
    @Flag(help: "The budget of everyone in the data directory.")
    var team = false

    func scope() throws -> BudgetScope {
        let given = [user != nil, group != nil, team].filter { $0 }.count
        guard given == 1 else {
            throw AdminError.invalidArgument("name exactly one of --user UUID, --group KEY=VALUE or --team")
        }
        if let user { return .user(user) }
        if let group { return try BudgetScope.group(group) }
        return .team
    }
}
