import ArgumentParser
import TelemetryAdmin
import TelemetryRead
import TelemetryStore

/// Who can report, and who actually does: the last update and token total show at a glance
/// which users have a working setup.
struct UserList: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List users with their last update and total tokens.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print a JSON array.")
    var json = false

    func execute() throws {
        let settings = try store.settings()
        let summaries = try UserSummary.all(in: settings.dataDirectory, limits: settings.limits)
        if json {
            try Console.printJSON(summaries.map(Entry.init))
            return
        }
        if summaries.isEmpty {
            print("No users. Create one with `claude-telemetry user add --name NAME`.")
            ParkedNotice.printIfWaiting(settings.dataDirectory)
            return
        }
        var table = TextTable([.left("ID"), .left("NAME"), .left("CREATED"), .left("LAST UPDATE"), .right("TOTAL TOKENS")])
        for summary in summaries {
            table.append([
                summary.record.id, Format.safe(summary.record.name), summary.record.createdAt,
                summary.problem == nil ? summary.updatedAt ?? "-" : "unreadable",
                summary.totalTokens.map(String.init) ?? "-",
            ])
        }
        print(table.render())
        ParkedNotice.printIfWaiting(settings.dataDirectory)
        for summary in summaries {
            if let problem = summary.problem { Console.error(problem + " (run `claude-telemetry verify`)") }
        }
    }

    /// Absent values are written as null, so every entry has the same keys.
    struct Entry: Encodable {
        let summary: UserSummary

        enum Keys: String, CodingKey { case id, name, createdAt, updatedAt, totalTokens, problem }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(summary.record.id, forKey: .id)
            try c.encode(summary.record.name, forKey: .name)
            try c.encode(summary.record.createdAt, forKey: .createdAt)
            try c.encode(summary.updatedAt, forKey: .updatedAt)
            try c.encode(summary.totalTokens, forKey: .totalTokens)
            try c.encode(summary.problem, forKey: .problem)
        }
    }
}
