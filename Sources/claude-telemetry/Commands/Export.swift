import ArgumentParser
import Foundation
import TelemetryRead
import TelemetryStore

/// Hands a user's published figures to spreadsheets and scripts without making them parse
/// `aggregate.json` or know which source each figure comes from; or every user's figures as
/// Prometheus text for node_exporter's textfile collector.
struct Export: AdminCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a user's figures per day or per model as CSV, or every user's as Prometheus text.",
        discussion: """
            claude-telemetry export UUID --by day|model [--output FILE]
            claude-telemetry export --format prometheus|openmetrics [--output FILE]
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, prometheus, openmetrics
    }

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case day, model

        var core: CSVExport.Grouping {
            switch self {
            case .day: .day
            case .model: .model
            }
        }
    }

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The user's id (CSV only).", valueName: "uuid"), transform: parseUserID)
    var user: UserID?

    @Option(
        help: ArgumentHelp(
            "One row per day (as the service cut them, in its --timezone), or one per model (CSV only).", valueName: "day|model"))
    var by: Grouping?

    @Option(
        help: ArgumentHelp(
            "csv (one user), or prometheus / openmetrics (every user, as GET …/prometheus serves it).",
            valueName: "csv|prometheus|openmetrics"))
    var format: Format = .csv

    @Option(
        name: .shortAndLong, help: ArgumentHelp("Write to this file (replaced atomically) instead of stdout.", valueName: "file"))
    var output: String?

    func validate() throws {
        switch format {
        case .csv:
            guard user != nil, by != nil else { throw ValidationError("CSV needs a user id and --by day|model") }
        case .prometheus, .openmetrics:
            guard user == nil, by == nil else {
                throw ValidationError("--format \(format.rawValue) exports every user: drop the user id and --by")
            }
        }
    }

    func execute() throws {
        let settings = try store.settings()
        let bytes: [UInt8]
        switch format {
        case .csv:
            bytes = try csv(settings)
        case .prometheus, .openmetrics:
            let stored = try StoredUsers.load(settings.dataDirectory, limits: settings.limits)
            // Budgets as the responder reports them: "today" in CLAUDE_TELEMETRY_TIMEZONE.
            let budgets = BudgetStatus.evaluate(
                try BudgetStore(directory: settings.dataDirectory).list(),
                members: PrometheusExposition.budgetMembers(stored), today: CalendarDay(.now(), in: settings.limits.dayZone))
            bytes = PrometheusExposition.render(
                stored, format: format == .prometheus ? .prometheus : .openMetrics, budgets: budgets,
                service: ServiceFigures.read(settings.dataDirectory))
        }
        guard let output, output != "-" else {
            Console.write(bytes)
            return
        }
        // Written to a temporary file and renamed: node_exporter's textfile collector never
        // reads half a file.
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw AdminError.cannotWriteOutput(path: output, reason: (error as NSError).localizedDescription)
        }
    }

    private func csv(_ settings: RuntimeSettings) throws -> [UInt8] {
        guard let user, let by else { throw AdminError.invalidArgument("CSV needs a user id and --by day|model") }
        guard UserStore(directory: settings.dataDirectory).exists(user) else { throw AdminError.unknownUser(user) }
        let aggregates = AggregateStore(directory: settings.dataDirectory, configuration: settings.store, limits: settings.limits)
        let document = try aggregates.read(user) ?? AggregateDocument(user: user, limits: settings.limits)
        return Array(CSVExport.csv(AggregateView(document), by: by.core).utf8)
    }
}
