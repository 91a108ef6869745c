import ArgumentParser
import TelemetryRead
import TelemetryStore

/// What a dashboard would show for one user, readable in a terminal: the quickest way to
/// confirm that a developer's setup works and which source each figure is taken from.
struct Show: AdminCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a user's published figures (or, with --json, aggregate.json as stored).")

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The user's id.", valueName: "uuid"), transform: parseUserID)
    var user: UserID

    @Flag(help: "Print aggregate.json exactly as stored (an empty document when no data has arrived yet).")
    var json = false

    @Option(help: "How many of the most recent day buckets to show.")
    var days = 7

    func validate() throws {
        if days < 0 { throw ValidationError("--days must be 0 or more") }
    }

    func execute() throws {
        let settings = try store.settings()
        let users = UserStore(directory: settings.dataDirectory, configuration: settings.store)
        guard let record = try users.record(user) else { throw AdminError.unknownUser(user) }
        let aggregates = AggregateStore(directory: settings.dataDirectory, configuration: settings.store, limits: settings.limits)
        let stored = try aggregates.readStored(user)

        if json {
            Console.write(stored?.bytes ?? AggregateCoding.encode(AggregateDocument(user: user, limits: settings.limits)))
            return
        }
        let view = AggregateView(stored?.document ?? AggregateDocument(user: user, limits: settings.limits))
        print(render(record: record, view: view, hasData: stored != nil))
        ParkedNotice.printIfWaiting(settings.dataDirectory)
    }

    func render(record: UserRecord, view: AggregateView, hasData: Bool) -> String {
        var sections: [String] = []

        var header = TextTable([.left(""), .left("")])
        header.append(["User", "\(record.id)  \(Format.safe(record.name))"])
        header.append(["Created", record.createdAt])
        header.append(["Updated", view.updatedAt ?? (hasData ? "-" : "no data received yet")])
        sections.append(header.render(header: false))

        var totals = TextTable([.left("Totals"), .right("")], indent: "")
        for figure in PublishedFigure.allCases {
            let value =
                figure.unit == .minutes
                ? Format.duration(minutes: view.totals.amount(figure)) : Format.number(view.totals[figure])
            totals.append(["  " + figure.label, value])
        }
        sections.append(totals.render())

        var sources = TextTable([.left("Sources (doubly-reported figures)"), .left("")])
        for key in view.sources.keys.sorted() { sources.append(["  " + key, view.sources[key]!]) }
        sections.append(sources.render())

        let recent = view.days.suffix(days)
        var dayTable = TextTable(
            [
                .left("DATE"), .right("TOKENS"), .right("COST USD"), .right("ACTIVE TIME"),
                .right("LINES +"), .right("LINES -"),
            ], indent: "  ")
        for day in recent {
            let t = day.totals
            dayTable.append([
                day.day, String(t.allTokens), Format.usd(t.amount(.totalTokenCostUsd)),
                Format.duration(minutes: t.amount(.totalMinutes)),
                String(t.count(.totalLinesAdded)), String(t.count(.totalLinesRemoved)),
            ])
        }
        sections.append(
            "Days (\(recent.count) most recent of \(view.days.count))"
                + (recent.isEmpty ? "" : "\n" + dayTable.render()))

        var models = TextTable(
            [
                .left("MODEL"), .right("INPUT"), .right("OUTPUT"), .right("CACHE READ"),
                .right("CACHE CREATION"), .right("COST USD"), .right("REQUESTS"), .right("ERRORS"),
            ],
            indent: "  ")
        // The columns are the table's model figures, in its order.
        for m in view.models {
            let cells = PublishedFigure.modelFigures.map { figure in
                figure.unit == .usd ? Format.usd(m.figures.amount(figure)) : String(m.figures.count(figure))
            }
            models.append([Format.safe(m.name)] + cells)
        }
        sections.append("Models (tokens)" + (view.models.isEmpty ? ": none" : "\n" + models.render()))

        var tools = TextTable([.left("TOOL")] + ToolFigure.table.map { .right($0.column) }, indent: "  ")
        for t in view.tools { tools.append([Format.safe(t.name)] + ToolFigure.table.map { String(t.figures[$0]) }) }
        sections.append("Tools" + (view.tools.isEmpty ? ": none" : "\n" + tools.render()))

        var events = TextTable([.left("EVENT"), .right("COUNT")], indent: "  ")
        for e in view.events { events.append([Format.safe(e.name), String(e.count)]) }
        sections.append("Events" + (view.events.isEmpty ? ": none" : "\n" + events.render()))

        let r = view.received
        var received = TextTable([
            .left("Received"), .right("REQUESTS"), .right("APPLIED"), .right("REJECTED"),
            .right("DUPLICATE"),
        ])
        received.append([
            "  metrics (data points)", String(r.metricRequests), String(r.dataPointsApplied),
            String(r.dataPointsRejected), String(r.dataPointsDuplicate),
        ])
        received.append([
            "  logs (records)", String(r.logRequests), String(r.logRecordsApplied),
            String(r.logRecordsRejected), String(r.logRecordsDuplicate),
        ])
        sections.append(received.render())

        return sections.joined(separator: "\n\n")
    }
}
