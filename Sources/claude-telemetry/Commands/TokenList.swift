import ArgumentParser
import TelemetryRead
import TelemetryStore

/// Names and creation times only: the tokens themselves were never stored.
struct TokenList: AdminCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List admin read tokens (names and creation times).")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print a JSON array of {name, createdAt}.")
    var json = false

    func execute() throws {
        let settings = try store.settings()
        let records = try AdminTokenStore(directory: settings.dataDirectory).list()
        if json {
            try Console.printJSON(records.map { Entry(name: $0.name, createdAt: $0.createdAt) })
            return
        }
        if records.isEmpty {
            print("No admin read tokens. Create one with `claude-telemetry token add --name NAME`.")
            return
        }
        var table = TextTable([.left("NAME"), .left("CREATED")])
        for record in records { table.append([Format.safe(record.name), record.createdAt]) }
        print(table.render())
    }

    struct Entry: Encodable {
        let name: String
        let createdAt: String
    }
}
